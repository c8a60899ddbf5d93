#include "store/RefreshTokenRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

const QString kColumns =
    QStringLiteral("token_hash, login, family_id, created_at, expires_at, revoked_at, replaced_by");

QVariant nullableBytes(const QByteArray &bytes)
{
    return bytes.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(bytes);
}

int rowsOf(QSqlQuery &query)
{
    const int rows = query.numRowsAffected();
    return rows < 0 ? 0 : rows;
}

} // namespace

RefreshTokenRepository::RefreshTokenRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

RefreshTokenRecord RefreshTokenRepository::recordFrom(const QSqlQuery &q)
{
    RefreshTokenRecord record;
    record.tokenHash = q.value(0).toByteArray();
    record.login = q.value(1).toString();
    record.familyId = q.value(2).toString();
    record.createdAtMs = q.value(3).toLongLong();
    record.expiresAtMs = q.value(4).toLongLong();
    record.revokedAtMs = sqlvalues::optionalInt64(q.value(5));
    record.replacedBy = q.value(6).isNull() ? QByteArray() : q.value(6).toByteArray();
    return record;
}

Result<void> RefreshTokenRepository::insert(const RefreshTokenRecord &record) const
{
    if (record.tokenHash.isEmpty() || record.login.isEmpty() || record.familyId.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a refresh token needs a hash, a login and a family"));
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO refresh_tokens (token_hash, login, family_id, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, ?)"),
        {record.tokenHash, record.login, record.familyId, m_clock.nowMs(), record.expiresAtMs},
        QStringLiteral("cannot store a refresh token of %1").arg(record.login));
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<RefreshTokenRecord>> RefreshTokenRepository::find(const QByteArray &tokenHash) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT ") + kColumns
                                             + QStringLiteral(" FROM refresh_tokens WHERE token_hash = ?"),
                                         {tokenHash}, QStringLiteral("cannot read a refresh token"));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<RefreshTokenRecord>();
    return std::optional<RefreshTokenRecord>(recordFrom(*q));
}

Result<bool> RefreshTokenRepository::rotate(const QByteArray &oldHash, const RefreshTokenRecord &successor) const
{
    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    // Conditional: of two refreshes with the same token only one finds it unrevoked (PostgreSQL re-checks the
    // condition after the other's commit), so a token is replaced at most once.
    Result<QSqlQuery> revoked =
        m_database.run(QStringLiteral("UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ?"
                                      " WHERE token_hash = ? AND revoked_at IS NULL"),
                       {m_clock.nowMs(), nullableBytes(successor.tokenHash), oldHash},
                       QStringLiteral("cannot rotate a refresh token"));
    if (!revoked)
        return revoked.error();
    if (rowsOf(*revoked) == 0)
        return false;
    revoked->finish();
    if (Result<void> inserted = insert(successor); !inserted)
        return inserted.error();
    if (Result<void> committed = tx.commit(); !committed)
        return committed.error();
    return true;
}

Result<int> RefreshTokenRepository::revokeFamily(const QString &familyId) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL"),
        {m_clock.nowMs(), familyId}, QStringLiteral("cannot revoke refresh token family %1").arg(familyId));
    if (!q)
        return q.error();
    return rowsOf(*q);
}

Result<int> RefreshTokenRepository::revokeForLogin(const QString &login) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE refresh_tokens SET revoked_at = ? WHERE login = ? AND revoked_at IS NULL"),
        {m_clock.nowMs(), login}, QStringLiteral("cannot revoke the refresh tokens of %1").arg(login));
    if (!q)
        return q.error();
    return rowsOf(*q);
}

Result<int> RefreshTokenRepository::removeExpired(qint64 beforeMs) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("DELETE FROM refresh_tokens WHERE expires_at < ?"), {beforeMs},
                                         QStringLiteral("cannot remove expired refresh tokens"));
    if (!q)
        return q.error();
    return rowsOf(*q);
}

} // namespace vestnik
