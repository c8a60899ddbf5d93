#pragma once

#include "transport/ListenerProfile.h"

#include <QTcpServer>

#include <memory>

namespace vestnik::sim {

class DelayQueue;
class RequestHandler;
class TlsServerContext;

/// Accepts TCP connections for one service (Google, APNs, Auth Service) and gives each to an Http2Connection
/// that speaks TLS + HTTP/2 on the raw socket.
class Http2Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Http2Listener)

public:
    Http2Listener(std::shared_ptr<TlsServerContext> tls, ListenerProfile profile, RequestHandler &handler,
                  DelayQueue &delays, QObject *parent = nullptr);
    ~Http2Listener() override;

    const ListenerProfile &profile() const { return m_profile; }
    /// Changes what new connections announce (existing ones keep theirs).
    void setProfile(const ListenerProfile &profile) { m_profile = profile; }
    /// Open connections right now.
    int connectionCount() const { return m_connections; }
    /// Sends GOAWAY(NO_ERROR, debugData) on every connection and closes them.
    void shutdownConnections(const QByteArray &debugData);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    std::shared_ptr<TlsServerContext> m_tls;
    ListenerProfile m_profile;
    RequestHandler &m_handler;
    DelayQueue &m_delays;
    int m_connections = 0;
};

} // namespace vestnik::sim
