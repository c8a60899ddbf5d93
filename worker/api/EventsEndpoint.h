#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiServer;
class BusProducer;
class EventIngest;

/// `POST /v1/events`: the HTTP face of EventIngest for services with scope `events:write` (and admins). 202 with
/// the accepted ids once the bus confirmed every event; 400 naming every bad event (nothing produced); 503 with
/// Retry-After when the bus refused or did not confirm (retrying is safe: an event id is processed once).
class EventsEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventsEndpoint)

public:
    /// `producer` must outlive the endpoint; events go to `topic`.
    EventsEndpoint(BusProducer &producer, const QString &topic, QObject *parent = nullptr);
    ~EventsEndpoint() override;

    Result<void> addRoutes(ApiServer &api);

private:
    std::unique_ptr<EventIngest> m_ingest;
};

} // namespace vestnik
