#pragma once

#include "provider/AccessTokenSource.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace vestnik {

class Clock;

/// OAuth 2.0 access tokens of a service client: the client credentials grant (RFC 6749 4.4) with
/// client_secret_basic authentication, over QNetworkAccessManager (a control-plane call, TLS with configurable
/// CAs). The token is cached until shortly before it expires; concurrent callers share one fetch; a token the
/// resource server refused (401) is dropped with invalidate(). Errors name the endpoint and the OAuth error and
/// description the server gave, the network failure, or what is wrong with the answer. Neither the secret nor
/// a token is ever logged.
class ClientCredentialsTokenSource final : public QObject, public AccessTokenSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientCredentialsTokenSource)

public:
    struct Options {
        QUrl tokenEndpoint;
        QString clientId;
        QString clientSecret;
        QString scope;                         ///< space-separated; empty: what the server grants by default
        QList<QSslCertificate> caCertificates; ///< empty: the system's CAs
        /// A token is renewed this long before it expires (at most half its lifetime), while it still serves.
        std::chrono::seconds refreshMargin{60};
        std::chrono::milliseconds timeout{10'000};
    };

    ClientCredentialsTokenSource(Options options, QNetworkAccessManager &network, const Clock &clock,
                                 QObject *parent = nullptr);
    ~ClientCredentialsTokenSource() override;

    /// Checks what can be checked before the first fetch: an https (or, for loopback, http) endpoint, a client id.
    static Result<void> validate(const Options &options);

    void token(Callback callback) override;
    void invalidate(const QByteArray &token) override;

    /// Token requests sent so far (for tests and metrics).
    int fetchCount() const { return m_fetches; }

private:
    void fetch();
    void onReply(QNetworkReply *reply, bool timedOut);
    void finish(const Result<QByteArray> &result);
    QString describeEndpoint() const;

    Options m_options;
    QNetworkAccessManager &m_network;
    const Clock &m_clock;
    QByteArray m_token;
    qint64 m_expiresAtMs = 0;
    qint64 m_renewAtMs = 0;
    QNetworkReply *m_reply = nullptr; ///< the fetch in flight
    std::vector<Callback> m_waiting;
    int m_fetches = 0;
};

} // namespace vestnik
