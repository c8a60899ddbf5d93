#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vestnik::sim {

/// A parsed JSON text as a flat array of nodes that point into the text (no string is copied unless it has
/// escapes and is asked for). Built for the FCM hot path: nlohmann::json spent more time than everything else
/// per request (allocating every key and value); this parses a 350-byte message in well under a microsecond
/// and keeps its node array between requests.
class JsonTree final
{
public:
    enum class Type : uint8_t { Null, False, True, Number, String, Array, Object };
    static constexpr uint32_t kNone = 0xffffffffu;

    struct Node {
        Type type = Type::Null;
        bool hasEscapes = false; ///< a string with backslash escapes (decode it with string())
        uint32_t begin = 0;      ///< span in the text; strings without their quotes
        uint32_t end = 0;
        uint32_t firstChild = kNone; ///< arrays: first element; objects: first key; keys: their value
        uint32_t nextSibling = kNone;
        uint32_t childCount = 0; ///< elements of an array, members of an object
    };

    /// Parses `text` (which must outlive the tree); false on any syntax error, invalid UTF-8 or nesting
    /// deeper than 64 levels.
    bool parse(std::string_view text);

    const Node &root() const { return m_nodes.front(); }
    const Node &node(uint32_t index) const { return m_nodes[index]; }
    bool isValid(uint32_t index) const { return index != kNone; }

    /// The value of member `name` of an object (the first one of that name), or nullptr; `alternative` is a
    /// second accepted spelling (lowerCamelCase next to snake_case).
    const Node *member(const Node &object, std::string_view name, std::string_view alternative = {}) const;
    /// The value node of a key node.
    const Node &valueOf(const Node &key) const { return m_nodes[key.firstChild]; }
    /// The key node that follows `key` in its object, or nullptr.
    const Node *nextKey(const Node &key) const;
    const Node *firstKey(const Node &object) const;

    /// A string node's decoded text; `scratch` holds it when decoding was needed.
    std::string_view string(const Node &node, std::string &scratch) const;
    /// Whether a string node's decoded text equals `text`.
    bool equals(const Node &node, std::string_view text) const;
    /// The node as it appears in the text (strings with their quotes), for error messages.
    std::string_view source(const Node &node) const;
    /// Length of the node written compactly (no whitespace, escapes as given), optionally without one member.
    std::size_t compactSize(const Node &node, const Node *skippedKey = nullptr) const;
    /// An integral number node's value, if it is one and fits 64 bits.
    bool integer(const Node &node, long long &value) const;

private:
    uint32_t parseValue(int depth);
    uint32_t parseString();
    bool parseNumber();
    void skipSpace();
    uint32_t add(Type type, uint32_t begin);

    std::string_view m_text;
    std::size_t m_position = 0;
    std::vector<Node> m_nodes;
};

} // namespace vestnik::sim
