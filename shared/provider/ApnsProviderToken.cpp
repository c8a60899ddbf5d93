#include "provider/ApnsProviderToken.h"

#include "security/Jwt.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QJsonObject>

#include <algorithm>

namespace vestnik {

Result<ApnsProviderToken> ApnsProviderToken::fromP8(const QByteArray &p8Pem, QString teamId, QString keyId,
                                                    const Clock &clock, std::chrono::minutes refreshAfter)
{
    if (teamId.size() != 10 || keyId.size() != 10)
        return makeError(
            ErrorCode::InvalidConfig,
            QStringLiteral("APNs team id and key id are 10 characters each (got '%1' and '%2')").arg(teamId, keyId));
    Result<JwtKey> key = JwtKey::fromPem(p8Pem, JwtAlgorithm::ES256);
    if (!key)
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("APNs .p8 key: ") + key.error().message);
    return ApnsProviderToken(std::move(*key), std::move(teamId), std::move(keyId), clock, refreshAfter);
}

ApnsProviderToken::ApnsProviderToken(JwtKey key, QString teamId, QString keyId, const Clock &clock,
                                     std::chrono::minutes refreshAfter)
    : m_key(std::move(key)),
      m_teamId(std::move(teamId)),
      m_keyId(std::move(keyId)),
      m_clock(&clock),
      m_refreshAfter(std::clamp(refreshAfter, kMinimumAge, kMaximumAge))
{}

Result<QByteArray> ApnsProviderToken::current()
{
    const qint64 now = m_clock->nowMs();
    const qint64 age = now - m_issuedAtMs;
    const bool mayRenew = age >= std::chrono::milliseconds(kMinimumAge).count();
    const bool due = age >= std::chrono::milliseconds(m_refreshAfter).count();
    if (!m_token.isEmpty() && !(mayRenew && (due || m_rejected)))
        return m_token;
    const QJsonObject claims{{QStringLiteral("iss"), m_teamId}, {QStringLiteral("iat"), double(now / 1000)}};
    Result<QByteArray> token = Jwt::sign(claims, m_key, QJsonObject{{QStringLiteral("kid"), m_keyId}});
    if (!token)
        return token.error();
    m_token = *token;
    m_issuedAtMs = now;
    m_rejected = false;
    ++m_issued;
    qCInfo(lcProvider).noquote() << "new APNs provider token for team" << m_teamId << "key" << m_keyId;
    return m_token;
}

void ApnsProviderToken::rejected(const QByteArray &token)
{
    if (token == m_token)
        m_rejected = true;
}

} // namespace vestnik
