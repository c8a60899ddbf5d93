#include "template/VariableLookup.h"

namespace vestnik {

JsonScopes::JsonScopes(std::initializer_list<const nlohmann::json *> scopes)
{
    for (const nlohmann::json *scope : scopes)
        add(scope);
}

void JsonScopes::add(const nlohmann::json *scope)
{
    if (scope && m_count < m_scopes.size())
        m_scopes[m_count++] = scope;
}

const nlohmann::json *JsonScopes::resolve(const nlohmann::json &root, const VariablePath &path)
{
    const nlohmann::json *node = &root;
    for (const std::string &segment : path) {
        if (!node->is_object())
            return nullptr;
        const auto it = node->find(segment);
        if (it == node->end())
            return nullptr;
        node = &*it;
    }
    return node;
}

const nlohmann::json *JsonScopes::find(const VariablePath &path) const
{
    for (std::size_t i = 0; i < m_count; ++i) {
        if (const nlohmann::json *value = resolve(*m_scopes[i], path))
            return value;
    }
    return nullptr;
}

} // namespace vestnik
