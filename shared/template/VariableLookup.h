#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vestnik {

/// A variable's dotted path, split and UTF-8 encoded once at compile time (`товар.название` ->
/// {"товар", "название"}).
using VariablePath = std::vector<std::string>;

/// Where a render finds the values of variables. Implementations must not allocate on `find`.
class VariableLookup
{
public:
    virtual ~VariableLookup() = default;
    /// The value at `path`, or nullptr when there is none.
    virtual const nlohmann::json *find(const VariablePath &path) const = 0;
};

/// Layered JSON scopes searched in order, first match wins: e.g. campaign values, then event data, then
/// user attributes. The scopes are borrowed and must outlive the lookup.
class JsonScopes final : public VariableLookup
{
public:
    JsonScopes() = default;
    JsonScopes(std::initializer_list<const nlohmann::json *> scopes);

    /// Adds a scope searched after those already added (up to 8).
    void add(const nlohmann::json *scope);

    const nlohmann::json *find(const VariablePath &path) const override;

    /// The value at `path` inside one JSON value.
    static const nlohmann::json *resolve(const nlohmann::json &root, const VariablePath &path);

private:
    std::array<const nlohmann::json *, 8> m_scopes{};
    std::size_t m_count = 0;
};

} // namespace vestnik
