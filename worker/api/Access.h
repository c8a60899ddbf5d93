#pragma once

#include "api/Principal.h"

#include <QList>
#include <QStringList>

namespace vestnik {

/// Who may call a route: anyone (no token needed), people with one of some roles, services with one of some
/// scopes, or either of the two. Roles are not ranked: a route lists every role it admits.
class Access final
{
public:
    /// Why a principal was refused (or not).
    enum class Verdict {
        Allowed,
        RoleNotAllowed, ///< a person whose role the route does not list
        ScopeMissing,   ///< a service without any of the route's scopes
        UsersOnly,      ///< a service on a route for people only
        ServicesOnly,   ///< a person on a route for services only
    };

    /// No authentication: the route answers anyone (health checks, token endpoints).
    static Access anyone();
    static Access roles(QList<Principal::Role> roles);
    static Access scopes(QStringList scopes);
    static Access rolesOrScopes(QList<Principal::Role> roles, QStringList scopes);

    bool isPublic() const { return m_public; }
    const QList<Principal::Role> &allowedRoles() const { return m_roles; }
    const QStringList &allowedScopes() const { return m_scopes; }

    Verdict check(const Principal &principal) const;
    /// A sentence for the error body, e.g. "role analyst may not call this; it needs admin or marketer".
    QString explain(Verdict verdict, const Principal &principal) const;

private:
    Access() = default;

    bool m_public = false;
    QList<Principal::Role> m_roles;
    QStringList m_scopes;
};

} // namespace vestnik
