// The embedded default end to end, with the shipped binaries and nothing else: one worker process on SQLite
// with the SqlBus (no Kafka, no PostgreSQL) and vestnik-sim. Events written to the bus's table by another
// process (as the ingest endpoint will) become pushes, each once; an unreadable event goes to the dead-letter
// topic; the simulator's phones report what they did with each push to the worker's /v1/track with the tracking
// token the push carried, and each report lands in the delivery's trail once. And what `scripts/run` shows:
// `vestnik-worker --demo` seeds the demo shop, posts its event and prints the trails of deliveries the simulator
// accepted.
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "TestServices.h"
#include "bus/SqlBus.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "store/TriggerRuleRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const QByteArray kSealKey = QByteArray(32, '\x44');
constexpr int kUsers = 200;
constexpr int kEventsPerUser = 3;

QString token(int user)
{
    return QStringLiteral("emb_%1:APA91b-").arg(user) + QString(40, QLatin1Char('e'));
}

} // namespace

class EmbeddedFlowTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void eventsBecomePushesOnTheEmbeddedBus();
    void demoShowsTheWholeFlow();

private:
    QProcessEnvironment environment(const QString &dataDir) const;
    int accepted() const;

    QTemporaryDir m_dir;
    QByteArray m_account;
    QString m_apnsKey;
    std::unique_ptr<test::SimProcess> m_sim;
};

void EmbeddedFlowTest::initTestCase()
{
    const test::OpenSslTool openssl(m_dir.path());
    m_apnsKey = openssl.generateEcKey(QStringLiteral("AuthKey_KEYDEMO001.p8"));
    QVERIFY(!m_apnsKey.isEmpty());
    // The flow's users are the simulator's fleet, so their phones react to the pushes.
    QJsonArray fleet;
    for (int user = 0; user < kUsers; ++user)
        fleet.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("u%1").arg(user)},
                        {QStringLiteral("devices"),
                         QJsonArray{QJsonObject{{QStringLiteral("platform"), QStringLiteral("android")},
                                                {QStringLiteral("token"), token(user)},
                                                {QStringLiteral("app"), QStringLiteral("shop")},
                                                {QStringLiteral("project"), QStringLiteral("vestnik-demo")}}}}});
    // The demo's credentials, where --demo looks for them, and a simulator that knows them.
    m_account = test::writeFcmSimConfig(
        openssl, m_dir.path(), QStringLiteral("sender@vestnik-demo.iam.gserviceaccount.com"),
        QStringLiteral("vestnik-demo"),
        QJsonObject{{QStringLiteral("fleet"), QJsonObject{{QStringLiteral("users"), fleet}}},
                    {QStringLiteral("apns"),
                     QJsonObject{{QStringLiteral("keys"),
                                  QJsonArray{QJsonObject{{QStringLiteral("team_id"), QStringLiteral("TEAMDEMO01")},
                                                         {QStringLiteral("key_id"), QStringLiteral("KEYDEMO001")},
                                                         {QStringLiteral("file"), m_apnsKey}}}}}}});
    QVERIFY(!m_account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
}

void EmbeddedFlowTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QProcessEnvironment EmbeddedFlowTest::environment(const QString &dataDir) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("warning"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(kSealKey.toHex()));
    // All the simulator's phones report from one address.
    env.insert(QStringLiteral("VESTNIK_API_RATE_PER_SECOND"), QStringLiteral("0"));
    test::addSimProviders(env, *m_sim);
    return env;
}

int EmbeddedFlowTest::accepted() const
{
    return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?token=none"))
        .json()
        .value(QStringLiteral("totals"))
        .toObject()
        .value(QStringLiteral("fcm"))
        .toObject()
        .value(QStringLiteral("accepted"))
        .toInt();
}

void EmbeddedFlowTest::eventsBecomePushesOnTheEmbeddedBus()
{
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    const QString dataDir = m_dir.filePath(QStringLiteral("embedded"));
    QVERIFY(QDir().mkpath(dataDir));
    DatabaseSettings settings;
    settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    VT_OK(database);
    Result<Sealer> sealer = Sealer::fromKey(kSealKey);
    VT_OK(sealer);
    VT_OK(Migrator(**database).migrate());
    const Clock &clock = SystemClock::instance();
    AppRepository apps(**database, clock, *sealer);
    VT_OK(apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0}));
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, m_account));
    TemplateRepository templates(**database, clock);
    TemplateCatalog catalog(templates);
    PushTemplate t;
    t.id = QStringLiteral("order");
    t.name = QStringLiteral("Order");
    t.content.title = QStringLiteral("Заказ {{номер}} отменён");
    t.content.body = QStringLiteral("Деньги вернутся в течение трёх дней");
    QVERIFY(catalog.save(t, {{"номер", "A-1"}}, QStringLiteral("test")).hasValue());
    TriggerRule rule;
    rule.name = QStringLiteral("Cancelled");
    rule.eventType = QStringLiteral("order.cancelled");
    rule.templateId = t.id;
    VT_OK(TriggerRuleRepository(**database, clock).create(rule));
    DeviceRepository devices(**database, clock, *sealer);
    for (int user = 0; user < kUsers; ++user)
        VT_OK(devices.registerDevice(QStringLiteral("u%1").arg(user), QStringLiteral("shop"), Platform::Android,
                                     token(user)));

    QProcess worker;
    worker.setProcessEnvironment(environment(dataDir));
    worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += worker.readAllStandardOutput(), out.contains("listening on"))
                                 || worker.state() != QProcess::Running,
                             30'000);
    QCOMPARE(worker.state(), QProcess::Running);
    const QUrl workerUrl = test::workerListeningUrl(out);
    QCOMPARE(workerUrl.scheme(), QStringLiteral("https"));
    const QString workerCa = QDir(dataDir).filePath(QStringLiteral("api-cert.pem"));
    // Every phone reports 'delivered', about half of them 'opened' too.
    const QJsonObject reactions{
        {QStringLiteral("tracking_url"), workerUrl.resolved(QUrl(QStringLiteral("/v1/track"))).toString()},
        {QStringLiteral("ca_file"), workerCa},
        {QStringLiteral("default"), QJsonObject{{QStringLiteral("delivered"), 1.0},
                                                {QStringLiteral("opened"), 0.5},
                                                {QStringLiteral("delays_ms"),
                                                 QJsonObject{{QStringLiteral("delivered"), QStringLiteral("fixed:1")},
                                                             {QStringLiteral("opened"), QStringLiteral("fixed:1")}}}}}};
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/reactions"),
                             QJsonDocument(reactions).toJson(QJsonDocument::Compact))
                 .status,
             200);

    // Another process's producer on the same database file: the worker finds the rows by polling.
    SqlBus bus(**database, clock, SqlBus::Settings{});
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    int confirmed = 0;
    const auto put = [&](const QString &key, const QByteArray &value) {
        producer->send(QStringLiteral("vestnik.events"), key.toUtf8(), value, [&confirmed](Result<void> result) {
            QVERIFY(result.hasValue());
            ++confirmed;
        });
    };
    for (int round = 0; round < kEventsPerUser; ++round) {
        for (int user = 0; user < kUsers; ++user)
            put(QStringLiteral("u%1").arg(user),
                QStringLiteral(R"({"id":"order-%1-%2","type":"order.cancelled","user_id":"u%1","occurred_at":%3,)"
                               R"("data":{"номер":"A-%1-%2"}})")
                    .arg(user)
                    .arg(round)
                    .arg(clock.nowMs())
                    .toUtf8());
    }
    put(QStringLiteral("x"), "{not an event");
    QTRY_COMPARE_WITH_TIMEOUT(confirmed, kUsers * kEventsPerUser + 1, 30'000);

    QTRY_COMPARE_WITH_TIMEOUT(accepted(), kUsers * kEventsPerUser, 120'000);

    // The phones' reports: all taken by the worker (a refused one counts as failed in the simulator).
    const auto phones = [this] {
        return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/status"))
            .json()
            .value(QStringLiteral("reactions"))
            .toObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT(
        phones().value(QStringLiteral("sent")).toObject().value(QStringLiteral("delivered")).toInt()
                    + phones().value(QStringLiteral("failed")).toObject().value(QStringLiteral("delivered")).toInt()
                == kUsers * kEventsPerUser
            && phones().value(QStringLiteral("in_flight")).toInt(-1) == 0,
        120'000);
    const QJsonObject reported = phones();
    QCOMPARE(reported.value(QStringLiteral("failed")).toObject(), QJsonObject());
    const int opened = reported.value(QStringLiteral("sent")).toObject().value(QStringLiteral("opened")).toInt();
    QVERIFY2(opened > 0 && opened < kUsers * kEventsPerUser, qPrintable(QString::number(opened)));
    const auto trailCount = [&](const QString &status) {
        QSqlQuery q((*database)->connection().value());
        q.prepare(QStringLiteral("SELECT COUNT(DISTINCT notification_id) FROM delivery_events WHERE status = ?"));
        q.addBindValue(status);
        return q.exec() && q.next() ? q.value(0).toInt() : -1;
    };
    QCOMPARE(trailCount(QStringLiteral("delivered")), kUsers * kEventsPerUser);
    QCOMPARE(trailCount(QStringLiteral("opened")), opened);

    // A report sent again with the push's own token is a replay; a token altered in one character is refused.
    const QJsonObject lastPush =
        test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?token=") + token(0))
            .json()
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(token(0))
            .toObject()
            .value(QStringLiteral("last_payload"))
            .toObject();
    const QJsonObject data =
        lastPush.value(QStringLiteral("message")).toObject().value(QStringLiteral("data")).toObject();
    const QString trackingToken = data.value(QStringLiteral("vestnik_track")).toString();
    QVERIFY(!trackingToken.isEmpty());
    const auto track = [&](const QString &tokenText) {
        const QJsonObject body{{QStringLiteral("notification_id"), data.value(QStringLiteral("vestnik_nid"))},
                               {QStringLiteral("event"), QStringLiteral("delivered")},
                               {QStringLiteral("tracking_token"), tokenText}};
        return test::curl(workerCa, {QStringLiteral("-H"), QStringLiteral("content-type: application/json"),
                                     QStringLiteral("--data-binary"),
                                     QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)),
                                     workerUrl.resolved(QUrl(QStringLiteral("/v1/track"))).toString()});
    };
    QCOMPARE(track(trackingToken).status, 409);
    QString altered = trackingToken;
    altered[altered.size() / 2] =
        altered.at(altered.size() / 2) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QCOMPARE(track(altered).status, 401);
    QCOMPARE(trailCount(QStringLiteral("delivered")), kUsers * kEventsPerUser);
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/reactions"), "{}").status,
             200);

    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 0);

    // Each phone got each of its user's pushes once.
    const QJsonObject fcm = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                                .json()
                                .value(QStringLiteral("fcm"))
                                .toObject();
    for (int user = 0; user < kUsers; ++user) {
        const QJsonObject ids = fcm.value(token(user)).toObject().value(QStringLiteral("collapse_ids")).toObject();
        QCOMPARE(ids.size(), kEventsPerUser);
        for (const QJsonValue &count : ids)
            QCOMPARE(count.toInt(), 1);
    }
    QCOMPARE(accepted(), kUsers * kEventsPerUser);
    // The unreadable one is in the dead-letter topic with its reason.
    Result<QSqlQuery> letters = (*database)->run(
        QStringLiteral("SELECT value FROM bus_messages WHERE topic = 'vestnik.dlq'"), {}, QStringLiteral("read"));
    VT_OK(letters);
    QVERIFY(letters->next());
    QVERIFY2(letters->value(0).toByteArray().contains("event: not valid JSON"),
             letters->value(0).toByteArray().constData());
    QVERIFY(!letters->next());
}

void EmbeddedFlowTest::demoShowsTheWholeFlow()
{
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    const QString dataDir = m_dir.filePath(QStringLiteral("demo"));
    QProcess worker;
    worker.setProcessEnvironment(environment(dataDir));
    worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {QStringLiteral("--demo"), m_dir.path()});
    QVERIFY(worker.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += worker.readAllStandardOutput(), out.contains("demo: every delivery"))
                                 || worker.state() != QProcess::Running,
                             60'000);
    QVERIFY2(worker.state() == QProcess::Running, out.constData());
    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 0);
    // Anna's Android and iPhone, each sent, as the trails say and the simulator confirms.
    QVERIFY2(out.contains("demo: android push") && out.contains("demo: ios push"), out.constData());
    QCOMPARE(out.count("-> sent"), 2);
    const QJsonObject totals = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                                   .json()
                                   .value(QStringLiteral("totals"))
                                   .toObject();
    QCOMPARE(totals.value(QStringLiteral("fcm")).toObject().value(QStringLiteral("accepted")).toInt(), 1);
    QCOMPARE(totals.value(QStringLiteral("apns")).toObject().value(QStringLiteral("accepted")).toInt(), 1);
    const QJsonObject fcm = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                                .json()
                                .value(QStringLiteral("fcm"))
                                .toObject();
    QCOMPARE(fcm.size(), 1);
    const QJsonObject notification =
        test::lastFcmMessage(fcm.begin()->toObject()).value(QStringLiteral("notification")).toObject();
    QCOMPARE(notification.value(QStringLiteral("title")).toString(), QStringLiteral("Анна, вы кое-что забыли"));
    QCOMPARE(notification.value(QStringLiteral("body")).toString(),
             QStringLiteral("Чайник «Ёж» и ещё 3 товара ждут в корзине"));
}

QTEST_GUILESS_MAIN(EmbeddedFlowTest)
#include "EmbeddedFlowTest.moc"
