// The reference Auth Service of the shipped vestnik-sim, driven with curl: client credentials (RFC 6749 4.4) in
// both client authentication styles, the error bodies of RFC 6749 5.2 and RFC 6750 3, the JWK Set the worker
// verifies tokens with, and the device lookup backed by the virtual phone fleet.
#include "SimTestSupport.h"
#include "security/JwtKeySet.h"
#include "security/JwtVerifier.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik;
using namespace vestnik::test;

class AuthServiceTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void clientCredentialsIssueVerifiableJwts();
    void basicAuthenticationWorksToo();
    void tokenErrors_data();
    void tokenErrors();
    void metadataNamesTheEndpoints();
    void devicesOfAUser();
    void devicesNeedAValidTokenWithTheScope();

private:
    HttpExchange token(const QStringList &extra);
    QByteArray accessToken(const QString &client, const QString &secret);
    HttpExchange devices(const QString &user, const QByteArray &bearer);

    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
};

void AuthServiceTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"auth": {"audience": "vestnik-worker", "token_lifetime": 600,
                              "clients": [{"id": "worker", "secret": "s3cret", "scopes": ["devices:read", "events:write"]},
                                          {"id": "tracker", "secret": "t0ken", "scopes": ["track:write"]}]},
                     "fleet": {"users": [{"id": "user-1", "locale": "ru-RU", "timezone": "Europe/Moscow",
                                          "devices": [{"platform": "android", "token": "fcm-token-1", "app": "com.shop.app"},
                                                      {"platform": "ios", "app": "com.shop.app", "locale": "en-US",
                                                       "token": "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90"}]}]}})");
    config.close();
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName()}), qPrintable(m_sim->error()));
    QVERIFY(m_sim->auth.isValid());
}

void AuthServiceTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

HttpExchange AuthServiceTest::token(const QStringList &extra)
{
    return curl(m_sim->caPath,
                extra + QStringList{m_sim->auth.resolved(QUrl(QStringLiteral("/oauth2/token"))).toString()});
}

QByteArray AuthServiceTest::accessToken(const QString &client, const QString &secret)
{
    return token({QStringLiteral("-d"),
                  QStringLiteral("grant_type=client_credentials&client_id=%1&client_secret=%2").arg(client, secret)})
        .json()
        .value(QStringLiteral("access_token"))
        .toString()
        .toLatin1();
}

HttpExchange AuthServiceTest::devices(const QString &user, const QByteArray &bearer)
{
    QStringList arguments;
    if (!bearer.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("authorization: Bearer ") + QString::fromLatin1(bearer);
    arguments << m_sim->auth.resolved(QUrl(QStringLiteral("/v1/users/%1/devices").arg(user))).toString();
    return curl(m_sim->caPath, arguments);
}

void AuthServiceTest::clientCredentialsIssueVerifiableJwts()
{
    const HttpExchange reply = token(
        {QStringLiteral("-d"), QStringLiteral("grant_type=client_credentials&client_id=worker&client_secret=s3cret")});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.httpVersion, QStringLiteral("2"));
    QCOMPARE(reply.headers.value("cache-control"), QByteArray("no-store"));
    const QJsonObject body = reply.json();
    QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 600);
    QCOMPARE(body.value(QStringLiteral("scope")).toString(), QStringLiteral("devices:read events:write"));

    // the worker's way: fetch the JWK Set, verify with the key pinned by kid
    const HttpExchange jwks =
        curl(m_sim->caPath, {m_sim->auth.resolved(QUrl(QStringLiteral("/.well-known/jwks.json"))).toString()});
    QCOMPARE(jwks.status, 200);
    Result<JwtKeySet> keys = JwtKeySet::fromJson(jwks.body);
    QVERIFY2(keys, errorText(keys).constData());
    QCOMPARE(keys->keys().size(), 1);
    QCOMPARE(keys->keys().constFirst().algorithm(), JwtAlgorithm::ES256);
    QVERIFY(!jwks.body.contains("\"d\""));
    JwtVerifier verifier(SystemClock::instance());
    verifier.setKeys(*keys);
    JwtVerifier::Rules rules;
    rules.issuer = m_sim->auth.toString();
    rules.audiences = {QStringLiteral("vestnik-worker")};
    rules.anyOfScopes = {QStringLiteral("events:write")};
    rules.requireIssuedAt = true;
    verifier.setRules(rules);
    Result<Jwt> jwt = verifier.verify(body.value(QStringLiteral("access_token")).toString().toLatin1());
    QVERIFY2(jwt, errorText(jwt).constData());
    QCOMPARE(jwt->stringClaim(QStringLiteral("sub")), QStringLiteral("worker"));
    QCOMPARE(jwt->header().value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
    QCOMPARE(*jwt->integerClaim(QStringLiteral("exp")) - *jwt->integerClaim(QStringLiteral("iat")), 600);
    QVERIFY(!jwt->stringClaim(QStringLiteral("jti")).isEmpty());

    // a narrower scope on request
    const HttpExchange narrow = token(
        {QStringLiteral("-d"),
         QStringLiteral("grant_type=client_credentials&client_id=worker&client_secret=s3cret&scope=devices%3Aread")});
    QCOMPARE(narrow.json().value(QStringLiteral("scope")).toString(), QStringLiteral("devices:read"));
}

void AuthServiceTest::basicAuthenticationWorksToo()
{
    const HttpExchange reply = token({QStringLiteral("-u"), QStringLiteral("tracker:t0ken"), QStringLiteral("-d"),
                                      QStringLiteral("grant_type=client_credentials")});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QStringLiteral("scope")).toString(), QStringLiteral("track:write"));
}

void AuthServiceTest::tokenErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");
    QTest::newRow("wrong secret") << QStringList{QStringLiteral("-d"),
                                                 QStringLiteral(
                                                     "grant_type=client_credentials&client_id=worker&client_secret=no")}
                                  << 401 << QStringLiteral("invalid_client");
    QTest::newRow("unknown client") << QStringList{QStringLiteral("-u"), QStringLiteral("nobody:x"),
                                                   QStringLiteral("-d"),
                                                   QStringLiteral("grant_type=client_credentials")}
                                    << 401 << QStringLiteral("invalid_client");
    QTest::newRow("password grant") << QStringList{QStringLiteral("-u"), QStringLiteral("worker:s3cret"),
                                                   QStringLiteral("-d"),
                                                   QStringLiteral("grant_type=password&username=a&password=b")}
                                    << 400 << QStringLiteral("unsupported_grant_type");
    QTest::newRow("no grant type") << QStringList{QStringLiteral("-u"), QStringLiteral("worker:s3cret"),
                                                  QStringLiteral("-d"), QStringLiteral("x=1")}
                                   << 400 << QStringLiteral("invalid_request");
    QTest::newRow("scope not granted") << QStringList{QStringLiteral("-u"), QStringLiteral("tracker:t0ken"),
                                                      QStringLiteral("-d"),
                                                      QStringLiteral(
                                                          "grant_type=client_credentials&scope=devices%3Aread")}
                                       << 400 << QStringLiteral("invalid_scope");
    QTest::newRow("two authentications")
        << QStringList{QStringLiteral("-u"), QStringLiteral("worker:s3cret"), QStringLiteral("-d"),
                       QStringLiteral("grant_type=client_credentials&client_id=worker&client_secret=s3cret")}
        << 400 << QStringLiteral("invalid_request");
    QTest::newRow("GET") << QStringList{QStringLiteral("-G"), QStringLiteral("-d"),
                                        QStringLiteral("grant_type=client_credentials")}
                         << 405 << QStringLiteral("invalid_request");
}

void AuthServiceTest::tokenErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    QFETCH(QString, error);
    const HttpExchange reply = token(arguments);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), error);
    QVERIFY(!reply.json().value(QStringLiteral("error_description")).toString().isEmpty());
    QCOMPARE(reply.headers.contains("www-authenticate"), status == 401);
}

void AuthServiceTest::metadataNamesTheEndpoints()
{
    const HttpExchange reply =
        curl(m_sim->caPath,
             {m_sim->auth.resolved(QUrl(QStringLiteral("/.well-known/oauth-authorization-server"))).toString()});
    QCOMPARE(reply.status, 200);
    const QJsonObject metadata = reply.json();
    QCOMPARE(metadata.value(QStringLiteral("issuer")).toString(), m_sim->auth.toString());
    QCOMPARE(metadata.value(QStringLiteral("token_endpoint")).toString(),
             m_sim->auth.toString() + QStringLiteral("/oauth2/token"));
    QCOMPARE(metadata.value(QStringLiteral("jwks_uri")).toString(),
             m_sim->auth.toString() + QStringLiteral("/.well-known/jwks.json"));
}

void AuthServiceTest::devicesOfAUser()
{
    const HttpExchange reply =
        devices(QStringLiteral("user-1"), accessToken(QStringLiteral("worker"), QStringLiteral("s3cret")));
    QCOMPARE(reply.status, 200);
    const QJsonObject user = reply.json();
    QCOMPARE(user.value(QStringLiteral("user_id")).toString(), QStringLiteral("user-1"));
    QCOMPARE(user.value(QStringLiteral("locale")).toString(), QStringLiteral("ru-RU"));
    QCOMPARE(user.value(QStringLiteral("timezone")).toString(), QStringLiteral("Europe/Moscow"));
    const QJsonArray list = user.value(QStringLiteral("devices")).toArray();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("platform")).toString(), QStringLiteral("android"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("token")).toString(), QStringLiteral("fcm-token-1"));
    QCOMPARE(list.at(0).toObject().value(QStringLiteral("locale")).toString(), QStringLiteral("ru-RU"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("platform")).toString(), QStringLiteral("ios"));
    // APNs tokens are hexadecimal; the fleet keeps them in lower case, as APNs compares them
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("token")).toString(),
             QStringLiteral("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("locale")).toString(), QStringLiteral("en-US"));

    const HttpExchange missing =
        devices(QStringLiteral("user-404"), accessToken(QStringLiteral("worker"), QStringLiteral("s3cret")));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json().value(QStringLiteral("error")).toString(), QStringLiteral("not_found"));
}

void AuthServiceTest::devicesNeedAValidTokenWithTheScope()
{
    HttpExchange reply = devices(QStringLiteral("user-1"), QByteArray());
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.headers.value("www-authenticate"), QByteArray("Bearer realm=\"vestnik-sim\""));

    reply = devices(QStringLiteral("user-1"), "not-a-jwt");
    QCOMPARE(reply.status, 401);
    QVERIFY(reply.headers.value("www-authenticate").contains("error=\"invalid_token\""));
    QCOMPARE(reply.json().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));

    reply = devices(QStringLiteral("user-1"), accessToken(QStringLiteral("tracker"), QStringLiteral("t0ken")));
    QCOMPARE(reply.status, 403);
    QVERIFY(reply.headers.value("www-authenticate").contains("error=\"insufficient_scope\", "));
    QVERIFY(reply.headers.value("www-authenticate").contains("scope=\"devices:read\""));

    // a token that looks right but is signed by someone else's key with the service's kid
    const QByteArray genuine = accessToken(QStringLiteral("worker"), QStringLiteral("s3cret"));
    OpenSslTool openssl(m_dir.path());
    const QString rogue = openssl.generateEcKey(QStringLiteral("rogue.pem"));
    const QJsonObject header =
        QJsonDocument::fromJson(QByteArray::fromBase64(genuine.split('.').at(0), QByteArray::Base64UrlEncoding))
            .object();
    const QJsonObject claims =
        QJsonDocument::fromJson(QByteArray::fromBase64(genuine.split('.').at(1), QByteArray::Base64UrlEncoding))
            .object();
    reply = devices(QStringLiteral("user-1"), openssl.signJwt(rogue, header, claims));
    QCOMPARE(reply.status, 401);
    QVERIFY(reply.json().value(QStringLiteral("error_description")).toString().contains(QStringLiteral("signature")));
}

QTEST_GUILESS_MAIN(AuthServiceTest)
#include "AuthServiceTest.moc"
