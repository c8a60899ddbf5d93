#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiAudit;
class ApiResponse;
class ApiServer;
class Clock;
class Database;
class UserRepository;
struct ApiRequest;

/// The users push goes to, over the API: upsert (`PUT /v1/users/{id}` with locale, time zone and attributes),
/// read (`GET`) and the right to be forgotten (`DELETE`: the user, their devices, activity, trigger state and
/// deliveries, in one transaction). Writes are audited; a deletion's audit entry says what was removed.
class UsersEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersEndpoints)

public:
    /// Everything must outlive the endpoints.
    UsersEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit, QObject *parent = nullptr);
    ~UsersEndpoints() override;

    /// Adds the routes. Writes: admins or services with devices:write; reads: admins, marketers or devices:read.
    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse upsertUser(const ApiRequest &request) const;
    ApiResponse readUser(const ApiRequest &request) const;
    ApiResponse forgetUser(const ApiRequest &request) const;

    const ApiAudit &m_audit;
    std::unique_ptr<UserRepository> m_users;
};

} // namespace vestnik
