#include "SingleInstance.h"

#include "util/Logging.h"

#include <QCryptographicHash>
#include <QLocalServer>
#include <QLocalSocket>

namespace vestnik {

namespace {

constexpr int kConnectTimeoutMs = 1000;
const QByteArray kActivate = QByteArrayLiteral("activate\n");

} // namespace

SingleInstance::SingleInstance(const QString &key, QObject *parent)
    : QObject(parent),
      m_serverName(QStringLiteral("vestnik-console-")
                   + QString::fromLatin1(
                       QCryptographicHash::hash(QByteArray(key.toUtf8() + qgetenv("USER")), QCryptographicHash::Sha256)
                           .toHex()
                           .left(16)))
{}

SingleInstance::~SingleInstance() = default;

bool SingleInstance::claim()
{
    {
        // Waiting up to a second here happens before any window exists: nothing the person sees is blocked.
        QLocalSocket probe;
        probe.connectToServer(m_serverName);
        if (probe.waitForConnected(kConnectTimeoutMs)) {
            probe.write(kActivate);
            probe.waitForBytesWritten(kConnectTimeoutMs);
            probe.disconnectFromServer();
            return false;
        }
    }
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_serverName)) {
        // A socket file left by a crashed instance: nobody answered on it, so it is stale.
        QLocalServer::removeServer(m_serverName);
        if (!m_server->listen(m_serverName)) {
            qCWarning(lcConsole).noquote()
                << "cannot listen for other starts of the console:" << m_server->errorString();
            return true;
        }
    }
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (socket->readAll().contains(kActivate.trimmed()))
                    Q_EMIT activationRequested();
            });
        }
    });
    return true;
}

} // namespace vestnik
