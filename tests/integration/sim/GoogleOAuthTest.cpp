// The shipped vestnik-sim's Google OAuth 2.0 token endpoint (JWT-bearer grant for service accounts), driven with
// curl and assertions signed by the openssl tool, checked against PROVIDERS.md section 2, and how FCM treats the
// tokens it issues.
#include "SimTestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik::test;

namespace {

const QString kProject = QStringLiteral("demo-project");
const QString kEmail = QStringLiteral("sender@demo-project.iam.gserviceaccount.com");
const QString kFcmScope = QStringLiteral("https://www.googleapis.com/auth/firebase.messaging");
const QByteArray kJwtBearer = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";

QJsonObject parse(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class GoogleOAuthTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void tokenGrantIssuesAccessToken();
    void tokenGrantErrors_data();
    void tokenGrantErrors();
    void tokenWithoutFcmScopeIsRefusedBySend();
    void expiredAccessTokenIsRefused();

private:
    QByteArray assertion(const QJsonObject &claimsOverride = {}, const QString &key = {}) const;
    QByteArray accessToken(const QString &scope = kFcmScope);
    HttpExchange token(const QByteArray &form);
    HttpExchange send(const QByteArray &body, const QString &project, const QByteArray &bearer);

    QTemporaryDir m_dir;
    std::unique_ptr<OpenSslTool> m_openssl;
    std::unique_ptr<SimProcess> m_sim;
    QString m_key;
    QString m_otherKey;
};

void GoogleOAuthTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = std::make_unique<OpenSslTool>(m_dir.path());
    m_key = m_openssl->generateRsaKey(QStringLiteral("sa.pem"));
    m_otherKey = m_openssl->generateRsaKey(QStringLiteral("other.pem"));
    QVERIFY(!m_key.isEmpty() && !m_otherKey.isEmpty());
    QFile account(m_dir.filePath(QStringLiteral("sa.json")));
    QVERIFY(account.open(QIODevice::WriteOnly));
    account.write(serviceAccountJson(m_key, kEmail, kProject, QStringLiteral("key-1"),
                                     QStringLiteral("https://oauth2.googleapis.com/token")));
    account.close();
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--service-account"), account.fileName()}), qPrintable(m_sim->error()));
}

void GoogleOAuthTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QByteArray GoogleOAuthTest::assertion(const QJsonObject &claimsOverride, const QString &key) const
{
    return serviceAccountAssertion(*m_openssl, key.isEmpty() ? m_key : key, kEmail, QStringLiteral("key-1"),
                                   claimsOverride);
}

HttpExchange GoogleOAuthTest::token(const QByteArray &form)
{
    return curl(m_sim->caPath, {QStringLiteral("--data-binary"), QString::fromLatin1(form),
                                m_sim->google.resolved(QUrl(QStringLiteral("/token"))).toString()});
}

QByteArray GoogleOAuthTest::accessToken(const QString &scope)
{
    const HttpExchange reply =
        token("grant_type=" + kJwtBearer + "&assertion=" + assertion({{QStringLiteral("scope"), scope}}));
    return reply.json().value(QStringLiteral("access_token")).toString().toLatin1();
}

HttpExchange GoogleOAuthTest::send(const QByteArray &body, const QString &project, const QByteArray &bearer)
{
    const QString url =
        m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/%1/messages:send").arg(project))).toString();
    return curl(m_sim->caPath,
                {QStringLiteral("-H"), QStringLiteral("authorization: Bearer ") + QString::fromLatin1(bearer),
                 QStringLiteral("--data-binary"), QString::fromUtf8(body), url});
}

void GoogleOAuthTest::tokenGrantIssuesAccessToken()
{
    const HttpExchange reply = token("grant_type=" + kJwtBearer + "&assertion=" + assertion());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.httpVersion, QStringLiteral("2"));
    const QJsonObject body = reply.json();
    QVERIFY(body.value(QStringLiteral("access_token")).toString().startsWith(QStringLiteral("ya29.")));
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 3599);
    QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(body.size(), 3);

    // aud may also be the simulator's own token URL, as a service-account file pointing at it says
    const QString own = m_sim->google.resolved(QUrl(QStringLiteral("/token"))).toString();
    QCOMPARE(token("grant_type=" + kJwtBearer + "&assertion=" + assertion({{QStringLiteral("aud"), own}})).status, 200);
}

void GoogleOAuthTest::tokenGrantErrors_data()
{
    QTest::addColumn<QByteArray>("form");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray badTimes =
        R"({"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."})";

    QTest::newRow("no grant_type")
        << QByteArray("assertion=" + assertion()) << 400
        << QByteArray(R"({"error":"invalid_request","error_description":"Missing required parameter: grant_type"})");
    QTest::newRow("client credentials")
        << QByteArray("grant_type=client_credentials") << 400
        << QByteArray(
               R"({"error":"unsupported_grant_type","error_description":"Invalid grant_type: client_credentials"})");
    QTest::newRow("no assertion")
        << QByteArray("grant_type=" + kJwtBearer) << 400
        << QByteArray(R"({"error":"invalid_request","error_description":"Missing required parameter: assertion"})");
    QTest::newRow("signed by another key")
        << QByteArray("grant_type=" + kJwtBearer + "&assertion=" + assertion({}, m_otherKey)) << 400
        << QByteArray(R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
    QTest::newRow("garbage assertion")
        << QByteArray("grant_type=" + kJwtBearer + "&assertion=not.a.jwt") << 400
        << QByteArray(R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
    QTest::newRow("unknown account")
        << QByteArray("grant_type=" + kJwtBearer + "&assertion="
                      + assertion({{QStringLiteral("iss"), QStringLiteral("who@x.iam.gserviceaccount.com")}}))
        << 401 << QByteArray(R"({"error":"invalid_client","error_description":"The OAuth client was not found."})");
    QTest::newRow("lives over an hour") << QByteArray(
        "grant_type=" + kJwtBearer + "&assertion=" + assertion({{QStringLiteral("exp"), double(now + 3700)}}))
                                        << 400 << badTimes;
    QTest::newRow("expired") << QByteArray(
        "grant_type=" + kJwtBearer + "&assertion="
        + assertion({{QStringLiteral("iat"), double(now - 7200)}, {QStringLiteral("exp"), double(now - 3600)}}))
                             << 400 << badTimes;
    QTest::newRow("issued in the future") << QByteArray(
        "grant_type=" + kJwtBearer + "&assertion="
        + assertion({{QStringLiteral("iat"), double(now + 600)}, {QStringLiteral("exp"), double(now + 1200)}}))
                                          << 400 << badTimes;
    QTest::newRow("wrong audience")
        << QByteArray("grant_type=" + kJwtBearer + "&assertion="
                      + assertion({{QStringLiteral("aud"), QStringLiteral("https://example.com/token")}}))
        << 400 << QByteArray(R"({"error":"invalid_grant","error_description":"Invalid JWT: Failed audience check."})");
    QTest::newRow("no scope")
        << QByteArray("grant_type=" + kJwtBearer + "&assertion=" + assertion({{QStringLiteral("scope"), QString()}}))
        << 400
        << QByteArray(
               R"({"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."})");
}

void GoogleOAuthTest::tokenGrantErrors()
{
    QFETCH(QByteArray, form);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const HttpExchange reply = token(form);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json(), parse(body));
    QVERIFY(reply.headers.value("content-type").startsWith("application/json"));
}

void GoogleOAuthTest::tokenWithoutFcmScopeIsRefusedBySend()
{
    const QByteArray emailOnly = accessToken(QStringLiteral("https://www.googleapis.com/auth/userinfo.email"));
    QVERIFY(!emailOnly.isEmpty());
    const HttpExchange reply = send(R"({"message":{"token":"abc"}})", kProject, emailOnly);
    QCOMPARE(reply.status, 403);
    QCOMPARE(
        reply.json(),
        parse(
            R"({"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED"}})"));
    // cloud-platform is as good as firebase.messaging
    QCOMPARE(send(R"({"message":{"token":"abc"}})", kProject,
                  accessToken(QStringLiteral("https://www.googleapis.com/auth/cloud-platform")))
                 .status,
             200);
}

void GoogleOAuthTest::expiredAccessTokenIsRefused()
{
    SimProcess shortLived(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(shortLived.start({QStringLiteral("--service-account"), m_dir.filePath(QStringLiteral("sa.json")),
                               QStringLiteral("--token-lifetime"), QStringLiteral("1")}),
             qPrintable(shortLived.error()));
    const HttpExchange grant =
        curl(shortLived.caPath, {QStringLiteral("--data-binary"),
                                 QString::fromLatin1("grant_type=" + kJwtBearer + "&assertion=" + assertion()),
                                 shortLived.google.resolved(QUrl(QStringLiteral("/token"))).toString()});
    QCOMPARE(grant.json().value(QStringLiteral("expires_in")).toInt(), 1);
    const QString bearer =
        QStringLiteral("authorization: Bearer ") + grant.json().value(QStringLiteral("access_token")).toString();
    const QString url =
        shortLived.google.resolved(QUrl(QStringLiteral("/v1/projects/demo-project/messages:send"))).toString();
    const auto sendStatus = [&] {
        return curl(shortLived.caPath, {QStringLiteral("-H"), bearer, QStringLiteral("--data-binary"),
                                        QStringLiteral(R"({"message":{"token":"a"}})"), url})
            .status;
    };
    QTRY_COMPARE_WITH_TIMEOUT(sendStatus(), 401, 5'000);
    QCOMPARE(shortLived.stop(), 0);
}

QTEST_GUILESS_MAIN(GoogleOAuthTest)
#include "GoogleOAuthTest.moc"
