#include "provider/Http2Pool.h"

#include "util/Logging.h"

#include <algorithm>

namespace vestnik {

namespace {

// Deadlines, PINGs and connect timeouts are checked at this granularity.
constexpr int kTickMs = 100;

} // namespace

Http2Pool::Http2Pool(Http2Endpoint endpoint, QObject *parent) : QObject(parent), m_endpoint(std::move(endpoint))
{
    m_clock.start();
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &Http2Pool::tick);
    m_ticker.start();
}

Http2Pool::~Http2Pool()
{
    // Whatever is still waiting is answered, never dropped silently.
    for (Http2Connection *connection : m_connections)
        connection->disconnect(this);
    std::deque<Http2ExchangePtr> queue;
    queue.swap(m_queue);
    for (Http2ExchangePtr &exchange : queue) {
        exchange->response.error = TransportError::ConnectionLost;
        exchange->response.errorText = QStringLiteral("the transport was shut down");
        exchange->handler(std::move(exchange->response));
    }
}

void Http2Pool::send(HttpRequest request, ResponseHandler handler)
{
    auto exchange = std::make_unique<Http2Exchange>();
    exchange->deadlineMs = m_clock.elapsed() + request.timeout.count();
    exchange->request = std::move(request);
    exchange->handler = std::move(handler);
    m_queue.push_back(std::move(exchange));
    scheduleDispatch();
}

int Http2Pool::pendingCount() const
{
    int count = int(m_queue.size());
    for (const Http2Connection *connection : m_connections)
        count += connection->inFlight();
    return count;
}

int Http2Pool::connectionCount() const
{
    return int(std::count_if(m_connections.cbegin(), m_connections.cend(), [](const Http2Connection *c) {
        return c->state() == Http2Connection::State::Ready || c->state() == Http2Connection::State::Connecting;
    }));
}

void Http2Pool::scheduleDispatch()
{
    if (m_dispatchScheduled)
        return;
    m_dispatchScheduled = true;
    QMetaObject::invokeMethod(this, &Http2Pool::dispatch, Qt::QueuedConnection);
}

void Http2Pool::dispatch()
{
    m_dispatchScheduled = false;
    std::vector<Http2Connection *> touched;
    while (!m_queue.empty()) {
        Http2Connection *target = nullptr;
        int bestFree = 0;
        for (Http2Connection *connection : m_connections) {
            const int free = connection->freeSlots();
            if (free > bestFree) {
                bestFree = free;
                target = connection;
            }
        }
        if (!target)
            break;
        // fill the connection with the most room in one go: one write carries the whole batch
        for (int i = 0; i < bestFree && !m_queue.empty(); ++i) {
            Http2ExchangePtr exchange = std::move(m_queue.front());
            m_queue.pop_front();
            target->submit(std::move(exchange));
        }
        if (std::find(touched.cbegin(), touched.cend(), target) == touched.cend())
            touched.push_back(target);
    }
    for (Http2Connection *connection : touched)
        connection->flush();
    if (m_queue.empty())
        return;
    const bool opening = std::any_of(m_connections.cbegin(), m_connections.cend(), [](const Http2Connection *c) {
        return c->state() == Http2Connection::State::Connecting;
    });
    if (!opening && connectionCount() < m_endpoint.maxConnections && m_clock.elapsed() >= m_nextConnectMs)
        openConnection();
}

void Http2Pool::openConnection()
{
    Http2Connection::Owner owner;
    owner.requeue = [this](Http2ExchangePtr exchange) {
        ++m_resent;
        m_queue.push_front(std::move(exchange));
        scheduleDispatch();
    };
    owner.changed = [this](Http2Connection *connection) { onConnectionChanged(connection); };
    auto *connection = new Http2Connection(m_endpoint, std::move(owner), m_clock, this);
    m_connections.push_back(connection);
    connection->open();
}

void Http2Pool::onConnectionChanged(Http2Connection *connection)
{
    switch (connection->state()) {
    case Http2Connection::State::Ready:
        m_connectFailures = 0;
        m_nextConnectMs = 0;
        break;
    case Http2Connection::State::Closed: {
        const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
        if (it == m_connections.end())
            break;
        m_connections.erase(it);
        if (connection->hasBeenReady()) {
            m_connectFailures = 0;
            m_nextConnectMs = 0;
        } else {
            // back off before the next attempt: 100 ms, 200 ms, ... up to the endpoint's maximum, jittered
            ++m_connectFailures;
            qCWarning(lcProvider).noquote()
                << "cannot connect to" << m_endpoint.host << m_endpoint.port << ":" << connection->lastError();
            const qint64 cap =
                std::min<qint64>(m_endpoint.reconnectBackoffMax.count(), 100LL << std::min(m_connectFailures, 12));
            m_nextConnectMs = m_clock.elapsed() + std::uniform_int_distribution<qint64>(cap / 2, cap)(m_random);
        }
        connection->deleteLater();
        break;
    }
    case Http2Connection::State::Connecting:
    case Http2Connection::State::Draining: break;
    }
    if (!m_queue.empty())
        scheduleDispatch();
}

void Http2Pool::tick()
{
    const qint64 now = m_clock.elapsed();
    const std::vector<Http2Connection *> connections = m_connections;
    for (Http2Connection *connection : connections)
        connection->tick(now);
    // requests that waited in the queue past their deadline (no connection could take them)
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if ((*it)->deadlineMs > now) {
            ++it;
            continue;
        }
        Http2ExchangePtr exchange = std::move(*it);
        it = m_queue.erase(it);
        exchange->response.error = m_connectFailures > 0 ? TransportError::Connect : TransportError::Timeout;
        exchange->response.errorText =
            m_connectFailures > 0
                ? QStringLiteral("cannot connect to %1:%2").arg(m_endpoint.host).arg(m_endpoint.port)
                : QStringLiteral("no free connection within %1 ms").arg(exchange->request.timeout.count());
        exchange->handler(std::move(exchange->response));
    }
    if (!m_queue.empty())
        scheduleDispatch();
}

} // namespace vestnik
