#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace vestnik {

class ApiServer;
class AuditLogRepository;
class Clock;
class Database;
class IdentityService;
class PasswordHasher;
class Sealer;
class TokenIssuer;
struct ApiRequest;
struct Principal;

/// The worker as an OAuth 2 issuer over the API: `POST /oauth/token` (client credentials for services, refresh
/// for the console), `POST /v1/auth/login` and `/v1/auth/logout`, the public keys at `/.well-known/jwks.json`,
/// and for admins the console users (`/v1/admin/users`), the service clients (`/v1/admin/clients`) and the
/// audit log (`GET /v1/audit`). Its own tokens are trusted by the server's Authenticator. Every change made here
/// is written to the audit log with who made it and from where.
class IdentityEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(IdentityEndpoints)

public:
    struct Settings {
        QString issuer;
        QString audience = QStringLiteral("vestnik");
        std::chrono::seconds accessTokenLifetime{900};
        QString bootstrapLogin = QStringLiteral("admin");
        QString bootstrapPassword; ///< empty: no bootstrap
    };

    /// Everything must outlive the endpoints.
    IdentityEndpoints(Settings settings, const Database &database, const Sealer &sealer, const Clock &clock,
                      QObject *parent = nullptr);
    ~IdentityEndpoints() override;

    /// Loads (or makes) the signing keys, creates the bootstrap admin when no user exists, trusts the worker's
    /// own tokens and adds the routes.
    Result<void> start(ApiServer &api);

    /// Appends to the audit log what `principal` changed through the API (failures are logged, never lost
    /// silently, and never fail the change that was made).
    void audit(const ApiRequest &request, const QString &action, const QString &target,
               const QJsonObject &detail = {}) const;

private:
    Result<void> addRoutes(ApiServer &api);

    Settings m_settings;
    const Database &m_database;
    const Clock &m_clock;
    std::unique_ptr<TokenIssuer> m_issuer;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::unique_ptr<IdentityService> m_identity;
    std::unique_ptr<AuditLogRepository> m_auditLog;
};

} // namespace vestnik
