#pragma once

#include "security/JwtKeySet.h"
#include "security/JwtVerifier.h"
#include "store/SigningKeyRepository.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <chrono>

namespace vestnik {

class Clock;
class Database;
class Sealer;

/// How the worker's own access tokens look and how long its keys live.
struct TokenIssuerSettings {
    QString issuer = QStringLiteral("vestnik");   ///< `iss` of every token
    QString audience = QStringLiteral("vestnik"); ///< `aud` of every token
    std::chrono::seconds accessTokenLifetime{900};
    /// A key older than this is replaced by a new one at the next issue or refresh.
    std::chrono::seconds keyRotationAge{std::chrono::hours(24 * 30)};
    /// Clock skew tolerated when verifying; a replaced key keeps verifying for a token lifetime plus this.
    std::chrono::seconds leeway{60};
    /// How long the keys read from the database are trusted before they are read again (other workers may
    /// have rotated).
    std::chrono::seconds reloadInterval{60};
    /// At most one reload per this interval when a token names an unknown kid (forged kids cost no queries).
    std::chrono::seconds unknownKeyReloadInterval{10};
};

/// A signed access token and what the token response says about it.
struct AccessToken {
    QByteArray token;
    QString tokenId; ///< `jti`
    qint64 issuedAtMs = 0;
    qint64 expiresAtMs = 0;
    qint64 expiresInSeconds = 0;
};

/// Issues the worker's ES256 access tokens (RFC 9068 style: iss, sub, aud, iat, nbf, exp, jti, client_id, and
/// `role` for console users or `scope` for services) and keeps their signing keys: one current key and the
/// replaced ones that still verify, stored in the database with the private key sealed, shared by every worker
/// process on that database. When the current key is older than keyRotationAge the first worker to notice
/// creates the next one under a lock; the others find it there and use it. Thread-safe.
class TokenIssuer final
{
public:
    TokenIssuer(const Database &database, const Sealer &sealer, const Clock &clock,
                const TokenIssuerSettings &settings = {});
    ~TokenIssuer();
    Q_DISABLE_COPY_MOVE(TokenIssuer)

    const TokenIssuerSettings &settings() const { return m_settings; }

    /// Reads the keys from the database, creating the first key or rotating as due. Call at start (issue and
    /// verify also call it when the keys are older than reloadInterval).
    Result<void> refresh();

    /// A token for a console user with their role.
    Result<AccessToken> issueForUser(const QString &login, const QString &role);
    /// A token for a service client with the scopes granted to it.
    Result<AccessToken> issueForClient(const QString &clientId, const QStringList &scopes);

    /// Verifies one of our tokens (signature, kid, iss, aud, exp, nbf, iat); an unknown kid makes it read the
    /// keys again once in a while, so a key another worker just created is found.
    Result<Jwt> verify(const QByteArray &token, JwtVerifier::Failure *failure = nullptr);
    /// The public keys that still verify: what a JwtVerifier needs.
    JwtKeySet keys() const;
    /// A verifier with keys() and the rules our tokens follow (a snapshot: it does not see later rotations).
    JwtVerifier verifier() const;
    /// The JWK Set to publish (`{"keys":[...]}`), public parts only.
    QJsonObject jwks() const;
    /// The kid new tokens are signed with (empty before the first refresh).
    QString currentKeyId() const;

private:
    Result<AccessToken> issue(QJsonObject claims, const QString &subject);
    Result<void> ensureFreshLocked();
    Result<void> refreshLocked();
    Result<void> rotateLocked(qint64 nowMs);
    /// Reads the keys again after an unknown kid, unless that was done less than unknownKeyReloadInterval ago.
    bool reloadForUnknownKey();
    bool isCurrentDueLocked(qint64 nowMs) const;
    JwtKeySet keysLocked(qint64 nowMs) const;

    const Database &m_database;
    const Sealer &m_sealer;
    const Clock &m_clock;
    TokenIssuerSettings m_settings;

    mutable QMutex m_mutex;
    QList<SigningKeyRecord> m_keys; ///< newest first; the first one not retired signs
    qint64 m_loadedAtMs = 0;
    qint64 m_unknownKeyReloadAtMs = 0;
};

} // namespace vestnik
