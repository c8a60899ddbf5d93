#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace vestnik::sim {

/// Transparent hashing so per-token maps keyed by std::string can be searched with a string_view from the
/// request without building a string on every lookup.
struct TokenHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
};

} // namespace vestnik::sim
