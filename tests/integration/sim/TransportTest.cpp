// The simulator's HTTP/2 and TLS behaviour as clients see it: SETTINGS, the APNs stream limit and its GOAWAY,
// GOAWAY after N streams, injected latency, idle connections, ALPN, certificates, shutdown and the recording
// written on exit. Clients: nghttp, curl and a hand-written HTTP/2 client.
#include "RawHttp2Client.h"
#include "SimTestSupport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <csignal>

using namespace vestnik::test;

namespace {

const QString kEmail = QStringLiteral("sender@demo-project.iam.gserviceaccount.com");
const QString kTeam = QStringLiteral("TEAM123456");
const QString kKey = QStringLiteral("KEY1234567");
const QByteArray kDevice = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

} // namespace

class TransportTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void apnsStartsWithOneStreamAndRaisesItAfterAValidToken();
    void apnsAnswersAStreamLimitViolationWithGoAway();
    void goAwayAfterNStreams();
    void injectedLatencyDelaysAnswers();
    void apnsRefusesClientsWithoutHttp2();
    void idleApnsConnectionsAreClosed();
    void certificatesAreReusedAndCoverExtraNames();
    void shutdownSaysGoAwayAndWritesTheRecording();

private:
    QByteArray apnsToken() const;
    QList<std::pair<QByteArray, QByteArray>> apnsHeaders(const SimProcess &sim, bool withToken) const;
    void patchBehaviour(const QByteArray &json);

    QTemporaryDir m_dir;
    std::unique_ptr<OpenSslTool> m_openssl;
    std::unique_ptr<SimProcess> m_sim;
    QString m_googleKey;
    QString m_apnsKey;
    QByteArray m_accessToken;
    QString m_recording;
};

void TransportTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = std::make_unique<OpenSslTool>(m_dir.path());
    m_googleKey = m_openssl->generateRsaKey(QStringLiteral("sa.pem"));
    m_apnsKey = m_openssl->generateEcKey(QStringLiteral("AuthKey.p8"));
    QFile account(m_dir.filePath(QStringLiteral("sa.json")));
    QVERIFY(account.open(QIODevice::WriteOnly));
    account.write(serviceAccountJson(m_googleKey, kEmail, QStringLiteral("demo-project"), QStringLiteral("k"),
                                     QStringLiteral("https://oauth2.googleapis.com/token")));
    account.close();
    m_recording = m_dir.filePath(QStringLiteral("recording.json"));
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--service-account"), account.fileName(), QStringLiteral("--apns-key"),
                           QStringLiteral("%1:%2:%3").arg(kTeam, kKey, m_apnsKey), QStringLiteral("--record-file"),
                           m_recording}),
             qPrintable(m_sim->error()));
    m_accessToken = googleAccessToken(*m_sim, *m_openssl, m_googleKey, kEmail);
    QVERIFY(!m_accessToken.isEmpty());
}

void TransportTest::init()
{
    if (m_sim && m_sim->admin.isValid()) {
        QCOMPARE(adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/behaviour"), "{}").status, 200);
        QCOMPARE(adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    }
}

void TransportTest::cleanupTestCase()
{
    if (m_sim)
        m_sim->stop();
}

QByteArray TransportTest::apnsToken() const
{
    return m_openssl->signJwt(
        m_apnsKey, {{QStringLiteral("alg"), QStringLiteral("ES256")}, {QStringLiteral("kid"), kKey}},
        {{QStringLiteral("iss"), kTeam}, {QStringLiteral("iat"), double(QDateTime::currentSecsSinceEpoch())}});
}

QList<std::pair<QByteArray, QByteArray>> TransportTest::apnsHeaders(const SimProcess &sim, bool withToken) const
{
    QList<std::pair<QByteArray, QByteArray>> headers = {{":method", "POST"},
                                                        {":scheme", "https"},
                                                        {":authority", sim.apns.authority().toLatin1()},
                                                        {":path", "/3/device/" + kDevice},
                                                        {"apns-topic", "com.shop.app"}};
    if (withToken)
        headers.append({"authorization", "bearer " + apnsToken()});
    return headers;
}

void TransportTest::patchBehaviour(const QByteArray &json)
{
    const HttpExchange reply =
        adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(reply.status == 200, reply.body.constData());
}

void TransportTest::apnsStartsWithOneStreamAndRaisesItAfterAValidToken()
{
    patchBehaviour(R"({"streams":{"apns":1500}})");
    QFile body(m_dir.filePath(QStringLiteral("push.json")));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(R"({"aps":{"alert":"hi"}})");
    body.close();
    QByteArray out;
    QCOMPARE(run(QStringLiteral("nghttp"),
                 {QStringLiteral("-v"), QStringLiteral("-d"), body.fileName(), QStringLiteral("-H"),
                  QStringLiteral("authorization: bearer ") + QString::fromLatin1(apnsToken()), QStringLiteral("-H"),
                  QStringLiteral("apns-topic: com.shop.app"),
                  m_sim->apns.resolved(QUrl(QStringLiteral("/3/device/") + QString::fromLatin1(kDevice))).toString()},
                 &out),
             0);
    const qsizetype first = out.indexOf("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):1]");
    const qsizetype raised = out.indexOf("[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):1500]");
    QVERIFY2(first >= 0 && raised > first, out.constData());
    QVERIFY(out.contains("[SETTINGS_MAX_HEADER_LIST_SIZE(0x06):8000]"));
    QVERIFY(out.contains(":status: 200"));
}

void TransportTest::apnsAnswersAStreamLimitViolationWithGoAway()
{
    RawHttp2Client client;
    QVERIFY(client.connectTo(m_sim->apns, m_sim->caPath));
    client.sendPreface();
    const std::optional<RawHttp2Client::Frame> settings = client.waitFor(RawHttp2Client::Settings);
    QVERIFY(settings);
    QCOMPARE(RawHttp2Client::maxConcurrentStreams(*settings), 1);
    client.sendSettingsAck();
    // Two streams at once, before any valid token: the second breaks the acknowledged limit of one.
    client.sendHeaders(1, apnsHeaders(*m_sim, false), false);
    client.sendHeaders(3, apnsHeaders(*m_sim, false), false);
    const std::optional<RawHttp2Client::Frame> goAway = client.waitFor(RawHttp2Client::GoAway);
    QVERIFY(goAway);
    QCOMPARE(RawHttp2Client::goAwayErrorCode(*goAway), 7u); // REFUSED_STREAM
    QCOMPARE(RawHttp2Client::goAwayLastStreamId(*goAway), 1);
    QTRY_COMPARE(client.socket().state(), QAbstractSocket::UnconnectedState); // and the connection is closed
    QCOMPARE(QJsonDocument::fromJson(RawHttp2Client::goAwayDebugData(*goAway))
                 .object()
                 .value(QStringLiteral("reason"))
                 .toString(),
             QStringLiteral("Maximum active streams violated for this endpoint."));

    // A client that waits for the answer stays within the limit and is served.
    RawHttp2Client polite;
    QVERIFY(polite.connectTo(m_sim->apns, m_sim->caPath));
    polite.sendPreface();
    QVERIFY(polite.waitFor(RawHttp2Client::Settings));
    polite.sendSettingsAck();
    polite.sendHeaders(1, apnsHeaders(*m_sim, true), false);
    polite.sendData(1, R"({"aps":{}})", true);
    const std::optional<RawHttp2Client::Frame> answer = polite.waitFor(RawHttp2Client::Headers, 5000, true);
    QVERIFY(answer);
    QCOMPARE(answer->streamId, 1);
    QCOMPARE(quint8(answer->payload.at(0)), quint8(0x88)); // HPACK static entry 8, ":status: 200"
}

void TransportTest::goAwayAfterNStreams()
{
    patchBehaviour(R"({"goaway":[{"service":"fcm","after_streams":2,"reason":"Rotate"}]})");
    QFile body(m_dir.filePath(QStringLiteral("message.json")));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(R"({"message":{"token":"goaway-test","data":{"a":"b"}}})");
    body.close();
    const QString url =
        m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/demo-project/messages:send"))).toString();
    QByteArray out; // nghttp sends distinct URIs only, hence the query strings
    run(QStringLiteral("nghttp"),
        {QStringLiteral("-v"), QStringLiteral("-d"), body.fileName(), QStringLiteral("-H"),
         QStringLiteral("authorization: Bearer ") + QString::fromLatin1(m_accessToken), url + QStringLiteral("?1"),
         url + QStringLiteral("?2"), url + QStringLiteral("?3")},
        &out);
    QVERIFY2(out.contains("recv GOAWAY frame"), out.constData());
    QVERIFY2(out.contains("last_stream_id=15, error_code=NO_ERROR(0x00), opaque_data(19)=[{\"reason\":\"Rotate\"}]"),
             out.constData());
    // the third stream was not processed: refused, and not recorded as a delivery
    QVERIFY2(out.contains("(error_code=REFUSED_STREAM(0x07))"), out.constData());
    const QJsonObject record = adminCall(m_sim->admin, QStringLiteral("GET"),
                                         QStringLiteral("/admin/deliveries?service=fcm&token=goaway-test"))
                                   .json()
                                   .value(QStringLiteral("fcm"))
                                   .toObject()
                                   .value(QStringLiteral("goaway-test"))
                                   .toObject();
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 2);
}

void TransportTest::injectedLatencyDelaysAnswers()
{
    const QStringList arguments = {
        QStringLiteral("-H"), QStringLiteral("authorization: Bearer ") + QString::fromLatin1(m_accessToken),
        QStringLiteral("--data-binary"), QStringLiteral(R"({"message":{"token":"slow"}})"),
        m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/demo-project/messages:send"))).toString()};
    patchBehaviour(R"({"latency":{"fcm":"fixed:800"}})");
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(curl(m_sim->caPath, arguments).status, 200);
    const qint64 slow = timer.elapsed();
    QVERIFY2(slow >= 800, qPrintable(QString::number(slow)));
    patchBehaviour(R"({"latency":{"fcm":"none"}})");
    timer.restart();
    QCOMPARE(curl(m_sim->caPath, arguments).status, 200);
    // compared with the slow one, so a busy machine (starting curl, the TLS handshake) does not matter
    QVERIFY2(timer.elapsed() < slow - 400, qPrintable(QStringLiteral("%1 vs %2").arg(timer.elapsed()).arg(slow)));
}

void TransportTest::apnsRefusesClientsWithoutHttp2()
{
    const HttpExchange reply =
        curl(m_sim->caPath, {QStringLiteral("--http1.1"), QStringLiteral("-d"), QStringLiteral("{}"),
                             m_sim->apns.resolved(QUrl(QStringLiteral("/3/device/aa"))).toString()});
    QCOMPARE(reply.status, 0);
    QVERIFY2(reply.diagnostics.contains("no application protocol"), reply.diagnostics.constData());
}

void TransportTest::idleApnsConnectionsAreClosed()
{
    QFile config(m_dir.filePath(QStringLiteral("idle.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"apns": {"idle_timeout": 1}})");
    config.close();
    SimProcess sim(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(sim.start({QStringLiteral("--config"), config.fileName()}), qPrintable(sim.error()));
    RawHttp2Client client;
    QVERIFY(client.connectTo(sim.apns, sim.caPath));
    client.sendPreface();
    const std::optional<RawHttp2Client::Frame> goAway = client.waitFor(RawHttp2Client::GoAway, 5000, true);
    QVERIFY(goAway);
    QCOMPARE(RawHttp2Client::goAwayErrorCode(*goAway), 0u);
    QCOMPARE(RawHttp2Client::goAwayDebugData(*goAway), QByteArray(R"({"reason":"IdleTimeout"})"));
    QCOMPARE(sim.stop(), 0);
}

void TransportTest::certificatesAreReusedAndCoverExtraNames()
{
    const QString dataDir = m_dir.filePath(QStringLiteral("certificates"));
    SimProcess first(dataDir);
    QVERIFY2(first.start({}), qPrintable(first.error()));
    QFile ca(first.caPath);
    QVERIFY(ca.open(QIODevice::ReadOnly));
    const QByteArray caPem = ca.readAll();
    ca.close();
    QCOMPARE(first.stop(), 0);

    const QString copy = m_dir.filePath(QStringLiteral("ca-copy.pem"));
    SimProcess second(dataDir);
    QVERIFY2(
        second.start({QStringLiteral("--server-name"), QStringLiteral("push.test"), QStringLiteral("--ca-out"), copy}),
        qPrintable(second.error()));
    QVERIFY(ca.open(QIODevice::ReadOnly));
    QCOMPARE(ca.readAll(), caPem); // the CA survives restarts, so clients keep trusting it
    QFile copied(copy);
    QVERIFY(copied.open(QIODevice::ReadOnly));
    QCOMPARE(copied.readAll(), caPem);
    // the server certificate now also names push.test: curl verifies it for that name
    const HttpExchange reply =
        curl(copy, {QStringLiteral("--resolve"), QStringLiteral("push.test:%1:127.0.0.1").arg(second.google.port()),
                    QStringLiteral("https://push.test:%1/nothing").arg(second.google.port())});
    QCOMPARE(reply.status, 404);
    QCOMPARE(second.stop(), 0);
}

void TransportTest::shutdownSaysGoAwayAndWritesTheRecording()
{
    RawHttp2Client client;
    QVERIFY(client.connectTo(m_sim->apns, m_sim->caPath));
    client.sendPreface();
    client.sendHeaders(1, apnsHeaders(*m_sim, true), false);
    client.sendData(1, R"({"aps":{"badge":3}})", true);
    QVERIFY(client.waitFor(RawHttp2Client::Headers, 5000, true));

    ::kill(pid_t(m_sim->processId()), SIGTERM);
    const std::optional<RawHttp2Client::Frame> goAway = client.waitFor(RawHttp2Client::GoAway);
    QVERIFY(goAway);
    QCOMPARE(RawHttp2Client::goAwayDebugData(*goAway), QByteArray(R"({"reason":"Shutdown"})"));
    QCOMPARE(m_sim->waitForExit(), 0);
    QFile recording(m_recording);
    QVERIFY(recording.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(recording.readAll()).object();
    const QJsonObject record =
        json.value(QStringLiteral("apns")).toObject().value(QString::fromLatin1(kDevice)).toObject();
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 1);
    QCOMPARE(record.value(QStringLiteral("last_payload"))
                 .toObject()
                 .value(QStringLiteral("aps"))
                 .toObject()
                 .value(QStringLiteral("badge"))
                 .toInt(),
             3);
    QVERIFY(m_sim->standardError().contains("recording written to"));
}

QTEST_GUILESS_MAIN(TransportTest)
#include "TransportTest.moc"
