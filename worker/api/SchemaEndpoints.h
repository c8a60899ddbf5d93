#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiResponse;
class ApiServer;
class Clock;
class Database;
class TriggerStateRepository;
class UserRepository;
struct ApiRequest;

/// What the console offers as template variables while a marketer types: `GET /v1/schema/fields` answers the
/// attribute keys seen on users (a sample of the most recently updated ones) and the data fields seen per event
/// type (recorded by the trigger role the first time it sees each). Both reads are bounded, whatever the number
/// of users and events. Any console role.
class SchemaEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SchemaEndpoints)

public:
    /// How many of the most recently updated users the attribute keys come from.
    static constexpr int kUserSample = 500;

    /// The database and clock must outlive the endpoints.
    SchemaEndpoints(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~SchemaEndpoints() override;

    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse fields(const ApiRequest &request) const;

    std::unique_ptr<UserRepository> m_users;
    std::unique_ptr<TriggerStateRepository> m_triggerState;
};

} // namespace vestnik
