#pragma once

#include "provider/AccessTokenSource.h"
#include "provider/ServiceAccount.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <vector>

class QNetworkAccessManager;

namespace vestnik {

class Clock;

/// OAuth 2 access tokens for FCM from a service account: the JWT-bearer grant (an RS256 assertion with the
/// firebase.messaging scope) against Google's token endpoint, over QNetworkAccessManager (a control-plane
/// call). Tokens are cached; concurrent requests share one fetch; a token is replaced `refreshMargin` before
/// it expires, while the old one still serves.
class GoogleTokenSource final : public QObject, public AccessTokenSource
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GoogleTokenSource)

public:
    struct Options {
        QUrl tokenEndpoint;                    ///< empty: the account's token_uri (a simulator URL in tests)
        QList<QSslCertificate> caCertificates; ///< empty: the system's CAs
        std::chrono::seconds refreshMargin{300};
        std::chrono::seconds assertionLifetime{3600};
        std::chrono::milliseconds timeout{15'000};
    };

    GoogleTokenSource(ServiceAccount account, Options options, QNetworkAccessManager &network, const Clock &clock,
                      QObject *parent = nullptr);

    void token(Callback callback) override;
    void invalidate(const QByteArray &token) override;

    /// Token fetches made so far (for tests and metrics).
    int fetchCount() const { return m_fetches; }

private:
    void fetch();
    void finish(const Result<QByteArray> &result);

    ServiceAccount m_account;
    Options m_options;
    QNetworkAccessManager &m_network;
    const Clock &m_clock;
    QByteArray m_token;
    qint64 m_expiresAtMs = 0;
    bool m_fetching = false;
    std::vector<Callback> m_waiting;
    int m_fetches = 0;
};

} // namespace vestnik
