#pragma once

#include "api/ApiServer.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace vestnik {
class JwtKey;
}

namespace vestnik::test {

/// One HTTP/1.1 answer as a client read it off the wire.
struct RawResponse {
    int status = 0;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    QJsonObject json() const;
    /// The error body's code (`error.code`), or empty.
    QString errorCode() const;
};

/// A hand-written HTTP/1.1 client on a raw (optionally TLS) socket, for tests that need byte-level control:
/// partial heads, trickled bodies, pipelining, disconnecting early. Waits spin the event loop, so it works
/// against a server in the same thread.
class RawClient final
{
public:
    /// With `tls`, the connection does a TLS handshake; `trusted` (if not null) is the only CA accepted and the
    /// server's name is checked against 127.0.0.1, else any certificate is accepted.
    explicit RawClient(bool tls = false, const QSslCertificate &trusted = QSslCertificate());

    /// Connects to 127.0.0.1:`port` (and completes the handshake); false on failure or timeout.
    bool connectTo(quint16 port, int timeoutMs = 10'000);
    void send(const QByteArray &bytes);
    /// A simple request with a Host header (and the body with its Content-Length, when there is one).
    void request(const QByteArray &method, const QByteArray &target, const QByteArray &body = QByteArray(),
                 const QList<QPair<QByteArray, QByteArray>> &headers = {});
    /// Waits for the next complete answer (interim 1xx answers are skipped unless `interim`).
    std::optional<RawResponse> response(int timeoutMs = 10'000, bool interim = false);
    /// Waits until the server closed the connection; true if it did within the time.
    bool waitClosed(int timeoutMs = 10'000);
    bool isClosed();
    /// Everything received and not consumed by response() yet.
    QByteArray pending();
    void abort() { m_socket->abort(); }
    QTcpSocket &socket() { return *m_socket; }
    QSslSocket *sslSocket() { return qobject_cast<QSslSocket *>(m_socket.get()); }

private:
    void pull();
    /// Parses one answer off the front of the buffer, if it is there whole.
    std::optional<RawResponse> takeResponse();

    std::unique_ptr<QTcpSocket> m_socket;
    bool m_tls;
    QByteArray m_buffer;
};

/// Settings for tests: generous rate limit, the given guard limits otherwise at their defaults.
ApiServer::Settings testSettings();

/// A self-signed server identity's TLS configuration (made once per process) and its certificate.
QSslConfiguration testTlsConfiguration();
QSslCertificate testCertificate();

/// Signs `claims` with `key` (its pinned algorithm and kid).
QByteArray signToken(const QJsonObject &claims, const JwtKey &key);
/// base64url(JSON of `header`) + "." + base64url(JSON of `claims`) + "." + base64url(`signature`): tokens no
/// honest signer would make.
QByteArray forgeToken(const QJsonObject &header, const QJsonObject &claims, const QByteArray &signature);

/// One answer of a Worker's HTTPS API as QNetworkAccessManager received it; status 0 when none came in time.
struct WorkerAnswer {
    int status = 0;
    QJsonObject json;
    QByteArray body;
    QByteArray location; ///< the Location header

    /// The error body's code (`error.code`), or empty.
    QString errorCode() const;
    /// The error body's message (`error.message`), or empty.
    QString errorMessage() const;
};

/// Sends `request` with `method` and `body` and waits up to `timeoutMs` for the whole answer (with a warning
/// when none came).
WorkerAnswer sendWorkerRequest(QNetworkAccessManager &network, const QNetworkRequest &request, const QByteArray &method,
                               const QByteArray &body, int timeoutMs);

/// The environment of a Worker started in an API test: its data in `dataDir`, the API on a free port, the given
/// `roles` (comma-separated) and, unless empty, the bootstrap admin's password.
QProcessEnvironment apiWorkerEnvironment(const QString &dataDir, const QString &roles,
                                         const QString &adminPassword = QString());

/// TLS settings that trust only the API certificate a Worker made in its `dataDir`.
QSslConfiguration apiWorkerTls(const QString &dataDir);

} // namespace vestnik::test
