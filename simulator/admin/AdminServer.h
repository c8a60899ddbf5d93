#pragma once

#include "util/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QUrl>

class QHttpServer;

namespace vestnik::sim {

class Simulator;

/// The control and inspection endpoint: plain HTTP/1.1 (QHttpServer) meant for loopback, JSON in and out.
/// GET/PUT/PATCH /admin/behaviour, GET/DELETE /admin/deliveries, GET /admin/fleet, GET/PUT /admin/reactions,
/// GET /admin/status, GET /admin/health.
class AdminServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AdminServer)

public:
    explicit AdminServer(Simulator &simulator, QObject *parent = nullptr);
    ~AdminServer() override;

    Result<void> listen(const QHostAddress &host, int port);
    QUrl url() const { return m_url; }

private:
    void addRoutes();

    Simulator &m_simulator;
    QHttpServer *m_server = nullptr;
    QUrl m_url;
};

} // namespace vestnik::sim
