#include "json/JsonTree.h"

namespace vestnik::sim {

namespace {

constexpr int kMaxDepth = 64;

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool readHex4(std::string_view text, std::size_t at, unsigned &value)
{
    if (at + 4 > text.size())
        return false;
    value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int digit = hexValue(text[at + i]);
        if (digit < 0)
            return false;
        value = value * 16 + unsigned(digit);
    }
    return true;
}

void appendUtf8(std::string &out, unsigned codePoint)
{
    if (codePoint < 0x80) {
        out += char(codePoint);
    } else if (codePoint < 0x800) {
        out += char(0xc0 | (codePoint >> 6));
        out += char(0x80 | (codePoint & 0x3f));
    } else if (codePoint < 0x10000) {
        out += char(0xe0 | (codePoint >> 12));
        out += char(0x80 | ((codePoint >> 6) & 0x3f));
        out += char(0x80 | (codePoint & 0x3f));
    } else {
        out += char(0xf0 | (codePoint >> 18));
        out += char(0x80 | ((codePoint >> 12) & 0x3f));
        out += char(0x80 | ((codePoint >> 6) & 0x3f));
        out += char(0x80 | (codePoint & 0x3f));
    }
}

// Length of a valid UTF-8 sequence starting with a byte >= 0x80, or 0.
std::size_t utf8Length(std::string_view text, std::size_t at)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    unsigned minimum = 0;
    unsigned codePoint = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        codePoint = lead & 0x1f;
        minimum = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        codePoint = lead & 0x0f;
        minimum = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        codePoint = lead & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (at + length > text.size())
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (byte(at + i) & 0x3f);
    }
    if (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
        return 0;
    return length;
}

} // namespace

uint32_t JsonTree::add(Type type, uint32_t begin)
{
    Node node;
    node.type = type;
    node.begin = begin;
    m_nodes.push_back(node);
    return uint32_t(m_nodes.size() - 1);
}

void JsonTree::skipSpace()
{
    while (m_position < m_text.size()) {
        const char c = m_text[m_position];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            return;
        ++m_position;
    }
}

bool JsonTree::parse(std::string_view text)
{
    m_text = text;
    m_position = 0;
    m_nodes.clear();
    if (text.size() >= kNone)
        return false;
    skipSpace();
    if (parseValue(0) == kNone)
        return false;
    skipSpace();
    return m_position == m_text.size();
}

uint32_t JsonTree::parseString()
{
    // m_position is on the opening quote
    const uint32_t index = add(Type::String, uint32_t(m_position + 1));
    std::size_t i = m_position + 1;
    bool hasEscapes = false;
    while (i < m_text.size()) {
        const auto c = static_cast<unsigned char>(m_text[i]);
        if (c == '"') {
            m_nodes[index].end = uint32_t(i);
            m_nodes[index].hasEscapes = hasEscapes;
            m_position = i + 1;
            return index;
        }
        if (c < 0x20)
            return kNone;
        if (c == '\\') {
            hasEscapes = true;
            if (i + 1 >= m_text.size())
                return kNone;
            const char escape = m_text[i + 1];
            if (escape == 'u') {
                unsigned unit = 0;
                if (!readHex4(m_text, i + 2, unit))
                    return kNone;
                i += 6;
                continue;
            }
            if (escape != '"' && escape != '\\' && escape != '/' && escape != 'b' && escape != 'f' && escape != 'n'
                && escape != 'r' && escape != 't')
                return kNone;
            i += 2;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t length = utf8Length(m_text, i);
            if (length == 0)
                return kNone;
            i += length;
            continue;
        }
        ++i;
    }
    return kNone;
}

bool JsonTree::parseNumber()
{
    std::size_t i = m_position;
    const auto digit = [this](std::size_t at) { return at < m_text.size() && m_text[at] >= '0' && m_text[at] <= '9'; };
    if (i < m_text.size() && m_text[i] == '-')
        ++i;
    if (!digit(i))
        return false;
    if (m_text[i] == '0')
        ++i;
    else
        while (digit(i))
            ++i;
    if (i < m_text.size() && m_text[i] == '.') {
        ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    if (i < m_text.size() && (m_text[i] == 'e' || m_text[i] == 'E')) {
        ++i;
        if (i < m_text.size() && (m_text[i] == '+' || m_text[i] == '-'))
            ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    m_position = i;
    return true;
}

uint32_t JsonTree::parseValue(int depth)
{
    if (m_position >= m_text.size() || depth > kMaxDepth)
        return kNone;
    const char c = m_text[m_position];
    const auto literal = [this](std::string_view word, Type type) {
        if (m_text.substr(m_position, word.size()) != word)
            return kNone;
        const uint32_t index = add(type, uint32_t(m_position));
        m_position += word.size();
        m_nodes[index].end = uint32_t(m_position);
        return index;
    };
    switch (c) {
    case '"': return parseString();
    case 't': return literal("true", Type::True);
    case 'f': return literal("false", Type::False);
    case 'n': return literal("null", Type::Null);
    case '[':
    case '{': {
        const bool isObject = c == '{';
        const uint32_t index = add(isObject ? Type::Object : Type::Array, uint32_t(m_position));
        ++m_position;
        skipSpace();
        const char close = isObject ? '}' : ']';
        uint32_t last = kNone;
        if (m_position < m_text.size() && m_text[m_position] == close) {
            ++m_position;
            m_nodes[index].end = uint32_t(m_position);
            return index;
        }
        for (;;) {
            uint32_t child = kNone;
            if (isObject) {
                if (m_position >= m_text.size() || m_text[m_position] != '"')
                    return kNone;
                child = parseString();
                if (child == kNone)
                    return kNone;
                skipSpace();
                if (m_position >= m_text.size() || m_text[m_position] != ':')
                    return kNone;
                ++m_position;
                skipSpace();
                const uint32_t value = parseValue(depth + 1);
                if (value == kNone)
                    return kNone;
                m_nodes[child].firstChild = value;
            } else {
                child = parseValue(depth + 1);
                if (child == kNone)
                    return kNone;
            }
            if (last == kNone)
                m_nodes[index].firstChild = child;
            else
                m_nodes[last].nextSibling = child;
            last = child;
            ++m_nodes[index].childCount;
            skipSpace();
            if (m_position >= m_text.size())
                return kNone;
            if (m_text[m_position] == ',') {
                ++m_position;
                skipSpace();
                continue;
            }
            if (m_text[m_position] != close)
                return kNone;
            ++m_position;
            m_nodes[index].end = uint32_t(m_position);
            return index;
        }
    }
    default: {
        const uint32_t index = add(Type::Number, uint32_t(m_position));
        if (!parseNumber())
            return kNone;
        m_nodes[index].end = uint32_t(m_position);
        return index;
    }
    }
}

const JsonTree::Node *JsonTree::firstKey(const Node &object) const
{
    return object.type == Type::Object && object.firstChild != kNone ? &m_nodes[object.firstChild] : nullptr;
}

const JsonTree::Node *JsonTree::nextKey(const Node &key) const
{
    return key.nextSibling != kNone ? &m_nodes[key.nextSibling] : nullptr;
}

const JsonTree::Node *JsonTree::member(const Node &object, std::string_view name, std::string_view alternative) const
{
    for (const Node *key = firstKey(object); key; key = nextKey(*key)) {
        if (equals(*key, name) || (!alternative.empty() && equals(*key, alternative)))
            return &m_nodes[key->firstChild];
    }
    return nullptr;
}

std::string_view JsonTree::string(const Node &node, std::string &scratch) const
{
    const std::string_view raw = m_text.substr(node.begin, node.end - node.begin);
    if (!node.hasEscapes)
        return raw;
    scratch.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            scratch += raw[i];
            continue;
        }
        const char escape = raw[++i];
        switch (escape) {
        case 'b': scratch += '\b'; break;
        case 'f': scratch += '\f'; break;
        case 'n': scratch += '\n'; break;
        case 'r': scratch += '\r'; break;
        case 't': scratch += '\t'; break;
        case 'u': {
            unsigned unit = 0;
            readHex4(raw, i + 1, unit);
            i += 4;
            unsigned low = 0;
            if (unit >= 0xd800 && unit <= 0xdbff && raw.substr(i + 1, 2) == "\\u" && readHex4(raw, i + 3, low)
                && low >= 0xdc00 && low <= 0xdfff) {
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                i += 6;
            }
            appendUtf8(scratch, unit);
            break;
        }
        default: scratch += escape; break;
        }
    }
    return scratch;
}

bool JsonTree::equals(const Node &node, std::string_view text) const
{
    if (node.type != Type::String)
        return false;
    if (!node.hasEscapes)
        return m_text.substr(node.begin, node.end - node.begin) == text;
    std::string scratch;
    return string(node, scratch) == text;
}

std::string_view JsonTree::source(const Node &node) const
{
    if (node.type == Type::String)
        return m_text.substr(node.begin - 1, node.end - node.begin + 2);
    return m_text.substr(node.begin, node.end - node.begin);
}

std::size_t JsonTree::compactSize(const Node &node, const Node *skippedKey) const
{
    switch (node.type) {
    case Type::String: return node.end - node.begin + 2;
    case Type::Array: {
        std::size_t size = 2;
        std::size_t count = 0;
        for (uint32_t child = node.firstChild; child != kNone; child = m_nodes[child].nextSibling, ++count)
            size += compactSize(m_nodes[child]);
        return size + (count > 0 ? count - 1 : 0);
    }
    case Type::Object: {
        std::size_t size = 2;
        std::size_t count = 0;
        for (const Node *key = firstKey(node); key; key = nextKey(*key)) {
            if (key == skippedKey)
                continue;
            size += compactSize(*key) + 1 + compactSize(valueOf(*key));
            ++count;
        }
        return size + (count > 0 ? count - 1 : 0);
    }
    default: return node.end - node.begin;
    }
}

bool JsonTree::integer(const Node &node, long long &value) const
{
    if (node.type != Type::Number)
        return false;
    const std::string_view text = source(node);
    std::size_t i = 0;
    const bool isNegative = !text.empty() && text[0] == '-';
    if (isNegative)
        ++i;
    if (i >= text.size())
        return false;
    unsigned long long magnitude = 0;
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false; // a fraction or an exponent: not an integer literal
        if (magnitude > (~0ULL - 9) / 10)
            return false;
        magnitude = magnitude * 10 + unsigned(text[i] - '0');
    }
    if (magnitude > (isNegative ? 9223372036854775808ULL : 9223372036854775807ULL))
        return false;
    value = isNegative ? -static_cast<long long>(magnitude - 1) - 1 : static_cast<long long>(magnitude);
    return true;
}

} // namespace vestnik::sim
