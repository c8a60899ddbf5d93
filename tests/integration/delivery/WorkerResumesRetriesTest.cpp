// The shipped vestnik-worker picks up what a previous run left behind: a retry that fell due while no
// worker ran, and a delivery whose worker died mid-send (its claim's lease ran out). Both reach vestnik-sim
// once, rendered again from the stored send job.
#include "SimTestSupport.h"
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

class WorkerResumesRetriesTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resumesDueRetriesAndExpiredClaims();
};

void WorkerResumesRetriesTest::resumesDueRetriesAndExpiredClaims()
{
    QTemporaryDir dir;
    test::OpenSslTool openssl(dir.path());
    const QString key = openssl.generateRsaKey(QStringLiteral("sa.pem"));
    QVERIFY(!key.isEmpty());
    const QByteArray account = test::serviceAccountJson(key, kEmail, kProject, QStringLiteral("key-1"),
                                                        QStringLiteral("https://oauth2.googleapis.com/token"));
    QFile accountFile(dir.filePath(QStringLiteral("sa.json")));
    QVERIFY(accountFile.open(QIODevice::WriteOnly));
    accountFile.write(account);
    accountFile.close();
    QFile config(dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"google": {"service_accounts": [{"file": "sa.json"}]}})");
    config.close();
    test::SimProcess sim(dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(sim.start({QStringLiteral("--config"), config.fileName()}), qPrintable(sim.error()));

    // What a previous run left in the worker's database.
    const QString dataDir = dir.filePath(QStringLiteral("worker"));
    QVERIFY(QDir().mkpath(dataDir));
    QStringList nids;
    {
        DatabaseSettings settings;
        settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
        Result<std::shared_ptr<Database>> database = Database::open(settings);
        VT_OK(database);
        VT_OK(Migrator(**database).migrate());
        const Clock &clock = SystemClock::instance();
        Result<Sealer> sealer = Sealer::fromKey(kSealKey);
        VT_OK(sealer);
        AppRepository apps(**database, clock, *sealer);
        DeviceRepository devices(**database, clock, *sealer);
        TemplateRepository templates(**database, clock);
        DeliveryRepository deliveries(**database, clock);
        TemplateCatalog catalog(templates);
        VT_OK(apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0}));
        VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, account));
        PushTemplate t;
        t.id = QStringLiteral("cart");
        t.name = QStringLiteral("Cart");
        t.content.title = QStringLiteral("{{имя}}, вы забыли корзину");
        t.content.body = QStringLiteral("{{название_товара}} ждёт");
        QVERIFY(catalog.save(t, {{"имя", "Анна"}, {"название_товара", "Чайник"}}, QStringLiteral("test")).hasValue());

        QList<DeliveryRepository::StoredJob> jobs;
        QList<Delivery> rows;
        for (int i = 0; i < 2; ++i) {
            const QString user = QStringLiteral("u%1").arg(i);
            Result<qint64> device =
                devices.registerDevice(user, QStringLiteral("shop"), Platform::Android, fcmToken(i));
            VT_OK(device);
            SendJob job;
            job.eventId = QStringLiteral("cart.abandoned:%1").arg(i);
            job.userId = user;
            job.templateId = t.id;
            job.templateVersion = 1;
            job.variables = {{"имя", i == 0 ? "Анна" : "Олег"}, {"название_товара", "Чайник"}};
            job.createdAtMs = clock.nowMs();
            jobs.append({job.key(), user, job.toJson()});
            Delivery d;
            d.notificationId = job.notificationIdFor(*device);
            d.userId = user;
            d.deviceId = *device;
            d.appId = QStringLiteral("shop");
            d.platform = Platform::Android;
            d.templateId = t.id;
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

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(kSealKey.toHex()));
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_FCM_ENDPOINT"),
               QStringLiteral("%1:%2").arg(sim.google.host()).arg(sim.google.port()));
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_GOOGLE_TOKEN_URL"),
               sim.google.resolved(QUrl(QStringLiteral("/token"))).toString());
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_CA_FILE"), sim.caPath);
    env.insert(QStringLiteral("VESTNIK_DELIVERY_RETRY_SCAN_INTERVAL_MS"), QStringLiteral("50"));
    QProcess worker;
    worker.setProcessEnvironment(env);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());

    const auto accepted = [&sim](const QString &token) {
        return test::adminCall(sim.admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
            .json()
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(token)
            .toObject();
    };
    QTRY_VERIFY2_WITH_TIMEOUT((accepted(fcmToken(0)).value(QStringLiteral("accepted")).toInt() == 1
                               && accepted(fcmToken(1)).value(QStringLiteral("accepted")).toInt() == 1)
                                  || worker.state() == QProcess::NotRunning,
                              "the worker did not resend both deliveries", 30'000);
    QVERIFY2(worker.state() == QProcess::Running, worker.readAllStandardError().constData());
    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(15'000));
    QCOMPARE(worker.exitCode(), 0);

    // Rendered again from the stored job: each user's own name.
    QCOMPARE(accepted(fcmToken(1))
                 .value(QStringLiteral("last_payload"))
                 .toObject()
                 .value(QStringLiteral("message"))
                 .toObject()
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
    QCOMPARE(sim.stop(), 0);
}

QTEST_GUILESS_MAIN(WorkerResumesRetriesTest)
#include "WorkerResumesRetriesTest.moc"
