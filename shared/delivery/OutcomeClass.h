#pragma once

#include <QString>

namespace vestnik {

/// What a sender does with a provider's answer; every FCM, APNs and transport outcome maps to one.
enum class OutcomeClass {
    Accepted,           ///< the provider took the push
    Retry,              ///< transient: send again later (durable retry, backoff, bounded by the TTL)
    InvalidToken,       ///< the token is dead: deactivate the device (if not re-registered since)
    PermanentFailure,   ///< this push will never be accepted as it is: fail it with the reason
    CredentialsProblem, ///< our credentials for the app and provider are refused: refresh once, then break
};

/// Stable snake_case name ("credentials_problem") for logs and metrics.
QString outcomeClassName(OutcomeClass outcomeClass);

} // namespace vestnik
