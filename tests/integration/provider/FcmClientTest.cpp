// The FCM client end to end against vestnik-sim: service-account OAuth (JWT-bearer grant), one token fetch for
// many concurrent sends, refresh-once on 401, and exactly-once delivery across GOAWAYs.
#include "provider/FcmClient.h"

#include "SimTestSupport.h"
#include "provider/GoogleTokenSource.h"
#include "provider/Http2Pool.h"
#include "provider/PayloadBuilder.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

namespace {

const QString kProject = QStringLiteral("shop-test");
const QString kEmail = QStringLiteral("vestnik@shop-test.iam.gserviceaccount.com");

// A token source that first hands out a token FCM does not know, then defers to the real one.
class StaleFirstTokenSource final : public AccessTokenSource
{
public:
    explicit StaleFirstTokenSource(AccessTokenSource &real) : m_real(real) {}
    void token(Callback callback) override
    {
        if (!m_invalidated) {
            callback(QByteArrayLiteral("ya29.revoked-token"));
            return;
        }
        m_real.token(std::move(callback));
    }
    void invalidate(const QByteArray &token) override
    {
        m_invalidated = m_invalidated || token == QByteArrayLiteral("ya29.revoked-token");
        m_real.invalidate(token);
    }
    bool m_invalidated = false;

private:
    AccessTokenSource &m_real;
};

QByteArray messageFor(const QString &token)
{
    const nlohmann::json message = {{"notification", {{"title", "Заказ отменён"}, {"body", "Заказ №42"}}},
                                    {"data", {{"vestnik_nid", token.toStdString()}}}};
    return PayloadBuilder::fcmRequestBody(message, token);
}

QString deviceToken(int i)
{
    return QStringLiteral("fh_device%1:APA91b-sim-").arg(i, 5, 10, QLatin1Char('0')) + QString(40, QLatin1Char('x'));
}

} // namespace

class FcmClientTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void sendsWithOneTokenFetch();
    void refreshesOnceOn401();
    void badServiceAccountIsReported();
    void goawayLosesNothingAndDuplicatesNothing();

private:
    void patchBehaviour(const QByteArray &json);
    QJsonObject deliveries();
    GoogleTokenSource::Options tokenOptions() const;
    Http2Endpoint googleEndpoint() const;

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::OpenSslTool> m_openssl;
    QList<QSslCertificate> m_ca;
    QString m_accountPath;
    QNetworkAccessManager m_network;
    const Clock &m_clock = SystemClock::instance();
};

void FcmClientTest::initTestCase()
{
    m_openssl = std::make_unique<test::OpenSslTool>(m_dir.path());
    const QString key = m_openssl->generateRsaKey(QStringLiteral("sa.pem"));
    QVERIFY(!key.isEmpty());
    m_accountPath = m_dir.filePath(QStringLiteral("sa.json"));
    QFile account(m_accountPath);
    QVERIFY(account.open(QIODevice::WriteOnly));
    account.write(test::serviceAccountJson(key, kEmail, kProject, QStringLiteral("key-1"),
                                           QStringLiteral("https://oauth2.googleapis.com/token")));
    account.close();
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"google": {"service_accounts": [{"file": "sa.json"}]}, "seed": 11})");
    config.close();
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName()}), qPrintable(m_sim->error()));
    m_ca = QSslCertificate::fromPath(m_sim->caPath);
    QVERIFY(!m_ca.isEmpty());
}

void FcmClientTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

void FcmClientTest::init()
{
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/behaviour"), "{}").status,
             200);
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
}

void FcmClientTest::patchBehaviour(const QByteArray &json)
{
    const test::HttpExchange patched =
        test::adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(patched.status == 200, patched.body.constData());
}

GoogleTokenSource::Options FcmClientTest::tokenOptions() const
{
    GoogleTokenSource::Options options;
    options.tokenEndpoint = m_sim->google.resolved(QUrl(QStringLiteral("/token")));
    options.caCertificates = m_ca;
    return options;
}

Http2Endpoint FcmClientTest::googleEndpoint() const
{
    Http2Endpoint endpoint;
    endpoint.host = m_sim->google.host();
    endpoint.port = quint16(m_sim->google.port());
    endpoint.caCertificates = m_ca;
    return endpoint;
}

QJsonObject FcmClientTest::deliveries()
{
    return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries")).json();
}

void FcmClientTest::sendsWithOneTokenFetch()
{
    Result<ServiceAccount> account = ServiceAccount::fromFile(m_accountPath);
    QVERIFY2(account.hasValue(), test::errorText(account).constData());
    QCOMPARE(account->projectId, kProject);
    const GoogleTokenSource::Options options = tokenOptions();
    GoogleTokenSource tokens(*account, options, m_network, m_clock);
    Http2Endpoint endpoint = googleEndpoint();
    Http2Pool pool(endpoint);
    FcmClient client(account->projectId, pool, tokens);

    constexpr int kSends = 500;
    int ok = 0;
    int answered = 0;
    QByteArray lastBody;
    for (int i = 0; i < kSends; ++i) {
        client.send(messageFor(deviceToken(i)), [&](HttpResponse &&response) {
            ++answered;
            ok += response.status == 200 ? 1 : 0;
            lastBody = response.body;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, kSends, 60'000);
    QCOMPARE(ok, kSends);
    QCOMPARE(tokens.fetchCount(), 1); // 500 concurrent sends, one OAuth round trip
    QVERIFY(QJsonDocument::fromJson(lastBody)
                .object()
                .value(QStringLiteral("name"))
                .toString()
                .startsWith(QStringLiteral("projects/shop-test/messages/")));
    const QJsonObject totals =
        deliveries().value(QStringLiteral("totals")).toObject().value(QStringLiteral("fcm")).toObject();
    QCOMPARE(totals.value(QStringLiteral("accepted")).toInt(), kSends);
}

void FcmClientTest::refreshesOnceOn401()
{
    Result<ServiceAccount> account = ServiceAccount::fromFile(m_accountPath);
    const GoogleTokenSource::Options options = tokenOptions();
    GoogleTokenSource real(*account, options, m_network, m_clock);
    StaleFirstTokenSource tokens(real);
    Http2Endpoint endpoint = googleEndpoint();
    Http2Pool pool(endpoint);
    FcmClient client(kProject, pool, tokens);
    int status = 0;
    client.send(messageFor(deviceToken(1)), [&](HttpResponse &&response) { status = response.status; });
    QTRY_VERIFY_WITH_TIMEOUT(status != 0, 20'000);
    QCOMPARE(status, 200);
    QVERIFY(tokens.m_invalidated);
    QCOMPARE(real.fetchCount(), 1);
    const QJsonObject record = deliveries().value(QStringLiteral("fcm")).toObject().value(deviceToken(1)).toObject();
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 1);
}

void FcmClientTest::badServiceAccountIsReported()
{
    // a key the simulator does not know for this account: the grant fails and every send says why
    const QString otherKey = m_openssl->generateRsaKey(QStringLiteral("other.pem"));
    Result<ServiceAccount> account = ServiceAccount::fromJson(test::serviceAccountJson(
        otherKey, kEmail, kProject, QStringLiteral("key-2"), QStringLiteral("https://oauth2.googleapis.com/token")));
    QVERIFY(account.hasValue());
    const GoogleTokenSource::Options options = tokenOptions();
    GoogleTokenSource tokens(*account, options, m_network, m_clock);
    Http2Endpoint endpoint = googleEndpoint();
    Http2Pool pool(endpoint);
    FcmClient client(kProject, pool, tokens);
    HttpResponse result;
    bool done = false;
    client.send(messageFor(deviceToken(2)), [&](HttpResponse &&response) {
        result = std::move(response);
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20'000);
    QVERIFY(!result.hasAnswer());
    QCOMPARE(result.error, TransportError::Credentials);
    QVERIFY2(result.errorText.contains(QStringLiteral("invalid_grant")), qPrintable(result.errorText));
    QVERIFY(!ServiceAccount::fromJson("{\"type\":\"service_account\"}").hasValue());
}

void FcmClientTest::goawayLosesNothingAndDuplicatesNothing()
{
    patchBehaviour(QByteArrayLiteral(R"({"goaway":[{"service":"fcm","after_streams":700,"error_code":0,)"
                                     R"("reason":"Shutdown"}]})"));
    Result<ServiceAccount> account = ServiceAccount::fromFile(m_accountPath);
    const GoogleTokenSource::Options options = tokenOptions();
    GoogleTokenSource tokens(*account, options, m_network, m_clock);
    Http2Endpoint endpoint = googleEndpoint();
    endpoint.maxConnections = 3;
    Http2Pool pool(endpoint);
    FcmClient client(kProject, pool, tokens);
    constexpr int kSends = 10'000;
    int answered = 0;
    int ok = 0;
    for (int i = 0; i < kSends; ++i) {
        client.send(messageFor(deviceToken(i)), [&](HttpResponse &&response) {
            ++answered;
            ok += response.status == 200 ? 1 : 0;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(answered, kSends, 120'000);
    QCOMPARE(ok, kSends);
    QVERIFY(pool.resentCount() > 0);
    const QJsonObject fcm = deliveries().value(QStringLiteral("fcm")).toObject();
    QCOMPARE(fcm.size(), kSends);
    int duplicates = 0;
    for (auto it = fcm.begin(); it != fcm.end(); ++it)
        duplicates += it.value().toObject().value(QStringLiteral("attempts")).toInt() != 1 ? 1 : 0;
    QCOMPARE(duplicates, 0);
}

QTEST_GUILESS_MAIN(FcmClientTest)
#include "FcmClientTest.moc"
