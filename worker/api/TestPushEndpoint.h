#pragma once

#include "util/Result.h"

#include <QObject>

namespace vestnik {

class ApiAudit;
class ApiServer;
class Clock;
struct DeliveryEngine;

/// `POST /v1/test-push`: sends a template to one user's active devices now, through the sender's own delivery
/// engine (the same dispatcher, provider clients, circuits and outcome recording as every push), and answers with
/// each device's outcome once all of them have one. Admins and marketers. A worker without the sender role answers
/// 503 `sender_unavailable`: it has no provider connections, and a second engine beside another worker's would send
/// outside that worker's rate limits and circuits.
class TestPushEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TestPushEndpoint)

public:
    /// `engine` is the sender's (null when the worker has no sender role); it and the audit must outlive the
    /// endpoint's routes.
    TestPushEndpoint(DeliveryEngine *engine, const Clock &clock, const ApiAudit &audit, QObject *parent = nullptr);
    ~TestPushEndpoint() override;

    Result<void> addRoutes(ApiServer &api);

private:
    DeliveryEngine *m_engine;
    const Clock &m_clock;
    const ApiAudit &m_audit;
};

} // namespace vestnik
