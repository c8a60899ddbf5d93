// The APNs client against vestnik-sim: provider-token authentication, the one-stream-until-authenticated rule,
// payloads built from a template, unregistered tokens answered with their timestamp.
#include "provider/ApnsClient.h"

#include "SimTestSupport.h"
#include "provider/ApnsProviderToken.h"
#include "provider/Http2Pool.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

namespace {

const QString kTeam = QStringLiteral("TEAM000001");
const QString kKeyId = QStringLiteral("KEY0000001");
const QByteArray kTopic = QByteArrayLiteral("com.example.shop");

QString deviceToken(int i)
{
    return QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
}

ApnsRequest alert(const QString &body)
{
    ApnsRequest request;
    request.payload =
        QJsonDocument(QJsonObject{{QStringLiteral("aps"), QJsonObject{{QStringLiteral("alert"),
                                                                       QJsonObject{{QStringLiteral("body"), body}}}}}})
            .toJson(QJsonDocument::Compact);
    request.headers = {{"apns-push-type", "alert"}, {"apns-topic", kTopic}, {"apns-priority", "10"}};
    return request;
}

} // namespace

class ApnsClientTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sendsManyOnceAuthenticated();
    void unregisteredTokenCarriesItsTimestamp();
    void wrongTeamIsForbidden();

private:
    Http2Endpoint endpoint() const;

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::OpenSslTool> m_openssl;
    QByteArray m_p8;
    QList<QSslCertificate> m_ca;
};

void ApnsClientTest::initTestCase()
{
    m_openssl = std::make_unique<test::OpenSslTool>(m_dir.path());
    const QString keyPath = m_openssl->generateEcKey(QStringLiteral("AuthKey_%1.p8").arg(kKeyId));
    QVERIFY(!keyPath.isEmpty());
    QFile key(keyPath);
    QVERIFY(key.open(QIODevice::ReadOnly));
    m_p8 = key.readAll();
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral(R"({"apns": {"environment": "development",
        "keys": [{"team_id": "%1", "key_id": "%2", "file": "AuthKey_%2.p8"}]},
        "behaviour": {"streams": {"apns_initial": 1, "apns": 500},
                      "tokens": [{"service": "apns", "token": "%3", "state": "unregistered",
                                  "timestamp": 1767225600000}]}})")
                     .arg(kTeam, kKeyId, deviceToken(999))
                     .toUtf8());
    config.close();
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName()}), qPrintable(m_sim->error()));
    QVERIFY(m_sim->apns.isValid());
    m_ca = QSslCertificate::fromPath(m_sim->caPath);
}

void ApnsClientTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

Http2Endpoint ApnsClientTest::endpoint() const
{
    Http2Endpoint endpoint;
    endpoint.host = m_sim->apns.host();
    endpoint.port = quint16(m_sim->apns.port());
    endpoint.caCertificates = m_ca;
    endpoint.maxConnections = 1;
    return endpoint;
}

void ApnsClientTest::sendsManyOnceAuthenticated()
{
    Result<ApnsProviderToken> token = ApnsProviderToken::fromP8(m_p8, kTeam, kKeyId, SystemClock::instance());
    QVERIFY2(token.hasValue(), test::errorText(token).constData());
    Http2Pool pool(endpoint());
    ApnsClient client(pool, &*token);
    constexpr int kSends = 2000;
    int answered = 0;
    int ok = 0;
    for (int i = 0; i < kSends; ++i) {
        client.send(deviceToken(1000 + i), alert(QStringLiteral("Заказ №%1 отменён").arg(i)),
                    [&](HttpResponse &&response) {
                        ++answered;
                        ok += response.status == 200 && !response.header("apns-id").isEmpty() ? 1 : 0;
                    });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, kSends, 60'000);
    QCOMPARE(ok, kSends);
    // one stream until the first valid token, then the server's 500: nothing refused, no GOAWAY
    QCOMPARE(pool.resentCount(), 0);
    QCOMPARE(token->issued(), 1);
    const QJsonObject record =
        test::adminCall(m_sim->admin, QStringLiteral("GET"),
                        QStringLiteral("/admin/deliveries?service=apns&token=") + deviceToken(1007))
            .json();
    QVERIFY2(QJsonDocument(record).toJson().contains("Заказ №7 отменён"), QJsonDocument(record).toJson().constData());
}

void ApnsClientTest::unregisteredTokenCarriesItsTimestamp()
{
    Result<ApnsProviderToken> token = ApnsProviderToken::fromP8(m_p8, kTeam, kKeyId, SystemClock::instance());
    Http2Pool pool(endpoint());
    ApnsClient client(pool, &*token);
    HttpResponse answer;
    bool done = false;
    client.send(deviceToken(999), alert(QStringLiteral("x")), [&](HttpResponse &&response) {
        answer = std::move(response);
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20'000);
    QCOMPARE(answer.status, 410);
    const QJsonObject body = QJsonDocument::fromJson(answer.body).object();
    QCOMPARE(body.value(QStringLiteral("reason")).toString(), QStringLiteral("Unregistered"));
    QCOMPARE(body.value(QStringLiteral("timestamp")).toInteger(), 1767225600000);
}

void ApnsClientTest::wrongTeamIsForbidden()
{
    const QString otherKey = m_openssl->generateEcKey(QStringLiteral("other.p8"));
    QFile file(otherKey);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Result<ApnsProviderToken> token = ApnsProviderToken::fromP8(file.readAll(), kTeam, kKeyId, SystemClock::instance());
    Http2Pool pool(endpoint());
    ApnsClient client(pool, &*token);
    HttpResponse answer;
    bool done = false;
    client.send(deviceToken(1), alert(QStringLiteral("x")), [&](HttpResponse &&response) {
        answer = std::move(response);
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20'000);
    QCOMPARE(answer.status, 403);
    QCOMPARE(QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("reason")).toString(),
             QStringLiteral("InvalidProviderToken"));
}

QTEST_GUILESS_MAIN(ApnsClientTest)
#include "ApnsClientTest.moc"
