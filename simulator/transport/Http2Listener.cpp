#include "transport/Http2Listener.h"

#include "transport/Http2Connection.h"

namespace vestnik::sim {

Http2Listener::Http2Listener(std::shared_ptr<TlsServerContext> tls, ListenerProfile profile, RequestHandler &handler,
                             DelayQueue &delays, QObject *parent)
    : QTcpServer(parent), m_tls(std::move(tls)), m_profile(std::move(profile)), m_handler(handler), m_delays(delays)
{}

Http2Listener::~Http2Listener() = default;

void Http2Listener::incomingConnection(qintptr socketDescriptor)
{
    auto *connection = new Http2Connection(int(socketDescriptor), m_tls, m_profile, m_handler, m_delays, this);
    ++m_connections;
    connect(connection, &Http2Connection::closed, this, [this] { --m_connections; });
}

void Http2Listener::shutdownConnections(const QByteArray &debugData)
{
    const QList<Http2Connection *> connections = findChildren<Http2Connection *>(Qt::FindDirectChildrenOnly);
    for (Http2Connection *connection : connections)
        connection->shutdown(debugData);
}

} // namespace vestnik::sim
