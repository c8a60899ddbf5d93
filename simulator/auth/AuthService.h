#pragma once

#include "security/JwtKey.h"
#include "security/JwtVerifier.h"
#include "transport/RequestHandler.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class Fleet;

/// A reference company Auth Service: OAuth 2.0 client credentials (RFC 6749 4.4) issuing ES256 JWT access
/// tokens, its JWK Set and metadata, and `GET /v1/users/{id}/devices` for tokens with scope devices:read —
/// the device lookup the worker can use instead of its own registry. Errors follow RFC 6749 5.2 and RFC 6750 3.
class AuthService final : public RequestHandler
{
public:
    struct Client {
        QString id;
        QString secret;
        QStringList scopes;
    };
    static const QString kDevicesScope;

    AuthService(const JwtKey &signingKey, const Fleet &fleet, const Clock &clock);

    void addClient(const Client &client) { m_clients.insert(client.id, client); }
    /// `iss` of issued tokens (and what the device endpoint demands); set once the listener's URL is known.
    void setIssuer(const QString &issuer);
    void setAudience(const QString &audience);
    void setTokenLifetime(int seconds) { m_lifetimeSeconds = seconds; }

    HttpResponse handle(HttpRequest &request, ServerConnection &connection) override;
    /// What it served since start, for GET /admin/status: token requests (and tokens issued), device look-ups,
    /// JWK Set fetches.
    QJsonObject statusJson() const;

private:
    HttpResponse token(const HttpRequest &request);
    HttpResponse devices(const HttpRequest &request, const QString &userId);
    HttpResponse metadata() const;
    void updateRules();

    JwtKey m_signingKey;
    const Fleet &m_fleet;
    const Clock &m_clock;
    JwtVerifier m_verifier;
    QHash<QString, Client> m_clients;
    QString m_issuer;
    QString m_audience = QStringLiteral("vestnik");
    int m_lifetimeSeconds = 3600;
    quint64 m_issued = 0;
    quint64 m_tokenRequests = 0;
    quint64 m_deviceLookups = 0;
    quint64 m_jwksRequests = 0;
};

} // namespace vestnik::sim
