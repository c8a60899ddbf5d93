#pragma once

#include "control/Behaviour.h"
#include "control/TokenHash.h"

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class ServerConnection;

/// Applies a Behaviour to requests. Every random decision is a hash of (seed, service, token, attempt number of
/// that token, purpose), so a run is reproducible whatever the order in which concurrent requests arrive:
/// "the 2nd send to token X gets UNAVAILABLE" holds on every run with the same seed.
class FaultInjector final
{
public:
    struct Fault {
        QString code;
        int retryAfterSeconds = -1;
    };

    explicit FaultInjector(const Clock &clock);

    void setBehaviour(Behaviour behaviour);
    /// The current behaviour (bursts show what is left of them).
    const Behaviour &behaviour() const { return m_behaviour; }

    /// The rule that applies to a token: an exact match first, else the longest matching prefix.
    const Behaviour::TokenRule *tokenRule(PushService service, std::string_view token) const;
    /// A 503 answer when the service is in an outage window now.
    std::optional<Fault> outage(PushService service) const;
    /// The injected error for a request that passed validation: a pending burst first (consumed), then the error
    /// rates, drawn deterministically.
    std::optional<Fault> fault(PushService service, std::string_view token, quint64 attempt);
    /// How long to hold the answer back.
    std::chrono::milliseconds latency(PushService service, std::string_view token, quint64 attempt) const;
    /// The GOAWAY-after-N-streams rule of a service, if any.
    const Behaviour::GoAwayRule *goAwayRule(PushService service) const;
    /// Sends the rule's GOAWAY on `connection` when the request on `streamId` is its N-th request (or later).
    void applyGoAwayRule(PushService service, ServerConnection &connection, int streamId) const;

    /// A reproducible number in [0, 1) for (seed, service, token, attempt, purpose).
    double unit(PushService service, std::string_view token, quint64 attempt, quint64 purpose) const;

private:
    const Clock &m_clock;
    Behaviour m_behaviour;
    std::unordered_map<std::string, qsizetype, TokenHash, std::equal_to<>> m_exact[2];
    bool m_hasPrefixRules[2] = {false, false};
};

} // namespace vestnik::sim
