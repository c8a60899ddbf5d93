#include "transport/Http2Connection.h"

#include "SimLogging.h"
#include "transport/DelayQueue.h"
#include "transport/OpenSslHandles.h"
#include "transport/RequestHandler.h"
#include "transport/TlsServerContext.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>
#include <QVarLengthArray>

#include <array>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vestnik::sim {

namespace {

constexpr std::size_t kOutputHighWater = 256 * 1024;
constexpr int kHandshakeTimeoutMs = 10'000;
quint64 s_nextConnectionId = 1;

nghttp2_nv headerField(QByteArrayView name, QByteArrayView value)
{
    // nghttp2 copies name and value when the response is submitted, so borrowing them is safe.
    return nghttp2_nv{const_cast<uint8_t *>(reinterpret_cast<const uint8_t *>(name.data())),
                      const_cast<uint8_t *>(reinterpret_cast<const uint8_t *>(value.data())), std::size_t(name.size()),
                      std::size_t(value.size()), NGHTTP2_NV_FLAG_NONE};
}

// Header names every provider request carries, shared instead of allocated per request.
QByteArray headerName(QByteArrayView name)
{
    static const QByteArray kNames[] = {QByteArrayLiteral("authorization"),
                                        QByteArrayLiteral("content-type"),
                                        QByteArrayLiteral("content-length"),
                                        QByteArrayLiteral("user-agent"),
                                        QByteArrayLiteral("accept"),
                                        QByteArrayLiteral("accept-encoding"),
                                        QByteArrayLiteral("te"),
                                        QByteArrayLiteral("apns-topic"),
                                        QByteArrayLiteral("apns-push-type"),
                                        QByteArrayLiteral("apns-priority"),
                                        QByteArrayLiteral("apns-id"),
                                        QByteArrayLiteral("apns-expiration"),
                                        QByteArrayLiteral("apns-collapse-id"),
                                        QByteArrayLiteral("x-firebase-client"),
                                        QByteArrayLiteral("x-goog-api-client")};
    for (const QByteArray &known : kNames) {
        if (known == name)
            return known;
    }
    return name.toByteArray();
}

// Counts as text without allocating (nghttp2 copies header values on submission).
QByteArrayView decimal(qint64 number, char *buffer, std::size_t size)
{
    char *end = buffer + size;
    char *cursor = end;
    do {
        *--cursor = char('0' + number % 10);
        number /= 10;
    } while (number > 0 && cursor > buffer);
    return QByteArrayView(cursor, end - cursor);
}

} // namespace

Http2Connection::Http2Connection(int socket, const std::shared_ptr<TlsServerContext> &tls,
                                 const ListenerProfile &profile, RequestHandler &handler, DelayQueue &delays,
                                 QObject *parent)
    : QObject(parent),
      m_id(s_nextConnectionId++),
      m_socket(socket),
      m_tls(tls),
      m_profile(profile),
      m_handler(handler),
      m_delays(delays)
{
    ::fcntl(m_socket, F_SETFL, ::fcntl(m_socket, F_GETFL) | O_NONBLOCK);
    const int noDelay = 1;
    ::setsockopt(m_socket, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);

    m_ssl = SSL_new(m_tls->handle());
    if (m_ssl) {
        SSL_set_fd(m_ssl, m_socket);
        SSL_set_accept_state(m_ssl);
    }
    m_readNotifier = new QSocketNotifier(qintptr(m_socket), QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(qintptr(m_socket), QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &Http2Connection::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &Http2Connection::onWritable);
    if (m_profile.idleTimeoutMs > 0) {
        m_idleTimer = new QTimer(this);
        m_idleTimer->setSingleShot(true);
        m_idleTimer->setInterval(m_profile.idleTimeoutMs);
        connect(m_idleTimer, &QTimer::timeout, this, [this] {
            qCDebug(lcSim) << m_profile.name << "connection" << m_id << "idle, closing";
            shutdown(m_profile.idleDebugData);
        });
        m_idleTimer->start();
    }
    // A client that connects and never completes the handshake would otherwise hold the socket for ever.
    QTimer::singleShot(kHandshakeTimeoutMs, this, [this] {
        if (!m_isHandshakeDone)
            close();
    });
    if (!m_ssl) {
        ERR_clear_error();
        QMetaObject::invokeMethod(this, &Http2Connection::close, Qt::QueuedConnection);
    }
}

Http2Connection::~Http2Connection()
{
    nghttp2_session_del(m_session);
    SSL_free(m_ssl);
    if (m_socket >= 0)
        ::close(m_socket);
}

Http2Connection::Stream *Http2Connection::stream(int32_t streamId)
{
    return m_session ? static_cast<Stream *>(nghttp2_session_get_stream_user_data(m_session, streamId)) : nullptr;
}

void Http2Connection::onReadable()
{
    if (m_isClosed)
        return;
    if (!m_isHandshakeDone) {
        continueHandshake();
        return;
    }
    static std::array<uint8_t, 32 * 1024> buffer; // one thread serves every connection
    m_isReading = true;
    bool isOpen = true;
    for (;;) {
        ERR_clear_error();
        const int received = SSL_read(m_ssl, buffer.data(), int(buffer.size()));
        if (received > 0) {
            if (!m_isDraining && !feed(buffer.data(), std::size_t(received)))
                m_isDraining = true;
            if (m_isClosed)
                return;
            continue;
        }
        const int error = SSL_get_error(m_ssl, received);
        if (error == SSL_ERROR_WANT_READ)
            break;
        if (error == SSL_ERROR_WANT_WRITE) {
            m_writeNotifier->setEnabled(true);
            break;
        }
        isOpen = false; // orderly close by the client, or a TLS / socket error
        break;
    }
    m_isReading = false;
    if (!isOpen) {
        close();
        return;
    }
    flush();
}

void Http2Connection::onWritable()
{
    if (m_isClosed)
        return;
    if (!m_isHandshakeDone) {
        continueHandshake();
        return;
    }
    m_writeNotifier->setEnabled(false);
    flush();
}

void Http2Connection::continueHandshake()
{
    ERR_clear_error();
    const int result = SSL_accept(m_ssl);
    if (result == 1) {
        m_isHandshakeDone = true;
        m_writeNotifier->setEnabled(false);
        if (X509 *peer = SSL_get1_peer_certificate(m_ssl)) {
            const X509Ptr owned(peer);
            unsigned char *der = nullptr;
            const int length = i2d_X509(peer, &der);
            if (length > 0)
                m_peerCertificate = QByteArray(reinterpret_cast<const char *>(der), length);
            OPENSSL_free(der);
            m_isPeerTrusted = SSL_get_verify_result(m_ssl) == X509_V_OK;
        }
        if (!startSession()) {
            close();
            return;
        }
        // The client's first HTTP/2 bytes may already sit decrypted in OpenSSL's buffer, where the socket
        // notifier cannot see them.
        onReadable();
        return;
    }
    const int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_WANT_READ) {
        m_writeNotifier->setEnabled(false);
        return;
    }
    if (error == SSL_ERROR_WANT_WRITE) {
        m_writeNotifier->setEnabled(true);
        return;
    }
    char reason[256] = {};
    ERR_error_string_n(ERR_peek_error(), reason, sizeof reason);
    qCDebug(lcSim) << m_profile.name << "connection" << m_id << "TLS handshake failed:" << reason;
    close();
}

bool Http2Connection::startSession()
{
    if (nghttp2_session_server_new(&m_session, sessionCallbacks(), this) != 0)
        return false;
    QVarLengthArray<nghttp2_settings_entry, 6> settings;
    settings.append({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, m_profile.maxConcurrentStreams});
    settings.append({NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, m_profile.initialWindowSize});
    settings.append({NGHTTP2_SETTINGS_MAX_FRAME_SIZE, m_profile.maxFrameSize});
    if (m_profile.headerTableSize != 4096)
        settings.append({NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, m_profile.headerTableSize});
    if (m_profile.maxHeaderListSize > 0)
        settings.append({NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, m_profile.maxHeaderListSize});
    if (nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings.constData(), std::size_t(settings.size())) != 0)
        return false;
    m_unacknowledgedLimits.push_back(m_profile.maxConcurrentStreams);
    if (m_profile.connectionWindowSize > 65535)
        nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, int32_t(m_profile.connectionWindowSize));
    m_handler.connectionOpened(*this);
    return true;
}

bool Http2Connection::feed(const uint8_t *data, std::size_t length)
{
    const auto pass = [this](const uint8_t *bytes, std::size_t size) {
        const ssize_t consumed = nghttp2_session_mem_recv(m_session, bytes, size);
        if (consumed < 0) {
            qCDebug(lcSim) << m_profile.name << "connection" << m_id
                           << "HTTP/2 error:" << nghttp2_strerror(int(consumed));
            nghttp2_session_terminate_session(m_session, NGHTTP2_PROTOCOL_ERROR);
            return false;
        }
        return true;
    };
    if (!m_profile.goAwayOnStreamLimitViolation)
        return pass(data, length);
    return m_scanner.scan(data, length, pass, [this](int32_t streamId) { return admitStream(streamId); });
}

bool Http2Connection::admitStream(int32_t streamId)
{
    if (m_streams.size() < m_acknowledgedLimit)
        return true;
    qCDebug(lcSim) << m_profile.name << "connection" << m_id << "stream" << streamId << "exceeds the limit of"
                   << m_acknowledgedLimit << "concurrent streams: GOAWAY";
    goAway(NGHTTP2_REFUSED_STREAM, m_profile.streamLimitDebugData, nghttp2_session_get_last_proc_stream_id(m_session));
    // The rest of the client's input is dropped, so its open streams can never finish: close once the GOAWAY
    // (and any answers already made) are out.
    m_isClosingAfterFlush = true;
    return false;
}

void Http2Connection::dispatch(Stream &stream)
{
    stream.isDispatched = true;
    const int32_t streamId = stream.request.streamId;
    if (m_idleTimer)
        m_idleTimer->start();
    if (m_goAwayLastStreamId >= 0 && streamId > m_goAwayLastStreamId) {
        // Announced as unprocessed by our GOAWAY: the client retries it elsewhere, so it must not count.
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, streamId, NGHTTP2_REFUSED_STREAM);
        return;
    }
    ++m_requestsDispatched;
    HttpResponse response = m_handler.handle(stream.request, *this);
    if (response.delay.count() > 0) {
        const QPointer<Http2Connection> self(this);
        m_delays.schedule(response.delay, [self, streamId, answer = std::move(response)]() mutable {
            if (self)
                self->submit(streamId, std::move(answer));
        });
        return;
    }
    submit(streamId, std::move(response));
}

void Http2Connection::submit(int32_t streamId, HttpResponse response)
{
    Stream *target = m_isClosed ? nullptr : stream(streamId);
    if (!target)
        return; // the client reset the stream or the connection went away meanwhile
    if (response.resetCode) {
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, streamId, *response.resetCode);
        scheduleFlush();
        return;
    }
    target->response = std::move(response);
    const HttpResponse &answer = target->response;
    char statusText[8];
    char lengthText[24];
    QVarLengthArray<nghttp2_nv, 16> fields;
    fields.append(headerField(":status", decimal(answer.status, statusText, sizeof statusText)));
    for (const auto &[name, value] : answer.headers)
        fields.append(headerField(name, value));
    if (!answer.body.isEmpty())
        fields.append(headerField("content-length", decimal(answer.body.size(), lengthText, sizeof lengthText)));
    nghttp2_data_provider provider{};
    provider.source.ptr = target;
    provider.read_callback = &Http2Connection::readBody;
    const int rv = nghttp2_submit_response(m_session, streamId, fields.constData(), std::size_t(fields.size()),
                                           answer.body.isEmpty() ? nullptr : &provider);
    if (rv != 0)
        qCWarning(lcSim) << m_profile.name << "cannot submit a response:" << nghttp2_strerror(rv);
    scheduleFlush();
}

void Http2Connection::setMaxConcurrentStreams(quint32 limit)
{
    if (!m_session || m_isClosed)
        return;
    const nghttp2_settings_entry entry{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limit};
    if (nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, &entry, 1) == 0)
        m_unacknowledgedLimits.push_back(limit);
    scheduleFlush();
}

void Http2Connection::goAway(quint32 errorCode, const QByteArray &debugData, int lastStreamId)
{
    if (!m_session || m_isClosed)
        return;
    if (m_goAwayLastStreamId >= 0 && m_goAwayLastStreamId <= lastStreamId)
        return; // one GOAWAY is enough; a later one may only lower the last stream id
    nghttp2_submit_goaway(m_session, NGHTTP2_FLAG_NONE, lastStreamId, errorCode,
                          reinterpret_cast<const uint8_t *>(debugData.constData()), std::size_t(debugData.size()));
    m_goAwayLastStreamId = lastStreamId;
    scheduleFlush();
}

void Http2Connection::shutdown(const QByteArray &debugData)
{
    if (m_isClosed)
        return;
    if (m_session) {
        goAway(NGHTTP2_NO_ERROR, debugData, nghttp2_session_get_last_proc_stream_id(m_session));
        m_isReading = false;
        flush();
    }
    close();
}

void Http2Connection::scheduleFlush()
{
    if (m_isReading || m_isFlushPending || m_isClosed)
        return; // a read turn ends with a flush anyway
    m_isFlushPending = true;
    QMetaObject::invokeMethod(this, &Http2Connection::flush, Qt::QueuedConnection);
}

void Http2Connection::flush()
{
    m_isFlushPending = false;
    if (m_isClosed || !m_session)
        return;
    if (!writeOut())
        return;
    bool hasMore = true;
    while (hasMore) {
        hasMore = false;
        for (;;) {
            const uint8_t *data = nullptr;
            const ssize_t produced = nghttp2_session_mem_send(m_session, &data);
            if (produced < 0) {
                close();
                return;
            }
            if (produced == 0)
                break;
            m_output.append(reinterpret_cast<const char *>(data), std::size_t(produced));
            if (m_output.size() >= kOutputHighWater) {
                hasMore = true;
                break;
            }
        }
        if (!writeOut())
            return; // the socket is full: onWritable() carries on
    }
    if (m_isClosingAfterFlush || (!nghttp2_session_want_read(m_session) && !nghttp2_session_want_write(m_session)))
        close();
}

bool Http2Connection::writeOut()
{
    while (m_outputOffset < m_output.size()) {
        const int chunk = int(std::min<std::size_t>(m_output.size() - m_outputOffset, 1u << 30));
        ERR_clear_error();
        const int written = SSL_write(m_ssl, m_output.data() + m_outputOffset, chunk);
        if (written > 0) {
            m_outputOffset += std::size_t(written);
            continue;
        }
        const int error = SSL_get_error(m_ssl, written);
        if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
            // A client that does not read its answers gets no more of its requests read either, so memory
            // stays bounded; reading resumes once the socket has taken what is queued.
            m_writeNotifier->setEnabled(true);
            m_readNotifier->setEnabled(false);
            return false;
        }
        close();
        return false;
    }
    m_output.clear();
    m_outputOffset = 0;
    m_readNotifier->setEnabled(true);
    return true;
}

void Http2Connection::close()
{
    if (m_isClosed)
        return;
    m_isClosed = true;
    m_readNotifier->setEnabled(false);
    m_writeNotifier->setEnabled(false);
    if (m_idleTimer)
        m_idleTimer->stop();
    if (m_ssl && m_isHandshakeDone)
        SSL_shutdown(m_ssl); // best effort close_notify; the socket is non-blocking
    ERR_clear_error();
    ::close(m_socket);
    m_socket = -1;
    Q_EMIT closed();
    deleteLater();
}

int Http2Connection::onBeginHeaders(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    auto *self = static_cast<Http2Connection *>(user);
    auto stream = std::make_unique<Stream>();
    stream->request.streamId = frame->hd.stream_id;
    stream->request.headers.reserve(8);
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, stream.get());
    self->m_streams.emplace(frame->hd.stream_id, std::move(stream));
    ++self->m_streamsStarted;
    return 0;
}

int Http2Connection::onHeader(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                              std::size_t nameLength, const uint8_t *value, std::size_t valueLength, uint8_t, void *)
{
    auto *stream = static_cast<Stream *>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
    if (!stream)
        return 0;
    static const QByteArray kPost = QByteArrayLiteral("POST");
    static const QByteArray kHttps = QByteArrayLiteral("https");
    const QByteArrayView key(reinterpret_cast<const char *>(name), qsizetype(nameLength));
    const QByteArrayView text(reinterpret_cast<const char *>(value), qsizetype(valueLength));
    HttpRequest &request = stream->request;
    if (!key.isEmpty() && key[0] == ':') {
        if (key == ":method")
            request.method = text == kPost ? kPost : text.toByteArray();
        else if (key == ":path")
            request.path = text.toByteArray();
        else if (key == ":authority")
            request.authority = text.toByteArray();
        else if (key == ":scheme")
            request.scheme = text == kHttps ? kHttps : text.toByteArray();
        return 0;
    }
    request.headers.emplace_back(headerName(key), text.toByteArray());
    return 0;
}

int Http2Connection::onDataChunk(nghttp2_session *session, uint8_t, int32_t streamId, const uint8_t *data,
                                 std::size_t length, void *user)
{
    auto *stream = static_cast<Stream *>(nghttp2_session_get_stream_user_data(session, streamId));
    if (!stream)
        return 0;
    auto *self = static_cast<Http2Connection *>(user);
    HttpRequest &request = stream->request;
    request.bodySize += qsizetype(length);
    const qsizetype room = self->m_profile.maxBodyBytes - request.body.size();
    if (room < qsizetype(length))
        request.isBodyTruncated = true;
    if (room > 0)
        request.body.append(reinterpret_cast<const char *>(data), std::min(room, qsizetype(length)));
    return 0;
}

int Http2Connection::onFrameReceived(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    auto *self = static_cast<Http2Connection *>(user);
    switch (frame->hd.type) {
    case NGHTTP2_DATA:
    case NGHTTP2_HEADERS:
        if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
            auto *stream = static_cast<Stream *>(nghttp2_session_get_stream_user_data(session, frame->hd.stream_id));
            if (stream && !stream->isDispatched)
                self->dispatch(*stream);
        }
        break;
    case NGHTTP2_SETTINGS:
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) && !self->m_unacknowledgedLimits.empty()) {
            self->m_acknowledgedLimit = self->m_unacknowledgedLimits.front();
            self->m_unacknowledgedLimits.pop_front();
        }
        break;
    default: break;
    }
    return 0;
}

int Http2Connection::onStreamClosed(nghttp2_session *, int32_t streamId, uint32_t, void *user)
{
    static_cast<Http2Connection *>(user)->m_streams.erase(streamId);
    return 0;
}

ssize_t Http2Connection::readBody(nghttp2_session *, int32_t, uint8_t *buffer, std::size_t length, uint32_t *flags,
                                  nghttp2_data_source *source, void *)
{
    auto *stream = static_cast<Stream *>(source->ptr);
    const QByteArray &body = stream->response.body;
    const std::size_t count = std::min(length, std::size_t(body.size() - stream->sent));
    std::memcpy(buffer, body.constData() + stream->sent, count);
    stream->sent += qsizetype(count);
    if (stream->sent == body.size())
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return ssize_t(count);
}

const nghttp2_session_callbacks *Http2Connection::sessionCallbacks()
{
    // nghttp2 copies the callbacks into each session, so one set serves all of them.
    static const Nghttp2CallbacksPtr callbacks = [] {
        nghttp2_session_callbacks *raw = nullptr;
        nghttp2_session_callbacks_new(&raw);
        nghttp2_session_callbacks_set_on_begin_headers_callback(raw, &Http2Connection::onBeginHeaders);
        nghttp2_session_callbacks_set_on_header_callback(raw, &Http2Connection::onHeader);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(raw, &Http2Connection::onDataChunk);
        nghttp2_session_callbacks_set_on_frame_recv_callback(raw, &Http2Connection::onFrameReceived);
        nghttp2_session_callbacks_set_on_stream_close_callback(raw, &Http2Connection::onStreamClosed);
        return Nghttp2CallbacksPtr(raw);
    }();
    return callbacks.get();
}

} // namespace vestnik::sim
