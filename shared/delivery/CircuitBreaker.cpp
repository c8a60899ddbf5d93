#include "delivery/CircuitBreaker.h"

#include "util/Clock.h"
#include "util/Logging.h"

#include <QMutexLocker>

namespace vestnik {

CircuitBreaker::CircuitBreaker(const Clock &clock, std::chrono::milliseconds coolDown, QString guarded)
    : m_clock(clock), m_coolDownMs(coolDown.count()), m_guarded(std::move(guarded))
{}

QString CircuitBreaker::describe(const AppProvider &key) const
{
    return m_guarded.isEmpty() ? key.describe() : m_guarded;
}

void CircuitBreaker::open(const AppProvider &key, Circuit &circuit, const QString &reason)
{
    circuit.state = State::Open;
    circuit.openUntilMs = m_clock.nowMs() + m_coolDownMs;
    ++m_alerts;
    qCCritical(lcDelivery).noquote() << "circuit opened for" << describe(key)
                                     << (m_guarded.isEmpty()
                                             ? "- the provider refuses its credentials even after a refresh"
                                             : "- it failed again after a retry")
                                     << (reason.isEmpty() ? QString() : QStringLiteral("(%1)").arg(reason))
                                     << "- next probe in" << m_coolDownMs / 1000 << "s";
}

CircuitBreaker::Verdict CircuitBreaker::recordCredentialsProblem(const AppProvider &key, bool refreshedAlready,
                                                                 const QString &reason)
{
    const QMutexLocker lock(&m_mutex);
    Circuit &circuit = m_circuits[key];
    if (circuit.state == State::Open)
        return Verdict::CircuitOpen; // a request that was in flight when it opened
    if (!refreshedAlready)
        return Verdict::RefreshCredentials;
    open(key, circuit, reason);
    return Verdict::CircuitOpen;
}

void CircuitBreaker::recordSuccess(const AppProvider &key)
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_circuits.find(key);
    if (it == m_circuits.end())
        return;
    // A success while open came from a request sent before the circuit opened, possibly with credentials
    // that have been replaced since: only the probe decides.
    if (it->state == State::Open)
        return;
    if (it->state == State::HalfOpen)
        qCInfo(lcDelivery).noquote() << "circuit closed for" << describe(key) << "- the probe was accepted";
    m_circuits.erase(it);
}

bool CircuitBreaker::allows(const AppProvider &key, qint64 nowMs)
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_circuits.find(key);
    if (it == m_circuits.end() || it->state == State::Closed)
        return true;
    if (it->state == State::Open && nowMs >= it->openUntilMs) {
        it->state = State::HalfOpen;
        it->probeSentAtMs = nowMs;
        return true;
    }
    if (it->state == State::HalfOpen && nowMs - it->probeSentAtMs >= m_coolDownMs) {
        // The probe never reported back (lost, or it ended with an answer that says nothing about
        // credentials): another one may go.
        it->probeSentAtMs = nowMs;
        return true;
    }
    return false;
}

CircuitBreaker::State CircuitBreaker::state(const AppProvider &key, qint64 nowMs) const
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_circuits.constFind(key);
    if (it == m_circuits.cend())
        return State::Closed;
    if (it->state == State::Open && nowMs >= it->openUntilMs)
        return State::HalfOpen;
    return it->state;
}

QList<std::pair<AppProvider, CircuitBreaker::State>> CircuitBreaker::states(qint64 nowMs) const
{
    const QMutexLocker lock(&m_mutex);
    QList<std::pair<AppProvider, State>> states;
    states.reserve(m_circuits.size());
    for (auto it = m_circuits.cbegin(); it != m_circuits.cend(); ++it)
        states.append({it.key(), it->state == State::Open && nowMs >= it->openUntilMs ? State::HalfOpen : it->state});
    return states;
}

std::optional<qint64> CircuitBreaker::openUntilMs(const AppProvider &key) const
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_circuits.constFind(key);
    if (it == m_circuits.cend())
        return std::nullopt;
    switch (it->state) {
    case State::Closed: return std::nullopt;
    case State::Open: return it->openUntilMs;
    case State::HalfOpen: return it->probeSentAtMs + m_coolDownMs;
    }
    return std::nullopt;
}

quint64 CircuitBreaker::alerts() const
{
    const QMutexLocker lock(&m_mutex);
    return m_alerts;
}

} // namespace vestnik
