#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QObject>

#include <memory>

namespace vestnik {

class ApiAudit;
class ApiResponse;
class ApiServer;
class AppRepository;
class Clock;
class Database;
class Sealer;
struct ApiRequest;

/// Apps and their provider credentials over the API, for admins only. Credentials are write-only: a PUT checks the
/// FCM service account or APNs key the way the sender will read it (422 `invalid_credential` when it would not
/// work) and stores it sealed; reads show only that a credential is set, when, and the facts that are not secret
/// (project and client e-mail; bundle id, environment, team and key id).
class AppsEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppsEndpoints)

public:
    /// Everything must outlive the endpoints.
    AppsEndpoints(const Database &database, const Clock &clock, const Sealer &sealer, const ApiAudit &audit,
                  QObject *parent = nullptr);
    ~AppsEndpoints() override;

    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse list() const;
    ApiResponse show(const ApiRequest &request) const;
    ApiResponse save(const ApiRequest &request);
    ApiResponse saveCredential(const ApiRequest &request);
    /// The app's credentials as reads show them: `{"fcm": {...} | null, "apns": {...} | null}`.
    Result<QJsonObject> credentialsJson(const QString &appId) const;

    const ApiAudit &m_audit;
    std::unique_ptr<AppRepository> m_apps;
};

} // namespace vestnik
