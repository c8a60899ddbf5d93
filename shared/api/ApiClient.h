#pragma once

#include "api/ApiAnswer.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace vestnik {

/// The console's one way to the worker: asynchronous JSON calls over HTTPS (QNetworkAccessManager), the
/// server trusted through CA certificates or a pinned SHA-256 fingerprint, a signed-in person's tokens kept
/// in memory only and renewed before they expire (and once more when the worker answers 401). Answers are
/// delivered on the caller's thread through a callback bound to a context object: a closed page gets none.
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    enum class ConnectionState {
        Disconnected, ///< no server chosen, or signed out
        Connecting,   ///< calls are on their way and none has been answered yet
        Connected,    ///< the last call was answered
        Unreachable,  ///< the last call could not reach the worker
    };
    Q_ENUM(ConnectionState)

    using Callback = std::function<void(const ApiAnswer &)>;

    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    /// The worker's base URL (e.g. https://127.0.0.1:8780). Changing it signs out and cancels calls.
    void setServer(const QUrl &baseUrl);
    QUrl server() const { return m_server; }
    /// CA certificates trusted besides the system's (for a worker whose certificate a private CA signed).
    void setCaCertificates(const QList<QSslCertificate> &certificates);
    /// The SHA-256 of the certificate the worker must present; accepted even when self-signed. Empty: none.
    void setPinnedCertificate(const QByteArray &sha256);
    QByteArray pinnedCertificate() const { return m_pinnedSha256; }
    /// How long a call may take from start to its last byte before it fails as Timeout (default 30 s).
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    /// Calls `method` `path` (relative to the server, e.g. "/v1/templates") with `body` as JSON unless it is
    /// undefined. `done` runs once, later, unless `context` is destroyed first.
    void call(const QByteArray &method, const QString &path, const QUrlQuery &query, const QJsonValue &body,
              QObject *context, Callback done);
    void get(const QString &path, QObject *context, Callback done, const QUrlQuery &query = QUrlQuery());
    void post(const QString &path, const QJsonValue &body, QObject *context, Callback done);
    void put(const QString &path, const QJsonValue &body, QObject *context, Callback done);
    void patch(const QString &path, const QJsonValue &body, QObject *context, Callback done);
    void remove(const QString &path, QObject *context, Callback done);

    /// Signs in with a console login; on success the session is kept and renewed until signOut().
    void signIn(const QString &login, const QString &password, QObject *context, Callback done);
    /// Forgets the session (and tells the worker to revoke its refresh token); pending calls are cancelled.
    void signOut();
    bool isSignedIn() const { return !m_accessToken.isEmpty(); }
    QString login() const { return m_login; }
    /// The signed-in person's role: "admin", "marketer" or "analyst"; empty when signed out.
    QString role() const { return m_role; }
    ConnectionState connectionState() const { return m_state; }
    /// Calls started and not answered yet (renewals included).
    int callsInFlight() const { return static_cast<int>(m_inFlight.size() + m_waitingForRenewal.size()); }

    /// "AB:CD:..." (upper-case hex pairs), the form the worker prints at start.
    static QString formatFingerprint(const QByteArray &sha256);
    /// A path segment made safe for a URL (ids may hold '/', spaces or Cyrillic).
    static QString segment(const QString &value);

Q_SIGNALS:
    void connectionStateChanged(vestnik::ApiClient::ConnectionState state);
    /// Signed in or out.
    void sessionChanged();
    /// The tokens were renewed (before expiry, or after a 401) and calls go on with the new ones.
    void sessionRenewed();
    /// The session could not be renewed (refresh token expired or revoked): the person must sign in again.
    void sessionExpired(const QString &reason);

private:
    struct PendingCall;

    void start(const std::shared_ptr<PendingCall> &pending);
    QNetworkRequest requestFor(const PendingCall &pending) const;
    void finish(QNetworkReply *reply, const std::shared_ptr<PendingCall> &pending);
    ApiAnswer answerOf(QNetworkReply *reply, const PendingCall &pending) const;
    void renewSession();
    void renewalAnswered(const ApiAnswer &answer);
    bool adoptTokens(const QJsonObject &tokens);
    void setState(ConnectionState state);
    void cancelAll();

    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_renewTimer = nullptr;
    QUrl m_server;
    QList<QSslCertificate> m_caCertificates;
    QByteArray m_pinnedSha256;
    std::chrono::milliseconds m_timeout{30'000};
    QString m_accessToken;
    QString m_refreshToken;
    QString m_login;
    QString m_role;
    ConnectionState m_state = ConnectionState::Disconnected;
    bool m_renewing = false;
    bool m_destroying = false;
    quint64 m_generation = 0; ///< bumped by sign-out and server changes: older answers are dropped
    QList<std::shared_ptr<PendingCall>> m_waitingForRenewal;
    QList<QPointer<QNetworkReply>> m_inFlight;
};

} // namespace vestnik
