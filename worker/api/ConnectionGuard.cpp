#include "api/ConnectionGuard.h"

#include "api/ApiLogging.h"
#include "api/ApiRequest.h"
#include "api/ApiResponse.h"
#include "api/RequestHead.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>

namespace vestnik {

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, const Limits &limits)
    : QObject(socket), m_socket(socket), m_limits(limits)
{
    for (QTimer *timer : {&m_idleTimer, &m_requestTimer, &m_lingerTimer})
        timer->setSingleShot(true);
    // Timers are the guard's own: they fire even after QHttpServer 6.4 cut every connection of the socket
    // (it calls QObject::disconnect() on the socket when its parser fails).
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcApi) << "closing a connection idle for" << m_limits.idleTimeout.count() << "ms";
        closeGracefully();
    });
    connect(&m_requestTimer, &QTimer::timeout, this, [this] {
        reject(408, QStringLiteral("request_timeout"),
               QStringLiteral("the request was not complete within %1 ms").arg(m_limits.requestTimeout.count()));
    });
    connect(&m_lingerTimer, &QTimer::timeout, this, &ConnectionGuard::finalClose);
    connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QAbstractSocket::disconnected, this, &ConnectionGuard::finalClose);
    m_idleTimer.start(m_limits.idleTimeout);
}

ConnectionGuard *ConnectionGuard::of(const QTcpSocket *socket)
{
    return socket ? socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

void ConnectionGuard::onReadyRead()
{
    const qint64 available = m_socket->bytesAvailable();
    if (m_stopped) {
        m_socket->read(available);
        return;
    }
    if (available > 0)
        consume(m_socket->peek(available));
}

void ConnectionGuard::consume(const QByteArray &data)
{
    m_completedInChunk = false;
    qsizetype pos = 0;
    while (pos < data.size() && !m_stopped) {
        if (m_phase == Phase::Body) {
            const qint64 take = std::min<qint64>(m_bodyLeft, data.size() - pos);
            m_bodyLeft -= take;
            pos += qsizetype(take);
            if (m_bodyLeft == 0)
                completeRequest();
            continue;
        }
        if (m_head.isEmpty()) {
            // Empty lines before a request line are allowed (RFC 9112 section 2.2) and start nothing.
            const char c = data.at(pos);
            if (c == '\r' || c == '\n') {
                ++pos;
                continue;
            }
            if (m_completedInChunk) {
                // QHttpServer 6.4 would parse both requests of this chunk as one and answer neither.
                Q_EMIT pipelineRefused();
                reject(400, QStringLiteral("bad_request"),
                       QStringLiteral("pipelined requests are not supported: send the next request after the "
                                      "answer"));
                return;
            }
            if (m_outstanding > 0 || m_awaitingDispatch > 0) {
                // Answers may come in any order from asynchronous handlers: the one pending is sent, then the
                // connection closes and the client sends the rest again (RFC 9112 section 9.3.2).
                qCDebug(lcApi) << "a pipelined request arrived; closing after the pending answer";
                m_closeAfterAnswer = true;
                stopParser();
                Q_EMIT pipelineRefused();
                return;
            }
            m_idleTimer.stop();
            m_requestTimer.start(m_limits.requestTimeout);
        }
        const qsizetype newline = data.indexOf('\n', pos);
        const qsizetype end = newline < 0 ? data.size() : newline + 1;
        m_head.append(data.constData() + pos, end - pos);
        pos = end;
        if (m_head.size() > m_limits.maxHeadBytes) {
            reject(431, QStringLiteral("headers_too_large"),
                   QStringLiteral("the request head is larger than %1 bytes").arg(m_limits.maxHeadBytes));
            return;
        }
        if (newline >= 0 && (m_head.endsWith("\n\n") || m_head.endsWith("\n\r\n")))
            headComplete();
    }
}

void ConnectionGuard::headComplete()
{
    Result<RequestHead, HeadRefusal> head = RequestHead::parse(m_head, m_limits.maxBodyBytes);
    if (!head) {
        reject(head.error().status, head.error().code, head.error().message);
        return;
    }
    m_keepAlive = head->keepAlive;
    m_isHttp10 = head->isHttp10;
    m_method = head->method;
    m_target = head->target;
    m_bodyLeft = head->contentLength;
    m_head.clear();
    if (m_bodyLeft == 0) {
        completeRequest();
        return;
    }
    m_phase = Phase::Body;
    // QHttpServer 6.4 never sends the interim answer a client may wait for before it sends the body.
    if (head->expectContinue)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
}

void ConnectionGuard::completeRequest()
{
    m_phase = Phase::Head;
    m_head.clear();
    m_requestTimer.stop();
    m_completedInChunk = true;
    ++m_awaitingDispatch;
    // QHttpServer parses the same bytes right after this slot returns and hands the request over; if its
    // parser disagreed (and dropped the connection's signals), nobody would ever answer.
    QMetaObject::invokeMethod(this, &ConnectionGuard::checkDispatched, Qt::QueuedConnection);
}

void ConnectionGuard::checkDispatched()
{
    if (m_awaitingDispatch == 0 || m_closing)
        return;
    qCWarning(lcApi) << "QHttpServer did not take a request the guard saw complete; closing the connection";
    m_awaitingDispatch = 0;
    reject(400, QStringLiteral("bad_request"), QStringLiteral("the request could not be parsed"));
}

void ConnectionGuard::requestDispatched()
{
    if (m_awaitingDispatch > 0)
        --m_awaitingDispatch;
    ++m_outstanding;
}

void ConnectionGuard::answered(bool close)
{
    if (m_outstanding > 0)
        --m_outstanding;
    if (close || m_closeAfterAnswer) {
        closeGracefully();
        return;
    }
    becomeIdleIfDone();
}

void ConnectionGuard::becomeIdleIfDone()
{
    if (!m_closing && m_outstanding == 0 && m_awaitingDispatch == 0 && m_phase == Phase::Head && m_head.isEmpty())
        m_idleTimer.start(m_limits.idleTimeout);
}

void ConnectionGuard::reject(int status, const QString &code, const QString &message)
{
    if (m_closing)
        return;
    stopParser();
    m_awaitingDispatch = 0;
    qCDebug(lcApi).noquote() << "refusing a request:" << status << code << message;
    if (m_outstanding == 0 && m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->write(ApiResponse::error(status, code, message).toHttp(makeRequestId(), true, true));
    Q_EMIT rejected(status);
    closeGracefully();
}

void ConnectionGuard::stopParser()
{
    if (m_stopped)
        return;
    m_stopped = true;
    // Removes QHttpServer's slot too: disconnecting during this readyRead's emission keeps it from being
    // called for the bytes at hand.
    disconnect(m_socket, &QIODevice::readyRead, nullptr, nullptr);
    connect(m_socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
    // A request QHttpServer has half read sits in its read transaction; commit it so discarding frees it.
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->read(m_socket->bytesAvailable());
}

void ConnectionGuard::closeGracefully()
{
    if (m_closing)
        return;
    m_closing = true;
    stopParser();
    m_idleTimer.stop();
    m_requestTimer.stop();
    if (m_socket->state() != QAbstractSocket::ConnectedState) {
        finalClose();
        return;
    }
    m_lingerTimer.start(m_limits.lingerTime);
    connect(m_socket, &QIODevice::bytesWritten, this, &ConnectionGuard::shutdownWriteWhenFlushed);
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        connect(ssl, &QSslSocket::encryptedBytesWritten, this, &ConnectionGuard::shutdownWriteWhenFlushed);
    m_socket->flush();
    shutdownWriteWhenFlushed();
}

void ConnectionGuard::shutdownWriteWhenFlushed()
{
    if (m_writeShut || m_socket->bytesToWrite() > 0)
        return;
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket); ssl && ssl->encryptedBytesToWrite() > 0)
        return;
    m_writeShut = true;
    // The client sees the end of the answer while we still read (and drop) what it sends: closing with its
    // data unread would reset the connection and could destroy the answer before the client read it.
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

void ConnectionGuard::finalClose()
{
    if (m_finished)
        return;
    m_finished = true;
    m_closing = true;
    m_stopped = true;
    m_idleTimer.stop();
    m_requestTimer.stop();
    m_lingerTimer.stop();
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
    // QHttpServer deletes sockets on disconnected, unless its parser cut that connection: delete it here too
    // (deleteLater twice is safe).
    m_socket->deleteLater();
}

} // namespace vestnik
