#pragma once

#include "api/Principal.h"
#include "security/JwtKeySet.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>

namespace vestnik {

class Clock;

/// An issuer whose access tokens the API accepts: its `iss`, the audiences a token must name one of, and
/// where its current public keys come from (a fixed set, or a JWKS fetcher's latest copy).
struct TrustedIssuer final {
    QString issuer;
    QStringList audiences;
    std::function<JwtKeySet()> keys;     ///< asked for every token: returns the keys valid now
    std::chrono::seconds leeway{60};     ///< clock skew tolerated on exp / nbf / iat
    std::chrono::seconds maxLifetime{0}; ///< upper bound on exp - iat; 0: none
    /// Told the `kid` of a token the keys lack (a remote set fetches again, rate-limited); may be empty.
    std::function<void(const QString &keyId)> unknownKey{};
};

/// Why a request was not authenticated.
struct AuthFailure final {
    enum class Kind {
        MissingCredentials, ///< no `Authorization: Bearer` header: 401 without an error code (RFC 6750 3.1)
        InvalidToken,       ///< a token that is malformed, untrusted, expired, ...: 401 invalid_token
    };
    Kind kind = Kind::InvalidToken;
    QString description; ///< for error_description and the JSON message; never contains the token
};

/// Turns `Authorization: Bearer <jwt>` into a Principal: the token's `iss` picks a trusted issuer, whose keys
/// and rules (JwtVerifier: pinned algorithms, exp / nbf / iss / aud) must accept it. `sub` names the caller;
/// a `role` claim (admin, marketer, analyst) makes it a person of the console, otherwise it is a service with
/// the space-separated `scope` claim's scopes.
class Authenticator final
{
public:
    explicit Authenticator(const Clock &clock);

    /// Trusts `issuer` (replacing an earlier one of the same `iss`). InvalidArgument without an issuer name,
    /// an audience, or a key source: a token for another service must never pass.
    Result<void> addIssuer(TrustedIssuer issuer);
    bool hasIssuers() const { return !m_issuers.isEmpty(); }
    QStringList issuers() const;

    /// The caller that the Authorization header's value (`Bearer <jwt>`, or empty) proves.
    Result<Principal, AuthFailure> authenticate(const QByteArray &authorization) const;

private:
    Result<Principal, AuthFailure> principalOf(const QByteArray &token) const;

    const Clock &m_clock;
    QList<TrustedIssuer> m_issuers;
};

} // namespace vestnik
