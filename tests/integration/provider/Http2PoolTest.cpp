// The provider transport against vestnik-sim over real TLS and HTTP/2: every request answered exactly once,
// the server's stream limit respected, GOAWAY survived, failures reported with their kind.
#include "provider/Http2Pool.h"

#include "SimTestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace vestnik;

namespace {

struct Tally {
    int answered = 0;
    int duplicates = 0;
    std::map<int, int> byStatus;
    std::map<TransportError, int> byError;
    std::map<int, int> callsPerRequest;
    QByteArray lastBody;
    QString lastErrorText;
};

ResponseHandler counting(Tally &tally, int id)
{
    return [&tally, id](HttpResponse &&response) {
        if (++tally.callsPerRequest[id] > 1)
            ++tally.duplicates;
        ++tally.answered;
        if (response.hasAnswer())
            ++tally.byStatus[response.status];
        else
            ++tally.byError[response.error];
        tally.lastBody = response.body;
        tally.lastErrorText = response.errorText;
    };
}

HttpRequest fcmRequest()
{
    HttpRequest request;
    request.path = QByteArrayLiteral("/v1/projects/shop-test/messages:send");
    request.headers = {{"content-type", "application/json"}};
    request.body = QByteArrayLiteral(R"({"message":{"token":"t","notification":{"title":"x"}}})");
    return request;
}

} // namespace

class Http2PoolTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void answersEveryRequestOnce();
    void neverExceedsTheServersStreamLimit();
    void goawayIsSurvived();
    void timeoutAnswersOnce();
    void untrustedServerIsRefused();
    void unreachableEndpointFailsWithConnect();

private:
    Http2Endpoint endpointFor(const QUrl &url) const;
    void patchBehaviour(const QByteArray &json);

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    QList<QSslCertificate> m_ca;
};

void Http2PoolTest::initTestCase()
{
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim")));
    QVERIFY2(m_sim->start({}), qPrintable(m_sim->error()));
    m_ca = QSslCertificate::fromPath(m_sim->caPath);
    QVERIFY(!m_ca.isEmpty());
}

void Http2PoolTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

void Http2PoolTest::init()
{
    // every test starts from the simulator's default behaviour
    const test::HttpExchange reset = test::adminCall(m_sim->admin, QStringLiteral("PUT"),
                                                     QStringLiteral("/admin/behaviour"), QByteArrayLiteral("{}"));
    QCOMPARE(reset.status, 200);
}

Http2Endpoint Http2PoolTest::endpointFor(const QUrl &url) const
{
    Http2Endpoint endpoint;
    endpoint.host = url.host();
    endpoint.port = quint16(url.port());
    endpoint.caCertificates = m_ca;
    return endpoint;
}

void Http2PoolTest::patchBehaviour(const QByteArray &json)
{
    const test::HttpExchange patched =
        test::adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(patched.status == 200, patched.body.constData());
}

void Http2PoolTest::answersEveryRequestOnce()
{
    Http2Endpoint endpoint = endpointFor(m_sim->google);
    endpoint.maxConnections = 2;
    Http2Pool pool(endpoint);
    Tally tally;
    constexpr int kRequests = 3000;
    for (int i = 0; i < kRequests; ++i)
        pool.send(fcmRequest(), counting(tally, i));
    QCOMPARE(pool.pendingCount(), kRequests);
    QTRY_COMPARE_WITH_TIMEOUT(tally.answered, kRequests, 60'000);
    QCOMPARE(tally.duplicates, 0);
    // no bearer token: the real FCM answer for that, on every request
    QCOMPARE(tally.byStatus[401], kRequests);
    const QJsonObject error =
        QJsonDocument::fromJson(tally.lastBody).object().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("status")).toString(), QStringLiteral("UNAUTHENTICATED"));
    QVERIFY(pool.connectionCount() >= 1 && pool.connectionCount() <= 2);
    QCOMPARE(pool.pendingCount(), 0);
}

void Http2PoolTest::neverExceedsTheServersStreamLimit()
{
    // APNs allows one stream per connection until a valid provider token was seen, and answers a client that
    // opens more with GOAWAY; the simulator does the same.
    Http2Endpoint endpoint = endpointFor(m_sim->apns);
    endpoint.maxConnections = 1;
    Http2Pool pool(endpoint);
    Tally tally;
    for (int i = 0; i < 200; ++i) {
        HttpRequest request;
        request.path = "/3/device/" + QByteArray(64, 'a');
        request.headers = {{"apns-topic", "com.example.shop"}, {"apns-push-type", "alert"}};
        request.body = QByteArrayLiteral(R"({"aps":{"alert":"hi"}})");
        pool.send(std::move(request), counting(tally, i));
    }
    QTRY_COMPARE_WITH_TIMEOUT(tally.answered, 200, 60'000);
    QCOMPARE(tally.duplicates, 0);
    QCOMPARE(tally.byStatus[403], 200); // MissingProviderToken: answered, not refused
    QCOMPARE(pool.resentCount(), 0);
    QVERIFY2(QJsonDocument::fromJson(tally.lastBody).object().value(QStringLiteral("reason")).toString()
                 == QStringLiteral("MissingProviderToken"),
             tally.lastBody.constData());
}

void Http2PoolTest::goawayIsSurvived()
{
    patchBehaviour(QByteArrayLiteral(R"({"goaway":[{"service":"fcm","after_streams":250,"error_code":0,)"
                                     R"("reason":"Shutdown"}]})"));
    Http2Endpoint endpoint = endpointFor(m_sim->google);
    endpoint.maxConnections = 2;
    Http2Pool pool(endpoint);
    Tally tally;
    constexpr int kRequests = 1000;
    for (int i = 0; i < kRequests; ++i)
        pool.send(fcmRequest(), counting(tally, i));
    QTRY_COMPARE_WITH_TIMEOUT(tally.answered, kRequests, 60'000);
    QCOMPARE(tally.duplicates, 0);
    // every request got its HTTP answer: those the server did not process went again on a new connection
    QCOMPARE(tally.byStatus[401], kRequests);
    QVERIFY2(tally.byError.empty(), qPrintable(tally.lastErrorText));
    QVERIFY(pool.resentCount() > 0); // the GOAWAYs did leave requests unprocessed
}

void Http2PoolTest::timeoutAnswersOnce()
{
    patchBehaviour(QByteArrayLiteral(R"({"latency":{"fcm":"uniform:1500,1500"}})"));
    Http2Pool pool(endpointFor(m_sim->google));
    Tally slow;
    HttpRequest impatient = fcmRequest();
    impatient.timeout = std::chrono::milliseconds(300);
    pool.send(std::move(impatient), counting(slow, 0));
    Tally patient;
    pool.send(fcmRequest(), counting(patient, 1));
    QTRY_COMPARE_WITH_TIMEOUT(slow.answered, 1, 10'000);
    QCOMPARE(slow.byError[TransportError::Timeout], 1);
    // once the patient request is answered, the impatient one's late answer has arrived too: still one call
    QTRY_COMPARE_WITH_TIMEOUT(patient.answered, 1, 10'000);
    QCOMPARE(patient.byStatus[401], 1);
    QCOMPARE(slow.answered, 1);
    QCOMPARE(slow.duplicates, 0);
}

void Http2PoolTest::untrustedServerIsRefused()
{
    Http2Endpoint endpoint = endpointFor(m_sim->google);
    endpoint.caCertificates.clear(); // the system's CAs do not know the simulator's throw-away CA
    Http2Pool pool(endpoint);
    Tally tally;
    HttpRequest request = fcmRequest();
    request.timeout = std::chrono::milliseconds(2000);
    pool.send(std::move(request), counting(tally, 0));
    QTRY_COMPARE_WITH_TIMEOUT(tally.answered, 1, 10'000);
    QCOMPARE(tally.byError[TransportError::Connect], 1);
    QCOMPARE(tally.byStatus.size(), std::size_t(0));
}

void Http2PoolTest::unreachableEndpointFailsWithConnect()
{
    QTcpServer reserve; // take a free port and close it again: nothing listens there afterwards
    QVERIFY(reserve.listen(QHostAddress::LocalHost));
    const quint16 port = reserve.serverPort();
    reserve.close();
    Http2Endpoint endpoint;
    endpoint.host = QStringLiteral("127.0.0.1");
    endpoint.port = port;
    endpoint.caCertificates = m_ca;
    Http2Pool pool(endpoint);
    Tally tally;
    for (int i = 0; i < 3; ++i) {
        HttpRequest request = fcmRequest();
        request.timeout = std::chrono::milliseconds(1500);
        pool.send(std::move(request), counting(tally, i));
    }
    QTRY_COMPARE_WITH_TIMEOUT(tally.answered, 3, 10'000);
    QCOMPARE(tally.byError[TransportError::Connect], 3);
    QVERIFY2(tally.lastErrorText.contains(QString::number(port)), qPrintable(tally.lastErrorText));
}

QTEST_GUILESS_MAIN(Http2PoolTest)
#include "Http2PoolTest.moc"
