#pragma once

#include "security/AccessRights.h"
#include "util/Result.h"

#include <QList>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// A person who logs in to the console, without the password hash.
struct ConsoleUser {
    QString login;
    ConsoleRole role = ConsoleRole::Analyst;
    int failedAttempts = 0;              ///< consecutive failed logins since the last success or lock
    std::optional<qint64> lockedUntilMs; ///< logins are refused before this time
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> disabledAtMs;

    bool isDisabled() const { return disabledAtMs.has_value(); }
    bool isLockedAt(qint64 nowMs) const { return lockedUntilMs && *lockedUntilMs > nowMs; }
};

/// The console's users: password hashes, roles and the lockout counters. The hash is read back only by
/// credentials().
class ConsoleUserRepository final
{
public:
    /// A user with the stored password hash, for authentication only.
    struct Credentials {
        ConsoleUser user;
        QString passwordHash;
    };

    ConsoleUserRepository(const Database &database, const Clock &clock);

    /// Creates the user; Conflict when the login is taken.
    Result<void> create(const QString &login, const QString &passwordHash, ConsoleRole role) const;
    /// The user, or nothing.
    Result<std::optional<ConsoleUser>> find(const QString &login) const;
    /// The user with the password hash, or nothing.
    Result<std::optional<Credentials>> credentials(const QString &login) const;
    /// All users, by login.
    Result<QList<ConsoleUser>> list() const;
    /// How many users exist (disabled ones included).
    Result<qint64> count() const;
    /// How many enabled admins exist.
    Result<qint64> activeAdminCount() const;

    /// Replaces the password hash and clears the lockout; NotFound for an unknown login.
    Result<void> setPasswordHash(const QString &login, const QString &passwordHash) const;
    /// Changes the role; NotFound for an unknown login.
    Result<void> setRole(const QString &login, ConsoleRole role) const;
    /// Disables the user; false when it already was, NotFound for an unknown login.
    Result<bool> disable(const QString &login) const;
    /// Enables a disabled user again; false when it was not disabled, NotFound for an unknown login.
    Result<bool> enable(const QString &login) const;

    /// Counts a failed login in one statement (concurrent attempts all count): at the `maxAttempts`th
    /// consecutive failure the user is locked until `lockUntilMs` and the count starts again. Returns whether
    /// this failure locked the user; an unknown login changes nothing and returns false.
    Result<bool> recordFailedLogin(const QString &login, int maxAttempts, qint64 lockUntilMs) const;
    /// Clears the failure count and the lock after a successful login.
    Result<void> recordSuccessfulLogin(const QString &login) const;

private:
    static Result<ConsoleUser> userFrom(const QSqlQuery &query);
    Result<void> updateOne(const QString &sql, const QVariantList &values, const QString &what) const;
    /// After an UPDATE ... RETURNING of `login`: true when it changed the row, false when the row already was so,
    /// NotFound when there is no such user.
    Result<bool> changedOrFound(Result<QSqlQuery> &update, const QString &login, const QString &what) const;

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
