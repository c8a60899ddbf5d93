#pragma once

#include "google/AccessTokenStore.h"
#include "google/ServiceAccount.h"
#include "transport/HttpResponse.h"

#include <QHash>
#include <QStringList>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

struct HttpRequest;

/// Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT-bearer grant, PROVIDERS.md 2): checks
/// the RS256 assertion against the service account's public key, then iss, aud, scope and the iat/exp rules,
/// and issues access tokens with `expires_in`; failures get Google's OAuth error bodies.
class GoogleOAuthEndpoint final
{
public:
    static const QString kFcmScope;
    static const QString kCloudPlatformScope;

    GoogleOAuthEndpoint(AccessTokenStore &tokens, const Clock &clock);

    void addServiceAccount(const ServiceAccount &account);
    /// Seconds an access token lives (3599 like Google's by default).
    void setTokenLifetime(int seconds) { m_lifetimeSeconds = seconds; }
    int tokenLifetime() const { return m_lifetimeSeconds; }

    HttpResponse handle(const HttpRequest &request);

private:
    AccessTokenStore &m_tokens;
    const Clock &m_clock;
    QHash<QString, ServiceAccount> m_accounts; // by client_email
    int m_lifetimeSeconds = 3599;
};

} // namespace vestnik::sim
