// Per-client rate limits of the API server with a clock the test moves: 429 with Retry-After in whole
// seconds and a JSON error, a bucket per token subject (the same address does not share it) and per address
// for requests without a token, refilled as time passes.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "api/RateLimiter.h"
#include "security/JwtKey.h"
#include "util/Clock.h"

#include <QTest>

using namespace vestnik;
using test::RawClient;
using namespace std::chrono_literals;

class ApiRateLimitTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void anonymousClientsAreLimitedByAddress();
    void eachSubjectHasItsOwnBucket();
    void slowRatesWaitWholeSeconds();
    void limiterForgetsIdleClientsWhenFull();

private:
    void startServer(double rate, double burst);
    int status(RawClient &client, const QByteArray &path, const QByteArray &token = QByteArray(),
               QByteArray *retryAfter = nullptr);

    ManualClock m_clock;
    JwtKey m_key;
    std::unique_ptr<ApiServer> m_server;
    quint16 m_port = 0;
};

void ApiRateLimitTest::init()
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(key);
    m_key = *key;
    m_key.setKeyId(QStringLiteral("k"));
}

void ApiRateLimitTest::cleanup()
{
    m_server.reset();
}

void ApiRateLimitTest::startServer(double rate, double burst)
{
    ApiServer::Settings settings = test::testSettings();
    settings.ratePerSecond = rate;
    settings.rateBurst = burst;
    m_server = std::make_unique<ApiServer>(settings, m_clock);
    JwtKeySet keys;
    keys.add(m_key);
    VT_OK(m_server->authenticator().addIssuer(
        TrustedIssuer{QStringLiteral("https://auth.example"), {QStringLiteral("vestnik")}, [keys] { return keys; }}));
    const ApiServer::SyncHandler ok = [](const ApiRequest &) { return ApiResponse::noContent(); };
    VT_OK(m_server->addRoute("GET", QStringLiteral("/public"), Access::anyone(), ok));
    VT_OK(m_server->addRoute("GET", QStringLiteral("/private"), Access::scopes({QStringLiteral("events:write")}), ok));
    Result<QUrl> url = m_server->start(QHostAddress::LocalHost, 0, std::nullopt);
    VT_OK(url);
    m_port = quint16(url->port());
}

int ApiRateLimitTest::status(RawClient &client, const QByteArray &path, const QByteArray &token, QByteArray *retryAfter)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token});
    client.request("GET", path, {}, headers);
    const std::optional<test::RawResponse> response = client.response();
    if (!response)
        return -1;
    if (retryAfter)
        *retryAfter = response->header("retry-after");
    if (response->status == 429 && response->errorCode() != QStringLiteral("rate_limited"))
        return -2;
    return response->status;
}

void ApiRateLimitTest::anonymousClientsAreLimitedByAddress()
{
    startServer(2, 3);
    RawClient first;
    QVERIFY(first.connectTo(m_port));
    RawClient second; // another connection from the same address shares the bucket
    QVERIFY(second.connectTo(m_port));
    QCOMPARE(status(first, "/public"), 204);
    QCOMPARE(status(second, "/public"), 204);
    QCOMPARE(status(first, "/nothing-here"), 404); // unknown paths count too
    QByteArray retryAfter;
    QCOMPARE(status(second, "/public", {}, &retryAfter), 429);
    QCOMPARE(retryAfter, QByteArray("1"));
    QCOMPARE(status(first, "/private"), 429); // failed authentication is counted against the address
    QCOMPARE(m_server->counters().rateLimited, 2u);

    m_clock.advance(500ms); // one token at 2/s
    QCOMPARE(status(first, "/public"), 204);
    QCOMPARE(status(first, "/public"), 429);
    m_clock.advance(10s); // refilled to the burst, not beyond
    for (int i = 0; i < 3; ++i)
        QCOMPARE(status(first, "/public"), 204);
    QCOMPARE(status(first, "/public"), 429);
}

void ApiRateLimitTest::eachSubjectHasItsOwnBucket()
{
    startServer(1, 1);
    const qint64 now = m_clock.nowMs() / 1000;
    const auto token = [&](const QString &subject) {
        return test::signToken(QJsonObject{{QStringLiteral("iss"), QStringLiteral("https://auth.example")},
                                           {QStringLiteral("aud"), QStringLiteral("vestnik")},
                                           {QStringLiteral("sub"), subject},
                                           {QStringLiteral("scope"), QStringLiteral("events:write")},
                                           {QStringLiteral("exp"), now + 600}},
                               m_key);
    };
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    QCOMPARE(status(client, "/private", token(QStringLiteral("shop"))), 204);
    QCOMPARE(status(client, "/private", token(QStringLiteral("shop"))), 429);
    QCOMPARE(status(client, "/private", token(QStringLiteral("crm"))), 204); // same address, other subject
    QCOMPARE(status(client, "/public"), 204);                                // the address's own bucket
    QCOMPARE(status(client, "/public"), 429);
}

void ApiRateLimitTest::slowRatesWaitWholeSeconds()
{
    startServer(0.1, 1);
    RawClient client;
    QVERIFY(client.connectTo(m_port));
    QCOMPARE(status(client, "/public"), 204);
    QByteArray retryAfter;
    QCOMPARE(status(client, "/public", {}, &retryAfter), 429);
    QCOMPARE(retryAfter, QByteArray("10"));
    m_clock.advance(2500ms);
    QCOMPARE(status(client, "/public", {}, &retryAfter), 429);
    QCOMPARE(retryAfter, QByteArray("8")); // 7.5 s rounded up
}

void ApiRateLimitTest::limiterForgetsIdleClientsWhenFull()
{
    RateLimiter limiter(1, 1, 100);
    qint64 now = 0;
    for (int i = 0; i < 100; ++i)
        QVERIFY(!limiter.acquire(QStringLiteral("client-%1").arg(i), now++).has_value());
    QCOMPARE(limiter.keyCount(), 100);
    // every bucket is empty: the oldest half goes to make room, the table stays bounded
    QVERIFY(!limiter.acquire(QStringLiteral("newcomer"), ++now).has_value());
    QVERIFY(limiter.keyCount() <= 100);
    QVERIFY(limiter.acquire(QStringLiteral("client-99"), now).has_value()); // recent ones keep their state
    // refilled buckets are dropped first
    now += 5000;
    QVERIFY(!limiter.acquire(QStringLiteral("another"), now).has_value());
    for (int i = 0; i < 200; ++i)
        limiter.acquire(QStringLiteral("flood-%1").arg(i), now);
    QVERIFY(limiter.keyCount() <= 100);
}

QTEST_GUILESS_MAIN(ApiRateLimitTest)
#include "ApiRateLimitTest.moc"
