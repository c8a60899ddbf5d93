#include "api/ApiListener.h"

#include "api/ApiLogging.h"

#include <QSslSocket>
#include <QTimer>

#include <unistd.h>

namespace vestnik {

ApiListener::ApiListener(const ConnectionGuard::Limits &limits, int maxConnections,
                         std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_maxConnections(maxConnections), m_tls(std::move(tls))
{}

void ApiListener::incomingConnection(qintptr handle)
{
    if (m_active >= m_maxConnections) {
        if (!m_atLimit)
            qCWarning(lcApi) << "refusing connections: all" << m_maxConnections << "(api.max_connections) are in use";
        m_atLimit = true;
        ::close(int(handle));
        Q_EMIT connectionRefused();
        return;
    }
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcApi) << "cannot take an accepted connection:" << socket->errorString();
        ::close(int(handle));
        delete socket;
        return;
    }
    // First to connect to the socket: the guard sees every byte before QHttpServer does.
    auto *guard = new ConnectionGuard(socket, m_limits);
    ++m_active;
    connect(guard, &QObject::destroyed, this, [this] {
        --m_active;
        if (m_active < m_maxConnections)
            m_atLimit = false;
    });
    connect(guard, &ConnectionGuard::rejected, this, &ApiListener::guardRejected);
    connect(guard, &ConnectionGuard::pipelineRefused, this, &ApiListener::pipelineRefused);
    if (!m_tls) {
        addPendingConnection(socket); // QTcpServer emits newConnection when this returns
        return;
    }
    startHandshake(static_cast<QSslSocket *>(socket));
}

void ApiListener::startHandshake(QSslSocket *socket)
{
    socket->setSslConfiguration(*m_tls);
    auto *deadline = new QTimer(socket);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, socket, [this, socket] {
        Q_EMIT handshakeFailed(QStringLiteral("no TLS handshake within %1 ms").arg(m_limits.requestTimeout.count()));
        socket->abort();
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::encrypted, this, [this, socket, deadline] {
        deadline->stop();
        deadline->deleteLater();
        addPendingConnection(socket);
        Q_EMIT newConnection();
    });
    connect(socket, &QAbstractSocket::errorOccurred, socket, [this, socket] {
        if (socket->isEncrypted())
            return; // QHttpServer's from now on
        // Plain HTTP to the TLS port, a client that refuses the certificate, TLS older than 1.2, ...
        Q_EMIT handshakeFailed(socket->errorString());
        socket->deleteLater();
    });
    deadline->start(m_limits.requestTimeout);
    socket->startServerEncryption();
}

} // namespace vestnik
