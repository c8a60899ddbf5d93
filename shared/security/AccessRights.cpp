#include "security/AccessRights.h"

namespace vestnik {

QString consoleRoleName(ConsoleRole role)
{
    switch (role) {
    case ConsoleRole::Admin: return QStringLiteral("admin");
    case ConsoleRole::Marketer: return QStringLiteral("marketer");
    case ConsoleRole::Analyst: return QStringLiteral("analyst");
    }
    return QStringLiteral("analyst");
}

std::optional<ConsoleRole> consoleRoleFromName(QStringView name)
{
    for (ConsoleRole role : {ConsoleRole::Admin, ConsoleRole::Marketer, ConsoleRole::Analyst}) {
        if (name == consoleRoleName(role))
            return role;
    }
    return std::nullopt;
}

const QStringList &serviceScopes()
{
    static const QStringList scopes{QStringLiteral("events:write"), QStringLiteral("devices:write"),
                                    QStringLiteral("devices:read"), QStringLiteral("track:write")};
    return scopes;
}

bool isServiceScope(QStringView scope)
{
    const QStringList &known = serviceScopes();
    return std::any_of(known.begin(), known.end(), [scope](const QString &s) { return scope == s; });
}

} // namespace vestnik
