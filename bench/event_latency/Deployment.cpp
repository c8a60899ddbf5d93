#include "Deployment.h"

#include "BrokerTimes.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "store/TriggerRuleRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QUuid>

#include <csignal>
#include <cstdio>

namespace vestnik::bench {

namespace {

const QByteArray kSealKey(32, '\x42');
/// The run's topics, each named latbench.<kind>.<run>; the worker's VESTNIK_BUS_<KIND>_TOPIC.
const QStringList kTopicKinds{QStringLiteral("events"), QStringLiteral("sends"), QStringLiteral("dlq"),
                              QStringLiteral("statuses")};

Error benchError(const QString &message)
{
    return makeError(ErrorCode::Internal, message);
}

} // namespace

Deployment::Deployment(Settings settings)
    : m_settings(std::move(settings)), m_run(QUuid::createUuid().toString(QUuid::Id128).left(10))
{}

Deployment::~Deployment()
{
    tearDown();
}

QString Deployment::topic(const QString &kind) const
{
    return QStringLiteral("latbench.%1.%2").arg(kind, m_run);
}

QString Deployment::eventsTopic() const
{
    return topic(QStringLiteral("events"));
}

QString Deployment::sendsTopic() const
{
    return topic(QStringLiteral("sends"));
}

QString Deployment::token(const QString &userId) const
{
    return QStringLiteral("lb_%1_%2:APA91b-").arg(m_run, userId) + QString(40, QLatin1Char('z'));
}

QList<qint64> Deployment::workerPids() const
{
    QList<qint64> pids;
    for (const std::unique_ptr<QProcess> &worker : m_workers)
        pids.append(worker->processId());
    return pids;
}

qint64 Deployment::simPid() const
{
    return m_sim.process.processId();
}

Result<void> Deployment::prepare(const QStringList &users)
{
    if (!startSim(m_sim, m_settings.simBinary, m_settings.directory, -1))
        return benchError(QStringLiteral("vestnik-sim (%1) did not start").arg(m_settings.simBinary));

    const QString name = QStringLiteral("latbench_") + m_run;
    {
        Result<std::shared_ptr<Database>> server = Database::open(m_settings.postgres);
        if (!server)
            return server.error();
        if (Result<void> created = (*server)->execute(QStringLiteral("CREATE DATABASE ") + name,
                                                      QStringLiteral("cannot create the run's database"));
            !created)
            return created;
    }
    DatabaseSettings settings = m_settings.postgres;
    settings.name = name;
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    if (!database)
        return database.error();
    m_database = *database;
    if (Result<int> migrated = Migrator(*m_database).migrate(); !migrated)
        return migrated.error();
    if (Result<void> seeded = seed(users); !seeded)
        return seeded;
    return createAppendTimeTopics(m_settings.brokers, {eventsTopic(), sendsTopic()}, m_settings.partitions);
}

Result<void> Deployment::seed(const QStringList &users)
{
    Result<Sealer> sealer = Sealer::fromKey(kSealKey);
    if (!sealer)
        return sealer.error();
    QFile accountFile(m_settings.directory + QStringLiteral("/sa.json"));
    if (!accountFile.open(QIODevice::ReadOnly))
        return benchError(QStringLiteral("no service account in %1").arg(m_settings.directory));
    const Clock &clock = SystemClock::instance();
    AppRepository apps(*m_database, clock, *sealer);
    if (Result<void> app = apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0}); !app)
        return app;
    if (Result<void> credential = apps.setCredential(QStringLiteral("shop"), Provider::Fcm, accountFile.readAll());
        !credential)
        return credential;
    TemplateRepository templates(*m_database, clock);
    TemplateCatalog catalog(templates);
    PushTemplate cart;
    cart.id = QStringLiteral("cart");
    cart.name = QStringLiteral("Cart");
    cart.content.title = QStringLiteral("Вы забыли корзину");
    cart.content.body = QStringLiteral("«{{название_товара}}» ждёт");
    if (!catalog.save(cart, {{"название_товара", "Чайник"}}, QStringLiteral("bench")).hasValue())
        return benchError(QStringLiteral("cannot save the template"));
    TriggerRule rule;
    rule.name = QStringLiteral("Abandoned cart");
    rule.eventType = QStringLiteral("cart.item_added");
    rule.templateId = cart.id;
    if (Result<qint64> created = TriggerRuleRepository(*m_database, clock).create(rule); !created)
        return created.error();

    QElapsedTimer timer;
    timer.start();
    DeviceRepository devices(*m_database, clock, *sealer);
    for (const QString &user : users) {
        if (Result<qint64> registered =
                devices.registerDevice(user, QStringLiteral("shop"), Platform::Android, token(user));
            !registered)
            return registered.error();
    }
    std::printf("seeded database latbench_%s: %lld users with one Android device each in %.1f s\n", qPrintable(m_run),
                static_cast<long long>(users.size()), double(timer.elapsed()) / 1000.0);
    return {};
}

Result<void> Deployment::startWorkers()
{
    if (!m_settings.splitRoles)
        return startWorker(QStringLiteral("trigger,sender"), QStringLiteral("worker"));
    if (Result<void> started = startWorker(QStringLiteral("trigger"), QStringLiteral("trigger")); !started)
        return started;
    return startWorker(QStringLiteral("sender"), QStringLiteral("sender"));
}

Result<void> Deployment::startWorker(const QString &roles, const QString &name)
{
    const DatabaseSettings &pg = m_settings.postgres;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), m_settings.directory + QLatin1Char('/') + name);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("warning"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(kSealKey.toHex()));
    env.insert(QStringLiteral("VESTNIK_DATABASE_DRIVER"), QStringLiteral("postgres"));
    env.insert(QStringLiteral("VESTNIK_DATABASE_HOST"), pg.host);
    env.insert(QStringLiteral("VESTNIK_DATABASE_PORT"), QString::number(pg.port));
    env.insert(QStringLiteral("VESTNIK_DATABASE_NAME"), QStringLiteral("latbench_") + m_run);
    env.insert(QStringLiteral("VESTNIK_DATABASE_USER"), pg.user);
    env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), pg.password);
    env.insert(QStringLiteral("VESTNIK_DATABASE_OPTIONS"), pg.options);
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_FCM_ENDPOINT"),
               QStringLiteral("%1:%2").arg(m_sim.google.host()).arg(m_sim.google.port()));
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_GOOGLE_TOKEN_URL"),
               m_sim.google.resolved(QUrl(QStringLiteral("/token"))).toString());
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_CA_FILE"), m_sim.caPath);
    env.insert(QStringLiteral("VESTNIK_BUS_KAFKA_BROKERS"), m_settings.brokers);
    env.insert(QStringLiteral("VESTNIK_BUS_PARTITIONS"), QString::number(m_settings.partitions));
    if (!m_settings.workerKafkaProperties.isEmpty())
        env.insert(QStringLiteral("VESTNIK_BUS_KAFKA_PROPERTIES"), m_settings.workerKafkaProperties);
    for (const QString &kind : kTopicKinds)
        env.insert(QStringLiteral("VESTNIK_BUS_%1_TOPIC").arg(kind.toUpper()), topic(kind));
    env.insert(QStringLiteral("VESTNIK_BUS_GROUP_ID"), QStringLiteral("latbench-senders-") + m_run);
    env.insert(QStringLiteral("VESTNIK_BUS_TRIGGER_GROUP_ID"), QStringLiteral("latbench-triggers-") + m_run);

    QProcess &worker = *m_workers.emplace_back(std::make_unique<QProcess>());
    worker.setProcessEnvironment(env);
    worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    worker.start(m_settings.workerBinary, {QStringLiteral("--roles"), roles});
    if (!worker.waitForStarted())
        return benchError(QStringLiteral("cannot start %1: %2").arg(m_settings.workerBinary, worker.errorString()));
    // The line on stdout comes after every role started.
    QByteArray output;
    waitUntil(
        [&] {
            output += worker.readAllStandardOutput();
            return worker.state() != QProcess::Running || output.contains("listening on");
        },
        60'000);
    if (worker.state() != QProcess::Running || !output.contains("listening on"))
        return benchError(QStringLiteral("the worker (%1) did not start: %2").arg(roles, QString::fromUtf8(output)));
    return {};
}

void Deployment::tearDown()
{
    for (const std::unique_ptr<QProcess> &worker : m_workers) {
        if (worker->state() != QProcess::NotRunning)
            ::kill(pid_t(worker->processId()), SIGTERM);
    }
    for (const std::unique_ptr<QProcess> &worker : m_workers) {
        if (worker->state() != QProcess::NotRunning && !worker->waitForFinished(30'000)) {
            std::fprintf(stderr, "a worker did not stop in 30 s; killed\n");
            worker->kill();
            worker->waitForFinished(5'000);
        }
    }
    if (m_sim.process.state() != QProcess::NotRunning) {
        m_sim.process.terminate();
        m_sim.process.waitForFinished(10'000);
    }
    if (m_database) {
        m_database.reset();
        Result<std::shared_ptr<Database>> server = Database::open(m_settings.postgres);
        if (!server
            || !(*server)->execute(QStringLiteral("DROP DATABASE IF EXISTS latbench_%1 WITH (FORCE)").arg(m_run),
                                   QStringLiteral("cannot drop the run's database")))
            std::fprintf(stderr, "the database latbench_%s was not dropped\n", qPrintable(m_run));
    }
    if (!m_topicsDeleted) {
        m_topicsDeleted = true;
        QStringList topics;
        for (const QString &kind : kTopicKinds)
            topics.append(topic(kind));
        if (Result<void> deleted = deleteTopics(m_settings.brokers, topics); !deleted)
            std::fprintf(stderr, "the run's topics were not deleted: %s\n", qPrintable(deleted.error().message));
    }
}

Result<QByteArray> Deployment::admin(const QByteArray &method, const QString &pathAndQuery)
{
    QNetworkRequest request(m_sim.admin.resolved(QUrl(pathAndQuery)));
    request.setTransferTimeout(120'000);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method));
    waitUntil([&] { return reply->isFinished(); }, 130'000);
    if (!reply->isFinished() || reply->error() != QNetworkReply::NoError)
        return benchError(QStringLiteral("simulator admin %1 %2: %3")
                              .arg(QString::fromLatin1(method), pathAndQuery, reply->errorString()));
    return reply->readAll();
}

Result<qint64> Deployment::acceptedSoFar()
{
    // A token filter that matches nothing: only the totals, not every phone's record.
    Result<QByteArray> body = admin("GET", QStringLiteral("/admin/deliveries?service=fcm&token=none"));
    if (!body)
        return body.error();
    return QJsonDocument::fromJson(*body)
        .object()
        .value(QStringLiteral("totals"))
        .toObject()
        .value(QStringLiteral("fcm"))
        .toObject()
        .value(QStringLiteral("accepted"))
        .toInteger();
}

Result<QJsonObject> Deployment::fcmRecords()
{
    Result<QByteArray> body = admin("GET", QStringLiteral("/admin/deliveries?service=fcm"));
    if (!body)
        return body.error();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*body, &error);
    if (error.error != QJsonParseError::NoError)
        return benchError(QStringLiteral("the simulator's recording is not JSON: %1").arg(error.errorString()));
    return document.object().value(QStringLiteral("fcm")).toObject();
}

Result<void> Deployment::clearRecording()
{
    Result<QByteArray> body = admin("DELETE", QStringLiteral("/admin/deliveries"));
    if (!body)
        return body.error();
    return {};
}

Result<QHash<QString, StageTimes>> Deployment::stageTimes() const
{
    QHash<QString, StageTimes> times;
    // Each user has one event whose id is the user id.
    Result<QSqlQuery> triggered = m_database->run(QStringLiteral("SELECT event_id, received_at FROM processed_events"),
                                                  {}, QStringLiteral("cannot read processed_events"));
    if (!triggered)
        return triggered.error();
    while (triggered->next())
        times[triggered->value(0).toString()].triggeredAtMs = triggered->value(1).toLongLong();
    Result<QSqlQuery> stored =
        // A delivery row stands for its own 'queued' trail entry: created_at is when the dispatcher stored it.
        m_database->run(QStringLiteral("SELECT user_id, created_at FROM deliveries"), {},
                        QStringLiteral("cannot read the deliveries"));
    if (!stored)
        return stored.error();
    while (stored->next())
        times[stored->value(0).toString()].storedAtMs = stored->value(1).toLongLong();
    // Both topics are keyed by the user id.
    for (const auto &[topic, field] : {std::pair{eventsTopic(), &StageTimes::eventAppendedAtMs},
                                       std::pair{sendsTopic(), &StageTimes::jobAppendedAtMs}}) {
        Result<QHash<QByteArray, qint64>> appended = appendTimesByKey(m_settings.brokers, topic, m_settings.partitions);
        if (!appended)
            return appended.error();
        for (auto it = appended->cbegin(); it != appended->cend(); ++it)
            times[QString::fromUtf8(it.key())].*field = it.value();
    }
    return times;
}

} // namespace vestnik::bench
