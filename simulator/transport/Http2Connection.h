#pragma once

#include "transport/FrameScanner.h"
#include "transport/HttpRequest.h"
#include "transport/HttpResponse.h"
#include "transport/ListenerProfile.h"
#include "transport/ServerConnection.h"

#include <QObject>

#include <deque>
#include <memory>
#include <nghttp2/nghttp2.h>
#include <string>
#include <unordered_map>

struct ssl_st;

class QSocketNotifier;
class QTimer;

namespace vestnik::sim {

class DelayQueue;
class RequestHandler;
class TlsServerContext;

/// One client connection: OpenSSL directly on the non-blocking socket (QSocketNotifier for readiness) and an
/// nghttp2 server session. Everything read in one wake-up is fed to nghttp2, requests are answered as they
/// complete, and all output is written with one SSL_write per event-loop turn (the coalescing that made the
/// client transport fast). Deletes itself (deleteLater) when closed.
class Http2Connection final : public QObject, public ServerConnection
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Http2Connection)

public:
    Http2Connection(int socket, const std::shared_ptr<TlsServerContext> &tls, const ListenerProfile &profile,
                    RequestHandler &handler, DelayQueue &delays, QObject *parent = nullptr);
    ~Http2Connection() override;

    quint64 connectionId() const override { return m_id; }
    quint32 streamsStarted() const override { return m_streamsStarted; }
    quint32 requestsDispatched() const override { return m_requestsDispatched; }
    void setMaxConcurrentStreams(quint32 limit) override;
    void goAway(quint32 errorCode, const QByteArray &debugData, int lastStreamId) override;
    QByteArray peerCertificate() const override { return m_peerCertificate; }
    bool isPeerCertificateTrusted() const override { return m_isPeerTrusted; }

    /// Ends the connection now (GOAWAY with `debugData` first when the session is up), e.g. at shutdown.
    void shutdown(const QByteArray &debugData);

Q_SIGNALS:
    void closed();

private:
    struct Stream {
        HttpRequest request;
        HttpResponse response;
        qsizetype sent = 0;
        bool isDispatched = false;
    };

    void onReadable();
    void onWritable();
    void continueHandshake();
    bool startSession();
    bool feed(const uint8_t *data, std::size_t length);
    bool admitStream(int32_t streamId);
    void dispatch(Stream &stream);
    void submit(int32_t streamId, HttpResponse response);
    void scheduleFlush();
    void flush();
    bool writeOut();
    void close();
    Stream *stream(int32_t streamId);

    static const nghttp2_session_callbacks *sessionCallbacks();
    static int onBeginHeaders(nghttp2_session *session, const nghttp2_frame *frame, void *user);
    static int onHeader(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                        std::size_t nameLength, const uint8_t *value, std::size_t valueLength, uint8_t flags,
                        void *user);
    static int onDataChunk(nghttp2_session *session, uint8_t flags, int32_t streamId, const uint8_t *data,
                           std::size_t length, void *user);
    static int onFrameReceived(nghttp2_session *session, const nghttp2_frame *frame, void *user);
    static int onStreamClosed(nghttp2_session *session, int32_t streamId, uint32_t errorCode, void *user);
    static ssize_t readBody(nghttp2_session *session, int32_t streamId, uint8_t *buffer, std::size_t length,
                            uint32_t *flags, nghttp2_data_source *source, void *user);

    const quint64 m_id;
    int m_socket = -1;
    std::shared_ptr<TlsServerContext> m_tls;
    ListenerProfile m_profile;
    RequestHandler &m_handler;
    DelayQueue &m_delays;
    ssl_st *m_ssl = nullptr;
    nghttp2_session *m_session = nullptr;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_idleTimer = nullptr;

    std::unordered_map<int32_t, std::unique_ptr<Stream>> m_streams;
    std::string m_output;
    std::size_t m_outputOffset = 0;
    FrameScanner m_scanner;
    std::deque<quint32> m_unacknowledgedLimits; // MAX_CONCURRENT_STREAMS values sent, oldest first
    quint32 m_acknowledgedLimit = 0xffffffffu;  // RFC 9113: unlimited until the client has acknowledged one
    quint32 m_streamsStarted = 0;
    quint32 m_requestsDispatched = 0;
    int m_goAwayLastStreamId = -1;
    QByteArray m_peerCertificate;
    bool m_isPeerTrusted = false;
    bool m_isHandshakeDone = false;
    bool m_isReading = false;
    bool m_isDraining = false; // input is discarded after a stream-limit GOAWAY or an HTTP/2 error
    bool m_isFlushPending = false;
    bool m_isClosingAfterFlush = false;
    bool m_isClosed = false;
};

} // namespace vestnik::sim
