#pragma once

#include "delivery/AppProvider.h"
#include "util/Result.h"

#include <QHash>
#include <QMutex>

namespace vestnik {

/// Token-bucket rate limits per app and provider. Every key starts with a full bucket of the default limit
/// unless it has its own. Time comes in as an argument (from the caller's injected clock); a clock that
/// steps back refills nothing. Thread-safe.
class TokenBucket final
{
public:
    /// A rate limit: `ratePerSecond` tokens a second on average, at most `burst` at once.
    struct Limit {
        double ratePerSecond = 0;
        double burst = 0;
    };

    /// InvalidArgument unless the rate is positive and the burst at least one token.
    static Result<void> validate(const Limit &limit);

    /// `defaults` must be valid (see validate()).
    explicit TokenBucket(Limit defaults);
    Q_DISABLE_COPY_MOVE(TokenBucket)

    /// Gives `key` its own limit (the bucket starts full); an invalid limit is refused and changes nothing.
    Result<void> setLimit(const AppProvider &key, Limit limit);
    /// Takes a token for `key` if one is available at `nowMs`.
    bool tryAcquire(const AppProvider &key, qint64 nowMs);
    /// The earliest time a token is available for `key` (`nowMs` if one is already there).
    qint64 nextAvailable(const AppProvider &key, qint64 nowMs) const;

private:
    struct Bucket {
        Limit limit;
        double tokens = 0;
        qint64 refilledAtMs = 0;
    };

    /// The tokens `bucket` holds at `nowMs`.
    static double tokensAt(const Bucket &bucket, qint64 nowMs);

    const Limit m_defaults;
    mutable QMutex m_mutex;
    QHash<AppProvider, Bucket> m_buckets;
};

} // namespace vestnik
