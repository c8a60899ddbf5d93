#include "Sender.h"

#include "bus/MessageBus.h"
#include "delivery/AuthServiceDirectory.h"
#include "delivery/AuthServiceThenRegistryDirectory.h"
#include "delivery/DeliveryEngine.h"
#include "delivery/SendJobConsumer.h"
#include "provider/ClientCredentialsTokenSource.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QDir>
#include <QFile>
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

Error badKey(const Config &config, const QString &key, const QString &problem)
{
    return makeError(ErrorCode::InvalidConfig, QStringLiteral("%1 (%2): %3").arg(key, config.origin(key), problem));
}

/// devices.auth_client_secret, else the first line of devices.auth_client_secret_file.
Result<QString> clientSecret(const Config &config)
{
    if (QString secret = config.string(QStringLiteral("devices.auth_client_secret")); !secret.isEmpty())
        return secret;
    const QString key = QStringLiteral("devices.auth_client_secret_file");
    const QString name = config.string(key);
    if (name.isEmpty())
        return badKey(config, QStringLiteral("devices.auth_client_secret"),
                      QStringLiteral("the Auth Service client needs a secret (or devices.auth_client_secret_file)"));
    QFile file(QDir(config.string(QStringLiteral("worker.data_dir"))).absoluteFilePath(name));
    if (!file.open(QIODevice::ReadOnly))
        return badKey(config, key, QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    const QString secret = QString::fromUtf8(file.readLine()).trimmed();
    if (secret.isEmpty())
        return badKey(config, key, QStringLiteral("%1 holds no secret on its first line").arg(file.fileName()));
    return secret;
}

/// The devices.* keys: the directory senders ask instead of the registry, or none for the registry.
Result<DeliveryEngine::DirectoryFactory> directoryFactory(const Config &config, const Clock &clock)
{
    const QString source = config.string(QStringLiteral("devices.source"));
    if (source == QStringLiteral("registry"))
        return DeliveryEngine::DirectoryFactory();
    const QString urlKey = QStringLiteral("devices.auth_service_url");
    if (config.string(urlKey).isEmpty())
        return badKey(config, urlKey, QStringLiteral("must be set when devices.source is %1").arg(source));
    AuthServiceDirectory::Settings directory;
    directory.baseUrl = QUrl(config.string(urlKey));
    directory.cacheTtl = std::chrono::seconds(config.integer(QStringLiteral("devices.cache_seconds")));
    directory.timeout = std::chrono::milliseconds(config.integer(QStringLiteral("devices.timeout_ms")));
    if (Result<void> valid = AuthServiceDirectory::validate(directory); !valid)
        return badKey(config, urlKey, valid.error().message);

    ClientCredentialsTokenSource::Options tokens;
    const QString tokenKey = QStringLiteral("devices.auth_token_url");
    if (const QString tokenUrl = config.string(tokenKey); !tokenUrl.isEmpty()) {
        tokens.tokenEndpoint = QUrl(tokenUrl);
    } else {
        tokens.tokenEndpoint = directory.baseUrl;
        QString path = directory.baseUrl.path();
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        tokens.tokenEndpoint.setPath(path + QStringLiteral("/oauth2/token"));
    }
    tokens.clientId = config.string(QStringLiteral("devices.auth_client_id"));
    if (tokens.clientId.isEmpty())
        return badKey(config, QStringLiteral("devices.auth_client_id"),
                      QStringLiteral("must be set when devices.source is %1").arg(source));
    Result<QString> secret = clientSecret(config);
    if (!secret)
        return secret.error();
    tokens.clientSecret = *secret;
    tokens.scope = config.string(QStringLiteral("devices.auth_scope"));
    tokens.timeout = directory.timeout;
    if (Result<void> valid = ClientCredentialsTokenSource::validate(tokens); !valid)
        return badKey(config, tokenKey, valid.error().message);
    const QString caKey = QStringLiteral("devices.auth_ca_file");
    if (const QString caFile = config.string(caKey); !caFile.isEmpty()) {
        directory.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (directory.caCertificates.isEmpty())
            return badKey(config, caKey, QStringLiteral("no PEM certificate in %1").arg(caFile));
        tokens.caCertificates = directory.caCertificates;
    }
    const bool withRegistry = source == QStringLiteral("auth_service_then_registry");
    qCInfo(lcWorker).noquote() << QStringLiteral("devices from the Auth Service at %1 as client %2 (tokens from %3, "
                                                 "answers cached for %4 s)%5")
                                      .arg(directory.baseUrl.toString(), tokens.clientId,
                                           tokens.tokenEndpoint.toString())
                                      .arg(directory.cacheTtl.count() / 1000)
                                      .arg(withRegistry ? QStringLiteral("; the registry answers for users it does "
                                                                         "not know")
                                                        : QString());
    return DeliveryEngine::DirectoryFactory(
        [directory, tokens, withRegistry, &clock](QNetworkAccessManager &network,
                                                  DeviceDirectory &registry) -> std::unique_ptr<DeviceDirectory> {
            auto tokenSource = std::make_unique<ClientCredentialsTokenSource>(tokens, network, clock);
            auto authService = std::make_unique<AuthServiceDirectory>(directory, *tokenSource, network, clock);
            tokenSource.release()->setParent(authService.get()); // the directory owns its token source
            if (withRegistry)
                return std::make_unique<AuthServiceThenRegistryDirectory>(std::move(authService), registry);
            return authService;
        });
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
    Result<DeliveryEngine::DirectoryFactory> directory = directoryFactory(config, clock);
    if (!directory)
        return directory.error();
    DeliveryEngine::Settings settings;
    settings.providers = std::move(providers);
    settings.directory = std::move(*directory);
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

QJsonArray Sender::circuits() const
{
    QJsonArray circuits;
    for (const auto &[key, state] : m_engine->circuits.states(SystemClock::instance().nowMs())) {
        const QString name = state == CircuitBreaker::State::Closed ? QStringLiteral("closed")
                             : state == CircuitBreaker::State::Open ? QStringLiteral("open")
                                                                    : QStringLiteral("half_open");
        circuits.append(QJsonObject{{QStringLiteral("app"), key.appId},
                                    {QStringLiteral("provider"), providerName(key.provider)},
                                    {QStringLiteral("state"), name}});
    }
    return circuits;
}

void Sender::setDeliveryObserver(DeliveryObserver *observer)
{
    m_engine->dispatcher.setObserver(observer);
}

QJsonObject Sender::status() const
{
    const Dispatcher::Counters &c = m_engine->dispatcher.counters();
    QJsonObject status{
        {QStringLiteral("jobs"), c.jobs},
        {QStringLiteral("sent"), c.sent},
        {QStringLiteral("retries"), c.retries},
        {QStringLiteral("failed"), c.failed},
        {QStringLiteral("invalid_tokens"), c.invalidTokens},
        {QStringLiteral("credential_refreshes"), c.credentialRefreshes},
        {QStringLiteral("circuit_alerts"), qint64(m_engine->circuits.alerts())},
        {QStringLiteral("outstanding"), m_engine->dispatcher.outstanding()},
    };
    if (const std::optional<qint64> lag = m_consumer ? m_consumer->consumer().lag() : std::nullopt)
        status.insert(QStringLiteral("lag"), *lag);
    return status;
}

} // namespace vestnik
