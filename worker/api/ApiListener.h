#pragma once

#include "api/ConnectionGuard.h"

#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

namespace vestnik {

/// The API's listening socket: puts a ConnectionGuard on every connection before QHttpServer sees it, refuses
/// connections beyond a maximum (closed at once), and with a TLS configuration does the handshake itself
/// (TLS 1.2 or later, within the request timeout) and hands QHttpServer only encrypted connections.
class ApiListener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiListener)

public:
    ApiListener(const ConnectionGuard::Limits &limits, int maxConnections, std::optional<QSslConfiguration> tls,
                QObject *parent = nullptr);

    bool isTls() const { return m_tls.has_value(); }
    /// Connections open now (handshaking ones included).
    int activeConnections() const { return m_active; }

Q_SIGNALS:
    void connectionRefused();
    void handshakeFailed(const QString &reason);
    void guardRejected(int status);
    void pipelineRefused();

protected:
    void incomingConnection(qintptr handle) override;

private:
    void startHandshake(QSslSocket *socket);

    const ConnectionGuard::Limits m_limits;
    const int m_maxConnections;
    const std::optional<QSslConfiguration> m_tls;
    int m_active = 0;
    bool m_atLimit = false;
};

} // namespace vestnik
