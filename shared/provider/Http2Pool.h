#pragma once

#include "provider/Http2Connection.h"
#include "provider/Http2Endpoint.h"
#include "provider/PushTransport.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <random>

namespace vestnik {

/// The provider transport: a pool of HTTP/2 connections to one endpoint. Requests queue in the pool and
/// go to connections with free stream slots; a new connection opens only when all are full, up to the
/// endpoint's cap; unprocessed requests (REFUSED_STREAM, GOAWAY) are sent again on another connection;
/// lost connections are replaced with exponential backoff. Everything happens on the pool's thread;
/// requests submitted in one event-loop turn leave together (one write per connection).
class Http2Pool final : public QObject, public PushTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Http2Pool)

public:
    explicit Http2Pool(Http2Endpoint endpoint, QObject *parent = nullptr);
    ~Http2Pool() override;

    void send(HttpRequest request, ResponseHandler handler) override;
    int pendingCount() const override;

    const Http2Endpoint &endpoint() const { return m_endpoint; }
    /// Connections open or opening.
    int connectionCount() const;
    /// Requests sent again because a server refused them unprocessed (REFUSED_STREAM or GOAWAY).
    qint64 resentCount() const { return m_resent; }

private:
    void scheduleDispatch();
    void dispatch();
    void tick();
    void onConnectionChanged(Http2Connection *connection);
    void openConnection();

    Http2Endpoint m_endpoint;
    QElapsedTimer m_clock;
    QTimer m_ticker;
    std::deque<Http2ExchangePtr> m_queue;
    std::vector<Http2Connection *> m_connections;
    bool m_dispatchScheduled = false;
    int m_connectFailures = 0;
    qint64 m_nextConnectMs = 0;
    qint64 m_resent = 0;
    std::minstd_rand m_random{std::random_device{}()};
};

} // namespace vestnik
