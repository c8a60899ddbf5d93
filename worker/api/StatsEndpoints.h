#pragma once

#include "store/StatsRepository.h"
#include "util/Result.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace vestnik {

class ApiResponse;
class ApiServer;
class Clock;
class Database;
struct ApiRequest;

/// The console's live statistics: `GET /v1/stats?from=&to=&template_id=&rule_id=` answers the delivery metrics
/// (queued, sent, failed by cause, retries, delivered, opened, clicked, converted) of a minute-aligned range, in
/// total and per minute with every minute present (zero-filled). Read from the per-minute table only, so the
/// console may poll it every few seconds. Any console role; services get 403. Minutes older than the retention
/// (stats.retention_days) are deleted every kRetentionIntervalMs.
class StatsEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatsEndpoints)

public:
    /// The range when neither end is given, and the widest one answered.
    static constexpr qint64 kDefaultRangeMs = 60LL * 60'000;
    static constexpr qint64 kMaxRangeMs = 7LL * 24 * 60 * 60'000;

    /// The database and clock must outlive the endpoints.
    StatsEndpoints(const Database &database, const Clock &clock, QObject *parent = nullptr);
    ~StatsEndpoints() override;

    Result<void> addRoutes(ApiServer &api);
    /// The JSON answer for the minute-aligned range [fromMs, toMs): `from`, `to`, `step_ms`, `totals` and `series`
    /// (every minute, zero-filled). What the route answers after checking the request (and what
    /// bench/stats_query measures).
    Result<QByteArray> report(qint64 fromMs, qint64 toMs, const StatsRepository::Filter &filter) const;

    /// Keeps the minutes of the last `retention` only: deletes older ones now and every kRetentionIntervalMs.
    /// Zero keeps every minute. Several workers may do it at once: each deletes what is left.
    void startRetention(std::chrono::milliseconds retention);
    /// One pass of retention (what the timer runs): the rows deleted.
    Result<qint64> forgetOld() const;
    static constexpr int kRetentionIntervalMs = 10 * 60'000;

private:
    ApiResponse stats(const ApiRequest &request) const;
    void retentionDue() const;

    const Clock &m_clock;
    std::unique_ptr<StatsRepository> m_stats;
    std::chrono::milliseconds m_retention{0};
    QTimer m_retentionTimer;
};

} // namespace vestnik
