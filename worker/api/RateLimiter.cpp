#include "api/RateLimiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace vestnik {

namespace {

// Doubles add up to 0.999999... where a whole token is due (the same slack as delivery's TokenBucket).
constexpr double kWholeToken = 1.0 - 1e-9;

} // namespace

RateLimiter::RateLimiter(double ratePerSecond, double burst, int maxKeys)
    : m_rate(ratePerSecond), m_burst(std::max(1.0, burst)), m_maxKeys(std::max(1, maxKeys))
{}

double RateLimiter::tokensAt(const Bucket &bucket, qint64 nowMs) const
{
    const double elapsedSeconds = double(std::max<qint64>(0, nowMs - bucket.refilledAtMs)) / 1000.0;
    return std::min(m_burst, bucket.tokens + elapsedSeconds * m_rate);
}

std::optional<qint64> RateLimiter::acquire(const QString &key, qint64 nowMs)
{
    if (!isEnabled())
        return std::nullopt;
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_maxKeys)
            makeRoom(nowMs);
        it = m_buckets.insert(key, Bucket{m_burst, nowMs});
    }
    const double tokens = tokensAt(*it, nowMs);
    // A clock that steps back keeps the later refill time, so the same span is never credited twice.
    it->refilledAtMs = std::max(it->refilledAtMs, nowMs);
    if (tokens >= kWholeToken) {
        it->tokens = std::max(0.0, tokens - 1.0);
        return std::nullopt;
    }
    it->tokens = tokens;
    return qint64(std::ceil((1.0 - tokens) / m_rate * 1000.0 - 1e-6));
}

void RateLimiter::makeRoom(qint64 nowMs)
{
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (tokensAt(*it, nowMs) >= m_burst)
            it = m_buckets.erase(it);
        else
            ++it;
    }
    if (m_buckets.size() < m_maxKeys)
        return;
    // Everyone is busy: forget the half that was used longest ago (they get a full bucket if they return).
    std::vector<qint64> times;
    times.reserve(size_t(m_buckets.size()));
    for (const Bucket &bucket : std::as_const(m_buckets))
        times.push_back(bucket.refilledAtMs);
    const auto middle = times.begin() + std::ptrdiff_t(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    const qint64 cutoff = *middle;
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (it->refilledAtMs <= cutoff)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

} // namespace vestnik
