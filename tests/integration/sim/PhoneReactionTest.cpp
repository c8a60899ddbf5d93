// Virtual phones of the shipped vestnik-sim: pushes to fleet devices make them report delivered / opened /
// clicked(action) to a tracking URL and emit conversions to an event URL, with probabilities per A/B variant.
// The worker's tracking API does not exist yet, so a small receiver in this test plays it. Also: the fleet
// decides which project and app a token belongs to (SENDER_ID_MISMATCH, DeviceTokenNotForTopic).
#include "SimTestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik::test;

namespace {

const QString kEmail = QStringLiteral("sender@demo-project.iam.gserviceaccount.com");
const QString kTeam = QStringLiteral("TEAM123456");
const QString kKey = QStringLiteral("KEY1234567");
const QString kIosToken = QStringLiteral("b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");

} // namespace

class PhoneReactionTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();
    void phonesReportWhatTheyDoWithAPush();
    void probabilitiesDependOnTheVariant();
    void iosPhonesReactToo();
    void theFleetOwnsProjectsAndTopics();
    void generatedFleetsAreReproducible();

private:
    /// True once the simulator has nothing planned or in flight: every report has reached the receiver.
    bool isQuiet() const;
    QJsonObject byEvent(const QString &event) const;
    HttpExchange sendFcm(const QString &token, const QString &variant, const QString &track);
    QList<QJsonObject> received(const QString &event) const;

    QTemporaryDir m_dir;
    std::unique_ptr<OpenSslTool> m_openssl;
    std::unique_ptr<SimProcess> m_sim;
    QHttpServer m_receiver;
    QList<QJsonObject> m_tracked;
    QList<QJsonObject> m_events;
    QByteArray m_accessToken;
    QString m_apnsKey;
};

void PhoneReactionTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_receiver.route(QStringLiteral("/v1/track"), QHttpServerRequest::Method::Post,
                     [this](const QHttpServerRequest &request) {
                         m_tracked << QJsonDocument::fromJson(request.body()).object();
                         return QHttpServerResponse(QHttpServerResponder::StatusCode::Accepted);
                     });
    m_receiver.route(QStringLiteral("/v1/events"), QHttpServerRequest::Method::Post,
                     [this](const QHttpServerRequest &request) {
                         QJsonObject event = QJsonDocument::fromJson(request.body()).object();
                         event.insert(QStringLiteral("_authorization"),
                                      QString::fromLatin1(request.value(QByteArrayLiteral("authorization"))));
                         m_events << event;
                         return QHttpServerResponse(QHttpServerResponder::StatusCode::Accepted);
                     });
    const quint16 port = m_receiver.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port != 0);

    m_openssl = std::make_unique<OpenSslTool>(m_dir.path());
    const QString googleKey = m_openssl->generateRsaKey(QStringLiteral("sa.pem"));
    m_apnsKey = m_openssl->generateEcKey(QStringLiteral("AuthKey.p8"));
    QFile account(m_dir.filePath(QStringLiteral("sa.json")));
    QVERIFY(account.open(QIODevice::WriteOnly));
    account.write(serviceAccountJson(googleKey, kEmail, QStringLiteral("demo-project"), QStringLiteral("k"),
                                     QStringLiteral("https://oauth2.googleapis.com/token")));
    account.close();

    QFile fleet(m_dir.filePath(QStringLiteral("fleet.json")));
    QVERIFY(fleet.open(QIODevice::WriteOnly));
    fleet.write(QStringLiteral(R"({"users": [
        {"id": "anna", "locale": "ru-RU", "devices": [{"platform": "android", "token": "anna-phone", "app": "com.shop.app", "project": "demo-project"}]},
        {"id": "boris", "locale": "en-US", "devices": [{"platform": "ios", "token": "%1", "app": "com.shop.app"}]},
        {"id": "clara", "devices": [{"platform": "android", "token": "clara-phone", "app": "com.other.app", "project": "other-project"}]}]})")
                    .arg(kIosToken)
                    .toUtf8());
    fleet.close();
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral(R"({"fleet_file": "fleet.json", "reactions": {
        "tracking_url": "http://127.0.0.1:%1/v1/track", "event_url": "http://127.0.0.1:%1/v1/events",
        "authorization": "Bearer sim-phone", "conversion_event": "order.created",
        "default": {"delivered": 1, "opened": 1, "clicked": 1, "converted": 1, "actions": ["buy"],
                    "delays_ms": {"delivered": "fixed:5", "opened": "fixed:5", "clicked": "fixed:5", "converted": "fixed:5"}},
        "by_value": {"A": {"opened": 0}}}})")
                     .arg(port)
                     .toUtf8());
    config.close();
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName(), QStringLiteral("--service-account"),
                           account.fileName(), QStringLiteral("--apns-key"),
                           QStringLiteral("%1:%2:%3").arg(kTeam, kKey, m_apnsKey)}),
             qPrintable(m_sim->error()));
    m_accessToken = googleAccessToken(*m_sim, *m_openssl, googleKey, kEmail);
    QVERIFY(!m_accessToken.isEmpty());
}

bool PhoneReactionTest::isQuiet() const
{
    const QJsonObject status = adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/status")).json();
    return status.value(QStringLiteral("delayed_responses")).toInt(-1) == 0
           && status.value(QStringLiteral("reactions")).toObject().value(QStringLiteral("in_flight")).toInt(-1) == 0;
}

QJsonObject PhoneReactionTest::byEvent(const QString &event) const
{
    const QList<QJsonObject> list = received(event);
    return list.size() == 1 ? list.constFirst() : QJsonObject();
}

void PhoneReactionTest::init()
{
    // Reports of the previous test still on their way would be counted in this one.
    if (m_sim)
        QTRY_VERIFY(isQuiet());
    m_tracked.clear();
    m_events.clear();
}

void PhoneReactionTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

HttpExchange PhoneReactionTest::sendFcm(const QString &token, const QString &variant, const QString &track)
{
    const QString body =
        QStringLiteral(
            R"({"message":{"token":"%1","data":{"variant":"%2","vestnik_track":"%3","vestnik_nid":"n-%3"}}})")
            .arg(token, variant, track);
    return curl(m_sim->caPath,
                {QStringLiteral("-H"), QStringLiteral("authorization: Bearer ") + QString::fromLatin1(m_accessToken),
                 QStringLiteral("--data-binary"), body,
                 m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/demo-project/messages:send"))).toString()});
}

QList<QJsonObject> PhoneReactionTest::received(const QString &event) const
{
    QList<QJsonObject> list;
    for (const QJsonObject &item : m_tracked) {
        if (item.value(QStringLiteral("event")).toString() == event)
            list << item;
    }
    return list;
}

void PhoneReactionTest::phonesReportWhatTheyDoWithAPush()
{
    QCOMPARE(sendFcm(QStringLiteral("anna-phone"), QStringLiteral("B"), QStringLiteral("t-1")).status, 200);
    QTRY_VERIFY(isQuiet());
    QCOMPARE(m_tracked.size(), 3);
    QCOMPARE(m_events.size(), 1);
    // reports travel on parallel connections, so they may arrive in any order; their times may not
    const QJsonObject delivered = byEvent(QStringLiteral("delivered"));
    const QJsonObject opened = byEvent(QStringLiteral("opened"));
    const QJsonObject clicked = byEvent(QStringLiteral("clicked"));
    QVERIFY(!delivered.isEmpty() && !opened.isEmpty() && !clicked.isEmpty());
    QCOMPARE(clicked.value(QStringLiteral("action")).toString(), QStringLiteral("buy"));
    QVERIFY(delivered.value(QStringLiteral("at")).toDouble() <= opened.value(QStringLiteral("at")).toDouble());
    QVERIFY(opened.value(QStringLiteral("at")).toDouble() <= clicked.value(QStringLiteral("at")).toDouble());
    for (const QJsonObject &report : std::as_const(m_tracked)) {
        QCOMPARE(report.value(QStringLiteral("tracking_token")).toString(), QStringLiteral("t-1"));
        QCOMPARE(report.value(QStringLiteral("notification_id")).toString(), QStringLiteral("n-t-1"));
        QCOMPARE(report.value(QStringLiteral("user_id")).toString(), QStringLiteral("anna"));
        QCOMPARE(report.value(QStringLiteral("platform")).toString(), QStringLiteral("android"));
        QVERIFY(report.value(QStringLiteral("at")).toDouble() > 1.7e12);
    }
    const QJsonObject conversion = m_events.constFirst();
    QCOMPARE(conversion.value(QStringLiteral("type")).toString(), QStringLiteral("order.created"));
    QCOMPARE(conversion.value(QStringLiteral("user_id")).toString(), QStringLiteral("anna"));
    QCOMPARE(conversion.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("variant")).toString(),
             QStringLiteral("B"));
    QCOMPARE(conversion.value(QStringLiteral("_authorization")).toString(), QStringLiteral("Bearer sim-phone"));

    // tokens outside the fleet have no phone behind them
    QCOMPARE(sendFcm(QStringLiteral("stranger"), QStringLiteral("B"), QStringLiteral("t-2")).status, 200);
    QCOMPARE(sendFcm(QStringLiteral("anna-phone"), QStringLiteral("B"), QStringLiteral("t-3")).status, 200);
    QTRY_VERIFY(isQuiet());
    QCOMPARE(m_tracked.size(), 6);
    QCOMPARE(m_events.size(), 2);
    for (const QJsonObject &report : std::as_const(m_tracked))
        QVERIFY(report.value(QStringLiteral("tracking_token")).toString() != QStringLiteral("t-2"));
    const QJsonObject status = adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/status")).json();
    QVERIFY(status.value(QStringLiteral("reactions"))
                .toObject()
                .value(QStringLiteral("sent"))
                .toObject()
                .value(QStringLiteral("delivered"))
                .toInt()
            >= 2);
}

void PhoneReactionTest::probabilitiesDependOnTheVariant()
{
    QCOMPARE(sendFcm(QStringLiteral("anna-phone"), QStringLiteral("A"), QStringLiteral("a-1")).status, 200);
    QCOMPARE(sendFcm(QStringLiteral("anna-phone"), QStringLiteral("B"), QStringLiteral("b-1")).status, 200);
    QTRY_VERIFY(isQuiet());
    // variant A is delivered but never opened; variant B goes all the way
    QCOMPARE(received(QStringLiteral("delivered")).size(), 2);
    QCOMPARE(m_events.size(), 1);
    QCOMPARE(received(QStringLiteral("clicked")).size(), 1);
    QCOMPARE(received(QStringLiteral("opened")).size(), 1);
    QCOMPARE(received(QStringLiteral("opened")).constFirst().value(QStringLiteral("tracking_token")).toString(),
             QStringLiteral("b-1"));

    // half the phones open variant C: a reproducible half
    const QJsonObject reactions =
        adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/reactions")).json();
    QJsonObject changed = reactions;
    QJsonObject byValue = changed.value(QStringLiteral("by_value")).toObject();
    byValue.insert(QStringLiteral("C"), QJsonObject{{QStringLiteral("opened"), 0.5}, {QStringLiteral("clicked"), 0}});
    changed.insert(QStringLiteral("by_value"), byValue);
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/reactions"),
                       QJsonDocument(changed).toJson())
                 .status,
             200);
    m_tracked.clear();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(sendFcm(QStringLiteral("anna-phone"), QStringLiteral("C"), QStringLiteral("c-%1").arg(i)).status, 200);
    QTRY_VERIFY(isQuiet());
    QCOMPARE(received(QStringLiteral("delivered")).size(), 20);
    QVERIFY(received(QStringLiteral("opened")).size() >= 4 && received(QStringLiteral("opened")).size() <= 16);
    QVERIFY(received(QStringLiteral("clicked")).isEmpty());

    const HttpExchange invalid = adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/reactions"),
                                           R"({"default":{"opened":1.5}})");
    QCOMPARE(invalid.status, 400);
    QVERIFY(
        invalid.json().value(QStringLiteral("error")).toString().contains(QStringLiteral("reactions.default.opened")));
}

void PhoneReactionTest::iosPhonesReactToo()
{
    const QByteArray token = m_openssl->signJwt(
        m_apnsKey, {{QStringLiteral("alg"), QStringLiteral("ES256")}, {QStringLiteral("kid"), kKey}},
        {{QStringLiteral("iss"), kTeam}, {QStringLiteral("iat"), double(QDateTime::currentSecsSinceEpoch())}});
    const HttpExchange reply = curl(
        m_sim->caPath, {QStringLiteral("-H"), QStringLiteral("authorization: bearer ") + QString::fromLatin1(token),
                        QStringLiteral("-H"), QStringLiteral("apns-topic: com.shop.app"), QStringLiteral("-H"),
                        QStringLiteral("apns-collapse-id: n-ios"), QStringLiteral("--data-binary"),
                        QStringLiteral(R"({"aps":{"alert":"hi"},"variant":"B","vestnik":{"track":"t-ios"}})"),
                        m_sim->apns.resolved(QUrl(QStringLiteral("/3/device/") + kIosToken)).toString()});
    QCOMPARE(reply.status, 200);
    QTRY_VERIFY(isQuiet());
    QCOMPARE(m_tracked.size(), 3);
    const QJsonObject delivered = byEvent(QStringLiteral("delivered"));
    QCOMPARE(delivered.value(QStringLiteral("user_id")).toString(), QStringLiteral("boris"));
    QCOMPARE(delivered.value(QStringLiteral("platform")).toString(), QStringLiteral("ios"));
    QCOMPARE(delivered.value(QStringLiteral("tracking_token")).toString(), QStringLiteral("t-ios"));
    QCOMPARE(delivered.value(QStringLiteral("notification_id")).toString(),
             QStringLiteral("n-ios")); // from apns-collapse-id

    // a push for another app's topic does not reach this phone
    const HttpExchange wrongTopic =
        curl(m_sim->caPath,
             {QStringLiteral("-H"), QStringLiteral("authorization: bearer ") + QString::fromLatin1(token),
              QStringLiteral("-H"), QStringLiteral("apns-topic: com.other.app"), QStringLiteral("--data-binary"),
              QStringLiteral("{}"), m_sim->apns.resolved(QUrl(QStringLiteral("/3/device/") + kIosToken)).toString()});
    QCOMPARE(wrongTopic.status, 400);
    QCOMPARE(wrongTopic.json().value(QStringLiteral("reason")).toString(), QStringLiteral("DeviceTokenNotForTopic"));
}

void PhoneReactionTest::theFleetOwnsProjectsAndTopics()
{
    const HttpExchange reply = sendFcm(QStringLiteral("clara-phone"), QStringLiteral("B"), QStringLiteral("x"));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("details"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("errorCode"))
                 .toString(),
             QStringLiteral("SENDER_ID_MISMATCH"));
    const QJsonObject fleet = adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/fleet")).json();
    QCOMPARE(fleet.value(QStringLiteral("device_count")).toInt(), 3);
    QCOMPARE(fleet.value(QStringLiteral("users")).toArray().size(), 3);
}

void PhoneReactionTest::generatedFleetsAreReproducible()
{
    QFile config(m_dir.filePath(QStringLiteral("generated.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(
        R"({"fleet": {"generate": {"users": 50, "ios_share": 0.5, "locales": ["ru-RU", "en-US", "de-DE"], "app": "com.shop.app"}}})");
    config.close();
    QList<QJsonObject> fleets;
    for (const QString &seed : {QStringLiteral("5"), QStringLiteral("5"), QStringLiteral("6")}) {
        SimProcess sim(m_dir.filePath(QStringLiteral("data")));
        QVERIFY2(sim.start({QStringLiteral("--config"), config.fileName(), QStringLiteral("--seed"), seed}),
                 qPrintable(sim.error()));
        fleets << adminCall(sim.admin, QStringLiteral("GET"), QStringLiteral("/admin/fleet")).json();
        QCOMPARE(sim.stop(), 0);
    }
    QCOMPARE(fleets.at(0).value(QStringLiteral("device_count")).toInt(), 50);
    QCOMPARE(fleets.at(0), fleets.at(1));
    QVERIFY(fleets.at(0) != fleets.at(2));
    int ios = 0;
    const QJsonArray users = fleets.at(0).value(QStringLiteral("users")).toArray();
    for (const QJsonValue &user : users) {
        const QJsonObject device = user.toObject().value(QStringLiteral("devices")).toArray().at(0).toObject();
        if (device.value(QStringLiteral("platform")).toString() == QStringLiteral("ios")) {
            ++ios;
            QCOMPARE(device.value(QStringLiteral("token")).toString().size(), 64);
        }
    }
    QVERIFY2(ios > 12 && ios < 38, qPrintable(QString::number(ios)));
}

QTEST_GUILESS_MAIN(PhoneReactionTest)
#include "PhoneReactionTest.moc"
