#pragma once

#include "model/Delivery.h"
#include "model/DeliveryEvent.h"
#include "util/Result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QVariant>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// Deliveries (one per notification x device) and their status trail.
class DeliveryRepository final
{
public:
    /// Rows per multi-row INSERT: far below SQLite's 32,766 and PostgreSQL's 65,535 bound values.
    static constexpr int kBatchRows = 100;

    DeliveryRepository(const Database &database, const Clock &clock);

    /// Inserts new deliveries as 'queued' with their first trail entry, in batched INSERTs within one
    /// transaction. A notification id that already exists is left as it is (a redelivered send job),
    /// so the call is idempotent; returns how many deliveries were new.
    Result<int> insertBatch(const QList<Delivery> &deliveries) const;
    /// Appends `status` to the trail and sets the first-time timestamp of that status (sent, delivered,
    /// opened, clicked, converted; failed and invalid_token set failed_at). The current status moves
    /// forward only: a report that arrives late (a 'sent' after 'delivered') is kept in the trail but
    /// does not set the status back. NotFound for an unknown notification.
    Result<void> recordStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                              const QString &detail = QString()) const;
    /// Schedules another attempt after a retryable error: 'retry_scheduled', attempts + 1, the next
    /// attempt time and the error; returns the attempts so far. NotFound for an unknown notification.
    Result<int> scheduleRetry(const QString &notificationId, qint64 nextAttemptAtMs, const QString &errorCode,
                              const QString &errorMessage) const;
    /// Up to `limit` deliveries whose retry is due at `nowMs`, the longest waiting first.
    Result<QList<Delivery>> dueForRetry(qint64 nowMs, int limit) const;
    /// The delivery, or nothing.
    Result<std::optional<Delivery>> find(const QString &notificationId) const;
    /// The delivery's status trail in the order it was recorded.
    Result<QList<DeliveryEvent>> trail(const QString &notificationId) const;
    /// How many deliveries are in each status (statuses with none are absent).
    Result<QMap<DeliveryStatus, qint64>> countsByStatus() const;
    /// How many deliveries of one campaign are in each status.
    Result<QMap<DeliveryStatus, qint64>> countsByStatus(const QString &campaignId) const;

private:
    Result<int> insertChunk(const QList<Delivery> &chunk, qint64 nowMs) const;
    Result<void> appendEvents(const QStringList &notificationIds, DeliveryStatus status, qint64 atMs,
                              const QString &detail) const;
    Result<QList<Delivery>> selectDeliveries(const QString &where, const QVariantList &values,
                                             const QString &what) const;
    Result<QMap<DeliveryStatus, qint64>> selectCounts(const QString &where, const QVariantList &values) const;

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
