#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>

class QTcpSocket;

namespace vestnik {

/// Watches one API connection from below QHttpServer, which in Qt 6.4 buffers any body whole, waits forever
/// for a request to complete and never closes an idle connection. Attached before QHttpServer connects to
/// the socket, it sees every byte first (peek, never read) and follows request boundaries (head up to the
/// empty line, then Content-Length bytes). It answers and closes by itself when a head grows over its limit
/// (431), a body would (413), a body is chunked (411), the head is malformed (400) or names an unsupported
/// method (501), a request takes too long (408); closes idle connections silently; and refuses pipelining.
/// A refused connection's input is discarded unseen by QHttpServer, and it is closed gracefully (answer
/// flushed, write side shut, input drained for a moment) so the client reads the answer instead of a reset.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    struct Limits {
        qint64 maxHeadBytes = 16 * 1024;
        qint64 maxBodyBytes = 1024 * 1024;
        std::chrono::milliseconds requestTimeout{10'000}; ///< first byte of a request to its last
        std::chrono::milliseconds idleTimeout{60'000};    ///< no request and no answer pending
        std::chrono::milliseconds lingerTime{2'000};      ///< a closing connection's last chance to read
    };

    /// Becomes the socket's child. Must be created before anything else connects to the socket's readyRead.
    ConnectionGuard(QTcpSocket *socket, const Limits &limits);
    /// The guard of `socket`, or nullptr.
    static ConnectionGuard *of(const QTcpSocket *socket);

    /// QHttpServer handed the request the guard saw complete to the API (called from handleRequest).
    void requestDispatched();
    /// Whether the connection stays open after the answer to the request just dispatched.
    bool keepAlive() const { return m_keepAlive; }
    bool isHttp10() const { return m_isHttp10; }
    /// Method and target (as sent) of the request just dispatched.
    const QByteArray &method() const { return m_method; }
    const QByteArray &target() const { return m_target; }
    /// An answer was written; `close` closes the connection after it (the guard also closes when the client
    /// pipelined another request meanwhile).
    void answered(bool close);
    bool isClosing() const { return m_closing; }

Q_SIGNALS:
    /// The guard answered `status` itself and closed the connection.
    void rejected(int status);
    /// A request came before the answer to the previous one: not passed on; the connection closes.
    void pipelineRefused();

private:
    enum class Phase { Head, Body };

    void onReadyRead();
    void consume(const QByteArray &data);
    void headComplete();
    void completeRequest();
    void checkDispatched();
    /// Answers with an error (when no answer is pending) and closes.
    void reject(int status, const QString &code, const QString &message);
    /// From now on QHttpServer reads nothing more: input is discarded.
    void stopParser();
    void closeGracefully();
    void shutdownWriteWhenFlushed();
    void finalClose();
    void becomeIdleIfDone();

    QTcpSocket *const m_socket;
    const Limits m_limits;
    Phase m_phase = Phase::Head;
    QByteArray m_head;
    qint64 m_bodyLeft = 0;
    bool m_expectContinue = false;
    bool m_keepAlive = true;
    bool m_isHttp10 = false;
    QByteArray m_method;
    QByteArray m_target;
    int m_awaitingDispatch = 0; ///< complete requests QHttpServer has not handed over yet
    int m_outstanding = 0;      ///< dispatched requests not answered yet
    bool m_completedInChunk = false;
    bool m_closeAfterAnswer = false;
    bool m_stopped = false; ///< QHttpServer no longer reads
    bool m_closing = false;
    bool m_writeShut = false;
    bool m_finished = false;
    QTimer m_idleTimer;
    QTimer m_requestTimer;
    QTimer m_lingerTimer;
};

} // namespace vestnik
