#pragma once

#include "security/Jwt.h"
#include "security/JwtKeySet.h"
#include "util/Result.h"

#include <QStringList>

#include <chrono>

namespace vestnik {

class Clock;

/// Verifies JWTs against pinned keys: the key is found by `kid`, the header's `alg` must be the key's own
/// algorithm (so `none`, HMAC-with-a-public-key and algorithm swaps are refused), then exp / nbf / iat / iss /
/// aud / scope are checked against the rules with an injectable clock.
class JwtVerifier final
{
public:
    /// Why a token was refused, for callers that answer differently per cause (e.g. `invalid_token` vs
    /// `insufficient_scope`, or a provider's reason codes).
    enum class Failure {
        None,
        Malformed,           ///< not a compact JWS with JSON header and claims
        AlgorithmNotAllowed, ///< `alg` is not the algorithm the key is pinned to (or `none`, HMAC, ...)
        UnknownKey,          ///< no key with this `kid`
        BadSignature,
        MissingClaim, ///< a claim the rules require is absent or of the wrong type
        Expired,      ///< `exp` is in the past (beyond the leeway)
        NotYetValid,  ///< `nbf` or `iat` is in the future (beyond the leeway)
        TooLongLived, ///< `exp` - `iat` exceeds the rules' maximum lifetime
        WrongIssuer,
        WrongAudience,
        MissingScope, ///< none of the required scopes is in `scope`
    };

    /// What a verified token must satisfy besides its signature.
    struct Rules {
        QString issuer;                      ///< exact `iss`; empty accepts any
        QStringList audiences;               ///< `aud` must contain one of these; empty skips the check
        QStringList anyOfScopes;             ///< `scope` must contain one of these; empty skips the check
        bool requireExpiry = true;           ///< `exp` must be present
        bool requireIssuedAt = false;        ///< `iat` must be present
        std::chrono::seconds leeway{60};     ///< clock skew tolerated on exp, nbf and iat
        std::chrono::seconds maxLifetime{0}; ///< upper bound on exp - iat; 0 means none
    };

    /// Stable name of a failure ("bad_signature", ...), for logs and error bodies.
    static QString failureName(Failure failure);

    explicit JwtVerifier(const Clock &clock);

    void setKeys(const JwtKeySet &keys) { m_keys = keys; }
    void addKey(const JwtKey &key) { m_keys.add(key); }
    const JwtKeySet &keys() const { return m_keys; }
    void setRules(const Rules &rules) { m_rules = rules; }
    const Rules &rules() const { return m_rules; }

    /// The verified token, or an error naming the cause; `failure` (optional) receives the cause as a value.
    Result<Jwt> verify(const QByteArray &compact, Failure *failure = nullptr) const;

private:
    const Clock &m_clock;
    JwtKeySet m_keys;
    Rules m_rules;
};

} // namespace vestnik
