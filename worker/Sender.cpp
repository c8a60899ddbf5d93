#include "Sender.h"

#include "bus/MessageBus.h"
#include "delivery/DeliveryEngine.h"
#include "delivery/SendJobConsumer.h"
#include "util/Logging.h"

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

} // namespace

Result<std::unique_ptr<Sender>> Sender::create(const Config &config, const Database &database, const Sealer &sealer,
                                               const Clock &clock, const QString &id, QObject *parent)
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
{
    connect(&m_engine->dispatcher, &Dispatcher::idle, this, &Sender::idle);
}

Sender::~Sender()
{
    // The consumer's callbacks refer to the dispatcher: it goes first.
    m_consumer.reset();
}

Result<void> Sender::start(MessageBus &bus, BusProducer &producer)
{
    m_engine->scanner.start();
    SendJobConsumer::Settings settings;
    settings.consumer.groupId = m_config.string(QStringLiteral("bus.group_id"));
    settings.consumer.topics = {m_config.string(QStringLiteral("bus.sends_topic"))};
    settings.consumer.maxInFlight = int(m_config.integer(QStringLiteral("bus.max_in_flight")));
    settings.deadLetterTopic = m_config.string(QStringLiteral("bus.dlq_topic"));
    m_consumer = std::make_unique<SendJobConsumer>(settings, bus, m_engine->dispatcher, producer);
    return m_consumer->start();
}

void Sender::hold()
{
    m_engine->scanner.stop();
    if (m_consumer)
        m_consumer->hold();
}

int Sender::outstanding() const
{
    return m_engine->dispatcher.outstanding();
}

void Sender::stop()
{
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
