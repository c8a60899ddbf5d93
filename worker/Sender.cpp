#include "Sender.h"

#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/Dispatcher.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/RetryPolicy.h"
#include "delivery/RetryScanner.h"
#include "delivery/TokenBucket.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
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

struct Sender::Parts {
    Parts(const Database &database, const Sealer &sealer, const Clock &clock, ProviderClients::Settings providers,
          std::chrono::seconds circuitCoolDown, std::optional<TokenBucket::Limit> limit,
          Dispatcher::Settings dispatcherSettings, RetryScanner::Settings scannerSettings)
        : apps(database, clock, sealer),
          devices(database, clock, sealer),
          users(database, clock),
          templates(database, clock),
          deliveries(database, clock),
          catalog(templates),
          directory(devices),
          clients(apps, std::move(providers), network, clock),
          circuits(clock, circuitCoolDown),
          policy(clock),
          recorder(deliveries, devices, policy, circuits, clock),
          rateLimits(limit ? std::make_unique<TokenBucket>(*limit) : nullptr),
          dispatcher(Dispatcher::Dependencies{deliveries, users, catalog, directory, clients, recorder, circuits,
                                              rateLimits.get(), clock},
                     std::move(dispatcherSettings)),
          scanner(deliveries, clock, std::move(scannerSettings),
                  [this](QList<Delivery> claimed) { dispatcher.redispatch(std::move(claimed)); })
    {}

    QNetworkAccessManager network;
    AppRepository apps;
    DeviceRepository devices;
    UserRepository users;
    TemplateRepository templates;
    DeliveryRepository deliveries;
    TemplateCatalog catalog;
    RegistryDeviceDirectory directory;
    ProviderClients clients;
    CircuitBreaker circuits;
    RetryPolicy policy;
    OutcomeRecorder recorder;
    std::unique_ptr<TokenBucket> rateLimits;
    Dispatcher dispatcher;
    RetryScanner scanner;
};

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
    std::optional<TokenBucket::Limit> limit;
    if (const qint64 rate = config.integer(QStringLiteral("delivery.rate_per_second")); rate > 0)
        limit = TokenBucket::Limit{double(rate), double(rate)};

    const QString id = workerId();
    Dispatcher::Settings dispatcherSettings;
    dispatcherSettings.workerId = id;
    dispatcherSettings.lease = std::chrono::seconds(config.integer(QStringLiteral("delivery.lease_seconds")));
    RetryScanner::Settings scannerSettings;
    scannerSettings.workerId = id;
    scannerSettings.interval =
        std::chrono::milliseconds(config.integer(QStringLiteral("delivery.retry_scan_interval_ms")));
    scannerSettings.batchSize = int(config.integer(QStringLiteral("delivery.retry_batch")));
    scannerSettings.lease = dispatcherSettings.lease;

    auto parts = std::make_unique<Parts>(
        database, sealer, clock, std::move(providers),
        std::chrono::seconds(config.integer(QStringLiteral("delivery.circuit_cooldown_seconds"))), limit,
        std::move(dispatcherSettings), std::move(scannerSettings));
    qCInfo(lcWorker).noquote() << "sender" << id << "ready: FCM at"
                               << config.string(QStringLiteral("providers.fcm_endpoint")) << ", APNs at"
                               << config.string(QStringLiteral("providers.apns_production_endpoint"));
    return std::unique_ptr<Sender>(new Sender(std::move(parts), parent));
}

Sender::Sender(std::unique_ptr<Parts> parts, QObject *parent) : QObject(parent), m_parts(std::move(parts)) {}

Sender::~Sender() = default;

void Sender::start()
{
    m_parts->scanner.start();
}

void Sender::stop()
{
    m_parts->scanner.stop();
}

Dispatcher &Sender::dispatcher()
{
    return m_parts->dispatcher;
}

RetryScanner &Sender::scanner()
{
    return m_parts->scanner;
}

QJsonObject Sender::status() const
{
    const Dispatcher::Counters &c = m_parts->dispatcher.counters();
    return QJsonObject{
        {QStringLiteral("jobs"), c.jobs},
        {QStringLiteral("sent"), c.sent},
        {QStringLiteral("retries"), c.retries},
        {QStringLiteral("failed"), c.failed},
        {QStringLiteral("invalid_tokens"), c.invalidTokens},
        {QStringLiteral("credential_refreshes"), c.credentialRefreshes},
        {QStringLiteral("circuit_alerts"), qint64(m_parts->circuits.alerts())},
        {QStringLiteral("outstanding"), m_parts->dispatcher.outstanding()},
    };
}

} // namespace vestnik
