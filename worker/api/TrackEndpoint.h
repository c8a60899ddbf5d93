#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiServer;
class Clock;
class Database;
class DeliveryRepository;
class Sealer;
class TrackingRecorder;
class TrackingToken;

/// `POST /v1/track`: the app reports delivered / opened / clicked (with the action) / dismissed for a push,
/// authenticated by the tracking token the push carried (no bearer token: phones have none). 204 when recorded;
/// 400 for a bad report, 401 for a forged, borrowed or expired token, 404 for an unknown notification, 409 for a
/// report made before (a replay).
class TrackEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrackEndpoint)

public:
    /// Everything must outlive the endpoint.
    TrackEndpoint(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~TrackEndpoint() override;

    /// Derives the token keys from `sealer` and adds the route.
    Result<void> start(ApiServer &api, const Sealer &sealer);

private:
    const Clock &m_clock;
    std::unique_ptr<DeliveryRepository> m_deliveries;
    std::unique_ptr<TrackingToken> m_tokens;
    std::unique_ptr<TrackingRecorder> m_recorder;
};

} // namespace vestnik
