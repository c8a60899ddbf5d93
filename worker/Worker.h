#pragma once

#include "util/Config.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QSslConfiguration;

namespace vestnik {

class ApiServer;
class AppsEndpoints;
class BusProducer;
class Database;
class DeliveriesEndpoints;
class DevicesEndpoints;
class EventsEndpoint;
class ApiAudit;
class IdentityEndpoints;
class MessageBus;
class MetricsEndpoint;
class RemoteJwks;
class SchemaEndpoints;
class Sealer;
class Sender;
class StatsEndpoints;
class TemplatesEndpoints;
class TestPushEndpoint;
class TrackEndpoint;
class TriggerRulesEndpoints;
class TriggerRole;
class UsersEndpoints;

/// The worker process: opens and migrates the database, loads the sealing key, connects the bus (Kafka, or the
/// embedded queue in its own database), runs its roles (trigger: events -> send jobs; sender: send jobs ->
/// pushes, resuming due retries at once) and serves the HTTPS API (/healthz, /readyz; endpoint modules add
/// their routes through api()).
class Worker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Worker)

public:
    explicit Worker(Config config, QObject *parent = nullptr);
    ~Worker() override;

    /// The roles `worker.roles` names; InvalidConfig for an unknown one or none.
    static Result<QStringList> roles(const Config &config);

    /// Starts everything; on failure nothing keeps running and the error says what to fix.
    Result<void> start();
    /// Graceful stop: no new work, in-flight sends finish within `worker.shutdown_seconds`, offsets committed.
    void shutdown();
    /// Where the API listens: https://..., or http://... with api.plaintext (valid after start()).
    QUrl url() const { return m_url; }
    /// SHA-256 fingerprint ("AB:CD:...") of the certificate the API serves; empty with api.plaintext.
    QString certificateFingerprint() const { return m_certificateFingerprint; }
    /// The API server, for endpoint modules to add routes and trusted issuers (valid after start()).
    ApiServer &api() { return *m_api; }
    int schemaVersion() const { return m_schemaVersion; }
    /// What the process runs on (valid after start()).
    const Config &config() const { return m_config; }
    const Database &database() const { return *m_database; }
    const Sealer &sealer() const { return *m_sealer; }
    /// Makes the trigger role read its rules now (after a change made in this process).
    Result<void> reloadRules();
    /// The bus producer; null when the worker runs without a bus.
    BusProducer *producer() const { return m_producer.get(); }

private:
    Result<void> startApi();
    /// The TLS configuration of the API, or nothing with api.plaintext.
    Result<std::optional<QSslConfiguration>> apiTls();
    QJsonObject triggerStatus() const;
    Result<void> startBus();
    /// The API's endpoints beyond health: identity (tokens, users, clients, audit log), event ingest, tracking,
    /// /metrics, and content and configuration (templates, trigger rules, apps, test push).
    Result<void> startEndpoints();
    /// Trusts the tokens of identity.trusted_issuer, if one is configured.
    Result<void> trustExternalIssuer();
    void waitForIdle(std::chrono::milliseconds grace);

    Config m_config;
    const QString m_id; ///< this process in the claims it makes
    std::shared_ptr<Database> m_database;
    std::unique_ptr<Sealer> m_sealer;
    std::unique_ptr<MessageBus> m_bus;
    std::unique_ptr<BusProducer> m_producer;
    std::unique_ptr<Sender> m_sender;
    std::unique_ptr<TriggerRole> m_trigger;
    std::unique_ptr<ApiServer> m_api;
    std::unique_ptr<ApiAudit> m_audit;
    std::unique_ptr<IdentityEndpoints> m_identity;
    std::unique_ptr<QNetworkAccessManager> m_network; ///< the external issuer's JWKS fetches
    std::unique_ptr<RemoteJwks> m_externalKeys;
    std::unique_ptr<EventsEndpoint> m_events;
    std::unique_ptr<TrackEndpoint> m_track;
    std::unique_ptr<MetricsEndpoint> m_metrics;
    std::unique_ptr<DevicesEndpoints> m_devices; // people data: devices, users, delivery look-up
    std::unique_ptr<UsersEndpoints> m_users;
    std::unique_ptr<DeliveriesEndpoints> m_deliveries;
    // Content and configuration: templates, trigger rules, apps and credentials, test push.
    std::unique_ptr<TemplatesEndpoints> m_templates;
    std::unique_ptr<TriggerRulesEndpoints> m_triggerRules;
    std::unique_ptr<AppsEndpoints> m_apps;
    std::unique_ptr<TestPushEndpoint> m_testPush;
    // The console's dashboard and variable completion.
    std::unique_ptr<StatsEndpoints> m_stats;
    std::unique_ptr<SchemaEndpoints> m_schema;
    QUrl m_url;
    QString m_certificateFingerprint;
    int m_schemaVersion = 0;
    bool m_ready = false;
};

} // namespace vestnik
