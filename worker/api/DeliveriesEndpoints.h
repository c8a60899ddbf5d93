#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiResponse;
class ApiServer;
class Clock;
class Database;
class DeliveryRepository;
struct ApiRequest;

/// Delivery look-up for the console: one notification with its status trail (`GET /v1/deliveries/{id}`) and a
/// user's deliveries newest first, keyset-paged (`GET /v1/users/{user_id}/deliveries?limit=&before=`). Nothing
/// of the device but its id is shown. Read-only; any console role.
class DeliveriesEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveriesEndpoints)

public:
    /// Default and largest page of a user's deliveries.
    static constexpr int kDefaultLimit = 50;
    static constexpr int kMaxLimit = 500;

    /// The database and clock must outlive the endpoints.
    DeliveriesEndpoints(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~DeliveriesEndpoints() override;

    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse readDelivery(const ApiRequest &request) const;
    ApiResponse listForUser(const ApiRequest &request) const;

    std::unique_ptr<DeliveryRepository> m_deliveries;
};

} // namespace vestnik
