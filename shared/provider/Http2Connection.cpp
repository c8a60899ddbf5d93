#include "provider/Http2Connection.h"

#include "util/Logging.h"

#include <QSslConfiguration>
#include <QSslSocket>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <nghttp2/nghttp2.h>

namespace vestnik {

namespace {

// A connection whose next stream id would pass this is replaced (ids are 31-bit, client ids odd).
constexpr int32_t kStreamIdLimit = 1 << 30;
// A request refused unprocessed this often is answered with the refusal instead of being sent again.
constexpr int kMaxRefusals = 5;

// Names and values are not copied by nghttp2: they live in the exchange (or are static) until the stream
// closes, which is after its HEADERS frame left or was cancelled.
nghttp2_nv header(QByteArrayView name, QByteArrayView value, bool sensitive = false)
{
    return nghttp2_nv{reinterpret_cast<uint8_t *>(const_cast<char *>(name.data())),
                      reinterpret_cast<uint8_t *>(const_cast<char *>(value.data())), size_t(name.size()),
                      size_t(value.size()),
                      uint8_t(NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE
                              | (sensitive ? NGHTTP2_NV_FLAG_NO_INDEX : 0))};
}

} // namespace

QByteArray Http2Endpoint::authority() const
{
    return port == 443 ? host.toUtf8() : host.toUtf8() + ':' + QByteArray::number(port);
}

// nghttp2's C callbacks, forwarding to the connection.
struct Http2Callbacks {
    static Http2Connection *self(void *user) { return static_cast<Http2Connection *>(user); }

    static ssize_t readBody(nghttp2_session *, int32_t, uint8_t *buf, size_t length, uint32_t *flags,
                            nghttp2_data_source *source, void *)
    {
        auto *exchange = static_cast<Http2Exchange *>(source->ptr);
        const QByteArray &body = exchange->request.body;
        const size_t n = std::min(length, size_t(body.size() - exchange->bodyOffset));
        std::memcpy(buf, body.constData() + exchange->bodyOffset, n);
        exchange->bodyOffset += qsizetype(n);
        if (exchange->bodyOffset >= body.size())
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        return ssize_t(n);
    }

    static int onHeader(nghttp2_session *session, const nghttp2_frame *frame, nghttp2_rcbuf *name, nghttp2_rcbuf *value,
                        uint8_t, void *)
    {
        if (frame->hd.type != NGHTTP2_HEADERS)
            return 0;
        auto *exchange =
            static_cast<Http2Exchange *>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
        if (!exchange)
            return 0;
        const nghttp2_vec key = nghttp2_rcbuf_get_buf(name);
        const nghttp2_vec val = nghttp2_rcbuf_get_buf(value);
        const QByteArrayView keyView(key.base, qsizetype(key.len));
        const QByteArrayView valView(val.base, qsizetype(val.len));
        if (keyView == ":status") {
            exchange->response.status = valView.toInt(); // nghttp2 checked it is three digits
            return 0;
        }
        HttpHeaders &headers = exchange->response.headers;
        if (headers.empty())
            headers.reserve(8);
        // names from HPACK's static table live as long as the library: no copy (most response names are there)
        headers.emplace_back(nghttp2_rcbuf_is_static(name) ? QByteArray::fromRawData(keyView.data(), keyView.size())
                                                           : keyView.toByteArray(),
                             valView.toByteArray());
        return 0;
    }

    static int onData(nghttp2_session *session, uint8_t, int32_t streamId, const uint8_t *data, size_t len, void *)
    {
        auto *exchange = static_cast<Http2Exchange *>(nghttp2_session_get_stream_user_data(session, streamId));
        if (exchange)
            exchange->response.body.append(reinterpret_cast<const char *>(data), qsizetype(len));
        return 0;
    }

    static int onFrame(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        Http2Connection *c = self(user);
        switch (frame->hd.type) {
        case NGHTTP2_SETTINGS:
            if (!(frame->hd.flags & NGHTTP2_FLAG_ACK)) {
                c->m_settingsReceived = true;
                c->m_owner.changed(c);
            }
            break;
        case NGHTTP2_PING:
            if (frame->hd.flags & NGHTTP2_FLAG_ACK)
                c->m_pingSentMs = 0;
            break;
        case NGHTTP2_GOAWAY: {
            const QByteArray debug(reinterpret_cast<const char *>(frame->goaway.opaque_data),
                                   qsizetype(frame->goaway.opaque_data_len));
            qCInfo(lcProvider).noquote() << "GOAWAY from" << c->m_endpoint.host << "last stream"
                                         << frame->goaway.last_stream_id << "code" << frame->goaway.error_code
                                         << QString::fromUtf8(debug);
            c->m_lastError = QStringLiteral("GOAWAY: ") + QString::fromUtf8(debug);
            c->setState(Http2Connection::State::Draining);
            break;
        }
        default: break;
        }
        return 0;
    }

    static int onStreamClose(nghttp2_session *session, int32_t streamId, uint32_t errorCode, void *user)
    {
        Http2Connection *c = self(user);
        auto *exchange = static_cast<Http2Exchange *>(nghttp2_session_get_stream_user_data(session, streamId));
        if (!exchange)
            return 0; // already answered (timed out)
        nghttp2_session_set_stream_user_data(session, streamId, nullptr);
        if (errorCode == NGHTTP2_REFUSED_STREAM && exchange->response.status == 0) {
            // RST_STREAM REFUSED_STREAM, or closed by nghttp2 above a GOAWAY's last stream id: not processed
            Http2ExchangePtr owned = c->takeStream(exchange);
            owned->response = HttpResponse();
            owned->bodyOffset = 0;
            if (++owned->refusals <= kMaxRefusals) {
                c->m_requeued.push_back(std::move(owned));
            } else {
                owned->response.error = TransportError::Refused;
                owned->response.errorText = QStringLiteral("refused unprocessed %1 times").arg(kMaxRefusals);
                c->m_completed.push_back(std::move(owned));
            }
            return 0;
        }
        if (exchange->response.status == 0) {
            c->complete(exchange, TransportError::Protocol,
                        QStringLiteral("stream closed without a response (HTTP/2 error %1)").arg(errorCode));
        } else {
            c->complete(exchange, TransportError::None, QString());
        }
        return 0;
    }
};

Http2Connection::Http2Connection(const Http2Endpoint &endpoint, Owner owner, const QElapsedTimer &clock,
                                 QObject *parent)
    : QObject(parent),
      m_endpoint(endpoint),
      m_owner(std::move(owner)),
      m_clock(clock),
      m_authority(endpoint.authority())
{}

Http2Connection::~Http2Connection()
{
    if (m_session)
        nghttp2_session_del(m_session);
}

void Http2Connection::open()
{
    m_socket = new QSslSocket(this);
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setAllowedNextProtocols({QByteArrayLiteral("h2")});
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!m_endpoint.caCertificates.isEmpty())
        config.setCaCertificates(m_endpoint.caCertificates);
    if (!m_endpoint.clientCertificate.isNull()) {
        config.setLocalCertificate(m_endpoint.clientCertificate);
        config.setPrivateKey(m_endpoint.clientKey);
    }
    m_socket->setSslConfiguration(config);
    connect(m_socket, &QSslSocket::encrypted, this, &Http2Connection::onEncrypted);
    connect(m_socket, &QSslSocket::readyRead, this, &Http2Connection::onReadyRead);
    connect(m_socket, &QSslSocket::disconnected, this, &Http2Connection::onDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        fail(m_state == State::Connecting ? TransportError::Connect : TransportError::ConnectionLost,
             m_socket->errorString());
    });
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        m_lastError = texts.join(QStringLiteral("; "));
    });
    m_connectStartedMs = m_clock.elapsed();
    m_lastActivityMs = m_connectStartedMs;
    m_socket->connectToHostEncrypted(m_endpoint.host, m_endpoint.port);
}

void Http2Connection::onEncrypted()
{
    if (m_socket->sslConfiguration().nextNegotiatedProtocol() != QByteArrayLiteral("h2")) {
        fail(TransportError::Connect, QStringLiteral("%1 did not agree to HTTP/2 (ALPN h2)").arg(m_endpoint.host));
        return;
    }
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    nghttp2_session_callbacks *callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_header_callback2(callbacks, &Http2Callbacks::onHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Callbacks::onData);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Callbacks::onFrame);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Callbacks::onStreamClose);
    nghttp2_session_client_new(&m_session, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);

    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    // responses are small, but many arrive at once: a large connection window avoids WINDOW_UPDATE stalls
    nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, 1 << 24);
    m_hasBeenReady = true;
    setState(State::Ready);
    flush();
}

int Http2Connection::serverStreamLimit() const
{
    if (!m_session || !m_settingsReceived)
        return 1;
    return int(std::min<uint32_t>(
        nghttp2_session_get_remote_settings(m_session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS), uint32_t(INT32_MAX)));
}

int Http2Connection::freeSlots() const
{
    if (m_state != State::Ready)
        return 0;
    const int limit = std::min(serverStreamLimit(), m_endpoint.maxStreamsPerConnection);
    return std::max(0, limit - inFlight());
}

void Http2Connection::submit(Http2ExchangePtr exchange)
{
    const HttpRequest &request = exchange->request;
    static constexpr QByteArrayView authorization("authorization");

    std::vector<nghttp2_nv> &nva = m_nva;
    nva.clear();
    nva.push_back(header(":method", request.method));
    nva.push_back(header(":scheme", "https"));
    nva.push_back(header(":authority", m_authority));
    // APNs paths carry device tokens: never worth a slot in the HPACK table; FCM's path repeats and is indexed
    nva.push_back(header(":path", request.path, request.path.startsWith("/3/device/")));
    for (const auto &[name, value] : request.headers)
        nva.push_back(header(name, value, name == authorization));
    if (!request.body.isEmpty()) {
        char *const end = std::to_chars(exchange->contentLength,
                                        exchange->contentLength + sizeof exchange->contentLength, request.body.size())
                              .ptr;
        nva.push_back(header("content-length", QByteArrayView(exchange->contentLength, end)));
    }

    nghttp2_data_provider body;
    body.source.ptr = exchange.get();
    body.read_callback = &Http2Callbacks::readBody;
    const int32_t streamId = nghttp2_submit_request(m_session, nullptr, nva.data(), nva.size(),
                                                    request.body.isEmpty() ? nullptr : &body, exchange.get());
    if (streamId < 0) {
        exchange->response.error = TransportError::Protocol;
        exchange->response.errorText = QString::fromUtf8(nghttp2_strerror(streamId));
        m_completed.push_back(std::move(exchange));
        deliverCompleted();
        return;
    }
    exchange->streamId = streamId;
    exchange->slot = qsizetype(m_streams.size());
    m_streams.push_back(std::move(exchange));
    if (nghttp2_session_get_next_stream_id(m_session) > uint32_t(kStreamIdLimit))
        drain();
}

void Http2Connection::flush()
{
    // a closed connection's session may still hold frames that point into exchanges already answered
    if (!m_session || !m_socket || m_state == State::Closed)
        return;
    m_out.resize(0); // keeps the capacity: no allocation per flush
    for (;;) {
        const uint8_t *data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(m_session, &data);
        if (n < 0) {
            fail(TransportError::Protocol, QString::fromUtf8(nghttp2_strerror(int(n))));
            return;
        }
        if (n == 0)
            break;
        m_out.append(reinterpret_cast<const char *>(data), qsizetype(n));
    }
    if (!m_out.isEmpty()) {
        m_socket->write(m_out);
        m_lastActivityMs = m_clock.elapsed();
    }
    deliverCompleted();
    closeIfDone();
}

void Http2Connection::onReadyRead()
{
    if (!m_session) {
        m_socket->readAll();
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    if (m_in.size() < available)
        m_in.resize(available);
    const qint64 read = m_socket->read(m_in.data(), available);
    if (read <= 0)
        return;
    m_lastActivityMs = m_clock.elapsed();
    const ssize_t consumed =
        nghttp2_session_mem_recv(m_session, reinterpret_cast<const uint8_t *>(m_in.constData()), size_t(read));
    if (consumed < 0) {
        fail(TransportError::Protocol, QString::fromUtf8(nghttp2_strerror(int(consumed))));
        return;
    }
    flush(); // acknowledgements, window updates, and whatever was submitted meanwhile
}

void Http2Connection::complete(Http2Exchange *exchange, TransportError error, const QString &text)
{
    exchange->response.error = error;
    exchange->response.errorText = text;
    m_completed.push_back(takeStream(exchange));
}

Http2ExchangePtr Http2Connection::takeStream(Http2Exchange *exchange)
{
    const auto slot = size_t(exchange->slot);
    Q_ASSERT(slot < m_streams.size() && m_streams[slot].get() == exchange);
    Http2ExchangePtr owned = std::move(m_streams[slot]);
    if (slot + 1 != m_streams.size()) {
        m_streams[slot] = std::move(m_streams.back());
        m_streams[slot]->slot = qsizetype(slot);
    }
    m_streams.pop_back();
    owned->slot = -1;
    return owned;
}

void Http2Connection::deliverCompleted()
{
    // Handlers run after nghttp2 returned: they may send new requests (queued by the pool), never re-enter it.
    if (m_requeued.empty() && m_completed.empty())
        return;
    // swap into the spare vectors (their capacity stays): handlers may complete more meanwhile
    m_requeuedSpare.swap(m_requeued);
    m_completedSpare.swap(m_completed);
    for (Http2ExchangePtr &exchange : m_requeuedSpare)
        m_owner.requeue(std::move(exchange));
    for (Http2ExchangePtr &exchange : m_completedSpare)
        exchange->handler(std::move(exchange->response));
    m_requeuedSpare.clear();
    m_completedSpare.clear();
    m_owner.changed(this);
}

void Http2Connection::tick(qint64 nowMs)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Connecting) {
        if (nowMs - m_connectStartedMs > m_endpoint.connectTimeout.count())
            fail(TransportError::Connect, QStringLiteral("no connection to %1:%2 within %3 ms")
                                              .arg(m_endpoint.host)
                                              .arg(m_endpoint.port)
                                              .arg(m_endpoint.connectTimeout.count()));
        return;
    }
    // backwards: taking a stream moves the last one into its slot, which has been looked at already
    for (auto i = qsizetype(m_streams.size()) - 1; i >= 0; --i) {
        Http2Exchange *exchange = m_streams[size_t(i)].get();
        if (exchange->deadlineMs > nowMs)
            continue;
        nghttp2_session_set_stream_user_data(m_session, exchange->streamId, nullptr);
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, exchange->streamId, NGHTTP2_CANCEL);
        complete(exchange, TransportError::Timeout,
                 QStringLiteral("no answer within %1 ms").arg(exchange->request.timeout.count()));
    }
    if (m_pingSentMs && nowMs - m_pingSentMs > m_endpoint.pingTimeout.count()) {
        fail(TransportError::ConnectionLost,
             QStringLiteral("no PING answer within %1 ms").arg(m_endpoint.pingTimeout.count()));
        return;
    }
    if (!m_pingSentMs && nowMs - m_lastActivityMs > m_endpoint.idlePing.count()) {
        nghttp2_submit_ping(m_session, NGHTTP2_FLAG_NONE, nullptr);
        m_pingSentMs = nowMs;
    }
    flush();
}

void Http2Connection::drain()
{
    if (m_state == State::Ready)
        setState(State::Draining);
    closeIfDone();
}

void Http2Connection::closeIfDone()
{
    if (m_state == State::Draining && m_streams.empty() && m_completed.empty() && m_requeued.empty()) {
        if (m_session) {
            nghttp2_session_terminate_session(m_session, NGHTTP2_NO_ERROR);
            const uint8_t *data = nullptr;
            ssize_t n = 0;
            while ((n = nghttp2_session_mem_send(m_session, &data)) > 0)
                m_socket->write(reinterpret_cast<const char *>(data), n);
        }
        setState(State::Closed);
        m_socket->disconnectFromHost();
    }
}

void Http2Connection::onDisconnected()
{
    fail(TransportError::ConnectionLost,
         m_lastError.isEmpty() ? QStringLiteral("the server closed the connection") : m_lastError);
}

void Http2Connection::fail(TransportError error, const QString &text)
{
    if (m_state == State::Closed && m_streams.empty())
        return;
    if (!text.isEmpty())
        m_lastError = text;
    qCInfo(lcProvider).noquote() << "connection to" << m_endpoint.host << "failed:" << m_lastError << "with"
                                 << m_streams.size() << "streams in flight";
    for (Http2ExchangePtr &exchange : m_streams) {
        nghttp2_session_set_stream_user_data(m_session, exchange->streamId, nullptr); // answered here, not later
        exchange->slot = -1;
        exchange->response.error = error;
        exchange->response.errorText = m_lastError;
        m_completed.push_back(std::move(exchange));
    }
    m_streams.clear();
    setState(State::Closed);
    if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    deliverCompleted();
}

void Http2Connection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    m_owner.changed(this);
}

} // namespace vestnik
