#pragma once

#include "delivery/AppProvider.h"

#include <QHash>
#include <QMutex>

#include <chrono>
#include <optional>

namespace vestnik {

class Clock;

/// Stops sending for an app and provider whose credentials the provider keeps refusing.
///
/// Closed: everything goes. A credentials problem first asks for one refresh; if the problem persists after
/// it, the circuit opens (an alert: `alerts()` counts every opening, and it is logged). Open: nothing goes
/// until the cool-down has passed. Half-open: one probe request goes; its success closes the circuit, its
/// credentials problem (after its own refresh) opens it again. A probe that never reports back is replaced
/// after another cool-down. Thread-safe.
class CircuitBreaker final
{
public:
    enum class State { Closed, Open, HalfOpen };
    /// What the caller does after a credentials problem.
    enum class Verdict {
        RefreshCredentials, ///< refresh the app's credentials (token) and send again
        CircuitOpen,        ///< stop: the circuit is open; retry the delivery once it lets requests through
    };

    /// `guarded` names what a circuit of another kind guards (the Auth Service), for its log lines; empty: the
    /// app and provider of the key, whose credentials are refused.
    explicit CircuitBreaker(const Clock &clock, std::chrono::milliseconds coolDown = std::chrono::minutes(5),
                            QString guarded = QString());
    Q_DISABLE_COPY_MOVE(CircuitBreaker)

    /// A request for `key` was refused for its credentials; `refreshedAlready` says whether it was sent
    /// again after a refresh. `reason` goes into the log line of an opening.
    Verdict recordCredentialsProblem(const AppProvider &key, bool refreshedAlready, const QString &reason = QString());
    /// A request for `key` was accepted: the credentials work.
    void recordSuccess(const AppProvider &key);
    /// Whether a request for `key` may go now. In half-open state this hands out the single probe.
    bool allows(const AppProvider &key, qint64 nowMs);

    State state(const AppProvider &key, qint64 nowMs) const;
    /// When an open circuit lets its probe through, or nothing when it is closed.
    std::optional<qint64> openUntilMs(const AppProvider &key) const;
    /// Every app and provider a circuit was kept for, with its state at `nowMs` (metrics).
    QList<std::pair<AppProvider, State>> states(qint64 nowMs) const;
    /// How many times a circuit opened since start: the alert metric.
    quint64 alerts() const;

private:
    struct Circuit {
        State state = State::Closed;
        qint64 openUntilMs = 0;   ///< Open: when the probe may go
        qint64 probeSentAtMs = 0; ///< HalfOpen: when the probe went
    };

    void open(const AppProvider &key, Circuit &circuit, const QString &reason);

    QString describe(const AppProvider &key) const;

    const Clock &m_clock;
    const qint64 m_coolDownMs;
    const QString m_guarded;
    mutable QMutex m_mutex;
    QHash<AppProvider, Circuit> m_circuits;
    quint64 m_alerts = 0;
};

} // namespace vestnik
