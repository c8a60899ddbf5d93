#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace vestnik {

/// Who made an authenticated API request: a person of the console (with one role) or a service (with scopes),
/// as the access token of `issuer` says.
struct Principal final {
    enum class Kind { User, Service };
    /// What a person may do; services have scopes instead.
    enum class Role { Admin, Marketer, Analyst };

    Kind kind = Kind::Service;
    QString subject;           ///< `sub`: the user's or the service's id at its issuer
    Role role = Role::Analyst; ///< meaningful for users only
    QStringList scopes;        ///< `scope`, split on spaces; meaningful for services only
    QString issuer;            ///< `iss` of the token

    bool isUser() const { return kind == Kind::User; }
    bool hasScope(const QString &scope) const { return kind == Kind::Service && scopes.contains(scope); }
    /// "user alice (marketer) of <issuer>" / "service shop of <issuer>", for logs and audit entries.
    QString describe() const;
};

/// "admin", "marketer", "analyst".
QString roleName(Principal::Role role);
/// The role a `role` claim names (exact, lower case), if it is one.
std::optional<Principal::Role> roleFromName(QStringView name);

} // namespace vestnik
