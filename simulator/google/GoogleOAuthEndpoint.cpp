#include "google/GoogleOAuthEndpoint.h"

#include "SimLogging.h"
#include "security/Jwt.h"
#include "transport/FormData.h"
#include "transport/HttpRequest.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik::sim {

namespace {

const QString kJwtBearer = QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer");
const QString kBadSignature = QStringLiteral("Invalid JWT Signature.");
const QString kBadTimes = QStringLiteral("Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                                         "reasonable timeframe. Check your iat and exp values in the JWT claim.");
constexpr qint64 kMaxLifetimeSeconds = 3600;
constexpr qint64 kClockSkewSeconds = 60;

HttpResponse oauthError(int status, const QString &error, const QString &description)
{
    const QJsonObject body{{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}};
    HttpResponse response(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
    response.addHeader(QByteArrayLiteral("cache-control"), QByteArrayLiteral("no-store"));
    return response;
}

} // namespace

const QString GoogleOAuthEndpoint::kFcmScope = QStringLiteral("https://www.googleapis.com/auth/firebase.messaging");
const QString GoogleOAuthEndpoint::kCloudPlatformScope =
    QStringLiteral("https://www.googleapis.com/auth/cloud-platform");

GoogleOAuthEndpoint::GoogleOAuthEndpoint(AccessTokenStore &tokens, const Clock &clock)
    : m_tokens(tokens), m_clock(clock)
{}

void GoogleOAuthEndpoint::addServiceAccount(const ServiceAccount &account)
{
    m_accounts.insert(account.clientEmail, account);
}

HttpResponse GoogleOAuthEndpoint::handle(const HttpRequest &request)
{
    if (request.method != "POST")
        return oauthError(405, QStringLiteral("invalid_request"),
                          QStringLiteral("The token endpoint accepts POST only."));
    const QHash<QString, QString> form = FormData::parse(request.body);
    const QString grantType = form.value(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return oauthError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("Missing required parameter: grant_type"));
    if (grantType != kJwtBearer)
        return oauthError(400, QStringLiteral("unsupported_grant_type"),
                          QStringLiteral("Invalid grant_type: ") + grantType);
    const QString assertion = form.value(QStringLiteral("assertion"));
    if (assertion.isEmpty())
        return oauthError(400, QStringLiteral("invalid_request"),
                          QStringLiteral("Missing required parameter: assertion"));

    Result<Jwt> parsed = Jwt::parse(assertion.toLatin1());
    if (!parsed)
        return oauthError(400, QStringLiteral("invalid_grant"), kBadSignature);
    const Jwt &jwt = *parsed;
    const QString issuer = jwt.stringClaim(QStringLiteral("iss"));
    const auto account = m_accounts.constFind(issuer);
    if (account == m_accounts.constEnd())
        return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("The OAuth client was not found."));
    // The algorithm is pinned to the account's key (RS256): a token naming another one never reaches verify().
    if (jwt.algorithmName() != QStringLiteral("RS256")
        || (!jwt.keyId().isEmpty() && !account->privateKeyId.isEmpty() && jwt.keyId() != account->privateKeyId)
        || !account->publicKey.verify(jwt.signingInput(), jwt.signature()))
        return oauthError(400, QStringLiteral("invalid_grant"), kBadSignature);

    // aud must name the token endpoint: Google's own URLs, or this simulator's as the client addressed it.
    const QString own =
        QStringLiteral("https://%1%2")
            .arg(QString::fromLatin1(request.authority), QString::fromLatin1(request.pathOnly().toByteArray()));
    static const QStringList kGoogleAudiences = {QStringLiteral("https://oauth2.googleapis.com/token"),
                                                 QStringLiteral("https://accounts.google.com/o/oauth2/token"),
                                                 QStringLiteral("https://www.googleapis.com/oauth2/v4/token")};
    const QStringList audiences = jwt.audiences();
    if (audiences.size() != 1 || (!kGoogleAudiences.contains(audiences.constFirst()) && audiences.constFirst() != own))
        return oauthError(400, QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT: Failed audience check."));

    const qint64 now = m_clock.nowMs() / 1000;
    const std::optional<qint64> iat = jwt.integerClaim(QStringLiteral("iat"));
    const std::optional<qint64> exp = jwt.integerClaim(QStringLiteral("exp"));
    if (!iat || !exp || *exp <= *iat || *exp - *iat > kMaxLifetimeSeconds || *iat > now + kClockSkewSeconds
        || *exp <= now - kClockSkewSeconds)
        return oauthError(400, QStringLiteral("invalid_grant"), kBadTimes);

    const QStringList scopes = jwt.scopes();
    const bool scopesLookRight =
        !scopes.isEmpty() && std::all_of(scopes.begin(), scopes.end(), [](const QString &scope) {
            return scope.startsWith(QStringLiteral("https://www.googleapis.com/auth/"));
        });
    if (!scopesLookRight)
        return oauthError(400, QStringLiteral("invalid_scope"),
                          QStringLiteral("Invalid OAuth scope or ID token audience provided."));

    AccessTokenStore::Grant grant;
    grant.clientEmail = account->clientEmail.toUtf8();
    grant.projectId = account->projectId.toUtf8();
    grant.projectNumber = account->projectNumber.toUtf8();
    grant.scopes = scopes;
    grant.canSendFcm = scopes.contains(kFcmScope) || scopes.contains(kCloudPlatformScope);
    grant.expiresAtMs = m_clock.nowMs() + qint64(m_lifetimeSeconds) * 1000;
    const QByteArray token = m_tokens.issue(grant, m_clock.nowMs());
    qCDebug(lcSim) << "google: access token issued to" << issuer << "for" << m_lifetimeSeconds << "s";
    const QJsonObject body{{QStringLiteral("access_token"), QString::fromLatin1(token)},
                           {QStringLiteral("expires_in"), m_lifetimeSeconds},
                           {QStringLiteral("token_type"), QStringLiteral("Bearer")}};
    HttpResponse response(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
    response.addHeader(QByteArrayLiteral("cache-control"), QByteArrayLiteral("no-store"));
    return response;
}

} // namespace vestnik::sim
