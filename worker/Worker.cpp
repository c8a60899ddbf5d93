#include "Worker.h"

#include "Sender.h"
#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/AppsEndpoints.h"
#include "api/Authenticator.h"
#include "api/DeliveriesEndpoints.h"
#include "api/DevicesEndpoints.h"
#include "api/EventsEndpoint.h"
#include "api/IdentityEndpoints.h"
#include "api/MetricsEndpoint.h"
#include "api/SchemaEndpoints.h"
#include "api/StatsEndpoints.h"
#include "api/TemplatesEndpoints.h"
#include "api/TestPushEndpoint.h"
#include "api/TlsIdentity.h"
#include "api/TrackEndpoint.h"
#include "api/TriggerRulesEndpoints.h"
#include "api/UsersEndpoints.h"
#include "bus/KafkaBus.h"
#include "bus/SqlBus.h"
#include "security/RemoteJwks.h"
#include "security/SealKeyring.h"
#include "security/Sealer.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "trigger/TriggerRole.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>

namespace vestnik {

namespace {

/// "host/pid/random": names this process in the claims it makes (deliveries, deferred sends).
QString processId()
{
    return QStringLiteral("%1/%2/%3")
        .arg(QHostInfo::localHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
}

} // namespace

Worker::Worker(Config config, QObject *parent) : QObject(parent), m_config(std::move(config)), m_id(processId()) {}

Worker::~Worker()
{
    // The API's routes call into the endpoints, and the roles' consumers and the ingest hold callbacks into the
    // producer: they go first.
    m_api.reset();
    m_events.reset();
    m_track.reset();
    if (m_sender)
        m_sender->setDeliveryObserver(nullptr);
    m_metrics.reset();
    m_templates.reset();
    m_triggerRules.reset();
    m_apps.reset();
    m_testPush.reset();
    m_stats.reset();
    m_schema.reset();
    m_identity.reset();
    m_trigger.reset();
    m_sender.reset();
    m_producer.reset();
}

Result<QStringList> Worker::roles(const Config &config)
{
    static const QStringList known{QStringLiteral("trigger"), QStringLiteral("sender")};
    QStringList roles;
    const QStringList names = config.string(QStringLiteral("worker.roles")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &name : names) {
        const QString role = name.trimmed().toLower();
        if (!known.contains(role))
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("worker.roles (%1): unknown role \"%2\"; known: %3")
                                 .arg(config.origin(QStringLiteral("worker.roles")), name.trimmed(),
                                      known.join(QStringLiteral(", "))));
        if (!roles.contains(role))
            roles.append(role);
    }
    if (roles.isEmpty())
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("worker.roles (%1) names no role; known: %2")
                             .arg(config.origin(QStringLiteral("worker.roles")), known.join(QStringLiteral(", "))));
    return roles;
}

Result<void> Worker::reloadRules()
{
    return m_trigger ? m_trigger->reloadRules() : Result<void>();
}

void Worker::shutdown()
{
    m_ready = false;
    if (m_trigger)
        m_trigger->hold();
    if (m_sender)
        m_sender->hold();
    waitForIdle(std::chrono::seconds(m_config.integer(QStringLiteral("worker.shutdown_seconds"))));
    // What the roles produced (send jobs, dead letters) acknowledges their input when the bus confirms it:
    // before the consumers commit, not after.
    if (m_producer && !m_producer->flush(std::chrono::seconds(5)))
        qCWarning(lcWorker) << m_producer->outstanding() << "messages not confirmed; their inputs come again";
    if (m_trigger)
        m_trigger->stop();
    if (m_sender)
        m_sender->stop();
}

void Worker::waitForIdle(std::chrono::milliseconds grace)
{
    const auto busy = [this] {
        return (m_sender ? m_sender->outstanding() : 0) + (m_trigger ? m_trigger->outstanding() : 0);
    };
    if (busy() == 0)
        return;
    qCInfo(lcWorker) << "waiting up to" << grace.count() << "ms for" << busy() << "events and sends in flight";
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    const auto check = [&loop, busy] {
        if (busy() == 0)
            loop.quit();
    };
    if (m_sender)
        connect(m_sender.get(), &Sender::idle, &loop, check);
    if (m_trigger)
        connect(m_trigger.get(), &TriggerRole::idle, &loop, check);
    deadline.start(grace);
    loop.exec();
}

Result<void> Worker::startBus()
{
    const QString brokers = m_config.string(QStringLiteral("bus.kafka_brokers"));
    if (brokers.isEmpty()) {
        // The embedded default: a queue in the worker's own database, for one machine.
        m_bus = std::make_unique<SqlBus>(*m_database, SystemClock::instance(), SqlBus::Settings{});
    } else {
        Result<QHash<QString, QString>> properties =
            KafkaBus::parseProperties(m_config.string(QStringLiteral("bus.kafka_properties")));
        if (!properties)
            return properties.error();
        const QString producerKey = QStringLiteral("bus.kafka_producer_properties");
        Result<QHash<QString, QString>> producerProperties =
            KafkaBus::parseProperties(m_config.string(producerKey), producerKey);
        if (!producerProperties)
            return producerProperties.error();
        KafkaBus::Settings settings{brokers, *properties};
        settings.producerProperties = std::move(*producerProperties);
        m_bus = std::make_unique<KafkaBus>(std::move(settings));
    }
    m_producer = m_bus->makeProducer();
    if (Result<void> started = m_producer->start(); !started)
        return started;
    const int partitions = int(m_config.integer(QStringLiteral("bus.partitions")));
    for (const QString &key : {QStringLiteral("bus.events_topic"), QStringLiteral("bus.sends_topic"),
                               QStringLiteral("bus.dlq_topic"), QStringLiteral("bus.statuses_topic")}) {
        const QString topic = m_config.string(key);
        if (Result<void> created = m_producer->ensureTopic(topic, partitions, std::chrono::seconds(15)); !created)
            return created;
    }
    return {};
}

Result<void> Worker::start()
{
    const QDir dataDir(m_config.string(QStringLiteral("worker.data_dir")));
    if (!QDir().mkpath(dataDir.absolutePath()))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create worker.data_dir %1").arg(dataDir.absolutePath()));

    Result<Sealer> sealer = SealKeyring::sealerFrom(m_config, SealKeyring::MissingKeyFile::Create);
    if (!sealer)
        return sealer.error();
    m_sealer = std::make_unique<Sealer>(std::move(*sealer));

    Result<std::shared_ptr<Database>> database = Database::open(DatabaseSettings::fromConfig(m_config));
    if (!database)
        return database.error();
    m_database = *database;

    const Migrator migrator(*m_database);
    Result<int> applied = migrator.migrate();
    if (!applied)
        return applied.error();
    Result<int> version = migrator.currentVersion();
    if (!version)
        return version.error();
    m_schemaVersion = *version;
    qCInfo(lcWorker).nospace() << "schema at version " << m_schemaVersion << " (" << *applied << " migrations applied)";

    Result<QStringList> roles = Worker::roles(m_config);
    if (!roles)
        return roles.error();
    if (roles->contains(QStringLiteral("sender"))) {
        Result<std::unique_ptr<Sender>> sender =
            Sender::create(m_config, *m_database, *m_sealer, SystemClock::instance(), m_id);
        if (!sender)
            return sender.error();
        m_sender = std::move(*sender);
    }
    if (Result<void> api = startApi(); !api)
        return api;
    if (Result<void> bus = startBus(); !bus)
        return bus;
    if (Result<void> endpoints = startEndpoints(); !endpoints)
        return endpoints;
    if (roles->contains(QStringLiteral("trigger"))) {
        TriggerRole::Settings settings;
        settings.consumer.groupId = m_config.string(QStringLiteral("bus.trigger_group_id"));
        settings.consumer.topics = {m_config.string(QStringLiteral("bus.events_topic"))};
        settings.consumer.maxInFlight = int(m_config.integer(QStringLiteral("bus.max_in_flight")));
        settings.sendsTopic = m_config.string(QStringLiteral("bus.sends_topic"));
        settings.deadLetterTopic = m_config.string(QStringLiteral("bus.dlq_topic"));
        settings.workerId = m_id;
        settings.defaultTimeZone = m_config.string(QStringLiteral("trigger.default_timezone")).toUtf8();
        settings.rulesReloadInterval =
            std::chrono::milliseconds(m_config.integer(QStringLiteral("trigger.rules_reload_ms")));
        settings.idempotencyWindow = std::chrono::hours(m_config.integer(QStringLiteral("trigger.idempotency_hours")));
        m_trigger = std::make_unique<TriggerRole>(settings, *m_bus, *m_producer, *m_database, SystemClock::instance());
        if (Result<void> started = m_trigger->start(); !started)
            return started;
    }
    if (m_sender) {
        Result<void> started = m_sender->start(*m_bus, *m_producer);
        if (!started)
            return started;
    }
    m_ready = true;
    qCInfo(lcWorker).noquote() << "roles running:" << roles->join(QStringLiteral(", ")) << "on the" << m_bus->kind()
                               << "bus";
    return {};
}

QJsonObject Worker::triggerStatus() const
{
    if (!m_trigger)
        return QJsonObject();
    const TriggerRole::Counters &c = m_trigger->counters();
    QJsonObject status{
        {QStringLiteral("rules"), m_trigger->ruleCount()},
        {QStringLiteral("events"), c.events},
        {QStringLiteral("duplicates"), c.duplicates},
        {QStringLiteral("dead_lettered"), c.deadLettered},
        {QStringLiteral("jobs"), c.jobs},
        {QStringLiteral("deferred"), c.deferred},
        {QStringLiteral("capped"), c.capped},
        {QStringLiteral("retried"), c.retried},
        {QStringLiteral("outstanding"), m_trigger->outstanding()},
    };
    if (const std::optional<qint64> lag = m_trigger->consumerLag())
        status.insert(QStringLiteral("lag"), *lag);
    return status;
}

Result<std::optional<QSslConfiguration>> Worker::apiTls()
{
    if (m_config.boolean(QStringLiteral("api.plaintext"))) {
        qCWarning(lcWorker).noquote() << QStringLiteral("api.plaintext (%1) is set: the API speaks plain HTTP, tokens "
                                                        "and device data cross the network readable; use it only "
                                                        "behind a TLS-terminating proxy")
                                             .arg(m_config.origin(QStringLiteral("api.plaintext")));
        return std::optional<QSslConfiguration>();
    }
    const QDir dataDir(m_config.string(QStringLiteral("worker.data_dir")));
    const QString certificateFile = m_config.string(QStringLiteral("api.cert_file"));
    Result<TlsIdentity> identity =
        certificateFile.isEmpty()
            ? TlsIdentity::loadOrCreateSelfSigned(dataDir.absolutePath(), QHostInfo::localHostName())
            : TlsIdentity::fromFiles(dataDir.absoluteFilePath(certificateFile),
                                     dataDir.absoluteFilePath(m_config.string(QStringLiteral("api.key_file"))));
    if (!identity)
        return identity.error();
    m_certificateFingerprint = identity->fingerprint();
    qCInfo(lcWorker).noquote() << "API certificate" << identity->certificate().subjectDisplayName() << "sha256"
                               << m_certificateFingerprint << "valid until"
                               << identity->certificate().expiryDate().toString(Qt::ISODate);
    return std::optional<QSslConfiguration>(identity->serverConfiguration());
}

Result<void> Worker::startApi()
{
    Result<std::optional<QSslConfiguration>> tls = apiTls();
    if (!tls)
        return tls.error();
    m_api = std::make_unique<ApiServer>(ApiServer::Settings::fromConfig(m_config), SystemClock::instance());
    const QString dialect = dialectName(m_database->dialect());
    Result<void> health =
        m_api->addRoute("GET", QStringLiteral("/healthz"), Access::anyone(),
                        ApiServer::SyncHandler([this, dialect](const ApiRequest &) {
                            return ApiResponse::json(QJsonObject{
                                {QStringLiteral("status"), QStringLiteral("ok")},
                                {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                                {QStringLiteral("database"), dialect},
                                {QStringLiteral("schema_version"), m_schemaVersion},
                                {QStringLiteral("ready"), m_ready},
                                {QStringLiteral("delivery"), m_sender ? m_sender->status() : QJsonObject()},
                                {QStringLiteral("trigger"), triggerStatus()},
                            });
                        }));
    if (!health)
        return health;
    // Ready: every role started and not shutting down (for load balancers and orchestrators).
    Result<void> ready = m_api->addRoute(
        "GET", QStringLiteral("/readyz"), Access::anyone(), ApiServer::SyncHandler([this](const ApiRequest &) {
            return ApiResponse::json(QJsonObject{{QStringLiteral("ready"), m_ready}}, m_ready ? 200 : 503);
        }));
    if (!ready)
        return ready;
    const QString configured = m_config.string(QStringLiteral("http.address"));
    const QHostAddress address(configured == QStringLiteral("localhost") ? QStringLiteral("127.0.0.1") : configured);
    Result<QUrl> url = m_api->start(address, quint16(m_config.integer(QStringLiteral("http.port"))), *tls);
    if (!url)
        return url.error();
    m_url = *url;
    return {};
}

Result<void> Worker::trustExternalIssuer()
{
    const QString issuer = m_config.string(QStringLiteral("identity.trusted_issuer"));
    const QString jwksKey = QStringLiteral("identity.trusted_jwks_url");
    const QString jwksUrl = m_config.string(jwksKey);
    const auto badKey = [this](const QString &key, const QString &problem) {
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1 (%2): %3").arg(key, m_config.origin(key), problem));
    };
    if (issuer.isEmpty()) {
        if (!jwksUrl.isEmpty())
            return badKey(jwksKey, QStringLiteral("is set but identity.trusted_issuer is not: whose keys are they?"));
        return {};
    }
    if (jwksUrl.isEmpty())
        return badKey(jwksKey, QStringLiteral("the trusted issuer %1 needs the URL of its JWK Set").arg(issuer));
    RemoteJwks::Options options;
    options.url = QUrl(jwksUrl, QUrl::StrictMode);
    const QString caKey = QStringLiteral("identity.trusted_ca_file");
    if (const QString caFile = m_config.string(caKey); !caFile.isEmpty()) {
        options.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (options.caCertificates.isEmpty())
            return badKey(caKey, QStringLiteral("no PEM certificate in %1").arg(caFile));
    }
    if (Result<void> valid = RemoteJwks::validate(options); !valid)
        return badKey(jwksKey, valid.error().message);
    QString audience = m_config.string(QStringLiteral("identity.trusted_audience"));
    if (audience.isEmpty())
        audience = m_config.string(QStringLiteral("identity.audience"));

    m_network = std::make_unique<QNetworkAccessManager>();
    m_externalKeys = std::make_unique<RemoteJwks>(options, *m_network, SystemClock::instance());
    RemoteJwks *keys = m_externalKeys.get();
    TrustedIssuer trusted;
    trusted.issuer = issuer;
    trusted.audiences = {audience};
    trusted.keys = [keys] { return keys->keys(); };
    trusted.unknownKey = [keys](const QString &keyId) { keys->requestKey(keyId); };
    if (Result<void> added = m_api->authenticator().addIssuer(std::move(trusted)); !added)
        return added;
    m_externalKeys->start();
    qCInfo(lcWorker).noquote() << "trusting the tokens of" << issuer << "for audience" << audience << "with keys from"
                               << options.url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    return {};
}

Result<void> Worker::startEndpoints()
{
    IdentityEndpoints::Settings identity;
    identity.issuer = m_config.string(QStringLiteral("identity.issuer"));
    if (identity.issuer.isEmpty())
        identity.issuer = m_url.toString(QUrl::StripTrailingSlash);
    identity.audience = m_config.string(QStringLiteral("identity.audience"));
    identity.accessTokenLifetime =
        std::chrono::seconds(m_config.integer(QStringLiteral("identity.access_token_seconds")));
    identity.bootstrapLogin = m_config.string(QStringLiteral("identity.bootstrap_admin_login"));
    identity.bootstrapPassword = m_config.string(QStringLiteral("identity.bootstrap_admin_password"));
    m_audit = std::make_unique<ApiAudit>(*m_database, SystemClock::instance());
    m_identity =
        std::make_unique<IdentityEndpoints>(identity, *m_database, *m_sealer, SystemClock::instance(), *m_audit);
    if (Result<void> started = m_identity->start(*m_api); !started)
        return started;
    if (Result<void> trusted = trustExternalIssuer(); !trusted)
        return trusted;
    m_metrics = std::make_unique<MetricsEndpoint>(MetricsEndpoint::Sources{
        [this] { return m_sender ? m_sender->status() : QJsonObject(); }, [this] { return triggerStatus(); },
        [this] { return m_sender ? m_sender->circuits() : QJsonArray(); }});
    if (Result<void> started = m_metrics->start(*m_api); !started)
        return started;
    if (m_sender)
        m_sender->setDeliveryObserver(m_metrics->deliveryObserver());
    m_track = std::make_unique<TrackEndpoint>(*m_database, SystemClock::instance());
    if (Result<void> started = m_track->start(*m_api, *m_sealer); !started)
        return started;
    // People data: the device registry, users (right to be forgotten) and delivery look-up.
    m_devices = std::make_unique<DevicesEndpoints>(*m_database, *m_sealer, SystemClock::instance(), *m_audit);
    m_users = std::make_unique<UsersEndpoints>(*m_database, SystemClock::instance(), *m_audit);
    m_deliveries = std::make_unique<DeliveriesEndpoints>(*m_database, SystemClock::instance());
    if (Result<void> added = m_devices->addRoutes(*m_api); !added)
        return added;
    if (Result<void> added = m_users->addRoutes(*m_api); !added)
        return added;
    if (Result<void> added = m_deliveries->addRoutes(*m_api); !added)
        return added;
    {
        // Content and configuration: templates, trigger rules, apps and credentials, test push.
        const Clock &clock = SystemClock::instance();
        m_templates = std::make_unique<TemplatesEndpoints>(*m_database, clock, *m_audit);
        m_triggerRules = std::make_unique<TriggerRulesEndpoints>(*m_database, clock, *m_audit, [this] {
            if (Result<void> reloaded = reloadRules(); !reloaded)
                qCWarning(lcWorker).noquote() << "cannot reload the trigger rules:" << reloaded.error().toString();
        });
        m_apps = std::make_unique<AppsEndpoints>(*m_database, clock, *m_sealer, *m_audit);
        m_testPush = std::make_unique<TestPushEndpoint>(m_sender ? &m_sender->engine() : nullptr, clock, *m_audit);
        for (Result<void> added : {m_templates->addRoutes(*m_api), m_triggerRules->addRoutes(*m_api),
                                   m_apps->addRoutes(*m_api), m_testPush->addRoutes(*m_api)}) {
            if (!added)
                return added;
        }
        // The console's dashboard (per-minute delivery statistics) and its template variable completion.
        m_stats = std::make_unique<StatsEndpoints>(*m_database, clock);
        m_stats->startRetention(std::chrono::days(m_config.integer(QStringLiteral("stats.retention_days"))));
        m_schema = std::make_unique<SchemaEndpoints>(*m_database, clock);
        for (Result<void> added : {m_stats->addRoutes(*m_api), m_schema->addRoutes(*m_api)}) {
            if (!added)
                return added;
        }
    }
    m_events = std::make_unique<EventsEndpoint>(*m_producer, m_config.string(QStringLiteral("bus.events_topic")));
    return m_events->addRoutes(*m_api);
}

} // namespace vestnik
