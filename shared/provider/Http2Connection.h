#pragma once

#include "provider/Http2Endpoint.h"
#include "provider/PushTransport.h"

#include <QElapsedTimer>
#include <QObject>

#include <functional>
#include <memory>
#include <nghttp2/nghttp2.h>
#include <vector>

class QSslSocket;

namespace vestnik {

/// One request travelling through the transport, with what has been received for it so far.
struct Http2Exchange {
    HttpRequest request;
    ResponseHandler handler;
    HttpResponse response;
    qint64 deadlineMs = 0; ///< on the transport's monotonic clock
    qsizetype bodyOffset = 0;
    int refusals = 0;            ///< times a server refused it unprocessed
    char contentLength[24] = {}; ///< the header's value; nghttp2 sends it from here without copying
    int32_t streamId = 0;        ///< while in flight on a connection
    qsizetype slot = -1;         ///< its index in that connection's streams
};
using Http2ExchangePtr = std::unique_ptr<Http2Exchange>;

/// One TLS + HTTP/2 client connection: QSslSocket (TCP_NODELAY, ALPN h2) driving an nghttp2 client session.
/// Frames produced in one event-loop turn leave in one socket write. The connection never exceeds the
/// server's SETTINGS_MAX_CONCURRENT_STREAMS (one stream until the server's first SETTINGS arrive).
/// Requests the server provably did not process (REFUSED_STREAM, above a GOAWAY's last stream id) are handed
/// back to the owner to be sent elsewhere; all others are answered through their handler exactly once.
class Http2Connection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Http2Connection)

public:
    enum class State { Connecting, Ready, Draining, Closed };

    /// What the owning pool is told.
    struct Owner {
        std::function<void(Http2ExchangePtr)> requeue;  ///< not processed: send again elsewhere
        std::function<void(Http2Connection *)> changed; ///< state or free capacity changed
    };

    Http2Connection(const Http2Endpoint &endpoint, Owner owner, const QElapsedTimer &clock, QObject *parent = nullptr);
    ~Http2Connection() override;

    void open();
    State state() const { return m_state; }
    /// Streams that can be started now.
    int freeSlots() const;
    int inFlight() const { return int(m_streams.size()); }
    /// The server's current stream limit (as last announced).
    int serverStreamLimit() const;

    /// Starts a request; only when freeSlots() > 0. Frames leave on the next flush().
    void submit(Http2ExchangePtr exchange);
    /// Writes everything nghttp2 has queued in one socket write.
    void flush();
    /// Times out overdue streams, sends keep-alive PINGs, detects dead connections.
    void tick(qint64 nowMs);
    /// Stops taking requests; closes once the streams in flight are answered.
    void drain();
    QString lastError() const { return m_lastError; }
    /// Whether the TLS handshake and ALPN succeeded at some point (a connection that never got there failed
    /// to connect).
    bool hasBeenReady() const { return m_hasBeenReady; }

private:
    friend struct Http2Callbacks;

    void onEncrypted();
    void onReadyRead();
    void onDisconnected();
    void fail(TransportError error, const QString &text);
    void complete(Http2Exchange *exchange, TransportError error, const QString &text);
    Http2ExchangePtr takeStream(Http2Exchange *exchange);
    void deliverCompleted();
    void closeIfDone();
    void setState(State state);

    Http2Endpoint m_endpoint;
    Owner m_owner;
    const QElapsedTimer &m_clock;
    QSslSocket *m_socket = nullptr;
    nghttp2_session *m_session = nullptr;
    State m_state = State::Connecting;
    bool m_settingsReceived = false;
    bool m_hasBeenReady = false;
    /// In flight, in no order; each knows its slot, so removal swaps the last one in (no allocation per stream).
    std::vector<Http2ExchangePtr> m_streams;
    std::vector<Http2ExchangePtr> m_completed; ///< answered during a read, handed out after it
    std::vector<Http2ExchangePtr> m_requeued;
    std::vector<Http2ExchangePtr> m_completedSpare;
    std::vector<Http2ExchangePtr> m_requeuedSpare;
    QByteArray m_authority;
    std::vector<nghttp2_nv> m_nva; ///< reused by submit()
    QByteArray m_out;
    QByteArray m_in;
    qint64 m_lastActivityMs = 0;
    qint64 m_pingSentMs = 0; ///< 0: no PING outstanding
    qint64 m_connectStartedMs = 0;
    QString m_lastError;
};

} // namespace vestnik
