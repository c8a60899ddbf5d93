#include "store/ConsoleUserRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

const QString kColumns =
    QStringLiteral("login, role, failed_attempts, locked_until, created_at, updated_at, disabled_at");

} // namespace

ConsoleUserRepository::ConsoleUserRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<ConsoleUser> ConsoleUserRepository::userFrom(const QSqlQuery &q)
{
    ConsoleUser user;
    user.login = q.value(0).toString();
    const std::optional<ConsoleRole> role = consoleRoleFromName(q.value(1).toString());
    if (!role)
        return makeError(
            ErrorCode::Database,
            QStringLiteral("console user %1 has an unknown role '%2'").arg(user.login, q.value(1).toString()));
    user.role = *role;
    user.failedAttempts = q.value(2).toInt();
    user.lockedUntilMs = sqlvalues::optionalInt64(q.value(3));
    user.createdAtMs = q.value(4).toLongLong();
    user.updatedAtMs = q.value(5).toLongLong();
    user.disabledAtMs = sqlvalues::optionalInt64(q.value(6));
    return user;
}

Result<void> ConsoleUserRepository::create(const QString &login, const QString &passwordHash, ConsoleRole role) const
{
    const QString what = QStringLiteral("cannot create console user %1").arg(login);
    if (login.isEmpty() || passwordHash.isEmpty())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": it needs a login and a password hash"));
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("INSERT INTO console_users (login, password_hash, role, created_at, updated_at)"
                                      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING RETURNING login"),
                       {login, passwordHash, consoleRoleName(role), now, now}, what);
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Conflict, what + QStringLiteral(": the login is taken"));
    return {};
}

Result<std::optional<ConsoleUser>> ConsoleUserRepository::find(const QString &login) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM console_users WHERE login = ?"),
                       {login}, QStringLiteral("cannot read console user %1").arg(login));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ConsoleUser>();
    Result<ConsoleUser> user = userFrom(*q);
    if (!user)
        return user.error();
    return std::optional<ConsoleUser>(std::move(*user));
}

Result<std::optional<ConsoleUserRepository::Credentials>> ConsoleUserRepository::credentials(const QString &login) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT ") + kColumns
                                             + QStringLiteral(", password_hash FROM console_users WHERE login = ?"),
                                         {login}, QStringLiteral("cannot read console user %1").arg(login));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Credentials>();
    Result<ConsoleUser> user = userFrom(*q);
    if (!user)
        return user.error();
    return std::optional<Credentials>(Credentials{std::move(*user), q->value(7).toString()});
}

Result<QList<ConsoleUser>> ConsoleUserRepository::list() const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM console_users ORDER BY login"), {},
                       QStringLiteral("cannot list console users"));
    if (!q)
        return q.error();
    QList<ConsoleUser> users;
    while (q->next()) {
        Result<ConsoleUser> user = userFrom(*q);
        if (!user)
            return user.error();
        users.append(std::move(*user));
    }
    return users;
}

Result<qint64> ConsoleUserRepository::count() const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT COUNT(*) FROM console_users"), {},
                                         QStringLiteral("cannot count console users"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<qint64> ConsoleUserRepository::activeAdminCount() const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT COUNT(*) FROM console_users WHERE role = ? AND disabled_at IS NULL"),
                       {consoleRoleName(ConsoleRole::Admin)}, QStringLiteral("cannot count console admins"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toLongLong() : 0;
}

Result<void> ConsoleUserRepository::updateOne(const QString &sql, const QVariantList &values, const QString &what) const
{
    Result<QSqlQuery> q = m_database.run(sql + QStringLiteral(" RETURNING login"), values, what);
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such user"));
    return {};
}

Result<void> ConsoleUserRepository::setPasswordHash(const QString &login, const QString &passwordHash) const
{
    if (passwordHash.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the password hash of %1 is empty").arg(login));
    return updateOne(QStringLiteral("UPDATE console_users SET password_hash = ?, failed_attempts = 0,"
                                    " locked_until = NULL, updated_at = ? WHERE login = ?"),
                     {passwordHash, m_clock.nowMs(), login},
                     QStringLiteral("cannot set the password of console user %1").arg(login));
}

Result<void> ConsoleUserRepository::setRole(const QString &login, ConsoleRole role) const
{
    return updateOne(QStringLiteral("UPDATE console_users SET role = ?, updated_at = ? WHERE login = ?"),
                     {consoleRoleName(role), m_clock.nowMs(), login},
                     QStringLiteral("cannot set the role of console user %1").arg(login));
}

Result<bool> ConsoleUserRepository::disable(const QString &login) const
{
    const QString what = QStringLiteral("cannot disable console user %1").arg(login);
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(QStringLiteral("UPDATE console_users SET disabled_at = ?, updated_at = ?"
                                                        " WHERE login = ? AND disabled_at IS NULL RETURNING login"),
                                         {now, now, login}, what);
    return changedOrFound(q, login, what);
}

Result<bool> ConsoleUserRepository::enable(const QString &login) const
{
    const QString what = QStringLiteral("cannot enable console user %1").arg(login);
    Result<QSqlQuery> q = m_database.run(QStringLiteral("UPDATE console_users SET disabled_at = NULL, updated_at = ?"
                                                        " WHERE login = ? AND disabled_at IS NOT NULL RETURNING login"),
                                         {m_clock.nowMs(), login}, what);
    return changedOrFound(q, login, what);
}

Result<bool> ConsoleUserRepository::changedOrFound(Result<QSqlQuery> &update, const QString &login,
                                                   const QString &what) const
{
    if (!update)
        return update.error();
    if (update->next())
        return true;
    update->finish();
    Result<std::optional<ConsoleUser>> existing = find(login);
    if (!existing)
        return existing.error();
    if (!existing->has_value())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such user"));
    return false;
}

Result<bool> ConsoleUserRepository::recordFailedLogin(const QString &login, int maxAttempts, qint64 lockUntilMs) const
{
    // The SET expressions all see the row as it was, so the count and the lock change together.
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE console_users SET"
                       " locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END,"
                       " failed_attempts = CASE WHEN failed_attempts + 1 >= ? THEN 0 ELSE failed_attempts + 1 END"
                       " WHERE login = ? RETURNING locked_until"),
        {maxAttempts, lockUntilMs, maxAttempts, login}, QStringLiteral("cannot count a failed login of %1").arg(login));
    if (!q)
        return q.error();
    return q->next() && sqlvalues::optionalInt64(q->value(0)) == lockUntilMs;
}

Result<void> ConsoleUserRepository::recordSuccessfulLogin(const QString &login) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("UPDATE console_users SET failed_attempts = 0, locked_until = NULL"
                                      " WHERE login = ? AND (failed_attempts <> 0 OR locked_until IS NOT NULL)"),
                       {login}, QStringLiteral("cannot record the login of %1").arg(login));
    if (!q)
        return q.error();
    return {};
}

} // namespace vestnik
