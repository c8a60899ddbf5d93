// The client credentials token source against vestnik-sim's Auth Service (real TLS, HTTP/2, client_secret_basic):
// a token is fetched once and cached, concurrent callers share one request (counted by the simulator), a refused
// token is dropped, a token near its expiry is renewed in the background; and every kind of failure says what went
// wrong: the OAuth error and description, an unreachable or silent endpoint, an answer that is not a token. Neither
// the secret nor a token reaches a log line.
#include "provider/ClientCredentialsTokenSource.h"

#include "AuthSim.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "util/Clock.h"

#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const QString kSecret = QStringLiteral("s3cret-of-the-worker");
// Characters that must be form-encoded in the Basic credentials (RFC 6749 2.3.1).
const QString kOddClient = QStringLiteral("svc:one");
const QString kOddSecret = QStringLiteral("p@ss w\u00f6rd&=%+");

QStringList s_log;
QtMessageHandler s_previous = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    s_log << message;
    if (s_previous)
        s_previous(type, context, message);
}

} // namespace

class ClientCredentialsTokenSourceTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void fetchesOnceAndCaches();
    void concurrentCallersShareOneRequest();
    void invalidateDropsOnlyTheRefusedToken();
    void renewsShortlyBeforeExpiry();
    void basicCredentialsAreFormEncoded();
    void oauthErrorsAreNamed_data();
    void oauthErrorsAreNamed();
    void unreachableEndpoint();
    void silentEndpointTimesOut();
    void answersThatAreNoToken_data();
    void answersThatAreNoToken();
    void nothingSecretIsLogged();

private:
    ClientCredentialsTokenSource::Options options(const QString &client = QStringLiteral("worker"),
                                                  const QString &secret = kSecret) const;
    Result<QByteArray> fetch(ClientCredentialsTokenSource &source);

    QTemporaryDir m_dir;
    std::unique_ptr<test::AuthSim> m_sim;
    QNetworkAccessManager m_network;
};

void ClientCredentialsTokenSourceTest::initTestCase()
{
    s_previous = qInstallMessageHandler(&captureLog);
    QVERIFY(m_dir.isValid());
    const QJsonObject config{
        {QStringLiteral("auth"),
         QJsonObject{
             {QStringLiteral("audience"), QStringLiteral("vestnik-worker")},
             {QStringLiteral("token_lifetime"), 600},
             {QStringLiteral("clients"),
              QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("worker")},
                                     {QStringLiteral("secret"), kSecret},
                                     {QStringLiteral("scopes"), QJsonArray{QStringLiteral("devices:read")}}},
                         QJsonObject{{QStringLiteral("id"), kOddClient},
                                     {QStringLiteral("secret"), kOddSecret},
                                     {QStringLiteral("scopes"), QJsonArray{QStringLiteral("devices:read")}}}}}}}};
    m_sim = std::make_unique<test::AuthSim>(m_dir.path(), config);
    QVERIFY2(m_sim->start(), qPrintable(m_sim->error()));
}

void ClientCredentialsTokenSourceTest::cleanupTestCase()
{
    if (m_sim)
        QVERIFY2(m_sim->stop(), qPrintable(m_sim->error()));
    qInstallMessageHandler(s_previous);
}

ClientCredentialsTokenSource::Options ClientCredentialsTokenSourceTest::options(const QString &client,
                                                                                const QString &secret) const
{
    ClientCredentialsTokenSource::Options o;
    o.tokenEndpoint = m_sim->auth().resolved(QUrl(QStringLiteral("/oauth2/token")));
    o.clientId = client;
    o.clientSecret = secret;
    o.scope = QStringLiteral("devices:read");
    o.caCertificates = QSslCertificate::fromPath(m_sim->caPath());
    o.refreshMargin = 60s;
    o.timeout = 10s;
    return o;
}

Result<QByteArray> ClientCredentialsTokenSourceTest::fetch(ClientCredentialsTokenSource &source)
{
    std::optional<Result<QByteArray>> result;
    source.token([&result](Result<QByteArray> token) { result = std::move(token); });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 15'000))
        return makeError(ErrorCode::Internal, QStringLiteral("the token source never called back"));
    return *result;
}

void ClientCredentialsTokenSourceTest::fetchesOnceAndCaches()
{
    ClientCredentialsTokenSource source(options(), m_network, SystemClock::instance());
    const int before = m_sim->counter(QStringLiteral("token_requests"));
    Result<QByteArray> first = fetch(source);
    VT_OK(first);
    QCOMPARE(first->count('.'), 2); // the simulator's ES256 JWT
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), before + 1);

    // Cached: the answer comes before token() returns, and the service is not asked again.
    bool answered = false;
    source.token([&](Result<QByteArray> token) {
        answered = true;
        QCOMPARE(token.valueOr({}), *first);
    });
    QVERIFY(answered);
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), before + 1);
    QCOMPARE(source.fetchCount(), 1);
}

void ClientCredentialsTokenSourceTest::concurrentCallersShareOneRequest()
{
    ClientCredentialsTokenSource source(options(), m_network, SystemClock::instance());
    const int before = m_sim->counter(QStringLiteral("token_requests"));
    constexpr int kCallers = 25;
    QList<QByteArray> tokens;
    for (int i = 0; i < kCallers; ++i)
        source.token([&tokens](Result<QByteArray> token) { tokens << token.valueOr(QByteArray("error")); });
    QVERIFY(tokens.isEmpty()); // nothing cached yet: all of them wait for the one fetch
    QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), kCallers, 15'000);
    QCOMPARE(tokens.count(tokens.constFirst()), kCallers);
    QVERIFY(tokens.constFirst() != "error");
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), before + 1);
    QCOMPARE(source.fetchCount(), 1);
}

void ClientCredentialsTokenSourceTest::invalidateDropsOnlyTheRefusedToken()
{
    ClientCredentialsTokenSource source(options(), m_network, SystemClock::instance());
    Result<QByteArray> first = fetch(source);
    VT_OK(first);
    const int before = m_sim->counter(QStringLiteral("token_requests"));

    source.invalidate("some-older-token"); // not the current one: nothing changes
    Result<QByteArray> same = fetch(source);
    VT_OK(same);
    QCOMPARE(*same, *first);
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), before);

    source.invalidate(*first); // a resource server refused it (401)
    Result<QByteArray> second = fetch(source);
    VT_OK(second);
    QVERIFY(*second != *first);
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), before + 1);
    QCOMPARE(source.fetchCount(), 2);
}

void ClientCredentialsTokenSourceTest::renewsShortlyBeforeExpiry()
{
    ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    ClientCredentialsTokenSource source(options(), m_network, clock);
    Result<QByteArray> first = fetch(source);
    VT_OK(first);
    const int before = m_sim->counter(QStringLiteral("token_requests"));

    clock.advance(539s); // the simulator's tokens live 600 s, the margin is 60 s: still fresh
    VT_OK(fetch(source));
    QCOMPARE(source.fetchCount(), 1);

    clock.advance(2s); // within the margin: the old token serves at once while a new one is fetched
    bool answered = false;
    source.token([&](Result<QByteArray> token) {
        answered = true;
        QCOMPARE(token.valueOr({}), *first);
    });
    QVERIFY(answered);
    QCOMPARE(source.fetchCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(m_sim->counter(QStringLiteral("token_requests")), before + 1, 15'000);
    QByteArray renewed; // once the answer is in, callers get the new token
    QTRY_VERIFY_WITH_TIMEOUT((renewed = fetch(source).valueOr({}), !renewed.isEmpty() && renewed != *first), 15'000);
    QCOMPARE(source.fetchCount(), 2);

    clock.advance(601s); // past the expiry of every token: callers wait for a new one
    bool waited = false;
    source.token([&](Result<QByteArray>) { waited = true; });
    QVERIFY(!waited);
    QTRY_VERIFY_WITH_TIMEOUT(waited, 15'000);
    QCOMPARE(source.fetchCount(), 3);
}

void ClientCredentialsTokenSourceTest::basicCredentialsAreFormEncoded()
{
    ClientCredentialsTokenSource source(options(kOddClient, kOddSecret), m_network, SystemClock::instance());
    VT_OK(fetch(source));
}

void ClientCredentialsTokenSourceTest::oauthErrorsAreNamed_data()
{
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("scope");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("wrong secret") << QStringLiteral("worker") << QStringLiteral("guess") << QString()
                                  << QStringList{QStringLiteral("refused client worker"),
                                                 QStringLiteral("invalid_client (HTTP 401)"),
                                                 QStringLiteral("wrong secret")};
    QTest::newRow("unknown client") << QStringLiteral("nobody") << kSecret << QString()
                                    << QStringList{QStringLiteral("refused client nobody"),
                                                   QStringLiteral("invalid_client")};
    QTest::newRow("scope not granted") << QStringLiteral("worker") << kSecret << QStringLiteral("events:write")
                                       << QStringList{QStringLiteral("invalid_scope (HTTP 400)"),
                                                      QStringLiteral("scope events:write is not granted to worker")};
}

void ClientCredentialsTokenSourceTest::oauthErrorsAreNamed()
{
    QFETCH(QString, client);
    QFETCH(QString, secret);
    QFETCH(QString, scope);
    QFETCH(QStringList, expected);
    ClientCredentialsTokenSource::Options o = options(client, secret);
    o.scope = scope;
    ClientCredentialsTokenSource source(o, m_network, SystemClock::instance());
    Result<QByteArray> token = fetch(source);
    QVERIFY(!token);
    for (const QString &part : std::as_const(expected))
        QVERIFY2(token.error().message.contains(part), qPrintable(token.error().message));
    QVERIFY(token.error().message.contains(o.tokenEndpoint.toString()));
    QVERIFY(!token.error().message.contains(secret));
    // A failure is not cached: the next caller asks again.
    VT_OK(ClientCredentialsTokenSource::validate(o));
    QVERIFY(!fetch(source));
    QCOMPARE(source.fetchCount(), 2);
}

void ClientCredentialsTokenSourceTest::unreachableEndpoint()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close(); // nothing listens there any more
    ClientCredentialsTokenSource::Options o = options();
    o.tokenEndpoint = QUrl(QStringLiteral("https://127.0.0.1:%1/oauth2/token").arg(port));
    ClientCredentialsTokenSource source(o, m_network, SystemClock::instance());
    Result<QByteArray> token = fetch(source);
    QVERIFY(!token);
    QVERIFY2(token.error().message.startsWith(QStringLiteral("cannot reach the token endpoint https://127.0.0.1:")),
             qPrintable(token.error().message));
    QVERIFY2(token.error().message.contains(QStringLiteral("refused")), qPrintable(token.error().message));
}

void ClientCredentialsTokenSourceTest::silentEndpointTimesOut()
{
    QTcpServer silent; // accepts connections and never says a word (not even a TLS handshake)
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    ClientCredentialsTokenSource::Options o = options();
    o.tokenEndpoint = QUrl(QStringLiteral("https://127.0.0.1:%1/oauth2/token").arg(silent.serverPort()));
    o.timeout = 300ms;
    ClientCredentialsTokenSource source(o, m_network, SystemClock::instance());
    Result<QByteArray> token = fetch(source);
    QVERIFY(!token);
    QCOMPARE(token.error().message,
             QStringLiteral("the token endpoint %1 did not answer within 300 ms").arg(o.tokenEndpoint.toString()));
}

void ClientCredentialsTokenSourceTest::answersThatAreNoToken_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");
    QTest::newRow("html") << QByteArray("<html>login</html>") << QStringLiteral("the body is not a JSON object");
    QTest::newRow("no token") << QByteArray(R"({"token_type":"Bearer","expires_in":60})")
                              << QStringLiteral("access_token is missing");
    QTest::newRow("not bearer") << QByteArray(R"({"access_token":"abc","token_type":"mac","expires_in":60})")
                                << QStringLiteral("token_type is \"mac\", not Bearer");
    QTest::newRow("negative lifetime") << QByteArray(R"({"access_token":"abc","token_type":"bearer","expires_in":-5})")
                                       << QStringLiteral("expires_in is not a positive number of seconds");
}

void ClientCredentialsTokenSourceTest::answersThatAreNoToken()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    // A plain-HTTP endpoint on loopback (allowed there) that answers 200 with the body of the row.
    QHttpServer server;
    server.route(QStringLiteral("/token"), QHttpServerRequest::Method::Post,
                 [body] { return QHttpServerResponse(QByteArrayLiteral("application/json"), body); });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    ClientCredentialsTokenSource::Options o = options();
    o.tokenEndpoint = QUrl(QStringLiteral("http://127.0.0.1:%1/token").arg(port));
    VT_OK(ClientCredentialsTokenSource::validate(o));
    ClientCredentialsTokenSource source(o, m_network, SystemClock::instance());
    Result<QByteArray> token = fetch(source);
    QVERIFY(!token);
    QCOMPARE(token.error().message, QStringLiteral("the token endpoint %1 answered without a usable token: %2")
                                        .arg(o.tokenEndpoint.toString(), expected));
}

void ClientCredentialsTokenSourceTest::nothingSecretIsLogged()
{
    // Every test above logged through the handler installed in initTestCase; one more fetch for good measure.
    ClientCredentialsTokenSource source(options(), m_network, SystemClock::instance());
    Result<QByteArray> token = fetch(source);
    VT_OK(token);
    QVERIFY(!s_log.isEmpty());
    const QString all = s_log.join(QLatin1Char('\n'));
    QVERIFY(all.contains(QStringLiteral("access token for client worker")));
    QVERIFY(!all.contains(kSecret));
    QVERIFY(!all.contains(kOddSecret));
    QVERIFY(!all.contains(QString::fromLatin1(*token)));

    QVERIFY(!ClientCredentialsTokenSource::validate(ClientCredentialsTokenSource::Options{}));
    ClientCredentialsTokenSource::Options plain = options();
    plain.tokenEndpoint = QUrl(QStringLiteral("http://auth.example.com/oauth2/token"));
    Result<void> refused = ClientCredentialsTokenSource::validate(plain);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(QStringLiteral("must be an https URL")));
}

QTEST_GUILESS_MAIN(ClientCredentialsTokenSourceTest)
#include "ClientCredentialsTokenSourceTest.moc"
