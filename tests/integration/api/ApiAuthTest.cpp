// Bearer tokens against the API server over a real socket, with keys made in the test: the JWT attack list
// (RFC 8725) is refused with 401 invalid_token before any handler runs; roles and scopes decide 403s; the
// principal reaches the handler; keys rotate without a restart.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "security/Jwt.h"
#include "security/JwtKey.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace vestnik;
using test::RawClient;

class ApiAuthTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void attacksAreRefusedWith401_data();
    void attacksAreRefusedWith401();
    void missingOrForeignCredentialsAre401WithoutErrorCode_data();
    void missingOrForeignCredentialsAre401WithoutErrorCode();
    void validUserAndServiceTokensReachTheHandler();
    void rolesAndScopesDecide403_data();
    void rolesAndScopesDecide403();
    void publicRoutesIgnoreTokens();
    void rotatedKeysApplyWithoutRestart();
    void issuersWithoutAudienceOrKeysAreRefused();

private:
    QJsonObject claims(const QJsonObject &extra = {}) const;
    std::optional<test::RawResponse> call(const QByteArray &path, const QByteArray &authorization);

    ManualClock m_clock;
    JwtKey m_key;      ///< the trusted issuer's ES256 key, kid "k1"
    JwtKey m_otherKey; ///< an attacker's ES256 key
    JwtKey m_rsaKey;   ///< the second issuer's RS256 key, kid "r1"
    JwtKeySet m_keys;  ///< what the trusted issuer publishes now
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    int m_calls = 0;
    std::optional<Principal> m_seen;
};

namespace {

const QString kIssuer = QStringLiteral("https://auth.example");
const QString kRsaIssuer = QStringLiteral("https://other.example");
const QString kAudience = QStringLiteral("vestnik");

} // namespace

void ApiAuthTest::initTestCase()
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(key);
    m_key = *key;
    m_key.setKeyId(QStringLiteral("k1"));
    Result<JwtKey> other = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(other);
    m_otherKey = *other;
    Result<JwtKey> rsa = JwtKey::generate(JwtAlgorithm::RS256);
    VT_OK(rsa);
    m_rsaKey = *rsa;
    m_rsaKey.setKeyId(QStringLiteral("r1"));
}

void ApiAuthTest::init()
{
    m_keys = JwtKeySet();
    m_keys.add(m_key);
    m_server = std::make_unique<ApiServer>(test::testSettings(), m_clock);
    m_calls = 0;
    m_seen.reset();
    VT_OK(m_server->authenticator().addIssuer(TrustedIssuer{kIssuer, {kAudience}, [this] { return m_keys; }}));
    JwtKeySet rsaKeys;
    rsaKeys.add(m_rsaKey);
    VT_OK(m_server->authenticator().addIssuer(TrustedIssuer{kRsaIssuer, {kAudience}, [rsaKeys] { return rsaKeys; }}));
    const ApiServer::SyncHandler seen = [this](const ApiRequest &request) {
        ++m_calls;
        m_seen = request.principal;
        return ApiResponse::json(QJsonObject{{QStringLiteral("ok"), true}});
    };
    using Role = Principal::Role;
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/admin"), Access::roles({Role::Admin}), seen));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/events"), Access::scopes({QStringLiteral("events:write")}),
                             seen));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/devices"),
                             Access::rolesOrScopes({Role::Admin, Role::Marketer}, {QStringLiteral("devices:read")}),
                             seen));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/public"), Access::anyone(), seen));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, std::nullopt);
    VT_OK(url);
    m_port = quint16(url->port());
}

void ApiAuthTest::cleanup()
{
    m_server.reset();
}

QJsonObject ApiAuthTest::claims(const QJsonObject &extra) const
{
    const qint64 now = m_clock.nowMs() / 1000;
    QJsonObject claims{{QStringLiteral("iss"), kIssuer},
                       {QStringLiteral("aud"), kAudience},
                       {QStringLiteral("sub"), QStringLiteral("alice")},
                       {QStringLiteral("role"), QStringLiteral("admin")},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + 300}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        if (it.value().isNull())
            claims.remove(it.key());
        else
            claims.insert(it.key(), it.value());
    }
    return claims;
}

std::optional<test::RawResponse> ApiAuthTest::call(const QByteArray &path, const QByteArray &authorization)
{
    RawClient client;
    if (!client.connectTo(m_port))
        return std::nullopt;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isNull())
        headers.append({"Authorization", authorization});
    client.request("GET", path, {}, headers);
    return client.response();
}

void ApiAuthTest::attacksAreRefusedWith401_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("why");
    const qint64 now = m_clock.nowMs() / 1000;
    const QJsonObject good = claims();
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("ES256")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("kid"), QStringLiteral("k1")}};

    QJsonObject none = header;
    none.insert(QStringLiteral("alg"), QStringLiteral("none"));
    QTest::newRow("alg none") << test::forgeToken(none, good, QByteArray()) << QStringLiteral("algorithm");

    // HS256 keyed with the issuer's public key PEM: what a verifier that trusts the header's alg accepts.
    QJsonObject hmac = header;
    hmac.insert(QStringLiteral("alg"), QStringLiteral("HS256"));
    const QByteArray unsigned_ = test::forgeToken(hmac, good, QByteArray()).chopped(1);
    const QByteArray mac =
        QMessageAuthenticationCode::hash(unsigned_, m_key.publicKeyPem(), QCryptographicHash::Sha256);
    QTest::newRow("HS256 with the public key") << unsigned_ + '.' + base64UrlEncode(mac) << QStringLiteral("algorithm");

    // The RS256 issuer's kid, but an EC signature and alg: the key's pinned algorithm wins.
    JwtKey swapped = m_otherKey;
    swapped.setKeyId(QStringLiteral("r1"));
    QTest::newRow("algorithm swap") << test::signToken(claims({{QStringLiteral("iss"), kRsaIssuer}}), swapped)
                                    << QStringLiteral("algorithm");

    JwtKey unknown = m_otherKey;
    unknown.setKeyId(QStringLiteral("k-unknown"));
    QTest::newRow("unknown kid") << test::signToken(good, unknown) << QStringLiteral("key");

    JwtKey impostor = m_otherKey;
    impostor.setKeyId(QStringLiteral("k1"));
    QTest::newRow("signed by another key") << test::signToken(good, impostor) << QStringLiteral("bad_signature");

    QByteArray tampered = test::signToken(good, m_key);
    const qsizetype lastDot = tampered.lastIndexOf('.');
    QByteArray signature = *base64UrlDecode(QByteArrayView(tampered).sliced(lastDot + 1));
    signature[10] = char(signature[10] ^ 0x01);
    tampered = tampered.left(lastDot + 1) + base64UrlEncode(signature);
    QTest::newRow("bad signature") << tampered << QStringLiteral("bad_signature");

    QByteArray elevated = test::signToken(claims({{QStringLiteral("role"), QStringLiteral("analyst")}}), m_key);
    const QList<QByteArray> parts = elevated.split('.');
    elevated =
        parts.at(0) + '.' + base64UrlEncode(QJsonDocument(good).toJson(QJsonDocument::Compact)) + '.' + parts.at(2);
    QTest::newRow("claims swapped after signing") << elevated << QStringLiteral("bad_signature");

    QTest::newRow("expired") << test::signToken(
        claims({{QStringLiteral("iat"), now - 7200}, {QStringLiteral("exp"), now - 3600}}), m_key)
                             << QStringLiteral("expired");
    QTest::newRow("no expiry") << test::signToken(claims({{QStringLiteral("exp"), QJsonValue::Null}}), m_key)
                               << QStringLiteral("missing_claim");
    QTest::newRow("nbf in the future") << test::signToken(claims({{QStringLiteral("nbf"), now + 3600}}), m_key)
                                       << QStringLiteral("not valid yet");
    QTest::newRow("wrong aud") << test::signToken(claims({{QStringLiteral("aud"), QStringLiteral("billing")}}), m_key)
                               << QStringLiteral("audience");
    QTest::newRow("wrong iss") << test::signToken(
        claims({{QStringLiteral("iss"), QStringLiteral("https://evil.example")}}), m_key)
                               << QStringLiteral("not trusted");
    QTest::newRow("no iss") << test::signToken(claims({{QStringLiteral("iss"), QJsonValue::Null}}), m_key)
                            << QStringLiteral("no issuer");
    QTest::newRow("no sub") << test::signToken(claims({{QStringLiteral("sub"), QJsonValue::Null}}), m_key)
                            << QStringLiteral("no subject");
    QTest::newRow("unknown role") << test::signToken(claims({{QStringLiteral("role"), QStringLiteral("root")}}), m_key)
                                  << QStringLiteral("role root");
    QTest::newRow("malformed: two parts") << QByteArray("abc.def") << QStringLiteral("malformed");
    QTest::newRow("malformed: not base64") << QByteArray("a!b.c$d.e%f") << QStringLiteral("malformed");
    QTest::newRow("malformed: not json") << base64UrlEncode("x") + '.' + base64UrlEncode("y") + ".sig"
                                         << QStringLiteral("malformed");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
}

void ApiAuthTest::attacksAreRefusedWith401()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, why);
    const std::optional<test::RawResponse> response = call("/v1/admin", "Bearer " + token);
    QVERIFY(response);
    QCOMPARE(response->status, 401);
    QCOMPARE(response->errorCode(), QStringLiteral("invalid_token"));
    const QString message =
        response->json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(why), qPrintable(message));
    const QByteArray challenge = response->header("www-authenticate");
    QVERIFY2(challenge.startsWith("Bearer realm=\"vestnik\", error=\"invalid_token\", error_description=\""),
             challenge.constData());
    QVERIFY(!token.isEmpty() ? !challenge.contains(token) : true);
    QCOMPARE(m_calls, 0);
    QCOMPARE(m_server->counters().unauthenticated, 1u);
}

void ApiAuthTest::missingOrForeignCredentialsAre401WithoutErrorCode_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("none") << QByteArray();
    QTest::newRow("basic") << QByteArray("Basic YWxpY2U6c2VjcmV0");
}

void ApiAuthTest::missingOrForeignCredentialsAre401WithoutErrorCode()
{
    QFETCH(QByteArray, authorization);
    const std::optional<test::RawResponse> response = call("/v1/events", authorization);
    QVERIFY(response);
    QCOMPARE(response->status, 401);
    QCOMPARE(response->errorCode(), QStringLiteral("unauthenticated"));
    // RFC 6750 section 3.1: no error code when the request carried no token
    QCOMPARE(response->header("www-authenticate"), QByteArray("Bearer realm=\"vestnik\""));
    QCOMPARE(m_calls, 0);
}

void ApiAuthTest::validUserAndServiceTokensReachTheHandler()
{
    std::optional<test::RawResponse> response = call("/v1/admin", "Bearer " + test::signToken(claims(), m_key));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(m_seen);
    QCOMPARE(m_seen->kind, Principal::Kind::User);
    QCOMPARE(m_seen->subject, QStringLiteral("alice"));
    QCOMPARE(m_seen->role, Principal::Role::Admin);
    QCOMPARE(m_seen->issuer, kIssuer);

    // a service of the other issuer (RS256), aud as a list, within the leeway of an expired exp
    const qint64 now = m_clock.nowMs() / 1000;
    const QByteArray service =
        test::signToken(claims({{QStringLiteral("iss"), kRsaIssuer},
                                {QStringLiteral("sub"), QStringLiteral("shop-backend")},
                                {QStringLiteral("role"), QJsonValue::Null},
                                {QStringLiteral("aud"), QJsonArray{QStringLiteral("x"), kAudience}},
                                {QStringLiteral("scope"), QStringLiteral("devices:write events:write")},
                                {QStringLiteral("exp"), now - 10}}),
                        m_rsaKey);
    response = call("/v1/events", "Bearer " + service);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(m_seen->kind, Principal::Kind::Service);
    QCOMPARE(m_seen->subject, QStringLiteral("shop-backend"));
    QCOMPARE(m_seen->scopes, QStringList({QStringLiteral("devices:write"), QStringLiteral("events:write")}));
    QCOMPARE(m_calls, 2);
}

void ApiAuthTest::rolesAndScopesDecide403_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QJsonObject service{{QStringLiteral("role"), QJsonValue::Null},
                              {QStringLiteral("scope"), QStringLiteral("devices:read track:write")}};
    const QString forbidden = QStringLiteral("forbidden");
    const QString scope = QStringLiteral("insufficient_scope");
    auto as = [](const QString &role) { return QJsonObject{{QStringLiteral("role"), role}}; };
    QTest::newRow("analyst on admin") << QByteArray("/v1/admin") << as(QStringLiteral("analyst")) << 403 << forbidden;
    QTest::newRow("marketer on admin") << QByteArray("/v1/admin") << as(QStringLiteral("marketer")) << 403 << forbidden;
    QTest::newRow("admin on admin") << QByteArray("/v1/admin") << QJsonObject() << 200 << QString();
    QTest::newRow("service on admin") << QByteArray("/v1/admin") << service << 403 << forbidden;
    QTest::newRow("user on events") << QByteArray("/v1/events") << QJsonObject() << 403 << forbidden;
    QTest::newRow("service without scope") << QByteArray("/v1/events") << service << 403 << scope;
    QTest::newRow("marketer on devices") << QByteArray("/v1/devices") << as(QStringLiteral("marketer")) << 200
                                         << QString();
    QTest::newRow("analyst on devices") << QByteArray("/v1/devices") << as(QStringLiteral("analyst")) << 403
                                        << forbidden;
    QTest::newRow("service with scope on devices") << QByteArray("/v1/devices") << service << 200 << QString();
}

void ApiAuthTest::rolesAndScopesDecide403()
{
    QFETCH(QByteArray, path);
    QFETCH(QJsonObject, extra);
    QFETCH(int, status);
    QFETCH(QString, code);
    const std::optional<test::RawResponse> response = call(path, "Bearer " + test::signToken(claims(extra), m_key));
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->errorCode(), code);
    QCOMPARE(m_calls, status == 200 ? 1 : 0);
    if (code == QStringLiteral("insufficient_scope"))
        QCOMPARE(response->header("www-authenticate"),
                 QByteArray("Bearer realm=\"vestnik\", error=\"insufficient_scope\", scope=\"events:write\""));
}

void ApiAuthTest::publicRoutesIgnoreTokens()
{
    const std::optional<test::RawResponse> response = call("/v1/public", "Bearer not-even-a-token");
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(!m_seen);
}

void ApiAuthTest::rotatedKeysApplyWithoutRestart()
{
    const QByteArray before = test::signToken(claims(), m_key);
    QCOMPARE(call("/v1/admin", "Bearer " + before)->status, 200);
    // The issuer rotates: k2 replaces k1 in its published set.
    JwtKey next = m_otherKey;
    next.setKeyId(QStringLiteral("k2"));
    m_keys = JwtKeySet();
    m_keys.add(next);
    QCOMPARE(call("/v1/admin", "Bearer " + before)->status, 401);
    QCOMPARE(call("/v1/admin", "Bearer " + test::signToken(claims(), next))->status, 200);
}

void ApiAuthTest::issuersWithoutAudienceOrKeysAreRefused()
{
    Authenticator authenticator(m_clock);
    VT_FAILS_WITH(authenticator.addIssuer(TrustedIssuer{kIssuer, {}, [this] { return m_keys; }}),
                  ErrorCode::InvalidArgument);
    VT_FAILS_WITH(authenticator.addIssuer(TrustedIssuer{kIssuer, {kAudience}, {}}), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(authenticator.addIssuer(TrustedIssuer{QString(), {kAudience}, [this] { return m_keys; }}),
                  ErrorCode::InvalidArgument);
    QVERIFY(!authenticator.hasIssuers());
}

QTEST_GUILESS_MAIN(ApiAuthTest)
#include "ApiAuthTest.moc"
