#include "api/Principal.h"

namespace vestnik {

QString roleName(Principal::Role role)
{
    switch (role) {
    case Principal::Role::Admin: return QStringLiteral("admin");
    case Principal::Role::Marketer: return QStringLiteral("marketer");
    case Principal::Role::Analyst: return QStringLiteral("analyst");
    }
    return QStringLiteral("unknown");
}

std::optional<Principal::Role> roleFromName(QStringView name)
{
    for (const Principal::Role role : {Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst}) {
        if (name == roleName(role))
            return role;
    }
    return std::nullopt;
}

QString Principal::describe() const
{
    if (kind == Kind::User)
        return QStringLiteral("user %1 (%2) of %3").arg(subject, roleName(role), issuer);
    return QStringLiteral("service %1 of %2").arg(subject, issuer);
}

} // namespace vestnik
