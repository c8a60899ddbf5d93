// The API server's router and answers over a real socket: paths and parameters, 404 and 405, JSON bodies
// and errors, the headers every answer carries, answers given later, answers for clients that left, and
// handlers that forget to answer.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QTest>
#include <QTimer>

using namespace vestnik;
using test::RawClient;

class ApiRoutingTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void routesByMethodAndPathWithDecodedParameters();
    void literalSegmentsWinOverParameters();
    void unknownPathIs404AndWrongMethodIs405WithAllow();
    void headAnswersLikeGetWithoutBody();
    void everyAnswerCarriesRequestIdAndNoStore();
    void clientRequestIdIsKeptWhenSane();
    void malformedJsonIs400WithAClearMessage_data();
    void malformedJsonIs400WithAClearMessage();
    void queryAndHeadersReachTheHandler();
    void lateAnswerArrives();
    void answerAfterTheClientLeftIsDroppedAndCounted();
    void handlerThatDropsItsReplyAnswers500();
    void onlyTheFirstAnswerIsSent();
    void invalidPatternsAreRefused_data();
    void invalidPatternsAreRefused();
    void keepAliveServesManyRequestsAndConnectionCloseCloses();

private:
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    int m_calls = 0;
    std::optional<ApiReply> m_held;
};

void ApiRoutingTest::init()
{
    m_server = std::make_unique<ApiServer>(test::testSettings(), SystemClock::instance());
    m_calls = 0;
    const auto echo = [this](const ApiRequest &request) {
        ++m_calls;
        QJsonObject params;
        for (auto it = request.pathParams.cbegin(); it != request.pathParams.cend(); ++it)
            params.insert(it.key(), it.value());
        return ApiResponse::json(QJsonObject{{QStringLiteral("method"), QString::fromLatin1(request.method)},
                                             {QStringLiteral("route"), request.routePattern},
                                             {QStringLiteral("params"), params}});
    };
    VT_OK(
        m_server->addRoute("GET", QStringLiteral("/v1/devices/{id}"), Access::anyone(), ApiServer::SyncHandler(echo)));
    VT_OK(m_server->addRoute("DELETE", QStringLiteral("/v1/devices/{id}"), Access::anyone(),
                             ApiServer::SyncHandler(echo)));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/devices/search"), Access::anyone(),
                             ApiServer::SyncHandler(echo)));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/users/{user}/devices/{device}"), Access::anyone(),
                             ApiServer::SyncHandler(echo)));
    VT_OK(m_server->addRoute(
        "POST", QStringLiteral("/v1/echo"), Access::anyone(), ApiServer::SyncHandler([this](const ApiRequest &request) {
            ++m_calls;
            Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return ApiResponse::invalidJson(body.error());
            return ApiResponse::json(QJsonObject{{QStringLiteral("got"), *body},
                                                 {QStringLiteral("q"), request.query.queryItemValue(
                                                                           QStringLiteral("q"), QUrl::FullyDecoded)},
                                                 {QStringLiteral("x"), QString::fromLatin1(request.header("x-test"))}},
                                     201);
        })));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/held"), Access::anyone(),
                             ApiServer::Handler([this](const ApiRequest &, ApiReply reply) {
                                 ++m_calls;
                                 m_held = reply;
                             })));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/later"), Access::anyone(),
                             ApiServer::Handler([this](const ApiRequest &, ApiReply reply) {
                                 ++m_calls;
                                 QTimer::singleShot(50, m_server.get(), [reply] {
                                     reply.send(ApiResponse::json(QJsonObject{{QStringLiteral("late"), true}}, 202));
                                 });
                             })));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/forgetful"), Access::anyone(),
                             ApiServer::Handler([this](const ApiRequest &, ApiReply) { ++m_calls; })));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/v1/twice"), Access::anyone(),
                             ApiServer::Handler([](const ApiRequest &, ApiReply reply) {
                                 reply.send(ApiResponse::json(QJsonObject{{QStringLiteral("n"), 1}}));
                                 reply.send(ApiResponse::json(QJsonObject{{QStringLiteral("n"), 2}}));
                             })));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, std::nullopt);
    VT_OK(url);
    QCOMPARE(url->scheme(), QStringLiteral("http"));
    m_port = quint16(url->port());
}

void ApiRoutingTest::cleanup()
{
    m_held.reset();
    m_server.reset();
}

void ApiRoutingTest::routesByMethodAndPathWithDecodedParameters()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/devices/d%2F1%20%C3%A9");
    std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("content-type"), QByteArray("application/json"));
    QCOMPARE(response->json().value(QStringLiteral("route")).toString(), QStringLiteral("/v1/devices/{id}"));
    QCOMPARE(response->json().value(QStringLiteral("params")).toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("d/1 é"));

    client.request("DELETE", "/v1/devices/7");
    response = client.response();
    QVERIFY(response);
    QCOMPARE(response->json().value(QStringLiteral("method")).toString(), QStringLiteral("DELETE"));

    client.request("GET", "/v1/users/u1/devices/d2");
    response = client.response();
    QVERIFY(response);
    const QJsonObject params = response->json().value(QStringLiteral("params")).toObject();
    QCOMPARE(params.value(QStringLiteral("user")).toString(), QStringLiteral("u1"));
    QCOMPARE(params.value(QStringLiteral("device")).toString(), QStringLiteral("d2"));
}

void ApiRoutingTest::literalSegmentsWinOverParameters()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/devices/search");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->json().value(QStringLiteral("route")).toString(), QStringLiteral("/v1/devices/search"));
}

void ApiRoutingTest::unknownPathIs404AndWrongMethodIs405WithAllow()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    for (const QByteArray &path : {QByteArray("/v1/nothing"), QByteArray("/v1/devices/"), QByteArray("/v1/devices/1/x"),
                                   QByteArray("/v1/devices%2F1")}) {
        client.request("GET", path);
        const std::optional<test::RawResponse> response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 404);
        QCOMPARE(response->errorCode(), QStringLiteral("not_found"));
    }
    client.request("PUT", "/v1/devices/1", "{}");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 405);
    QCOMPARE(response->errorCode(), QStringLiteral("method_not_allowed"));
    QCOMPARE(response->header("allow"), QByteArray("DELETE, GET, HEAD"));
    QCOMPARE(m_calls, 0);
}

void ApiRoutingTest::headAnswersLikeGetWithoutBody()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("HEAD", "/v1/devices/1");
    QTRY_VERIFY(client.pending().contains("\r\n\r\n"));
    const QByteArray raw = client.pending();
    QVERIFY2(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw.constData());
    QVERIFY(raw.endsWith("\r\n\r\n")); // nothing after the head
    QVERIFY(!raw.contains("Content-Length: 0"));
    // the connection is still in step: the next answer parses
    client.request("GET", "/v1/devices/2");
    QTRY_VERIFY(client.pending().indexOf("HTTP/1.1 200", 10) > 0);
}

void ApiRoutingTest::everyAnswerCarriesRequestIdAndNoStore()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    QSet<QByteArray> ids;
    for (const QByteArray &path : {QByteArray("/v1/devices/1"), QByteArray("/nope")}) {
        client.request("GET", path);
        const std::optional<test::RawResponse> response = client.response();
        QVERIFY(response);
        QCOMPARE(response->header("cache-control"), QByteArray("no-store"));
        QCOMPARE(response->header("x-content-type-options"), QByteArray("nosniff"));
        const QByteArray id = response->header("x-request-id");
        QCOMPARE(id.size(), 16);
        ids.insert(id);
        if (response->status == 404) {
            // the error body names the same id
            const QJsonObject error = response->json().value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("request_id")).toString().toLatin1(), id);
            QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        }
    }
    QCOMPARE(ids.size(), 2);
}

void ApiRoutingTest::clientRequestIdIsKeptWhenSane()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/devices/1", {}, {{"X-Request-Id", "trace-42.a"}});
    std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->header("x-request-id"), QByteArray("trace-42.a"));
    client.request("GET", "/v1/devices/1", {}, {{"X-Request-Id", "bad id with spaces"}});
    response = client.response();
    QVERIFY(response);
    QCOMPARE(response->header("x-request-id").size(), 16);
}

void ApiRoutingTest::malformedJsonIs400WithAClearMessage_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("the body is empty");
    QTest::newRow("truncated") << QByteArray(R"({"a":)") << QStringLiteral("the body is not valid JSON");
    QTest::newRow("garbage") << QByteArray("<xml/>") << QStringLiteral("the body is not valid JSON");
    QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("must be a JSON object, not an array");
}

void ApiRoutingTest::malformedJsonIs400WithAClearMessage()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("POST", "/v1/echo", body);
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 400);
    QCOMPARE(response->errorCode(), QStringLiteral("invalid_json"));
    const QString text =
        response->json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(text.contains(message), qPrintable(text));
}

void ApiRoutingTest::queryAndHeadersReachTheHandler()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("POST", "/v1/echo?q=a%20b&z=1", R"({"k":"v"})", {{"X-Test", "one"}});
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 201);
    const QJsonObject json = response->json();
    QCOMPARE(json.value(QStringLiteral("got")).toObject().value(QStringLiteral("k")).toString(), QStringLiteral("v"));
    QCOMPARE(json.value(QStringLiteral("q")).toString(), QStringLiteral("a b"));
    QCOMPARE(json.value(QStringLiteral("x")).toString(), QStringLiteral("one"));
}

void ApiRoutingTest::lateAnswerArrives()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/later");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 202);
    QCOMPARE(response->json().value(QStringLiteral("late")).toBool(), true);
    QCOMPARE(m_server->counters().answered, 1u);
}

void ApiRoutingTest::answerAfterTheClientLeftIsDroppedAndCounted()
{
    {
        RawClient client;
        QVERIFY(client.connectTo(m_port));
        client.request("GET", "/v1/held");
        QTRY_VERIFY(m_held.has_value());
        QVERIFY(m_held->isClientConnected());
        client.abort();
    }
    // QHttpServer deletes the connection; the reply must notice instead of writing to a deleted socket.
    QTRY_COMPARE(m_server->activeConnections(), 0);
    QVERIFY(!m_held->isClientConnected());
    m_held->send(ApiResponse::json(QJsonObject{{QStringLiteral("too"), QStringLiteral("late")}}));
    QVERIFY(m_held->isSent());
    QCOMPARE(m_server->counters().droppedAnswers, 1u);
    QCOMPARE(m_server->counters().answered, 0u);

    RawClient fresh;
    QVERIFY(fresh.connectTo(m_port));
    fresh.request("GET", "/v1/devices/1");
    QVERIFY(fresh.response());
}

void ApiRoutingTest::handlerThatDropsItsReplyAnswers500()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/forgetful");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->status, 500);
    QCOMPARE(response->errorCode(), QStringLiteral("internal"));
    QCOMPARE(m_server->counters().unanswered, 1u);
}

void ApiRoutingTest::onlyTheFirstAnswerIsSent()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    client.request("GET", "/v1/twice");
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->json().value(QStringLiteral("n")).toInt(), 1);
    client.request("GET", "/v1/devices/1");
    const std::optional<test::RawResponse> next = client.response();
    QVERIFY(next);
    QCOMPARE(next->json().value(QStringLiteral("route")).toString(), QStringLiteral("/v1/devices/{id}"));
}

void ApiRoutingTest::invalidPatternsAreRefused_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("pattern");
    QTest::newRow("relative") << QByteArray("GET") << QStringLiteral("v1/x");
    QTest::newRow("empty segment") << QByteArray("GET") << QStringLiteral("/v1//x");
    QTest::newRow("partial parameter") << QByteArray("GET") << QStringLiteral("/v1/x{id}");
    QTest::newRow("empty parameter") << QByteArray("GET") << QStringLiteral("/v1/{}");
    QTest::newRow("repeated parameter") << QByteArray("GET") << QStringLiteral("/v1/{id}/{id}");
    QTest::newRow("lower-case method") << QByteArray("get") << QStringLiteral("/v1/x");
    QTest::newRow("already routed") << QByteArray("GET") << QStringLiteral("/v1/devices/{id}");
}

void ApiRoutingTest::invalidPatternsAreRefused()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, pattern);
    VT_FAILS_WITH(m_server->addRoute(method, pattern, Access::anyone(),
                                     ApiServer::SyncHandler([](const ApiRequest &) { return ApiResponse(); })),
                  ErrorCode::InvalidArgument);
}

void ApiRoutingTest::keepAliveServesManyRequestsAndConnectionCloseCloses()
{
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    for (int i = 0; i < 5; ++i) {
        client.request("GET", "/v1/devices/" + QByteArray::number(i));
        const std::optional<test::RawResponse> response = client.response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(response->header("connection").isEmpty());
    }
    QVERIFY(!client.isClosed());
    client.request("GET", "/v1/devices/9", {}, {{"Connection", "close"}});
    const std::optional<test::RawResponse> response = client.response();
    QVERIFY(response);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QVERIFY(client.waitClosed());
    QCOMPARE(m_calls, 6);
}

QTEST_GUILESS_MAIN(ApiRoutingTest)
#include "ApiRoutingTest.moc"
