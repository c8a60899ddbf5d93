#include "Sender.h"

#include "bus/KafkaProducer.h"
#include "delivery/DeliveryEngine.h"
#include "delivery/SendJobConsumer.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QHostInfo>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace vestnik {

namespace {

/// "host:port" (or "[v6]:port") into an endpoint's host and port.
Result<void> parseEndpoint(const Config &config, const QString &key, Http2Endpoint &endpoint)
{
    const QString text = config.string(key).trimmed();
    const QUrl url(QStringLiteral("https://") + text);
    if (text.isEmpty() || !url.isValid() || url.host().isEmpty() || url.port() <= 0 || !url.path().isEmpty())
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1 (%2) must be host:port, not \"%3\"").arg(key, config.origin(key), text));
    endpoint.host = url.host();
    endpoint.port = quint16(url.port());
    return {};
}

QString workerId()
{
    return QStringLiteral("%1/%2/%3")
        .arg(QHostInfo::localHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
}

} // namespace

Result<std::unique_ptr<Sender>> Sender::create(const Config &config, const Database &database, const Sealer &sealer,
                                               const Clock &clock, QObject *parent)
{
    ProviderClients::Settings providers;
    for (const auto &[key, endpoint] :
         {std::pair{QStringLiteral("providers.fcm_endpoint"), &providers.fcm},
          std::pair{QStringLiteral("providers.apns_production_endpoint"), &providers.apnsProduction},
          std::pair{QStringLiteral("providers.apns_sandbox_endpoint"), &providers.apnsSandbox}}) {
        if (Result<void> parsed = parseEndpoint(config, key, *endpoint); !parsed)
            return parsed.error();
        endpoint->maxConnections = int(config.integer(QStringLiteral("providers.max_connections")));
    }
    if (const QString caFile = config.string(QStringLiteral("providers.ca_file")); !caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (ca.isEmpty())
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("providers.ca_file (%1): no PEM certificate in %2")
                                 .arg(config.origin(QStringLiteral("providers.ca_file")), caFile));
        providers.fcm.caCertificates = ca;
        providers.apnsProduction.caCertificates = ca;
        providers.apnsSandbox.caCertificates = ca;
        providers.tokenEndpointCaCertificates = ca;
    }
    if (const QString tokenUrl = config.string(QStringLiteral("providers.google_token_url")); !tokenUrl.isEmpty()) {
        providers.googleTokenEndpoint = QUrl(tokenUrl);
        if (!providers.googleTokenEndpoint.isValid()
            || providers.googleTokenEndpoint.scheme() != QStringLiteral("https"))
            return makeError(
                ErrorCode::InvalidConfig,
                QStringLiteral("providers.google_token_url must be an https URL, not \"%1\"").arg(tokenUrl));
    }
    DeliveryEngine::Settings settings;
    settings.providers = std::move(providers);
    settings.circuitCoolDown =
        std::chrono::seconds(config.integer(QStringLiteral("delivery.circuit_cooldown_seconds")));
    if (const qint64 rate = config.integer(QStringLiteral("delivery.rate_per_second")); rate > 0)
        settings.rateLimit = TokenBucket::Limit{double(rate), double(rate)};
    const QString id = workerId();
    settings.dispatcher.workerId = id;
    settings.dispatcher.lease = std::chrono::seconds(config.integer(QStringLiteral("delivery.lease_seconds")));
    settings.scanner.workerId = id;
    settings.scanner.interval =
        std::chrono::milliseconds(config.integer(QStringLiteral("delivery.retry_scan_interval_ms")));
    settings.scanner.batchSize = int(config.integer(QStringLiteral("delivery.retry_batch")));
    settings.scanner.lease = settings.dispatcher.lease;

    auto engine = std::make_unique<DeliveryEngine>(database, sealer, clock, std::move(settings));
    qCInfo(lcWorker).noquote() << "sender" << id << "ready: FCM at"
                               << config.string(QStringLiteral("providers.fcm_endpoint")) << ", APNs at"
                               << config.string(QStringLiteral("providers.apns_production_endpoint"));
    return std::unique_ptr<Sender>(new Sender(config, std::move(engine), parent));
}

Sender::Sender(Config config, std::unique_ptr<DeliveryEngine> engine, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_engine(std::move(engine))
{}

Sender::~Sender()
{
    // The consumer's and producer's callbacks refer to the dispatcher: they go first.
    m_consumer.reset();
    m_producer.reset();
}

Result<void> Sender::start()
{
    m_engine->scanner.start();
    const QString brokers = m_config.string(QStringLiteral("bus.kafka_brokers"));
    if (brokers.isEmpty()) {
        qCInfo(lcWorker) << "no bus.kafka_brokers: send jobs come only from retries for now";
        return {};
    }
    QHash<QString, QString> properties;
    const QStringList pairs =
        m_config.string(QStringLiteral("bus.kafka_properties")).split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &pair : pairs) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals <= 0)
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("bus.kafka_properties: \"%1\" is not name=value").arg(pair.left(40)));
        properties.insert(pair.left(equals).trimmed(), pair.mid(equals + 1).trimmed());
    }
    m_producer =
        std::make_unique<KafkaProducer>(KafkaProducer::Settings{brokers, properties, std::chrono::milliseconds(5)});
    if (Result<void> started = m_producer->start(); !started)
        return started;
    const QString sends = m_config.string(QStringLiteral("bus.sends_topic"));
    const QString dlq = m_config.string(QStringLiteral("bus.dlq_topic"));
    const int partitions = int(m_config.integer(QStringLiteral("bus.partitions")));
    for (const QString &topic : {sends, dlq}) {
        if (Result<void> created = m_producer->ensureTopic(topic, partitions, std::chrono::seconds(15)); !created)
            return created;
    }
    SendJobConsumer::Settings settings;
    settings.consumer.brokers = brokers;
    settings.consumer.groupId = m_config.string(QStringLiteral("bus.group_id"));
    settings.consumer.topics = {sends};
    settings.consumer.properties = properties;
    settings.consumer.maxInFlight = int(m_config.integer(QStringLiteral("bus.max_in_flight")));
    settings.deadLetterTopic = dlq;
    m_consumer = std::make_unique<SendJobConsumer>(settings, m_engine->dispatcher, *m_producer);
    return m_consumer->start();
}

void Sender::shutdown(std::chrono::milliseconds grace)
{
    m_engine->scanner.stop();
    if (m_consumer)
        m_consumer->hold();
    if (m_engine->dispatcher.outstanding() > 0) {
        qCInfo(lcWorker) << "waiting up to" << grace.count() << "ms for" << m_engine->dispatcher.outstanding()
                         << "sends in flight";
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(&m_engine->dispatcher, &Dispatcher::idle, &loop, &QEventLoop::quit);
        deadline.start(grace);
        loop.exec();
    }
    // Dead letters still on their way acknowledge their messages when the broker confirms them: before the
    // consumer commits, not after.
    if (m_producer && !m_producer->flush(std::chrono::seconds(5)))
        qCWarning(lcWorker) << m_producer->outstanding() << "dead letters not confirmed; their messages come again";
    if (m_consumer)
        m_consumer->stop(); // commits what was acknowledged
}

QJsonObject Sender::status() const
{
    const Dispatcher::Counters &c = m_engine->dispatcher.counters();
    return QJsonObject{
        {QStringLiteral("jobs"), c.jobs},
        {QStringLiteral("sent"), c.sent},
        {QStringLiteral("retries"), c.retries},
        {QStringLiteral("failed"), c.failed},
        {QStringLiteral("invalid_tokens"), c.invalidTokens},
        {QStringLiteral("credential_refreshes"), c.credentialRefreshes},
        {QStringLiteral("circuit_alerts"), qint64(m_engine->circuits.alerts())},
        {QStringLiteral("outstanding"), m_engine->dispatcher.outstanding()},
    };
}

} // namespace vestnik
