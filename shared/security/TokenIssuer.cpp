#include "security/TokenIssuer.h"

#include "security/Jwt.h"
#include "security/SecureRandom.h"
#include "store/Database.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QJsonArray>

namespace vestnik {

namespace {

constexpr int kKeyIdBytes = 12;
constexpr int kTokenIdBytes = 16;

qint64 milliseconds(std::chrono::seconds seconds)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(seconds).count();
}

} // namespace

TokenIssuer::TokenIssuer(const Database &database, const Sealer &sealer, const Clock &clock,
                         const TokenIssuerSettings &settings)
    : m_database(database), m_sealer(sealer), m_clock(clock), m_settings(settings)
{}

TokenIssuer::~TokenIssuer() = default;

Result<void> TokenIssuer::refresh()
{
    const QMutexLocker lock(&m_mutex);
    return refreshLocked();
}

bool TokenIssuer::isCurrentDueLocked(qint64 nowMs) const
{
    for (const SigningKeyRecord &record : m_keys) {
        if (!record.retiredAtMs)
            return nowMs - record.createdAtMs >= milliseconds(m_settings.keyRotationAge);
    }
    return true;
}

Result<void> TokenIssuer::ensureFreshLocked()
{
    const qint64 now = m_clock.nowMs();
    if (now - m_loadedAtMs < milliseconds(m_settings.reloadInterval) && now >= m_loadedAtMs && !isCurrentDueLocked(now))
        return {};
    return refreshLocked();
}

Result<void> TokenIssuer::refreshLocked()
{
    const qint64 now = m_clock.nowMs();
    const SigningKeyRepository repository(m_database, m_sealer);
    Result<QList<SigningKeyRecord>> keys = repository.usable(now);
    if (!keys)
        return keys.error();
    m_keys = std::move(*keys);
    m_loadedAtMs = now;
    if (!isCurrentDueLocked(now))
        return {};
    return rotateLocked(now);
}

Result<void> TokenIssuer::rotateLocked(qint64 nowMs)
{
    const SigningKeyRepository repository(m_database, m_sealer);
    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    if (Result<void> locked = repository.lockForRotation(); !locked)
        return locked.error();
    // Under the lock: another worker may have rotated since the keys were read.
    Result<QList<SigningKeyRecord>> keys = repository.usable(nowMs);
    if (!keys)
        return keys.error();
    m_keys = std::move(*keys);
    if (!isCurrentDueLocked(nowMs))
        return tx.commit();

    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    if (!key)
        return key.error();
    Result<QString> keyId = secureRandomToken(kKeyIdBytes);
    if (!keyId)
        return keyId.error();
    key->setKeyId(*keyId);
    const SigningKeyRecord created{*key, nowMs, std::nullopt};
    if (Result<void> inserted = repository.insert(created); !inserted)
        return inserted.error();
    // The replaced key verifies until the last token it signed has expired (plus the skew verifiers allow).
    const qint64 retireAt = nowMs + milliseconds(m_settings.accessTokenLifetime) + milliseconds(m_settings.leeway);
    QStringList replaced;
    for (SigningKeyRecord &record : m_keys) {
        if (record.retiredAtMs)
            continue;
        Result<bool> retired = repository.retire(record.key.keyId(), retireAt);
        if (!retired)
            return retired.error();
        record.retiredAtMs = retireAt;
        replaced << record.key.keyId();
    }
    if (Result<int> removed = repository.removeRetired(nowMs); !removed)
        return removed.error();
    if (Result<void> committed = tx.commit(); !committed)
        return committed.error();
    m_keys.prepend(created);
    qCInfo(lcSecurity).noquote() << "new JWT signing key" << *keyId
                                 << (replaced.isEmpty() ? QStringLiteral("(first key)")
                                                        : QStringLiteral("replaces ") + replaced.join(u','));
    return {};
}

Result<AccessToken> TokenIssuer::issue(QJsonObject claims, const QString &subject)
{
    if (subject.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an access token needs a subject"));
    JwtKey key;
    {
        const QMutexLocker lock(&m_mutex);
        if (Result<void> fresh = ensureFreshLocked(); !fresh)
            return fresh.error();
        for (const SigningKeyRecord &record : std::as_const(m_keys)) {
            if (!record.retiredAtMs) {
                key = record.key;
                break;
            }
        }
    }
    if (key.isNull())
        return makeError(ErrorCode::Internal, QStringLiteral("no current signing key"));
    Result<QString> tokenId = secureRandomToken(kTokenIdBytes);
    if (!tokenId)
        return tokenId.error();

    AccessToken token;
    token.tokenId = *tokenId;
    token.issuedAtMs = m_clock.nowMs();
    const qint64 iat = token.issuedAtMs / 1000;
    token.expiresInSeconds = m_settings.accessTokenLifetime.count();
    token.expiresAtMs = (iat + token.expiresInSeconds) * 1000;
    claims.insert(QStringLiteral("iss"), m_settings.issuer);
    claims.insert(QStringLiteral("sub"), subject);
    claims.insert(QStringLiteral("aud"), m_settings.audience);
    claims.insert(QStringLiteral("iat"), iat);
    claims.insert(QStringLiteral("nbf"), iat);
    claims.insert(QStringLiteral("exp"), iat + token.expiresInSeconds);
    claims.insert(QStringLiteral("jti"), token.tokenId);
    // RFC 9068: access tokens say what they are, so no other JWT of ours passes for one.
    Result<QByteArray> signed_ = Jwt::sign(claims, key, QJsonObject{{QStringLiteral("typ"), QStringLiteral("at+jwt")}});
    if (!signed_)
        return signed_.error();
    token.token = *signed_;
    return token;
}

Result<AccessToken> TokenIssuer::issueForUser(const QString &login, const QString &role)
{
    if (role.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a console user's token needs a role"));
    return issue(QJsonObject{{QStringLiteral("role"), role}}, login);
}

Result<AccessToken> TokenIssuer::issueForClient(const QString &clientId, const QStringList &scopes)
{
    if (scopes.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a service's token needs at least one scope"));
    return issue(
        QJsonObject{{QStringLiteral("scope"), scopes.join(QLatin1Char(' '))}, {QStringLiteral("client_id"), clientId}},
        clientId);
}

Result<Jwt> TokenIssuer::verify(const QByteArray &token, JwtVerifier::Failure *failure)
{
    {
        const QMutexLocker lock(&m_mutex);
        if (Result<void> fresh = ensureFreshLocked(); !fresh)
            qCWarning(lcSecurity).noquote() << "cannot reload the signing keys:" << fresh.error().toString();
    }
    JwtVerifier::Failure cause = JwtVerifier::Failure::None;
    Result<Jwt> verified = verifier().verify(token, &cause);
    if (!verified && cause == JwtVerifier::Failure::UnknownKey && reloadForUnknownKey())
        verified = verifier().verify(token, &cause);
    if (failure)
        *failure = cause;
    return verified;
}

bool TokenIssuer::reloadForUnknownKey()
{
    const QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock.nowMs();
    if (now - m_unknownKeyReloadAtMs < milliseconds(m_settings.unknownKeyReloadInterval)
        && now >= m_unknownKeyReloadAtMs)
        return false;
    m_unknownKeyReloadAtMs = now;
    if (Result<void> reloaded = refreshLocked(); !reloaded) {
        qCWarning(lcSecurity).noquote() << "cannot reload the signing keys:" << reloaded.error().toString();
        return false;
    }
    return true;
}

JwtKeySet TokenIssuer::keysLocked(qint64 nowMs) const
{
    JwtKeySet set;
    for (const SigningKeyRecord &record : m_keys) {
        if (record.isUsableAt(nowMs))
            set.add(record.key);
    }
    return set;
}

JwtKeySet TokenIssuer::keys() const
{
    const QMutexLocker lock(&m_mutex);
    return keysLocked(m_clock.nowMs());
}

JwtVerifier TokenIssuer::verifier() const
{
    JwtVerifier verifier(m_clock);
    verifier.setKeys(keys());
    JwtVerifier::Rules rules;
    rules.issuer = m_settings.issuer;
    rules.audiences = {m_settings.audience};
    rules.requireExpiry = true;
    rules.requireIssuedAt = true;
    rules.leeway = m_settings.leeway;
    rules.maxLifetime = m_settings.accessTokenLifetime;
    verifier.setRules(rules);
    return verifier;
}

QJsonObject TokenIssuer::jwks() const
{
    return keys().toJson();
}

QString TokenIssuer::currentKeyId() const
{
    const QMutexLocker lock(&m_mutex);
    for (const SigningKeyRecord &record : m_keys) {
        if (!record.retiredAtMs)
            return record.key.keyId();
    }
    return {};
}

} // namespace vestnik
