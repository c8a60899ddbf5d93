#pragma once

#include <QString>

namespace vestnik {

/// What the retry policy decided for a failed attempt: retry at a time, or give up with a reason.
class RetryDecision final
{
public:
    /// Try again at `atMs` (milliseconds since the epoch, UTC).
    static RetryDecision retryAt(qint64 atMs) { return RetryDecision(atMs, QString(), QString()); }
    /// Stop: `reason` is a stable code ("retry.expired", "retry.exhausted"), `message` says why.
    static RetryDecision giveUp(QString reason, QString message)
    {
        return RetryDecision(-1, std::move(reason), std::move(message));
    }

    bool isRetry() const { return m_atMs >= 0; }
    qint64 atMs() const { return m_atMs; } ///< -1 for give-up
    const QString &reason() const { return m_reason; }
    const QString &message() const { return m_message; }

    friend bool operator==(const RetryDecision &, const RetryDecision &) = default;

private:
    RetryDecision(qint64 atMs, QString reason, QString message)
        : m_atMs(atMs), m_reason(std::move(reason)), m_message(std::move(message))
    {}

    qint64 m_atMs;
    QString m_reason;
    QString m_message;
};

} // namespace vestnik
