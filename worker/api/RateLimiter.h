#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace vestnik {

/// Token buckets per API client (a token's subject, or a network address). Unlike delivery's TokenBucket
/// (per app and provider, a handful of keys we create), the keys here are chosen by whoever connects, so the
/// table is bounded: buckets that have refilled completely carry no state worth keeping and are dropped when
/// the table is full, and if that is not enough, the longest-unused ones go. Not thread-safe (the API's thread).
class RateLimiter final
{
public:
    /// `ratePerSecond` <= 0 switches limiting off; `burst` is raised to at least one request.
    RateLimiter(double ratePerSecond, double burst, int maxKeys = 100'000);

    bool isEnabled() const { return m_rate > 0; }
    /// Takes a token for `key` at `nowMs`: nothing if one was there, else how many milliseconds until one is.
    std::optional<qint64> acquire(const QString &key, qint64 nowMs);
    int keyCount() const { return int(m_buckets.size()); }

private:
    struct Bucket {
        double tokens = 0;
        qint64 refilledAtMs = 0;
    };

    double tokensAt(const Bucket &bucket, qint64 nowMs) const;
    void makeRoom(qint64 nowMs);

    const double m_rate;
    const double m_burst;
    const int m_maxKeys;
    QHash<QString, Bucket> m_buckets;
};

} // namespace vestnik
