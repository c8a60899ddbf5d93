// The connection guard under QHttpServer, proven over real sockets: what it refuses (431, 413, 411, 400, 501,
// 408) is answered and closed and never reaches QHttpServer or a handler, even when the refused bytes hold a
// request; slow and idle clients are cut; the connection cap holds; what it lets through is parsed exactly
// as QHttpServer parses it (boundaries of trickled bodies, keep-alive, 100-continue).
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

using namespace vestnik;
using test::RawClient;
using namespace std::chrono_literals;

class ApiGuardTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void oversizedHeadIs431_data();
    void oversizedHeadIs431();
    void oversizedBodyIs413AndItsBytesAreNeverParsed();
    void chunkedBodyIs411();
    void malformedHeadsAre400Or501_data();
    void malformedHeadsAre400Or501();
    void slowlorisHeadIs408();
    void bodyThatNeverComesIs408();
    void idleConnectionsAreClosed();
    void connectionCapRefusesAndRecovers();
    void trickledBodiesKeepRequestBoundaries();
    void expectContinueGetsAnInterimAnswer();
    void pipelinedRequestsInOneChunkAreRefused();
    void requestSentWhileAnAnswerIsPendingClosesAfterIt();

private:
    /// The handler's count must not move: refused bytes never reached it.
    void expectRefusal(RawClient &client, int status, const QString &code);

    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    int m_calls = 0;
    QByteArray m_lastBody;
    std::optional<ApiReply> m_held;
};

namespace {

constexpr int kMaxBody = 4096;
constexpr auto kRequestTimeout = 400ms;
constexpr auto kIdleTimeout = 1500ms;
constexpr int kMaxConnections = 4;

} // namespace

void ApiGuardTest::init()
{
    ApiServer::Settings settings = test::testSettings();
    settings.limits.maxBodyBytes = kMaxBody;
    settings.limits.requestTimeout = kRequestTimeout;
    settings.limits.idleTimeout = kIdleTimeout;
    settings.maxConnections = kMaxConnections;
    m_server = std::make_unique<ApiServer>(settings, SystemClock::instance());
    m_calls = 0;
    const ApiServer::SyncHandler count = [this](const ApiRequest &request) {
        ++m_calls;
        m_lastBody = request.body;
        return ApiResponse::json(QJsonObject{{QStringLiteral("bytes"), int(request.body.size())}});
    };
    VT_OK(m_server->addRoute("GET", QStringLiteral("/count"), Access::anyone(), count));
    VT_OK(m_server->addRoute("POST", QStringLiteral("/count"), Access::anyone(), count));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/held"), Access::anyone(),
                             ApiServer::Handler([this](const ApiRequest &, ApiReply reply) {
                                 ++m_calls;
                                 m_held = reply;
                             })));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, std::nullopt);
    VT_OK(url);
    m_port = quint16(url->port());
}

void ApiGuardTest::cleanup()
{
    m_held.reset();
    m_server.reset();
}

void ApiGuardTest::expectRefusal(RawClient &client, int status, const QString &code)
{
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY2(response, client.pending().constData());
    QCOMPARE(response->status, status);
    QCOMPARE(response->errorCode(), code);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QVERIFY(!response->header("x-request-id").isEmpty());
    QVERIFY(client.waitClosed());
    // nothing after the refusal: QHttpServer answered nothing of what followed
    QVERIFY2(client.pending().isEmpty(), client.pending().constData());
    QCOMPARE(m_calls, 0);
    QVERIFY(m_server->counters().guardRejections >= 1);
}

void ApiGuardTest::oversizedHeadIs431_data()
{
    QTest::addColumn<int>("pieces");
    QTest::newRow("one write") << 1;
    QTest::newRow("in pieces") << 8;
}

void ApiGuardTest::oversizedHeadIs431()
{
    QFETCH(int, pieces);
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    const QByteArray head = "GET /count HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(17 * 1024, 'a') + "\r\n\r\n";
    const qsizetype piece = head.size() / pieces + 1;
    for (qsizetype at = 0; at < head.size(); at += piece) {
        client.send(head.mid(at, piece));
        QTest::qWait(5); // separate reads on the server
    }
    expectRefusal(client, 431, QStringLiteral("headers_too_large"));
}

void ApiGuardTest::oversizedBodyIs413AndItsBytesAreNeverParsed()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    // The body is sent at once, and it is itself a request: neither may reach QHttpServer.
    QByteArray smuggled;
    while (smuggled.size() < 2 * kMaxBody)
        smuggled += "GET /count HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(smuggled.size()) + "\r\n\r\n"
                + smuggled);
    expectRefusal(client, 413, QStringLiteral("payload_too_large"));
}

void ApiGuardTest::chunkedBodyIs411()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.send("POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    expectRefusal(client, 411, QStringLiteral("length_required"));
}

void ApiGuardTest::malformedHeadsAre400Or501_data()
{
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QString bad = QStringLiteral("bad_request");
    QTest::newRow("no version") << QByteArray("GET /count\r\n\r\n") << 400 << bad;
    QTest::newRow("absolute form") << QByteArray("GET http://x/count HTTP/1.1\r\n\r\n") << 400 << bad;
    QTest::newRow("http/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 501
                                    << QStringLiteral("not_implemented");
    QTest::newRow("letters in length") << QByteArray("POST /count HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n") << 400
                                       << bad;
    QTest::newRow("two lengths") << QByteArray(
        "POST /count HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                                 << 400 << bad;
    QTest::newRow("folded header") << QByteArray("GET /count HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n") << 400 << bad;
    QTest::newRow("no colon") << QByteArray("GET /count HTTP/1.1\r\nNoColonHere\r\n\r\n") << 400 << bad;
    QTest::newRow("websocket upgrade") << QByteArray(
        "GET /count HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                                       << 400 << bad;
    QTest::newRow("unknown method") << QByteArray("BREW /pot HTTP/1.1\r\n\r\n") << 501
                                    << QStringLiteral("not_implemented");
    QTest::newRow("connect") << QByteArray("CONNECT x:443 HTTP/1.1\r\n\r\n") << 501
                             << QStringLiteral("not_implemented");
}

void ApiGuardTest::malformedHeadsAre400Or501()
{
    QFETCH(QByteArray, head);
    QFETCH(int, status);
    QFETCH(QString, code);
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.send(head);
    expectRefusal(client, status, code);
}

void ApiGuardTest::slowlorisHeadIs408()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    QElapsedTimer clock;
    clock.start();
    client.send("GET /count HTTP/1.1\r\nHost: x\r\n");
    // One more header byte every 30 ms: activity, but the head never ends.
    QTimer trickle;
    connect(&trickle, &QTimer::timeout, &client.socket(), [&client] {
        if (client.socket().state() == QAbstractSocket::ConnectedState)
            client.send("X");
    });
    trickle.start(30);
    expectRefusal(client, 408, QStringLiteral("request_timeout"));
    // (coarse timers may fire up to 5 % early)
    QVERIFY2(clock.elapsed() >= kRequestTimeout.count() * 9 / 10, QByteArray::number(clock.elapsed()).constData());
    QVERIFY2(clock.elapsed() < 5 * kRequestTimeout.count(), QByteArray::number(clock.elapsed()).constData());
}

void ApiGuardTest::bodyThatNeverComesIs408()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part");
    expectRefusal(client, 408, QStringLiteral("request_timeout"));
}

void ApiGuardTest::idleConnectionsAreClosed()
{
    // A connection that never sends anything.
    RawClient silent;
    QVERIFY(silent.connectTo(m_port));
    // A connection idle after one answer.
    RawClient done;
    QVERIFY(done.connectTo(m_port));
    done.request("GET", "/count");
    QVERIFY(done.response());
    QElapsedTimer clock;
    clock.start();
    QVERIFY(silent.waitClosed());
    QVERIFY(done.waitClosed());
    QVERIFY(clock.elapsed() >= kIdleTimeout.count() / 2);
    QVERIFY(silent.pending().isEmpty());
    QVERIFY(done.pending().isEmpty());
    QTRY_COMPARE(m_server->activeConnections(), 0);
}

void ApiGuardTest::connectionCapRefusesAndRecovers()
{
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kMaxConnections; ++i) {
        clients.push_back(std::make_unique<RawClient>());
        QVERIFY(clients.back()->connectTo(m_port));
    }
    QTRY_COMPARE(m_server->activeConnections(), kMaxConnections);
    RawClient extra;
    QVERIFY(extra.connectTo(m_port) || extra.isClosed()); // the kernel accepts, the server closes at once
    QVERIFY(extra.waitClosed());
    QCOMPARE(m_server->counters().refusedConnections, 1u);
    // the ones inside still work
    clients.front()->request("GET", "/count");
    QVERIFY(clients.front()->response());

    clients.back()->abort();
    clients.pop_back();
    QTRY_COMPARE(m_server->activeConnections(), kMaxConnections - 1);
    RawClient next;
    QVERIFY(next.connectTo(m_port));
    next.request("GET", "/count");
    const std::optional<test::RawResponse> response = next.response();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
}

void ApiGuardTest::trickledBodiesKeepRequestBoundaries()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    for (int round = 0; round < 3; ++round) {
        QByteArray body(3000 + round, char('a' + round));
        const QByteArray request =
            "POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        // In pieces that cut the head, the empty line and the body anywhere.
        for (qsizetype at = 0; at < request.size(); at += 97 + round) {
            client.send(request.mid(at, 97 + round));
            QTest::qWait(1);
        }
        const std::optional<test::RawResponse> response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->json().value(QStringLiteral("bytes")).toInt(), body.size());
        QCOMPARE(m_lastBody, body);
    }
    QCOMPARE(m_calls, 3);
    QCOMPARE(m_server->counters().guardRejections, 0u);
}

void ApiGuardTest::expectContinueGetsAnInterimAnswer()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.send("POST /count HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    const std::optional<test::RawResponse> interim = client.response(10'000, true);
    QVERIFY(interim);
    QCOMPARE(interim->status, 100);
    client.send("hello");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(m_lastBody, QByteArray("hello"));
}

void ApiGuardTest::pipelinedRequestsInOneChunkAreRefused()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.send("GET /count HTTP/1.1\r\nHost: x\r\n\r\nGET /count HTTP/1.1\r\nHost: x\r\n\r\n");
    expectRefusal(client, 400, QStringLiteral("bad_request"));
    QCOMPARE(m_server->counters().pipelined, 1u);
}

void ApiGuardTest::requestSentWhileAnAnswerIsPendingClosesAfterIt()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/held");
    QTRY_VERIFY(m_held.has_value());
    client.request("GET", "/count"); // pipelined behind the pending answer
    QTRY_COMPARE(m_server->counters().pipelined, 1u);
    m_held->send(ApiResponse::json(QJsonObject{{QStringLiteral("first"), true}}));
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->json().value(QStringLiteral("first")).toBool(), true);
    // Closing proves the guard saw the second request; the count proves QHttpServer never handed it over. The
    // client sends it again on a new connection.
    QVERIFY(client.waitClosed());
    QVERIFY(client.pending().isEmpty());
    QCOMPARE(m_calls, 1);
}

QTEST_GUILESS_MAIN(ApiGuardTest)
#include "ApiGuardTest.moc"
