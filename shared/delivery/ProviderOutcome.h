#pragma once

#include "delivery/OutcomeClass.h"
#include "delivery/RetryAfter.h"

#include <QString>

#include <chrono>
#include <optional>

namespace vestnik {

/// One provider answer (or transport failure), classified. A plain value: the classifiers make it, the
/// retry policy and the outcome recorder act on it.
struct ProviderOutcome final {
    OutcomeClass outcomeClass = OutcomeClass::PermanentFailure;
    QString reason;                       ///< stable code: "fcm.UNREGISTERED", "apns.BadDeviceToken", "network.timeout"
    QString message;                      ///< for people: the provider's text and what it means
    int httpStatus = 0;                   ///< 0 when no answer arrived
    std::optional<RetryAfter> retryAfter; ///< the answer's Retry-After, when it had a valid one
    /// The provider's own floor for the next attempt (FCM QUOTA_EXCEEDED: one minute; APNs 5xx: 15 minutes).
    std::optional<std::chrono::seconds> minimumRetryDelay;
    std::optional<qint64> invalidatedAtMs; ///< APNs 410 `timestamp`: when the token was last seen invalid
    QString providerMessageId;             ///< FCM `name`, APNs `apns-id`

    bool isAccepted() const { return outcomeClass == OutcomeClass::Accepted; }

    friend bool operator==(const ProviderOutcome &, const ProviderOutcome &) = default;
};

} // namespace vestnik
