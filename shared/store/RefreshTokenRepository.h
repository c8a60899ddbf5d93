#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

class QSqlQuery;

namespace vestnik {

class Clock;
class Database;

/// One stored refresh token: only its hash is kept.
struct RefreshTokenRecord {
    QByteArray tokenHash; ///< SHA-256 of the token
    QString login;
    QString familyId; ///< the login session the token belongs to
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
    std::optional<qint64> revokedAtMs;
    QByteArray replacedBy; ///< hash of the token that replaced this one at a refresh (empty if none)

    bool wasRotated() const { return !replacedBy.isEmpty(); }
};

/// The console's refresh tokens, by hash, grouped in families (one per login session) for rotation with
/// reuse detection.
class RefreshTokenRepository final
{
public:
    RefreshTokenRepository(const Database &database, const Clock &clock);

    /// Stores a new token; its creation time is now.
    Result<void> insert(const RefreshTokenRecord &record) const;
    /// The token with this hash, or nothing.
    Result<std::optional<RefreshTokenRecord>> find(const QByteArray &tokenHash) const;
    /// Revokes the token `oldHash` as replaced by `successor` and stores the successor, in one transaction.
    /// Returns false (and stores nothing) when the old token was revoked already, e.g. by a concurrent refresh.
    Result<bool> rotate(const QByteArray &oldHash, const RefreshTokenRecord &successor) const;
    /// Revokes every token of the family that is not revoked yet; returns how many.
    Result<int> revokeFamily(const QString &familyId) const;
    /// Revokes every token of the user that is not revoked yet (password change, disabled user).
    Result<int> revokeForLogin(const QString &login) const;
    /// Deletes the tokens that expired before `beforeMs` (rotated ones are kept until then, for reuse detection).
    Result<int> removeExpired(qint64 beforeMs) const;

private:
    static RefreshTokenRecord recordFrom(const QSqlQuery &query);

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
