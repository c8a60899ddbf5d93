// The shipped vestnik-worker with `devices.source = auth_service`: send jobs on the embedded bus reach exactly the
// phones the company's Auth Service (vestnik-sim's) lists for each user, not what the own registry holds; a push
// that must be retried finds its device through the Auth Service again; one token serves every look-up, each
// user is looked up once; the client secret (read from a file), the access token and the device tokens never
// reach a log line. A worker told to use the Auth Service without saying where refuses to start and says why. A
// worker told to trust the Auth Service as a token issuer accepts its services' tokens by the keys it publishes.
#include "AuthSim.h"
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "TestServices.h"
#include "bus/SqlBus.h"
#include "delivery/AuthServiceDirectory.h"
#include "model/SendJob.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace vestnik;

namespace {

const QString kProject = QStringLiteral("shop-test");
const QString kEmail = QStringLiteral("vestnik@shop-test.iam.gserviceaccount.com");
const QString kApp = QStringLiteral("shop");
const QString kClientSecret = QStringLiteral("worker-client-secret-7f3a");
const QString kBackendSecret = QStringLiteral("shop-backend-secret-91c2");
const QByteArray kSealKey = QByteArray(32, '\x5a');
const QString kAnnaPhone = QStringLiteral("auth_anna_phone:APA91b-") + QString(40, QLatin1Char('a'));
const QString kAnnaTablet = QStringLiteral("auth_anna_tablet:APA91b-") + QString(40, QLatin1Char('t'));
const QString kBorisPhone = QStringLiteral("auth_boris_phone:APA91b-") + QString(40, QLatin1Char('b'));
const QString kRegistryAnna = QStringLiteral("registry_anna:APA91b-") + QString(40, QLatin1Char('r'));

QJsonObject android(const QString &token)
{
    return QJsonObject{{QStringLiteral("platform"), QStringLiteral("android")},
                       {QStringLiteral("token"), token},
                       {QStringLiteral("app"), kApp},
                       {QStringLiteral("project"), kProject}};
}

} // namespace

class WorkerAuthDirectoryTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sendJobsReachThePhonesTheAuthServiceLists();
    void missingAuthServiceUrlIsAClearStartError();
    void authServiceTokensAreAcceptedByTheApi();

private:
    QProcessEnvironment environment(const QString &dataDir) const;
    int accepted(const QString &token) const;

    QTemporaryDir m_dir;
    QByteArray m_account;
    std::unique_ptr<test::SimProcess> m_sim;
};

void WorkerAuthDirectoryTest::initTestCase()
{
    const test::OpenSslTool openssl(m_dir.path());
    const QJsonObject more{
        {QStringLiteral("auth"),
         QJsonObject{
             {QStringLiteral("clients"),
              QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("worker")},
                                     {QStringLiteral("secret"), kClientSecret},
                                     {QStringLiteral("scopes"), QJsonArray{QStringLiteral("devices:read")}}},
                         QJsonObject{{QStringLiteral("id"), QStringLiteral("shop-backend")},
                                     {QStringLiteral("secret"), kBackendSecret},
                                     {QStringLiteral("scopes"), QJsonArray{QStringLiteral("events:write")}}}}}}},
        {QStringLiteral("fleet"),
         QJsonObject{{QStringLiteral("users"),
                      QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("anna")},
                                             {QStringLiteral("locale"), QStringLiteral("ru-RU")},
                                             {QStringLiteral("devices"),
                                              QJsonArray{android(kAnnaPhone), android(kAnnaTablet)}}},
                                 QJsonObject{{QStringLiteral("id"), QStringLiteral("boris")},
                                             {QStringLiteral("locale"), QStringLiteral("ru-RU")},
                                             {QStringLiteral("devices"), QJsonArray{android(kBorisPhone)}}},
                                 QJsonObject{{QStringLiteral("id"), QStringLiteral("gleb")},
                                             {QStringLiteral("devices"), QJsonArray{}}}}}}}};
    m_account = test::writeFcmSimConfig(openssl, m_dir.path(), kEmail, kProject, more);
    QVERIFY(!m_account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
}

void WorkerAuthDirectoryTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QProcessEnvironment WorkerAuthDirectoryTest::environment(const QString &dataDir) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_WORKER_ROLES"), QStringLiteral("sender"));
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("debug"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(kSealKey.toHex()));
    env.insert(QStringLiteral("VESTNIK_DELIVERY_RETRY_SCAN_INTERVAL_MS"), QStringLiteral("50"));
    test::addSimProviders(env, *m_sim);
    env.insert(QStringLiteral("VESTNIK_DEVICES_SOURCE"), QStringLiteral("auth_service"));
    env.insert(QStringLiteral("VESTNIK_DEVICES_AUTH_SERVICE_URL"), m_sim->auth.toString());
    env.insert(QStringLiteral("VESTNIK_DEVICES_AUTH_CLIENT_ID"), QStringLiteral("worker"));
    env.insert(QStringLiteral("VESTNIK_DEVICES_AUTH_CLIENT_SECRET_FILE"), QStringLiteral("client-secret"));
    env.insert(QStringLiteral("VESTNIK_DEVICES_AUTH_CA_FILE"), m_sim->caPath);
    return env;
}

int WorkerAuthDirectoryTest::accepted(const QString &token) const
{
    return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
        .json()
        .value(QStringLiteral("fcm"))
        .toObject()
        .value(token)
        .toObject()
        .value(QStringLiteral("accepted"))
        .toInt();
}

void WorkerAuthDirectoryTest::sendJobsReachThePhonesTheAuthServiceLists()
{
    const QString dataDir = m_dir.filePath(QStringLiteral("worker"));
    QVERIFY(QDir().mkpath(dataDir));
    QFile secretFile(QDir(dataDir).filePath(QStringLiteral("client-secret")));
    QVERIFY(secretFile.open(QIODevice::WriteOnly));
    secretFile.write(kClientSecret.toUtf8() + '\n');
    secretFile.close();

    DatabaseSettings settings;
    settings.path = QDir(dataDir).filePath(QStringLiteral("vestnik.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    VT_OK(database);
    VT_OK(Migrator(**database).migrate());
    Result<Sealer> sealer = Sealer::fromKey(kSealKey);
    VT_OK(sealer);
    const Clock &clock = SystemClock::instance();
    AppRepository apps(**database, clock, *sealer);
    VT_OK(apps.upsert(App{kApp, QStringLiteral("Shop"), 0}));
    VT_OK(apps.setCredential(kApp, Provider::Fcm, m_account));
    TemplateRepository templates(**database, clock);
    TemplateCatalog catalog(templates);
    PushTemplate t;
    t.id = QStringLiteral("cart");
    t.name = QStringLiteral("Cart");
    t.content.title = QStringLiteral("{{имя}}, вы забыли корзину");
    t.content.body = QStringLiteral("{{название_товара}} ждёт");
    QVERIFY(catalog.save(t, {{"имя", "Анна"}, {"название_товара", "Чайник"}}, QStringLiteral("test")).hasValue());
    // The own registry knows another phone of Anna's: with the Auth Service as the source it is not used.
    VT_OK(DeviceRepository(**database, clock, *sealer)
              .registerDevice(QStringLiteral("anna"), kApp, Platform::Android, kRegistryAnna));

    // The first push is refused (503, Retry-After 1 s): its retry must find the device through the Auth Service.
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"),
                             R"({"bursts":[{"service":"fcm","count":1,"code":"UNAVAILABLE","retry_after":1}]})")
                 .status,
             200);

    QProcess worker;
    worker.setProcessEnvironment(environment(dataDir));
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += worker.readAllStandardOutput(), out.contains("listening on"))
                                 || worker.state() != QProcess::Running,
                             30'000);
    QByteArray log = worker.readAllStandardError();
    QVERIFY2(worker.state() == QProcess::Running, log.constData());

    SqlBus bus(**database, clock, SqlBus::Settings{});
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    int confirmed = 0;
    const QStringList users{QStringLiteral("anna"), QStringLiteral("boris"), QStringLiteral("gleb"),
                            QStringLiteral("nobody")};
    for (const QString &user : users) {
        SendJob job;
        job.eventId = QStringLiteral("cart.abandoned:") + user;
        job.userId = user;
        job.templateId = QStringLiteral("cart");
        job.variables = {{"имя", user.toStdString()}, {"название_товара", "Чайник"}};
        producer->send(QStringLiteral("vestnik.sends"), user.toUtf8(), job.toJson(), [&confirmed](Result<void> sent) {
            QVERIFY(sent.hasValue());
            ++confirmed;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(confirmed, int(users.size()), 30'000);

    QTRY_VERIFY2_WITH_TIMEOUT((accepted(kAnnaPhone) == 1 && accepted(kAnnaTablet) == 1 && accepted(kBorisPhone) == 1)
                                  || worker.state() != QProcess::Running,
                              "the worker did not reach every phone the Auth Service lists", 60'000);
    QVERIFY2(worker.state() == QProcess::Running, "the worker exited");
    // Every delivery is recorded as sent (the retried one too) before the worker is stopped.
    const auto sentCount = [&database] {
        Result<QSqlQuery> q = (*database)->run(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'"),
                                               {}, QStringLiteral("count"));
        return q && q->next() ? q->value(0).toInt() : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(sentCount(), 3, 30'000);
    // The provider's answers in the metrics: three acceptances, the burst's refusal, each timed.
    const QUrl workerUrl = test::workerListeningUrl(out);
    const test::HttpExchange scraped = test::curl(QDir(dataDir).filePath(QStringLiteral("api-cert.pem")),
                                                  {workerUrl.resolved(QUrl(QStringLiteral("/metrics"))).toString()});
    QCOMPARE(scraped.status, 200);
    for (const QByteArray &line :
         {QByteArray(R"(vestnik_push_answers_total{provider="fcm",outcome="accepted"} 3)"),
          QByteArray(R"(vestnik_push_answers_total{provider="fcm",outcome="retry"} 1)"),
          QByteArray(R"(vestnik_push_refusals_total{provider="fcm",reason="fcm.UNAVAILABLE"} 1)"),
          QByteArray(R"(vestnik_push_duration_seconds_count{provider="fcm"} 4)")})
        QVERIFY2(scraped.body.contains(QByteArray(line + '\n')),
                 QByteArray(line + " not in\n" + scraped.body).constData());
    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(30'000));
    log += worker.readAllStandardError();
    if (worker.exitStatus() != QProcess::NormalExit || worker.exitCode() != 0)
        qWarning("%s", log.right(8000).constData()); // the worker's last words (a sanitizer report, an assert)
    QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
    QCOMPARE(worker.exitCode(), 0);

    QCOMPARE(accepted(kAnnaPhone), 1);
    QCOMPARE(accepted(kAnnaTablet), 1);
    QCOMPARE(accepted(kBorisPhone), 1);
    QCOMPARE(accepted(kRegistryAnna), 0);
    const QJsonObject totals = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                                   .json()
                                   .value(QStringLiteral("totals"))
                                   .toObject()
                                   .value(QStringLiteral("fcm"))
                                   .toObject();
    QCOMPARE(totals.value(QStringLiteral("accepted")).toInt(), 3);
    QCOMPARE(totals.value(QStringLiteral("rejected")).toInt(), 1); // the burst
    QCOMPARE(totals.value(QStringLiteral("requests")).toInt(), 4);

    // The rows carry the Auth Service's device ids; one of them went through a retry.
    Result<QSqlQuery> rows =
        (*database)->run(QStringLiteral("SELECT device_id FROM deliveries"), {}, QStringLiteral("read"));
    VT_OK(rows);
    QSet<qint64> deviceIds;
    int count = 0;
    while (rows->next()) {
        ++count;
        deviceIds.insert(rows->value(0).toLongLong());
    }
    QCOMPARE(count, 3);
    QCOMPARE(deviceIds, (QSet<qint64>{AuthServiceDirectory::deviceIdFor(kApp, kAnnaPhone),
                                      AuthServiceDirectory::deviceIdFor(kApp, kAnnaTablet),
                                      AuthServiceDirectory::deviceIdFor(kApp, kBorisPhone)}));
    Result<QSqlQuery> retries =
        (*database)->run(QStringLiteral("SELECT COUNT(*) FROM delivery_events WHERE status = ?"),
                         {deliveryStatusName(DeliveryStatus::RetryScheduled)}, QStringLiteral("read"));
    VT_OK(retries);
    QVERIFY(retries->next());
    QCOMPARE(retries->value(0).toInt(), 1);

    // One token for everything; each user looked up once (the retry found its device in the cache).
    const QJsonObject auth = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/status"))
                                 .json()
                                 .value(QStringLiteral("auth"))
                                 .toObject();
    QCOMPARE(auth.value(QStringLiteral("token_requests")).toInt(), 1);
    QVERIFY2(auth.value(QStringLiteral("device_lookups")).toInt() == int(users.size()), log.constData());

    QVERIFY2(log.contains("devices from the Auth Service at"), log.constData());
    for (const QString &secret : {kClientSecret, kAnnaPhone, kAnnaTablet, kBorisPhone})
        QVERIFY2(!log.contains(secret.toUtf8()), qPrintable(QStringLiteral("the log holds %1").arg(secret)));
    QVERIFY(!log.contains("eyJ")); // no JWT (the access token) either
}

void WorkerAuthDirectoryTest::missingAuthServiceUrlIsAClearStartError()
{
    const QString dataDir = m_dir.filePath(QStringLiteral("misconfigured"));
    QProcessEnvironment env = environment(dataDir);
    env.remove(QStringLiteral("VESTNIK_DEVICES_AUTH_SERVICE_URL"));
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 1);
    const QByteArray err = worker.readAllStandardError();
    QVERIFY2(err.contains("devices.auth_service_url (default): must be set when devices.source is auth_service"),
             err.constData());
}

void WorkerAuthDirectoryTest::authServiceTokensAreAcceptedByTheApi()
{
    // The Auth Service says who it is and where its keys are (RFC 8414 metadata).
    const test::HttpExchange discovery =
        test::curl(m_sim->caPath,
                   {m_sim->auth.resolved(QUrl(QStringLiteral("/.well-known/oauth-authorization-server"))).toString()});
    QCOMPARE(discovery.status, 200);
    const QJsonObject metadata = QJsonDocument::fromJson(discovery.body).object();
    const QString dataDir = m_dir.filePath(QStringLiteral("issuer"));
    QVERIFY(QDir().mkpath(dataDir));
    QProcessEnvironment env = environment(dataDir);
    for (const QString &key : env.keys()) {
        if (key.startsWith(QStringLiteral("VESTNIK_DEVICES_")))
            env.remove(key);
    }
    env.insert(QStringLiteral("VESTNIK_IDENTITY_TRUSTED_ISSUER"), metadata.value(QStringLiteral("issuer")).toString());
    env.insert(QStringLiteral("VESTNIK_IDENTITY_TRUSTED_JWKS_URL"),
               metadata.value(QStringLiteral("jwks_uri")).toString());
    env.insert(QStringLiteral("VESTNIK_IDENTITY_TRUSTED_CA_FILE"), m_sim->caPath);

    QProcess worker;
    worker.setProcessEnvironment(env);
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
    const QString workerCa = QDir(dataDir).filePath(QStringLiteral("api-cert.pem"));

    const auto tokenOf = [this, &metadata](const QString &client, const QString &secret) {
        const test::HttpExchange issued =
            test::curl(m_sim->caPath, {QStringLiteral("-u"), client + QLatin1Char(':') + secret, QStringLiteral("-d"),
                                       QStringLiteral("grant_type=client_credentials"),
                                       metadata.value(QStringLiteral("token_endpoint")).toString()});
        return QJsonDocument::fromJson(issued.body).object().value(QStringLiteral("access_token")).toString();
    };
    const auto postEvent = [&](const QString &bearer, const QString &id) {
        const QString body = QStringLiteral(R"({"id":"%1","type":"order.cancelled","user_id":"anna","occurred_at":%2})")
                                 .arg(id)
                                 .arg(QDateTime::currentMSecsSinceEpoch());
        return test::curl(workerCa, {QStringLiteral("-H"), QStringLiteral("authorization: Bearer ") + bearer,
                                     QStringLiteral("-H"), QStringLiteral("content-type: application/json"),
                                     QStringLiteral("--data-binary"), body,
                                     workerUrl.resolved(QUrl(QStringLiteral("/v1/events"))).toString()});
    };
    const QString backend = tokenOf(QStringLiteral("shop-backend"), kBackendSecret);
    QVERIFY(!backend.isEmpty());
    const test::HttpExchange accepted = postEvent(backend, QStringLiteral("external-1"));
    QVERIFY2(accepted.status == 202, accepted.body.constData());
    // The Auth Service's token for another client has no events:write scope.
    const test::HttpExchange scopeless =
        postEvent(tokenOf(QStringLiteral("worker"), kClientSecret), QStringLiteral("external-2"));
    QCOMPARE(scopeless.status, 403);
    // A token whose signature was altered is refused, as is one the Auth Service never issued.
    QString altered = backend;
    const qsizetype at = altered.size() - 5;
    altered[at] = altered.at(at) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QCOMPARE(postEvent(altered, QStringLiteral("external-3")).status, 401);
    QCOMPARE(postEvent(QStringLiteral("not.a.token"), QStringLiteral("external-4")).status, 401);

    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 0);
}

QTEST_GUILESS_MAIN(WorkerAuthDirectoryTest)
#include "WorkerAuthDirectoryTest.moc"
