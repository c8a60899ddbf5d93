#include "delivery/TokenBucket.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vestnik {

namespace {

// Refill arithmetic is in doubles: a token that is due at a whole millisecond may add up to 0.999999...
constexpr double kWholeToken = 1.0 - 1e-9;

} // namespace

Result<void> TokenBucket::validate(const Limit &limit)
{
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1))
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a rate limit needs a positive rate and a burst of at least 1 (got %1/s,"
                                        " burst %2)")
                             .arg(limit.ratePerSecond)
                             .arg(limit.burst));
    return {};
}

TokenBucket::TokenBucket(Limit defaults) : m_defaults(defaults)
{
    Q_ASSERT(validate(defaults).hasValue());
}

Result<void> TokenBucket::setLimit(const AppProvider &key, Limit limit)
{
    if (Result<void> valid = validate(limit); !valid)
        return valid;
    const QMutexLocker lock(&m_mutex);
    m_buckets.insert(key, Bucket{limit, limit.burst, std::numeric_limits<qint64>::min()});
    return {};
}

double TokenBucket::tokensAt(const Bucket &bucket, qint64 nowMs)
{
    // A bucket that has never been used (refilled "at the beginning of time") is full.
    if (bucket.refilledAtMs == std::numeric_limits<qint64>::min())
        return bucket.limit.burst;
    const double elapsedSeconds = double(std::max<qint64>(0, nowMs - bucket.refilledAtMs)) / 1000.0;
    return std::min(bucket.limit.burst, bucket.tokens + elapsedSeconds * bucket.limit.ratePerSecond);
}

bool TokenBucket::tryAcquire(const AppProvider &key, qint64 nowMs)
{
    const QMutexLocker lock(&m_mutex);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{m_defaults, m_defaults.burst, std::numeric_limits<qint64>::min()});
    const double tokens = tokensAt(*it, nowMs);
    // A clock that stepped back keeps the later refill time, so the same span is never credited twice.
    it->refilledAtMs = std::max(it->refilledAtMs, nowMs);
    if (tokens < kWholeToken) {
        it->tokens = tokens;
        return false;
    }
    it->tokens = std::max(0.0, tokens - 1.0);
    return true;
}

qint64 TokenBucket::nextAvailable(const AppProvider &key, qint64 nowMs) const
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_buckets.constFind(key);
    if (it == m_buckets.cend())
        return nowMs;
    const double tokens = tokensAt(*it, nowMs);
    if (tokens >= kWholeToken)
        return nowMs;
    // Counted from the later of now and the last refill, the same base tokensAt() uses.
    const qint64 base = std::max(nowMs, it->refilledAtMs);
    // The same slack as kWholeToken, the other way: 1.0000000001 ms is 1 ms, not 2.
    return base + qint64(std::ceil((1.0 - tokens) / it->limit.ratePerSecond * 1000.0 - 1e-6));
}

} // namespace vestnik
