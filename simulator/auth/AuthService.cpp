#include "auth/AuthService.h"

#include "SimLogging.h"
#include "fleet/Fleet.h"
#include "security/Jwt.h"
#include "transport/FormData.h"
#include "transport/HttpRequest.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace vestnik::sim {

namespace {

const QByteArray kRealm = QByteArrayLiteral("vestnik-sim");

HttpResponse json(int status, const QJsonObject &body)
{
    HttpResponse response(status, QJsonDocument(body).toJson(QJsonDocument::Compact),
                          QByteArrayLiteral("application/json"));
    response.addHeader(QByteArrayLiteral("cache-control"), QByteArrayLiteral("no-store"));
    return response;
}

HttpResponse oauthError(int status, const QString &error, const QString &description)
{
    HttpResponse response =
        json(status, {{QStringLiteral("error"), error}, {QStringLiteral("error_description"), description}});
    if (status == 401) // RFC 6749 5.2: a 401 names the scheme the client should authenticate with
        response.addHeader(QByteArrayLiteral("www-authenticate"), "Basic realm=\"" + kRealm + '"');
    return response;
}

// RFC 6750 3: the challenge carries the error (none when no token was sent at all).
HttpResponse bearerError(int status, const QString &error, const QString &description, const QString &scope = QString())
{
    QByteArray challenge = "Bearer realm=\"" + kRealm + '"';
    if (!error.isEmpty())
        challenge += ", error=\"" + error.toLatin1() + "\", error_description=\"" + description.toLatin1() + '"';
    if (!scope.isEmpty())
        challenge += ", scope=\"" + scope.toLatin1() + '"';
    HttpResponse response =
        json(status, {{QStringLiteral("error"), error.isEmpty() ? QStringLiteral("unauthorized") : error},
                      {QStringLiteral("error_description"), description}});
    response.addHeader(QByteArrayLiteral("www-authenticate"), challenge);
    return response;
}

} // namespace

const QString AuthService::kDevicesScope = QStringLiteral("devices:read");

AuthService::AuthService(const JwtKey &signingKey, const Fleet &fleet, const Clock &clock)
    : m_signingKey(signingKey), m_fleet(fleet), m_clock(clock), m_verifier(clock)
{
    m_verifier.addKey(m_signingKey.publicKey());
    updateRules();
}

void AuthService::setIssuer(const QString &issuer)
{
    m_issuer = issuer;
    updateRules();
}

void AuthService::setAudience(const QString &audience)
{
    m_audience = audience;
    updateRules();
}

void AuthService::updateRules()
{
    JwtVerifier::Rules rules;
    rules.issuer = m_issuer;
    rules.audiences = {m_audience};
    rules.anyOfScopes = {kDevicesScope};
    rules.requireIssuedAt = true;
    m_verifier.setRules(rules);
}

HttpResponse AuthService::handle(HttpRequest &request, ServerConnection &)
{
    const QString path = QString::fromUtf8(request.pathOnly().toByteArray());
    if (path == QStringLiteral("/oauth2/token")) {
        ++m_tokenRequests;
        if (request.method != "POST")
            return oauthError(405, QStringLiteral("invalid_request"),
                              QStringLiteral("the token endpoint accepts POST only"));
        return token(request);
    }
    if (request.method != "GET")
        return json(405, {{QStringLiteral("error"), QStringLiteral("method_not_allowed")}});
    if (path == QStringLiteral("/.well-known/jwks.json")) {
        ++m_jwksRequests;
        HttpResponse response(200, QJsonDocument(m_verifier.keys().toJson()).toJson(QJsonDocument::Compact),
                              QByteArrayLiteral("application/json"));
        response.addHeader(QByteArrayLiteral("cache-control"), QByteArrayLiteral("public, max-age=300"));
        return response;
    }
    if (path == QStringLiteral("/.well-known/oauth-authorization-server")
        || path == QStringLiteral("/.well-known/openid-configuration"))
        return metadata();
    static const QString kUsers = QStringLiteral("/v1/users/");
    static const QString kDevices = QStringLiteral("/devices");
    if (path.startsWith(kUsers) && path.endsWith(kDevices) && path.size() > kUsers.size() + kDevices.size()) {
        const QString id =
            QUrl::fromPercentEncoding(path.mid(kUsers.size(), path.size() - kUsers.size() - kDevices.size()).toUtf8());
        if (!id.contains(QLatin1Char('/'))) {
            ++m_deviceLookups;
            return devices(request, id);
        }
    }
    return json(404, {{QStringLiteral("error"), QStringLiteral("not_found")}});
}

QJsonObject AuthService::statusJson() const
{
    return QJsonObject{{QStringLiteral("token_requests"), double(m_tokenRequests)},
                       {QStringLiteral("tokens_issued"), double(m_issued)},
                       {QStringLiteral("device_lookups"), double(m_deviceLookups)},
                       {QStringLiteral("jwks_requests"), double(m_jwksRequests)}};
}

HttpResponse AuthService::metadata() const
{
    return json(200, {{QStringLiteral("issuer"), m_issuer},
                      {QStringLiteral("token_endpoint"), QString(m_issuer + QStringLiteral("/oauth2/token"))},
                      {QStringLiteral("jwks_uri"), QString(m_issuer + QStringLiteral("/.well-known/jwks.json"))},
                      {QStringLiteral("grant_types_supported"), QJsonArray{QStringLiteral("client_credentials")}},
                      {QStringLiteral("token_endpoint_auth_methods_supported"),
                       QJsonArray{QStringLiteral("client_secret_basic"), QStringLiteral("client_secret_post")}}});
}

HttpResponse AuthService::token(const HttpRequest &request)
{
    const QHash<QString, QString> form = FormData::parse(request.body);
    QString clientId = form.value(QStringLiteral("client_id"));
    QString secret = form.value(QStringLiteral("client_secret"));
    if (const QByteArray *authorization = request.header("authorization")) {
        if (!form.value(QStringLiteral("client_secret")).isEmpty())
            return oauthError(400, QStringLiteral("invalid_request"),
                              QStringLiteral("use one client authentication method, not two"));
        if (authorization->size() <= 6 || qstrnicmp(authorization->constData(), "basic ", 6) != 0)
            return oauthError(401, QStringLiteral("invalid_client"),
                              QStringLiteral("unsupported client authentication"));
        const QByteArray decoded = QByteArray::fromBase64(authorization->mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        // RFC 6749 2.3.1: both parts are form-urlencoded before they are joined
        clientId = QUrl::fromPercentEncoding(decoded.left(colon < 0 ? decoded.size() : colon));
        secret = colon < 0 ? QString() : QUrl::fromPercentEncoding(decoded.mid(colon + 1));
    }
    const QString grantType = form.value(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return oauthError(400, QStringLiteral("invalid_request"), QStringLiteral("grant_type is required"));
    if (grantType != QStringLiteral("client_credentials"))
        return oauthError(400, QStringLiteral("unsupported_grant_type"),
                          QStringLiteral("only client_credentials is supported, not %1").arg(grantType));
    const auto client = m_clients.constFind(clientId);
    if (clientId.isEmpty() || client == m_clients.constEnd() || client->secret != secret)
        return oauthError(401, QStringLiteral("invalid_client"), QStringLiteral("unknown client or wrong secret"));
    const QStringList asked = form.value(QStringLiteral("scope")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &scope : asked) {
        if (!client->scopes.contains(scope))
            return oauthError(400, QStringLiteral("invalid_scope"),
                              QStringLiteral("scope %1 is not granted to %2").arg(scope, clientId));
    }
    const QString scope = (asked.isEmpty() ? client->scopes : asked).join(QLatin1Char(' '));

    const qint64 now = m_clock.nowMs() / 1000;
    const QJsonObject claims{{QStringLiteral("iss"), m_issuer},
                             {QStringLiteral("sub"), clientId},
                             {QStringLiteral("aud"), m_audience},
                             {QStringLiteral("client_id"), clientId},
                             {QStringLiteral("scope"), scope},
                             {QStringLiteral("iat"), double(now)},
                             {QStringLiteral("exp"), double(now + m_lifetimeSeconds)},
                             {QStringLiteral("jti"), QStringLiteral("sim-%1-%2").arg(now).arg(++m_issued)}};
    Result<QByteArray> jwt = Jwt::sign(claims, m_signingKey, {{QStringLiteral("typ"), QStringLiteral("at+jwt")}});
    if (!jwt) {
        qCWarning(lcSim).noquote() << "auth: cannot sign a token:" << jwt.error().message;
        return oauthError(500, QStringLiteral("server_error"), QStringLiteral("cannot sign the token"));
    }
    HttpResponse response = json(200, {{QStringLiteral("access_token"), QString::fromLatin1(*jwt)},
                                       {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                       {QStringLiteral("expires_in"), m_lifetimeSeconds},
                                       {QStringLiteral("scope"), scope}});
    response.addHeader(QByteArrayLiteral("pragma"), QByteArrayLiteral("no-cache"));
    return response;
}

HttpResponse AuthService::devices(const HttpRequest &request, const QString &userId)
{
    const QByteArray *authorization = request.header("authorization");
    if (!authorization || authorization->size() <= 7 || qstrnicmp(authorization->constData(), "bearer ", 7) != 0)
        return bearerError(401, QString(), QStringLiteral("a bearer token is required"));
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    const Result<Jwt> verified = m_verifier.verify(authorization->mid(7).trimmed(), &failure);
    if (!verified) {
        if (failure == JwtVerifier::Failure::MissingScope)
            return bearerError(403, QStringLiteral("insufficient_scope"), verified.error().message, kDevicesScope);
        return bearerError(401, QStringLiteral("invalid_token"), verified.error().message);
    }
    const Fleet::User *user = m_fleet.user(userId);
    if (!user)
        return json(404, {{QStringLiteral("error"), QStringLiteral("not_found")},
                          {QStringLiteral("error_description"), QStringLiteral("no user %1").arg(userId)}});
    return json(200, m_fleet.userJson(*user));
}

} // namespace vestnik::sim
