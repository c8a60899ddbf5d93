#pragma once

#include "model/Delivery.h"
#include "model/DeliveryEvent.h"
#include "model/DeliveryMetric.h"
#include "store/StatsRepository.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// Deliveries (one per notification x device) and their status trail. Every change also counts in the per-minute
/// statistics (StatsRepository), in the same transaction and only when the delivery really changed: a new row is
/// 'queued', a first 'sent', a first failure, a first delivered, opened, clicked or converted; every retry
/// scheduled. A redelivered send job or a report recorded twice therefore never counts twice.
class DeliveryRepository final
{
public:
    /// What a failure counts as in the statistics ('invalid_token' always counts as failed_invalid_token).
    enum class FailureCause {
        Permanent,   ///< the push itself (payload, TTL, retries exhausted, ...)
        Credentials, ///< the app's provider credentials did not work until the delivery gave up
    };

    /// Rows per multi-row INSERT: far below SQLite's 32,766 and PostgreSQL's 65,535 bound values.
    static constexpr int kBatchRows = 100;
    /// Bound values per statement on SQLite (see rowsPerStatement()).
    static constexpr int kSqliteValuesPerStatement = 200;

    /// A send job as stored beside its deliveries, so that a retry can render the push again.
    struct StoredJob {
        QString id; ///< SendJob::key()
        QString userId;
        QByteArray body; ///< SendJob::toJson()
    };
    /// The provider accepted a push.
    struct SentReport {
        QString notificationId;
        qint64 atMs = 0;
        QString providerMessageId;
    };
    /// Where a page of a user's deliveries ends: the last row's creation time and notification id.
    struct Position {
        qint64 createdAtMs = 0;
        QString notificationId;
    };

    DeliveryRepository(const Database &database, const Clock &clock);

    /// Inserts new deliveries as 'queued' with their first trail entry, in batched INSERTs within one
    /// transaction. A notification id that already exists is left as it is (a redelivered send job),
    /// so the call is idempotent; returns how many deliveries were new.
    Result<int> insertBatch(const QList<Delivery> &deliveries) const;
    /// What a sender does before it sends, in one transaction: stores the send jobs (a known id is kept),
    /// inserts the deliveries (a known notification id is kept) and claims for `workerId`, with a lease of
    /// `leaseMs`, every one of them that is new or still 'queued'. Returns the claimed notification ids:
    /// those to send now. The others are done, wait for a retry, or are another worker's; a repeated job
    /// therefore never sends again what already succeeded. A claimed row is 'sending' until its outcome is
    /// recorded; if the worker dies first, the lease runs out and claimDueRetries() hands it out again.
    Result<QSet<QString>> insertAndClaim(const QList<StoredJob> &jobs, const QList<Delivery> &deliveries,
                                         const QString &workerId, qint64 leaseMs) const;
    /// The stored bodies of these send jobs, by id (unknown ids are absent).
    Result<QHash<QString, QByteArray>> jobBodies(const QStringList &jobIds) const;
    /// Appends `status` to the trail and sets the first-time timestamp of that status (sent, delivered,
    /// opened, clicked, converted; failed and invalid_token set failed_at). The current status moves
    /// forward only: a report that arrives late (a 'sent' after 'delivered') is kept in the trail but
    /// does not set the status back. NotFound for an unknown notification.
    /// Records a report the app made about the push (delivered, opened, clicked with `action`, dismissed) in the
    /// trail, once: false, and nothing written, when the same report for this notification was recorded before
    /// (by any worker; the table's key decides).
    Result<bool> recordReport(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                              const QString &action) const;
    Result<void> recordStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                              const QString &detail = QString()) const;
    /// Records that the provider accepted the push: 'sent' as recordStatus() does, plus the provider's
    /// message id (kept in the row and as the trail entry's detail). NotFound for an unknown notification.
    Result<void> recordSent(const QString &notificationId, qint64 atMs, const QString &providerMessageId) const;
    /// recordSent() for many deliveries in one transaction (a statement per kBatchRows), releasing their
    /// claims. Unknown notification ids are skipped; returns how many rows were updated.
    Result<int> recordSentBatch(const QList<SentReport> &reports) const;
    /// Records the end of a delivery that will not be retried: `status` is 'failed' or 'invalid_token'
    /// (InvalidArgument otherwise), the error code and message are kept in the row and in the trail; a first
    /// failure counts in the statistics as `cause` says. NotFound for an unknown notification.
    Result<void> recordFailure(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                               const QString &errorCode, const QString &errorMessage,
                               FailureCause cause = FailureCause::Permanent) const;
    /// Schedules another attempt after a retryable error: 'retry_scheduled', attempts + 1, the next
    /// attempt time and the error, and releases a claim; returns the attempts so far. NotFound for an
    /// unknown notification.
    Result<int> scheduleRetry(const QString &notificationId, qint64 nextAttemptAtMs, const QString &errorCode,
                              const QString &errorMessage) const;
    /// Up to `limit` deliveries whose retry is due at `nowMs`, the longest waiting first.
    Result<QList<Delivery>> dueForRetry(qint64 nowMs, int limit) const;
    /// Claims up to `limit` deliveries for `workerId` to send again: retries due at `nowMs` and claims whose
    /// lease ran out (their worker died). Claimed rows move to 'sending' with a lease until
    /// `nowMs + leaseMs` and a trail entry, in one transaction, so two workers (threads, processes,
    /// machines) never claim the same row. Returned in the order they became due, longest waiting first.
    /// The claim ends with the next recordSent(), recordFailure() or scheduleRetry().
    Result<QList<Delivery>> claimDueRetries(qint64 nowMs, int limit, const QString &workerId, qint64 leaseMs) const;
    /// The delivery, or nothing.
    Result<std::optional<Delivery>> find(const QString &notificationId) const;
    /// The delivery's status trail in the order it was recorded. The usual entries, 'queued' and a first 'sent'
    /// recorded by recordSentBatch(), are read from the delivery row; the others are stored one by one.
    Result<QList<DeliveryEvent>> trail(const QString &notificationId) const;
    /// Up to `limit` deliveries of a user, newest first (creation time, then notification id, both descending),
    /// starting after `before` (the last row of the previous page) when given. Served by deliveries_by_user.
    Result<QList<Delivery>> forUser(const QString &userId, int limit,
                                    const std::optional<Position> &before = std::nullopt) const;
    /// How many deliveries are in each status (statuses with none are absent).
    Result<QMap<DeliveryStatus, qint64>> countsByStatus() const;
    /// How many deliveries of one campaign are in each status.
    Result<QMap<DeliveryStatus, qint64>> countsByStatus(const QString &campaignId) const;

private:
    struct Claim {
        QString workerId;
        qint64 expiresAtMs = 0;
    };

    /// Database::run(), or the batch's statement cache while a batch method runs on this thread.
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what) const;
    /// Rows per multi-row statement of `columns` values each.
    qsizetype rowsPerStatement(int columns) const;
    static Result<void> validateNew(const QList<Delivery> &deliveries);
    Result<void> insertJobs(const QList<StoredJob> &jobs, qint64 nowMs) const;
    /// Inserts the rows that are new ('sending' under `claim` when there is one, else 'queued'); their ids.
    /// Each new row counts as 'queued' in `tally`.
    Result<QStringList> insertChunk(const QList<Delivery> &chunk, qint64 nowMs, const Claim *claim,
                                    StatsRepository::Tally &tally) const;
    Result<QStringList> claimQueued(const QStringList &notificationIds, qint64 nowMs, const Claim &claim) const;
    /// insertAndClaim() on PostgreSQL: the jobs, the new rows and their statistics in one statement (atomic by
    /// itself, one round trip, one text for any number of rows); rows that existed already are claimed after it,
    /// if still 'queued'.
    Result<QSet<QString>> insertAndClaimInOneStatement(const QList<StoredJob> &jobs, const QList<Delivery> &deliveries,
                                                       qint64 nowMs, const Claim &claim) const;
    /// One statement of recordSentBatch() (every notification id in it at most once); adds the ids of the rows
    /// it updated to `updated`.
    Result<void> recordSentChunk(const QList<SentReport> &chunk, qint64 nowMs, QSet<QString> &updated,
                                 StatsRepository::Tally &tally) const;
    /// recordSentBatch() on PostgreSQL when no row has two reports: one statement.
    Result<int> recordSentInOneStatement(const QList<SentReport> &reports, qint64 nowMs) const;
    Result<void> appendSentEvents(const QList<SentReport> &reports, const QSet<QString> &ids) const;
    Result<void> appendEvents(const QStringList &notificationIds, DeliveryStatus status, qint64 atMs,
                              const QString &detail) const;
    /// Moves the row to `status` (never back a stage) and appends the trail entry, in the caller's transaction;
    /// `metric`, if any, counts in `tally` when the row reached the status for the first time.
    Result<void> applyStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs, const QString &detail,
                             const QString &extraAssignments, const QVariantList &extraValues,
                             std::optional<DeliveryMetric> metric, StatsRepository::Tally &tally) const;
    /// applyStatus() in a transaction of its own, with its statistics.
    Result<void> updateStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs, const QString &detail,
                              const QString &extraAssignments, const QVariantList &extraValues,
                              std::optional<DeliveryMetric> metric) const;
    /// Adds `tally` to the statistics in the caller's transaction: the last statements before its commit, so the
    /// statistics' rows stay locked as briefly as possible.
    Result<void> addStats(const StatsRepository::Tally &tally) const;
    Result<QList<Delivery>> claimRows(qint64 nowMs, int limit, const QString &workerId, qint64 leaseMs) const;
    Result<QList<Delivery>> selectDeliveries(const QString &where, const QVariantList &values,
                                             const QString &what) const;
    Result<QMap<DeliveryStatus, qint64>> selectCounts(const QString &where, const QVariantList &values) const;

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
