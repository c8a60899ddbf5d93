// Late answers under load over TLS: handlers answer after a random delay while hundreds of clients hang up
// before their answer. The server must survive (ASan watches in the sanitizer run), count every dropped
// answer, answer the clients that stayed, and still serve a fresh client.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "util/Clock.h"

#include <QRandomGenerator>
#include <QTest>
#include <QTimer>

using namespace vestnik;
using test::RawClient;

class ApiLoadTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void answersForClientsThatLeftAreDroppedAndCounted();
    void answersRacingDisconnectsNeverCrash();

private:
    /// Connects `count` TLS clients and sends each a request to /late.
    std::vector<std::unique_ptr<RawClient>> connectAndAsk(int count);
    /// Answers every held reply after a random delay of up to `maxDelayMs`.
    void releaseHeld(int maxDelayMs);
    void expectFreshClientServed();

    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
    QList<ApiReply> m_held;
    int m_fired = 0;
};

namespace {

constexpr int kLeavers = 200;
constexpr int kStayers = 20;

} // namespace

void ApiLoadTest::init()
{
    m_server = std::make_unique<ApiServer>(test::testSettings(), SystemClock::instance());
    m_held.clear();
    m_fired = 0;
    VT_OK(m_server->addRoute("GET", QStringLiteral("/late"), Access::anyone(),
                             ApiServer::Handler([this](const ApiRequest &, ApiReply reply) { m_held.append(reply); })));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/ping"), Access::anyone(),
                             ApiServer::SyncHandler([](const ApiRequest &) { return ApiResponse::noContent(); })));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, test::testTlsConfiguration());
    VT_OK(url);
    m_port = quint16(url->port());
}

void ApiLoadTest::cleanup()
{
    m_held.clear();
    m_server.reset();
}

std::vector<std::unique_ptr<RawClient>> ApiLoadTest::connectAndAsk(int count)
{
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<RawClient>(true);
        client->sslSocket()->connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port);
        clients.push_back(std::move(client));
    }
    // All handshakes in flight at once; each client asks as soon as it is encrypted.
    for (auto &client : clients) {
        RawClient *raw = client.get();
        connect(raw->sslSocket(), &QSslSocket::encrypted, raw->sslSocket(), [raw] { raw->request("GET", "/late"); });
    }
    return clients;
}

void ApiLoadTest::releaseHeld(int maxDelayMs)
{
    const QList<ApiReply> held = std::exchange(m_held, {});
    for (const ApiReply &reply : held) {
        QTimer::singleShot(int(QRandomGenerator::global()->bounded(maxDelayMs + 1)), m_server.get(), [this, reply] {
            ++m_fired;
            reply.send(ApiResponse::json(QJsonObject{{QStringLiteral("late"), true}}));
        });
    }
}

void ApiLoadTest::expectFreshClientServed()
{
    RawClient fresh(true, test::testCertificate());
    QVERIFY(fresh.connectTo(m_port));
    fresh.request("GET", "/ping");
    const std::optional<test::RawResponse> response = fresh.response();
    QVERIFY(response);
    QCOMPARE(response->status, 204);
}

void ApiLoadTest::answersForClientsThatLeftAreDroppedAndCounted()
{
    std::vector<std::unique_ptr<RawClient>> leavers = connectAndAsk(kLeavers);
    std::vector<std::unique_ptr<RawClient>> stayers = connectAndAsk(kStayers);
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), kLeavers + kStayers, 60'000);

    for (auto &client : leavers)
        client->abort();
    // Every leaver's connection is gone on the server (QHttpServer deleted the sockets) before any answer.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->activeConnections(), kStayers, 30'000);
    releaseHeld(100);
    QTRY_COMPARE_WITH_TIMEOUT(m_fired, kLeavers + kStayers, 30'000);

    QCOMPARE(m_server->counters().droppedAnswers, quint64(kLeavers));
    QCOMPARE(m_server->counters().answered, quint64(kStayers));
    for (auto &client : stayers) {
        const std::optional<test::RawResponse> response = client->response();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->json().value(QStringLiteral("late")).toBool(), true);
    }
    expectFreshClientServed();
}

void ApiLoadTest::answersRacingDisconnectsNeverCrash()
{
    // Clients hang up while the answers are already on their way: some sockets are still open, some closing,
    // some deleted when their answer comes. Every answer is either written or counted as dropped.
    for (int round = 0; round < 3; ++round) {
        std::vector<std::unique_ptr<RawClient>> clients = connectAndAsk(kLeavers / 2);
        QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), kLeavers / 2, 60'000);
        const int firedBefore = m_fired;
        releaseHeld(20);
        for (auto &client : clients) {
            QTest::qWait(0);
            client->abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_fired, firedBefore + kLeavers / 2, 30'000);
        const ApiServer::Counters &counters = m_server->counters();
        QCOMPARE(counters.answered + counters.droppedAnswers, quint64(m_fired));
    }
    QVERIFY(m_server->counters().droppedAnswers > 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->activeConnections(), 0, 30'000);
    expectFreshClientServed();
}

QTEST_GUILESS_MAIN(ApiLoadTest)
#include "ApiLoadTest.moc"
