// The shipped vestnik-worker's sender role: it picks up what a previous run left behind (a retry that fell due
// while no worker ran, a delivery whose worker died mid-send), rendered again from the stored send job; and it
// consumes send jobs from Kafka, sends each once, dead-letters what it cannot read, and on SIGTERM finishes
// and commits before it exits.
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestServices.h"
#include "bus/KafkaConsumer.h"
#include "bus/KafkaProducer.h"
#include "model/SendJob.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using namespace vestnik;

namespace {

const QString kProject = QStringLiteral("shop-test");
const QString kEmail = QStringLiteral("vestnik@shop-test.iam.gserviceaccount.com");
const QByteArray kSealKey = QByteArray(32, '\x21');

QString fcmToken(int i)
{
    return QStringLiteral("fh_resume%1:APA91b-").arg(i, 3, 10, QLatin1Char('0')) + QString(40, QLatin1Char('y'));
}

} // namespace

class WorkerSenderTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void resumesDueRetriesAndExpiredClaims();
    void consumesSendJobsFromKafkaAndStopsGracefully();

private:
    /// A worker database with the app, its FCM credentials, the template and `count` Android devices (users
    /// u<from> ... with tokens fcmToken(from) ...); the ids of the devices.
    QList<qint64> prepareDatabase(const QString &dataDir, int from, int count);
    QProcessEnvironment workerEnvironment(const QString &dataDir) const;
    QJsonObject accepted(const QString &token) const;

    QTemporaryDir m_dir;
    QByteArray m_account;
    std::unique_ptr<test::SimProcess> m_sim;
};

void WorkerSenderTest::initTestCase()
{
    const test::OpenSslTool openssl(m_dir.path());
    m_account = test::writeFcmSimConfig(openssl, m_dir.path(), kEmail, kProject);
    QVERIFY(!m_account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
}

void WorkerSenderTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QList<qint64> WorkerSenderTest::prepareDatabase(const QString &dataDir, int from, int count)
{
    QList<qint64> ids;
    if (!QDir().mkpath(dataDir))
        return ids;
    DatabaseSettings settings;
    settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    Result<Sealer> sealer = Sealer::fromKey(kSealKey);
    if (!database || !sealer || !Migrator(**database).migrate())
        return ids;
    const Clock &clock = SystemClock::instance();
    AppRepository apps(**database, clock, *sealer);
    DeviceRepository devices(**database, clock, *sealer);
    TemplateRepository templates(**database, clock);
    TemplateCatalog catalog(templates);
    if (!apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0})
        || !apps.setCredential(QStringLiteral("shop"), Provider::Fcm, m_account))
        return ids;
    PushTemplate t;
    t.id = QStringLiteral("cart");
    t.name = QStringLiteral("Cart");
    t.content.title = QStringLiteral("{{имя}}, вы забыли корзину");
    t.content.body = QStringLiteral("{{название_товара}} ждёт");
    if (!catalog.save(t, {{"имя", "Анна"}, {"название_товара", "Чайник"}}, QStringLiteral("test")).hasValue())
        return ids;
    for (int i = from; i < from + count; ++i) {
        Result<qint64> device = devices.registerDevice(QStringLiteral("u%1").arg(i), QStringLiteral("shop"),
                                                       Platform::Android, fcmToken(i));
        if (!device)
            return {};
        ids.append(*device);
    }
    return ids;
}

QProcessEnvironment WorkerSenderTest::workerEnvironment(const QString &dataDir) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(kSealKey.toHex()));
    test::addSimProviders(env, *m_sim);
    env.insert(QStringLiteral("VESTNIK_DELIVERY_RETRY_SCAN_INTERVAL_MS"), QStringLiteral("50"));
    return env;
}

QJsonObject WorkerSenderTest::accepted(const QString &token) const
{
    return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
        .json()
        .value(QStringLiteral("fcm"))
        .toObject()
        .value(token)
        .toObject();
}

void WorkerSenderTest::resumesDueRetriesAndExpiredClaims()
{
    // What a previous run left in the worker's database.
    const QString dataDir = m_dir.filePath(QStringLiteral("resume"));
    const QList<qint64> deviceIds = prepareDatabase(dataDir, 0, 2);
    QCOMPARE(deviceIds.size(), 2);
    QStringList nids;
    {
        DatabaseSettings settings;
        settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
        Result<std::shared_ptr<Database>> database = Database::open(settings);
        VT_OK(database);
        const Clock &clock = SystemClock::instance();
        DeliveryRepository deliveries(**database, clock);
        QList<DeliveryRepository::StoredJob> jobs;
        QList<Delivery> rows;
        for (int i = 0; i < 2; ++i) {
            const QString user = QStringLiteral("u%1").arg(i);
            SendJob job;
            job.eventId = QStringLiteral("cart.abandoned:%1").arg(i);
            job.userId = user;
            job.templateId = QStringLiteral("cart");
            job.templateVersion = 1;
            job.variables = {{"имя", i == 0 ? "Анна" : "Олег"}, {"название_товара", "Чайник"}};
            job.createdAtMs = clock.nowMs();
            jobs.append({job.key(), user, job.toJson()});
            Delivery d;
            d.notificationId = job.notificationIdFor(deviceIds.at(i));
            d.userId = user;
            d.deviceId = deviceIds.at(i);
            d.appId = QStringLiteral("shop");
            d.platform = Platform::Android;
            d.templateId = job.templateId;
            d.templateVersion = 1;
            d.eventId = job.eventId;
            d.jobId = job.key();
            d.createdAtMs = job.createdAtMs;
            d.expiresAtMs = job.createdAtMs + 3'600'000;
            rows.append(d);
            nids.append(d.notificationId);
        }
        // Both were claimed by a worker that is gone: one of them got a 503 and a retry that is due now, the
        // other one's lease has already run out.
        Result<QSet<QString>> claimed = deliveries.insertAndClaim(jobs, rows, QStringLiteral("gone/1/0"), -1);
        VT_OK(claimed);
        QCOMPARE(claimed->size(), 2);
        VT_OK(deliveries.scheduleRetry(nids.at(0), clock.nowMs() - 1, QStringLiteral("fcm.UNAVAILABLE"),
                                       QStringLiteral("the service was unavailable")));
    }

    QProcess worker;
    worker.setProcessEnvironment(workerEnvironment(dataDir));
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());
    QTRY_VERIFY2_WITH_TIMEOUT((accepted(fcmToken(0)).value(QStringLiteral("accepted")).toInt() == 1
                               && accepted(fcmToken(1)).value(QStringLiteral("accepted")).toInt() == 1)
                                  || worker.state() == QProcess::NotRunning,
                              "the worker did not resend both deliveries", 30'000);
    QVERIFY2(worker.state() == QProcess::Running, worker.readAllStandardError().constData());
    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(15'000));
    QCOMPARE(worker.exitCode(), 0);

    // Rendered again from the stored job: each user's own name.
    QCOMPARE(test::lastFcmMessage(accepted(fcmToken(1)))
                 .value(QStringLiteral("notification"))
                 .toObject()
                 .value(QStringLiteral("title"))
                 .toString(),
             QStringLiteral("Олег, вы забыли корзину"));
    // And recorded: both sent, each with one 'sent' in its trail.
    DatabaseSettings settings;
    settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    VT_OK(database);
    DeliveryRepository deliveries(**database, SystemClock::instance());
    for (const QString &nid : std::as_const(nids)) {
        Result<std::optional<Delivery>> row = deliveries.find(nid);
        VT_OK(row);
        QCOMPARE(deliveryStatusName((*row)->status), QStringLiteral("sent"));
        Result<QList<DeliveryEvent>> trail = deliveries.trail(nid);
        VT_OK(trail);
        QCOMPARE(std::count_if(trail->cbegin(), trail->cend(),
                               [](const DeliveryEvent &e) { return e.status == DeliveryStatus::Sent; }),
                 1);
    }
}

void WorkerSenderTest::consumesSendJobsFromKafkaAndStopsGracefully()
{
    const QString missing = test::missingService(QStringLiteral("kafka"));
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    constexpr int kDevices = 200;
    const int first = 1000; // tokens of this case: fcmToken(1000 + i)
    const QString dataDir = m_dir.filePath(QStringLiteral("kafka"));
    QCOMPARE(prepareDatabase(dataDir, first, kDevices).size(), kDevices);
    const QString suffix = QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString sends = QStringLiteral("vestnik.sends.") + suffix;
    const QString dlq = QStringLiteral("vestnik.dlq.") + suffix;
    const QString brokers = test::kafkaBrokers();

    QProcessEnvironment env = workerEnvironment(dataDir);
    env.insert(QStringLiteral("VESTNIK_BUS_KAFKA_BROKERS"), brokers);
    env.insert(QStringLiteral("VESTNIK_BUS_SENDS_TOPIC"), sends);
    env.insert(QStringLiteral("VESTNIK_BUS_DLQ_TOPIC"), dlq);
    env.insert(QStringLiteral("VESTNIK_BUS_GROUP_ID"), QStringLiteral("senders-") + suffix);
    env.insert(QStringLiteral("VESTNIK_BUS_PARTITIONS"), QStringLiteral("3"));
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());

    // The worker creates its topics; a producer of the company's services puts jobs on them meanwhile.
    KafkaProducer producer(KafkaProducer::Settings{brokers, {}, std::chrono::milliseconds(5)});
    VT_OK(producer.start());
    VT_OK(producer.ensureTopic(sends, 3, std::chrono::seconds(15)));
    int produced = 0;
    for (int i = 0; i < kDevices; ++i) {
        SendJob job;
        job.eventId = QStringLiteral("order.cancelled:%1").arg(i);
        job.userId = QStringLiteral("u%1").arg(first + i);
        job.templateId = QStringLiteral("cart");
        job.variables = {{"имя", "Анна"}, {"название_товара", "Чайник"}};
        producer.produce(sends, KafkaProducer::kAnyPartition, job.userId.toUtf8(), job.toJson(),
                         [&produced](Result<void> result) { produced += result ? 1 : 0; });
    }
    producer.produce(sends, KafkaProducer::kAnyPartition, "x", "{garbage",
                     [&produced](Result<void> result) { produced += result ? 1 : 0; });
    QTRY_COMPARE_WITH_TIMEOUT(produced, kDevices + 1, 30'000);

    const auto acceptedAll = [&] {
        const QJsonObject fcm =
            test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
                .json()
                .value(QStringLiteral("fcm"))
                .toObject();
        int count = 0;
        for (int i = 0; i < kDevices; ++i)
            count += fcm.value(fcmToken(first + i)).toObject().value(QStringLiteral("accepted")).toInt();
        return count;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(acceptedAll() == kDevices || worker.state() == QProcess::NotRunning,
                              "the worker did not send every job", 60'000);
    QVERIFY2(worker.state() == QProcess::Running, "the worker exited");
    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 0);
    QCOMPARE(acceptedAll(), kDevices); // each once

    // The garbage is in the dead-letter topic with its reason, and the group committed everything: a new
    // member of it reads nothing of the old jobs, only a marker put there now.
    QStringList letters;
    KafkaConsumer dlqReader(KafkaConsumer::Settings{brokers,
                                                    QStringLiteral("dlq-") + suffix,
                                                    {dlq},
                                                    {},
                                                    100,
                                                    std::chrono::milliseconds(5),
                                                    std::chrono::milliseconds(100)},
                            [&letters](const BusMessage &message, KafkaConsumer::Ack ack) {
                                letters << QString::fromUtf8(message.value);
                                ack();
                            });
    VT_OK(dlqReader.start());
    QTRY_COMPARE_WITH_TIMEOUT(letters.size(), 1, 30'000);
    QVERIFY2(letters.constFirst().contains(QStringLiteral("not valid JSON")), qPrintable(letters.constFirst()));
    dlqReader.stop();
    for (int p = 0; p < 3; ++p) {
        bool done = false;
        producer.produce(sends, p, "marker", "marker", [&done](Result<void> result) { done = result.hasValue(); });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10'000);
    }
    QStringList seen;
    KafkaConsumer member(KafkaConsumer::Settings{brokers,
                                                 QStringLiteral("senders-") + suffix,
                                                 {sends},
                                                 {},
                                                 100,
                                                 std::chrono::milliseconds(5),
                                                 std::chrono::milliseconds(100)},
                         [&seen](const BusMessage &message, KafkaConsumer::Ack ack) {
                             seen << QString::fromUtf8(message.value);
                             ack();
                         });
    VT_OK(member.start());
    QTRY_VERIFY2_WITH_TIMEOUT(seen.size() >= 3, qPrintable(seen.join(QLatin1Char('|'))), 60'000);
    QVERIFY2(seen.size() == 3, qPrintable(seen.join(QLatin1Char('|'))));
    QCOMPARE(seen, (QStringList{QStringLiteral("marker"), QStringLiteral("marker"), QStringLiteral("marker")}));
    member.stop();
}

QTEST_GUILESS_MAIN(WorkerSenderTest)
#include "WorkerSenderTest.moc"
