#pragma once

#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace vestnik {

/// A provider's Retry-After: either a delay in seconds or an absolute HTTP date (RFC 9110, section 10.2.3).
class RetryAfter final
{
public:
    /// Parses delta-seconds ("120") or an HTTP-date in any of the three forms RFC 9110 makes recipients
    /// accept (IMF-fixdate, RFC 850, asctime); nothing for anything else, including negative numbers.
    static std::optional<RetryAfter> parse(QByteArrayView value);
    static RetryAfter afterSeconds(qint64 seconds);
    static RetryAfter atMs(qint64 epochMs);

    /// The earliest time a retry may start, for a response received at `nowMs`.
    qint64 notBeforeMs(qint64 nowMs) const;
    bool isDate() const { return m_atMs.has_value(); }

    friend bool operator==(const RetryAfter &, const RetryAfter &) = default;

private:
    RetryAfter() = default;

    qint64 m_seconds = 0;
    std::optional<qint64> m_atMs;
};

} // namespace vestnik
