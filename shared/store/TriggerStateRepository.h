#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace vestnik {

class Database;

/// What the trigger role keeps between events: which events it processed (and the send jobs each produced),
/// which rules fired for whom (frequency caps), the send jobs waiting for quiet hours to end, the users'
/// activity and attributes the events carry, and the data fields seen per event type (the console offers them as
/// template variables). A batch of events is written in one transaction.
class TriggerStateRepository final
{
public:
    explicit TriggerStateRepository(const Database &database);

    struct Activity {
        QString userId;
        QString eventType;
        qint64 atMs = 0;
    };
    struct Processed {
        QString eventId;
        QByteArray jobs; ///< JSON array of the send jobs' wire forms sent at once
    };
    struct Fire {
        qint64 ruleId = 0;
        QString userId;
        QString eventId;
        qint64 atMs = 0;
    };
    struct Scheduled {
        QString jobKey;
        QString userId;
        QByteArray body; ///< the send job's wire form
        qint64 dueAtMs = 0;
    };
    /// A data field (a dotted path such as "товар.название") seen in an event of a type.
    struct EventField {
        QString eventType;
        QString field;
    };
    /// One batch of processed events: written together or not at all.
    struct Batch {
        QList<Activity> activity;
        QHash<QString, QJsonObject> attributes; ///< per user: keys to set (merged into what is stored)
        QList<Processed> processed;
        QList<Fire> fires;
        QList<Scheduled> scheduled;
        QList<EventField> eventFields; ///< fields new to the process (their last_seen_at is set to the batch's time)
    };

    /// The stored jobs of those `eventIds` that were processed already.
    Result<QHash<QString, QByteArray>> processedJobs(const QStringList &eventIds) const;
    /// When each rule fired for each of `userIds` since `sinceMs`, as (rule id, user) -> firing times.
    Result<QHash<QPair<qint64, QString>, QList<qint64>>> firesSince(const QStringList &userIds, qint64 sinceMs) const;
    /// Writes a batch (creating the users it names) at `nowMs`, in one transaction.
    Result<void> commit(const Batch &batch, qint64 nowMs) const;
    /// The data fields seen per event type, both sorted; at most `limit` fields in all.
    Result<QMap<QString, QStringList>> eventFields(int limit = 10'000) const;

    /// Claims up to `limit` scheduled jobs due by `nowMs` for `owner` until `leaseUntilMs` (a claim that ran
    /// out may be taken by another worker); returns (job key, body).
    Result<QList<QPair<QString, QByteArray>>> claimDue(const QString &owner, qint64 nowMs, qint64 leaseUntilMs,
                                                       int limit) const;
    /// The scheduled jobs went to the bus.
    Result<void> removeScheduled(const QStringList &jobKeys) const;
    /// Forgets processed events received before `beforeMs` (the idempotency window) and firings before
    /// `firesBeforeMs`; returns how many rows went.
    Result<qint64> forget(qint64 beforeMs, qint64 firesBeforeMs) const;

private:
    /// commit() on PostgreSQL: the whole batch as one statement (data-modifying WITH clauses over unnest()ed
    /// arrays), which is atomic by itself: one round trip instead of BEGIN, a statement per table and COMMIT, and
    /// one text however many rows, so it stays prepared.
    Result<void> commitInOneStatement(const Batch &batch, qint64 nowMs) const;

    const Database &m_database;
};

} // namespace vestnik
