#include "apns/ApnsProviderTokenVerifier.h"

#include "apns/ApnsConnectionState.h"
#include "security/Jwt.h"

namespace vestnik::sim {

namespace {

bool keyAllowsTopic(const ApnsKey &key, const QString &topic)
{
    if (key.topics.isEmpty())
        return true;
    return std::any_of(key.topics.begin(), key.topics.end(), [&topic](const QString &allowed) {
        return topic == allowed || topic.startsWith(allowed + QLatin1Char('.'));
    });
}

} // namespace

QString ApnsProviderTokenVerifier::check(const QByteArray *authorization, const QString &topic,
                                         ApnsConnectionState &state, qint64 nowSeconds) const
{
    if (!authorization || authorization->size() <= 7 || qstrnicmp(authorization->constData(), "bearer ", 7) != 0)
        return QStringLiteral("MissingProviderToken");
    const QByteArray token = authorization->mid(7).trimmed();

    if (token == state.currentToken) {
        const auto key = m_keys.constFind(state.boundKeyId);
        if (key == m_keys.constEnd() || !keyAllowsTopic(*key, topic))
            return QStringLiteral("InvalidProviderToken");
        if (state.currentIssuedAt + kMaxAgeSeconds < nowSeconds)
            return QStringLiteral("ExpiredProviderToken");
        return {};
    }

    Result<Jwt> jwt = Jwt::parse(token);
    if (!jwt || jwt->algorithmName() != QStringLiteral("ES256"))
        return QStringLiteral("InvalidProviderToken");
    const QString keyId = jwt->keyId();
    const QString team = jwt->stringClaim(QStringLiteral("iss"));
    const std::optional<qint64> issuedAt = jwt->integerClaim(QStringLiteral("iat"));
    const auto key = m_keys.constFind(keyId);
    if (keyId.isEmpty() || team.isEmpty() || !issuedAt || key == m_keys.constEnd() || key->teamId != team
        || !key->publicKey.verify(jwt->signingInput(), jwt->signature()))
        return QStringLiteral("InvalidProviderToken");
    if (!state.boundTeam.isEmpty() && team != state.boundTeam)
        return QStringLiteral("InvalidProviderToken"); // one team per connection
    if (!state.boundKeyId.isEmpty() && keyId != state.boundKeyId)
        return QStringLiteral("UnrelatedKeyIdInToken");
    if (!key->servesEnvironment(m_environment))
        return QStringLiteral("BadEnvironmentKeyIdInToken");
    if (!keyAllowsTopic(*key, topic))
        return QStringLiteral("InvalidProviderToken");
    if (*issuedAt + kMaxAgeSeconds < nowSeconds)
        return QStringLiteral("ExpiredProviderToken");
    if (!state.currentToken.isEmpty() && *issuedAt < state.currentIssuedAt + kMinUpdateIntervalSeconds)
        return QStringLiteral("TooManyProviderTokenUpdates");

    state.boundTeam = team;
    state.boundKeyId = keyId;
    state.currentToken = token;
    state.currentIssuedAt = *issuedAt;
    return {};
}

} // namespace vestnik::sim
