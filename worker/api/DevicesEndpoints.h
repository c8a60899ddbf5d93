#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiAudit;
class ApiServer;
class Clock;
class Database;
class DeviceRepository;
class Sealer;
class UserRepository;
class ApiResponse;
struct ApiRequest;

/// The device registry over the API: register (`POST /v1/users/{user_id}/devices`), list with masked tokens
/// (`GET /v1/users/{user_id}/devices`), change locale or token (`PATCH /v1/devices/{id}`) and unregister
/// (`DELETE /v1/devices/{id}`). Tokens are sealed at rest by DeviceRepository and never returned or logged
/// whole; every change is written to the audit log with the token's fingerprint only.
class DevicesEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevicesEndpoints)

public:
    /// Everything must outlive the endpoints.
    DevicesEndpoints(const Database &database, const Sealer &sealer, const Clock &clock, const ApiAudit &audit,
                     QObject *parent = nullptr);
    ~DevicesEndpoints() override;

    /// Adds the routes. Writes: admins or services with devices:write; reads: any console role or devices:read.
    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse registerDevice(const ApiRequest &request) const;
    ApiResponse listDevices(const ApiRequest &request) const;
    ApiResponse updateDevice(const ApiRequest &request) const;
    ApiResponse unregisterDevice(const ApiRequest &request) const;

    const ApiAudit &m_audit;
    std::unique_ptr<DeviceRepository> m_devices;
    std::unique_ptr<UserRepository> m_users;
};

} // namespace vestnik
