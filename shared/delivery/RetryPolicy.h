#pragma once

#include "delivery/ProviderOutcome.h"
#include "delivery/RetryDecision.h"

#include <chrono>
#include <functional>

namespace vestnik {

class Clock;

/// When to try a failed delivery again: exponential backoff with full jitter (AWS's "full jitter": a delay
/// drawn uniformly from [0, min(cap, base * 2^attempt))), never earlier than the provider asks (Retry-After,
/// FCM's quota minute, APNs' 15 minutes after a 5xx) and never at or past the notification's expiry.
class RetryPolicy final
{
public:
    /// Tunables; the defaults suit both providers.
    struct Settings {
        std::chrono::milliseconds base{1000};                    ///< the first ceiling; Google's examples start at 1 s
        std::chrono::milliseconds cap{std::chrono::minutes(30)}; ///< the largest ceiling
        int maxAttempts = 16; ///< retries per delivery; the TTL usually ends them first
    };
    /// Returns a number uniformly distributed in [0, 1).
    using RandomSource = std::function<double()>;

    /// Default settings, the process-wide QRandomGenerator.
    explicit RetryPolicy(const Clock &clock);
    /// Without a random source the process-wide QRandomGenerator is used.
    RetryPolicy(const Clock &clock, Settings settings, RandomSource random = {});

    /// The decision after an attempt failed with `outcome`. `attemptsSoFar` is the retries already
    /// scheduled (Delivery::attempts), `expiresAtMs` the notification's creation time + TTL, `notBeforeMs`
    /// a floor of the caller's own (e.g. when an open circuit lets the next request through). Only Retry and
    /// CredentialsProblem outcomes are retried; anything else gives up with the outcome's reason.
    RetryDecision next(int attemptsSoFar, const ProviderOutcome &outcome, qint64 expiresAtMs,
                       qint64 notBeforeMs = 0) const;

    const Settings &settings() const { return m_settings; }

private:
    double random() const;

    const Clock &m_clock;
    Settings m_settings;
    RandomSource m_random;
};

} // namespace vestnik
