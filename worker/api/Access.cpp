#include "api/Access.h"

namespace vestnik {

namespace {

QString roleList(const QList<Principal::Role> &roles)
{
    QStringList names;
    for (const Principal::Role role : roles)
        names << roleName(role);
    return names.join(QStringLiteral(" or "));
}

} // namespace

Access Access::anyone()
{
    Access access;
    access.m_public = true;
    return access;
}

Access Access::roles(QList<Principal::Role> roles)
{
    return rolesOrScopes(std::move(roles), {});
}

Access Access::scopes(QStringList scopes)
{
    return rolesOrScopes({}, std::move(scopes));
}

Access Access::rolesOrScopes(QList<Principal::Role> roles, QStringList scopes)
{
    Access access;
    access.m_roles = std::move(roles);
    access.m_scopes = std::move(scopes);
    return access;
}

Access::Verdict Access::check(const Principal &principal) const
{
    if (m_public)
        return Verdict::Allowed;
    if (principal.isUser()) {
        if (m_roles.isEmpty())
            return Verdict::ServicesOnly;
        return m_roles.contains(principal.role) ? Verdict::Allowed : Verdict::RoleNotAllowed;
    }
    if (m_scopes.isEmpty())
        return Verdict::UsersOnly;
    for (const QString &scope : m_scopes) {
        if (principal.scopes.contains(scope))
            return Verdict::Allowed;
    }
    return Verdict::ScopeMissing;
}

QString Access::explain(Verdict verdict, const Principal &principal) const
{
    switch (verdict) {
    case Verdict::Allowed: return QString();
    case Verdict::RoleNotAllowed:
        return QStringLiteral("role %1 may not call this; it needs %2")
            .arg(roleName(principal.role), roleList(m_roles));
    case Verdict::ScopeMissing:
        return QStringLiteral("the token grants none of the scopes this needs: %1")
            .arg(m_scopes.join(QStringLiteral(", ")));
    case Verdict::UsersOnly: return QStringLiteral("this is for console users, not for services");
    case Verdict::ServicesOnly: return QStringLiteral("this is for services, not for console users");
    }
    return QString();
}

} // namespace vestnik
