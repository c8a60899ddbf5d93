#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace vestnik {

class ApiAudit;
class ApiResponse;
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
/// and for admins the console users (`/v1/admin/users`: list, create, change role, disable or enable, set the
/// password), the service clients (`/v1/admin/clients`) and the
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
                      const ApiAudit &audit, QObject *parent = nullptr);
    ~IdentityEndpoints() override;

    /// Loads (or makes) the signing keys, creates the bootstrap admin when no user exists, trusts the worker's
    /// own tokens and adds the routes.
    Result<void> start(ApiServer &api);

private:
    Result<void> addRoutes(ApiServer &api);
    /// PATCH /v1/admin/users/{login}: any of `role`, `disabled` and `password`, checked before anything changes.
    ApiResponse updateUser(const ApiRequest &request);

    Settings m_settings;
    const Database &m_database;
    const Clock &m_clock;
    std::unique_ptr<TokenIssuer> m_issuer;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::unique_ptr<IdentityService> m_identity;
    const ApiAudit &m_audit;
    std::unique_ptr<AuditLogRepository> m_auditLog; ///< read side: GET /v1/audit
};

} // namespace vestnik
