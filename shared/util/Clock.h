#pragma once

#include <QDateTime>

#include <atomic>
#include <chrono>

namespace vestnik {

/// Source of "now"; injected everywhere time matters so tests can move it.
class Clock
{
public:
    virtual ~Clock() = default;
    /// Wall-clock time, UTC.
    virtual QDateTime now() const = 0;
    /// Milliseconds since the Unix epoch, UTC: the unit timestamps are stored in.
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }
};

/// The real clock.
class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
    /// A process-wide instance for code that is given no other clock.
    static const SystemClock &instance();
};

/// A clock that only moves when told to (tests).
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'767'225'600'000) : m_ms(startMs) {} // 2026-01-01T00:00:00Z
    QDateTime now() const override { return QDateTime::fromMSecsSinceEpoch(m_ms.load(), Qt::UTC); }
    void setMs(qint64 ms) { m_ms = ms; }
    void advance(std::chrono::milliseconds by) { m_ms += by.count(); }

private:
    std::atomic<qint64> m_ms;
};

} // namespace vestnik
