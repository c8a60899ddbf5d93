#include "delivery/RetryPolicy.h"

#include "util/Clock.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace vestnik {

namespace {

// 2^40 ms is 35 years: beyond it the exponent only risks overflow.
constexpr int kLargestExponent = 40;

} // namespace

RetryPolicy::RetryPolicy(const Clock &clock) : RetryPolicy(clock, Settings{}) {}

RetryPolicy::RetryPolicy(const Clock &clock, Settings settings, RandomSource random)
    : m_clock(clock), m_settings(settings), m_random(std::move(random))
{}

double RetryPolicy::random() const
{
    const double r = m_random ? m_random() : QRandomGenerator::global()->generateDouble();
    // A source that strays outside [0, 1) must not push a retry past the ceiling (and so past the expiry).
    return std::clamp(r, 0.0, std::nextafter(1.0, 0.0));
}

RetryDecision RetryPolicy::next(int attemptsSoFar, const ProviderOutcome &outcome, qint64 expiresAtMs,
                                qint64 notBeforeMs) const
{
    if (outcome.outcomeClass != OutcomeClass::Retry && outcome.outcomeClass != OutcomeClass::CredentialsProblem) {
        return RetryDecision::giveUp(
            outcome.reason,
            QStringLiteral("%1 is not retried: %2").arg(outcomeClassName(outcome.outcomeClass), outcome.message));
    }
    if (attemptsSoFar >= m_settings.maxAttempts) {
        return RetryDecision::giveUp(
            QStringLiteral("retry.exhausted"),
            QStringLiteral("gave up after %1 retries; the last error was %2").arg(attemptsSoFar).arg(outcome.reason));
    }

    const qint64 now = m_clock.nowMs();
    const qint64 remaining = expiresAtMs - now;
    qint64 floorMs = std::max<qint64>(0, notBeforeMs - now);
    if (outcome.retryAfter)
        floorMs = std::max(floorMs, outcome.retryAfter->notBeforeMs(now) - now);
    if (outcome.minimumRetryDelay)
        floorMs = std::max<qint64>(floorMs, std::chrono::milliseconds(*outcome.minimumRetryDelay).count());

    // The ceiling is also bounded by the time left, so that jitter alone never runs past the expiry; only a
    // floor the provider set can, and then there is no time left worth trying in.
    const double exponential =
        double(m_settings.base.count()) * std::ldexp(1.0, std::clamp(attemptsSoFar, 0, kLargestExponent));
    const double ceiling = std::max(0.0, std::min({exponential, double(m_settings.cap.count()), double(remaining)}));
    const qint64 delay = std::max(qint64(std::floor(random() * ceiling)), floorMs);
    const qint64 at = now + delay;
    if (at >= expiresAtMs) {
        return RetryDecision::giveUp(QStringLiteral("retry.expired"),
                                     QStringLiteral("the notification expires before the next attempt could start"
                                                    " (%1 ms from now, %2 ms left); the last error was %3")
                                         .arg(delay)
                                         .arg(std::max<qint64>(remaining, 0))
                                         .arg(outcome.reason));
    }
    return RetryDecision::retryAt(at);
}

} // namespace vestnik
