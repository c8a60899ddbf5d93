#include "store/DeliveryRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

#include <QStringList>

#include <algorithm>
#include <utility>

namespace vestnik {

namespace {

/// The statement cache of the batch this thread is working on, if any (see BatchScope).
thread_local StatementCache *tlBatchStatements = nullptr;

/// While it lives, this thread's statements on `database` are prepared once and reused.
class BatchScope final
{
public:
    explicit BatchScope(const Database &database) : m_cache(database), m_outer(tlBatchStatements)
    {
        tlBatchStatements = &m_cache;
    }
    ~BatchScope() { tlBatchStatements = m_outer; }
    Q_DISABLE_COPY_MOVE(BatchScope)

private:
    StatementCache m_cache;
    StatementCache *m_outer;
};

const QString kColumns = QStringLiteral(
    "notification_id, user_id, device_id, app_id, platform, template_id, template_version, campaign_id, event_id,"
    " status, attempts, next_attempt_at, provider_message_id, error_code, error_message, created_at, updated_at,"
    " sent_at, delivered_at, opened_at, clicked_at, converted_at, failed_at, job_id, expires_at, rule_id");

constexpr int kInsertColumns = 17;
constexpr int kEventColumns = 4;

// trail_flags (migration 0006): which entries of a delivery's trail its row stands for instead of
// delivery_events. A 'sent' is read from the row only while nothing was stored before it, so a trail read
// back is in the order it was recorded: the row's entries first, then the stored ones.
constexpr int kTrailQueuedFromRow = 1;
constexpr int kTrailSentFromRow = 2;
constexpr int kTrailStoredEntries = 4;
// The ids of entries read from the row: below every stored id, in trail order.
constexpr qint64 kQueuedFromRowId = -1;
constexpr qint64 kSentFromRowId = 0;

// The assignment every statement makes that also stores a trail entry for the row.
const QString kStoresTrailEntry = QStringLiteral(", trail_flags = trail_flags | %1").arg(kTrailStoredEntries);
// Keeps the detail of a 'sent' read from the row before a later report changes provider_message_id.
const QString kKeepsFirstSentDetail =
    QStringLiteral(", first_sent_detail = CASE WHEN (trail_flags & %1) = %1 AND first_sent_detail IS NULL"
                   " THEN COALESCE(provider_message_id, '') ELSE first_sent_detail END")
        .arg(kTrailSentFromRow);

// How far along the lifecycle a status is; the current status never moves to a lower stage, because
// reports race (the app's 'delivered' can arrive before the sender records 'sent').
int stage(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::Queued:
    case DeliveryStatus::Sending:
    case DeliveryStatus::RetryScheduled: return 0;
    case DeliveryStatus::Sent:
    case DeliveryStatus::Failed:
    case DeliveryStatus::InvalidToken: return 1;
    case DeliveryStatus::Delivered: return 2;
    case DeliveryStatus::Opened:
    case DeliveryStatus::Dismissed: return 3;
    case DeliveryStatus::Clicked: return 4;
    case DeliveryStatus::Converted: return 5;
    }
    return 0;
}

// The stage of the stored status as an SQL expression, built from the constants above (no values).
const QString &storedStageSql()
{
    static const QString sql = []() -> QString {
        QString s = QStringLiteral("(CASE status");
        const QList<DeliveryStatus> statuses = allDeliveryStatuses();
        for (DeliveryStatus status : statuses)
            s += QStringLiteral(" WHEN '%1' THEN %2").arg(deliveryStatusName(status)).arg(stage(status));
        s += QStringLiteral(" ELSE 0 END)");
        return s;
    }();
    return sql;
}

/// The UPDATE of recordSentBatch() from a WITH clause `sent` (sent_id, message_id, sent_time), each row once; takes
/// the 'sent' stage, the status name and the time of the change. The status moves forward only, as in
/// recordStatus(); the first 'sent' time stays; the claim ends. A row whose trail so far is only its 'queued' stands
/// for this 'sent' too; any other gets a stored entry.
const QString &sentUpdateSql()
{
    static const QString sql =
        QStringLiteral("UPDATE deliveries SET status = CASE WHEN ") + storedStageSql()
        + QStringLiteral(" <= ? THEN ? ELSE status END, updated_at = ?,"
                         " newly_reached = CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END,"
                         " sent_at = COALESCE(sent_at, sent.sent_time),"
                         " provider_message_id = COALESCE(sent.message_id, provider_message_id)")
        + kKeepsFirstSentDetail
        + QStringLiteral(", trail_flags = CASE WHEN trail_flags = %1 THEN %2 ELSE trail_flags | %3 END,"
                         " claimed_by = NULL, claim_expires_at = NULL"
                         " FROM sent WHERE notification_id = sent.sent_id"
                         " RETURNING notification_id, trail_flags, newly_reached, template_id, rule_id, sent_at")
              .arg(kTrailQueuedFromRow)
              .arg(kTrailQueuedFromRow | kTrailSentFromRow)
              .arg(kTrailStoredEntries);
    return sql;
}

// The column that keeps the first time a status was reported, if it has one.
QString timestampColumn(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::Sent: return QStringLiteral("sent_at");
    case DeliveryStatus::Delivered: return QStringLiteral("delivered_at");
    case DeliveryStatus::Opened: return QStringLiteral("opened_at");
    case DeliveryStatus::Clicked: return QStringLiteral("clicked_at");
    case DeliveryStatus::Converted: return QStringLiteral("converted_at");
    case DeliveryStatus::Failed:
    case DeliveryStatus::InvalidToken: return QStringLiteral("failed_at");
    case DeliveryStatus::Queued:
    case DeliveryStatus::Sending:
    case DeliveryStatus::RetryScheduled:
    case DeliveryStatus::Dismissed: return QString();
    }
    return QString();
}

// What reaching `status` for the first time counts as in the statistics, if anything.
std::optional<DeliveryMetric> firstTimeMetric(DeliveryStatus status, DeliveryRepository::FailureCause cause)
{
    switch (status) {
    case DeliveryStatus::Sent: return DeliveryMetric::Sent;
    case DeliveryStatus::Failed:
        return cause == DeliveryRepository::FailureCause::Credentials ? DeliveryMetric::FailedCredentials
                                                                      : DeliveryMetric::FailedPermanent;
    case DeliveryStatus::InvalidToken: return DeliveryMetric::FailedInvalidToken;
    case DeliveryStatus::Delivered: return DeliveryMetric::Delivered;
    case DeliveryStatus::Opened: return DeliveryMetric::Opened;
    case DeliveryStatus::Clicked: return DeliveryMetric::Clicked;
    case DeliveryStatus::Converted: return DeliveryMetric::Converted;
    case DeliveryStatus::Queued:
    case DeliveryStatus::Sending:
    case DeliveryStatus::RetryScheduled:
    case DeliveryStatus::Dismissed: return std::nullopt;
    }
    return std::nullopt;
}

Result<Delivery> deliveryFrom(const QSqlQuery &q)
{
    Delivery d;
    d.notificationId = q.value(0).toString();
    d.userId = q.value(1).toString();
    d.deviceId = q.value(2).toLongLong();
    d.appId = q.value(3).toString();
    const std::optional<Platform> platform = platformFromName(q.value(4).toString());
    const std::optional<DeliveryStatus> status = deliveryStatusFromName(q.value(9).toString());
    if (!platform || !status)
        return makeError(ErrorCode::Database, QStringLiteral("delivery %1 has an unknown platform '%2' or status '%3'")
                                                  .arg(d.notificationId, q.value(4).toString(), q.value(9).toString()));
    d.platform = *platform;
    d.templateId = q.value(5).toString();
    d.templateVersion = sqlvalues::optionalInt(q.value(6));
    d.campaignId = q.value(7).toString();
    d.eventId = q.value(8).toString();
    d.status = *status;
    d.attempts = q.value(10).toInt();
    d.nextAttemptAtMs = sqlvalues::optionalInt64(q.value(11));
    d.providerMessageId = q.value(12).toString();
    d.errorCode = q.value(13).toString();
    d.errorMessage = q.value(14).toString();
    d.createdAtMs = q.value(15).toLongLong();
    d.updatedAtMs = q.value(16).toLongLong();
    d.sentAtMs = sqlvalues::optionalInt64(q.value(17));
    d.deliveredAtMs = sqlvalues::optionalInt64(q.value(18));
    d.openedAtMs = sqlvalues::optionalInt64(q.value(19));
    d.clickedAtMs = sqlvalues::optionalInt64(q.value(20));
    d.convertedAtMs = sqlvalues::optionalInt64(q.value(21));
    d.failedAtMs = sqlvalues::optionalInt64(q.value(22));
    d.jobId = q.value(23).toString();
    d.expiresAtMs = sqlvalues::optionalInt64(q.value(24));
    d.ruleId = q.value(25).toString();
    return d;
}

// Runs a statement whose result columns are kColumns and reads every row.
Result<QList<Delivery>> readDeliveries(const Database &database, const QString &sql, const QVariantList &values,
                                       const QString &what)
{
    Result<QSqlQuery> q = database.run(sql, values, what);
    if (!q)
        return q.error();
    QList<Delivery> deliveries;
    while (q->next()) {
        Result<Delivery> delivery = deliveryFrom(*q);
        if (!delivery)
            return delivery.error();
        deliveries.append(std::move(*delivery));
    }
    return deliveries;
}

Error unknownNotification(const QString &what)
{
    return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such delivery"));
}

} // namespace

DeliveryRepository::DeliveryRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<int> DeliveryRepository::insertBatch(const QList<Delivery> &deliveries) const
{
    const BatchScope batch(m_database);
    if (Result<void> valid = validateNew(deliveries); !valid)
        return valid.error();
    if (deliveries.isEmpty())
        return 0;
    const qint64 now = m_clock.nowMs();
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    int inserted = 0;
    StatsRepository::Tally tally;
    const qsizetype rows = rowsPerStatement(kInsertColumns);
    for (qsizetype from = 0; from < deliveries.size(); from += rows) {
        Result<QStringList> fresh = insertChunk(deliveries.mid(from, rows), now, nullptr, tally);
        if (!fresh)
            return fresh.error();
        inserted += int(fresh->size());
    }
    if (Result<void> counted = addStats(tally); !counted)
        return counted.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return inserted;
}

Result<QSet<QString>> DeliveryRepository::insertAndClaim(const QList<StoredJob> &jobs,
                                                         const QList<Delivery> &deliveries, const QString &workerId,
                                                         qint64 leaseMs) const
{
    const BatchScope batch(m_database);
    if (Result<void> valid = validateNew(deliveries); !valid)
        return valid.error();
    if (workerId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a claim needs a worker id"));
    const qint64 now = m_clock.nowMs();
    const Claim claim{workerId, now + leaseMs};
    if (m_database.dialect() == Dialect::Postgres)
        return insertAndClaimInOneStatement(jobs, deliveries, now, claim);
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    const qsizetype jobRows = rowsPerStatement(4);
    for (qsizetype from = 0; from < jobs.size(); from += jobRows) {
        if (Result<void> stored = insertJobs(jobs.mid(from, jobRows), now); !stored)
            return stored.error();
    }
    QSet<QString> claimed;
    claimed.reserve(deliveries.size());
    StatsRepository::Tally tally;
    const qsizetype rows = rowsPerStatement(kInsertColumns);
    for (qsizetype from = 0; from < deliveries.size(); from += rows) {
        const QList<Delivery> chunk = deliveries.mid(from, rows);
        Result<QStringList> fresh = insertChunk(chunk, now, &claim, tally);
        if (!fresh)
            return fresh.error();
        for (const QString &id : std::as_const(*fresh))
            claimed.insert(id);
        if (fresh->size() == chunk.size())
            continue;
        // Rows that were there already: a repeated job. Only those still waiting ('queued') are claimed;
        // sent or failed ones are done, retries belong to the retry scanner, claimed ones to their worker.
        QStringList existing;
        for (const Delivery &d : chunk) {
            if (!claimed.contains(d.notificationId))
                existing.append(d.notificationId);
        }
        Result<QStringList> queued = claimQueued(existing, now, claim);
        if (!queued)
            return queued.error();
        for (const QString &id : std::as_const(*queued))
            claimed.insert(id);
    }
    if (Result<void> counted = addStats(tally); !counted)
        return counted.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return claimed;
}

Result<QSet<QString>> DeliveryRepository::insertAndClaimInOneStatement(const QList<StoredJob> &jobs,
                                                                       const QList<Delivery> &deliveries, qint64 nowMs,
                                                                       const Claim &claim) const
{
    static const QString sql =
        QStringLiteral(
            "WITH new_jobs AS (INSERT INTO send_jobs (id, user_id, body, created_at)"
            " SELECT id, user_id, body, CAST(? AS BIGINT)"
            " FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS j (id, user_id, body)"
            " ON CONFLICT (id) DO NOTHING),"
            " fresh AS (INSERT INTO deliveries (notification_id, user_id, device_id, app_id, platform, template_id,"
            " template_version, campaign_id, event_id, status, created_at, updated_at, job_id, expires_at,"
            " claimed_by, claim_expires_at, rule_id, trail_flags)"
            " SELECT notification_id, user_id, device_id, app_id, platform, template_id, template_version,"
            " campaign_id, event_id, CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), job_id, expires_at,"
            " CAST(? AS TEXT), CAST(? AS BIGINT), rule_id, %1"
            " FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]),"
            " CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]),"
            " CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]))"
            " AS d (notification_id, user_id, device_id, app_id, platform, template_id, template_version,"
            " campaign_id, event_id, job_id, expires_at, rule_id)"
            " ON CONFLICT (notification_id) DO NOTHING"
            " RETURNING notification_id, template_id, rule_id, created_at AS at),"
            " counted AS (")
            .arg(kTrailQueuedFromRow)
        + StatsRepository::countRowsSql(DeliveryMetric::Queued, QStringLiteral("fresh"), QStringLiteral("TRUE"))
        + QStringLiteral(") SELECT notification_id FROM fresh");

    QStringList jobIds;
    QStringList jobUsers;
    QStringList jobBodies;
    for (const StoredJob &job : jobs) {
        if (job.id.isEmpty() || job.userId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("a stored send job needs an id and a user"));
        jobIds.append(job.id);
        jobUsers.append(job.userId);
        jobBodies.append(QString::fromUtf8(job.body));
    }
    // Optional texts are NULL when empty, as sqlvalues::nullableText() binds them one by one.
    const auto nullable = [](const QString &text) { return text.isEmpty() ? QString() : text; };
    QStringList ids;
    QStringList users;
    QStringList apps;
    QStringList platforms;
    QStringList templates;
    QStringList campaigns;
    QStringList events;
    QStringList jobsOfRows;
    QStringList rules;
    QList<qint64> devices;
    QList<std::optional<qint64>> versions;
    QList<std::optional<qint64>> expiries;
    for (const Delivery &d : deliveries) {
        ids.append(d.notificationId);
        users.append(d.userId);
        devices.append(d.deviceId);
        apps.append(d.appId);
        platforms.append(platformName(d.platform));
        templates.append(nullable(d.templateId));
        versions.append(d.templateVersion ? std::optional<qint64>(*d.templateVersion) : std::nullopt);
        campaigns.append(nullable(d.campaignId));
        events.append(nullable(d.eventId));
        jobsOfRows.append(nullable(d.jobId));
        expiries.append(d.expiresAtMs);
        rules.append(nullable(d.ruleId));
    }
    using sqlvalues::bigintArray;
    using sqlvalues::textArray;
    const QVariantList values{nowMs,
                              textArray(jobIds),
                              textArray(jobUsers),
                              textArray(jobBodies),
                              deliveryStatusName(DeliveryStatus::Sending),
                              nowMs,
                              nowMs,
                              claim.workerId,
                              claim.expiresAtMs,
                              textArray(ids),
                              textArray(users),
                              bigintArray(devices),
                              textArray(apps),
                              textArray(platforms),
                              textArray(templates),
                              bigintArray(versions),
                              textArray(campaigns),
                              textArray(events),
                              textArray(jobsOfRows),
                              bigintArray(expiries),
                              textArray(rules)};
    Result<QSqlQuery> q = run(sql, values,
                              QStringLiteral("cannot store %1 send jobs and insert %2 deliveries starting with %3")
                                  .arg(jobs.size())
                                  .arg(deliveries.size())
                                  .arg(deliveries.isEmpty() ? QString() : deliveries.constFirst().notificationId));
    if (!q)
        return q.error();
    QSet<QString> claimed;
    claimed.reserve(deliveries.size());
    while (q->next())
        claimed.insert(q->value(0).toString());
    q->finish();

    // Rows that were there already: a repeated job. Only those still waiting ('queued') are claimed; sent or
    // failed ones are done, retries belong to the retry scanner, claimed ones to their worker.
    QStringList existing;
    QSet<QString> listed;
    for (const Delivery &d : deliveries) {
        if (!claimed.contains(d.notificationId) && !listed.contains(d.notificationId)) {
            listed.insert(d.notificationId);
            existing.append(d.notificationId);
        }
    }
    if (existing.isEmpty())
        return claimed;
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    for (qsizetype from = 0; from < existing.size(); from += kBatchRows) {
        Result<QStringList> queued = claimQueued(existing.mid(from, kBatchRows), nowMs, claim);
        if (!queued)
            return queued.error();
        for (const QString &id : std::as_const(*queued))
            claimed.insert(id);
    }
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return claimed;
}

Result<QSqlQuery> DeliveryRepository::run(const QString &sql, const QVariantList &values, const QString &what) const
{
    if (tlBatchStatements && &tlBatchStatements->database() == &m_database)
        return tlBatchStatements->run(sql, values, what);
    return m_database.run(sql, values, what);
}

Result<void> DeliveryRepository::addStats(const StatsRepository::Tally &tally) const
{
    const QList<StatsRepository::Statement> statements =
        StatsRepository::upserts(tally, rowsPerStatement(StatsRepository::kValuesPerRow));
    for (const StatsRepository::Statement &statement : statements) {
        Result<QSqlQuery> q =
            run(statement.sql, statement.values,
                QStringLiteral("cannot count %1 groups in the delivery statistics").arg(tally.groups()));
        if (!q)
            return q.error();
    }
    return {};
}

qsizetype DeliveryRepository::rowsPerStatement(int columns) const
{
    // Qt's SQLite driver looks up every bound value's name in a list as long as the statement's values, so a
    // statement's cost grows with the square of its values: there, short statements win (measured with
    // bench/dispatch_throughput). PostgreSQL pays per round trip instead.
    if (m_database.dialect() == Dialect::Sqlite)
        return std::max<qsizetype>(1, kSqliteValuesPerStatement / columns);
    return kBatchRows;
}

Result<void> DeliveryRepository::validateNew(const QList<Delivery> &deliveries)
{
    for (const Delivery &d : deliveries) {
        if (d.notificationId.isEmpty() || d.userId.isEmpty() || d.appId.isEmpty())
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("a delivery needs a notification id, a user and an app (got '%1')")
                                 .arg(d.notificationId));
    }
    return {};
}

Result<void> DeliveryRepository::insertJobs(const QList<StoredJob> &jobs, qint64 nowMs) const
{
    if (jobs.isEmpty())
        return {};
    const QString sql = QStringLiteral("INSERT INTO send_jobs (id, user_id, body, created_at) VALUES ")
                        + sqlvalues::placeholderRows(int(jobs.size()), 4)
                        + QStringLiteral(" ON CONFLICT (id) DO NOTHING");
    QVariantList values;
    values.reserve(jobs.size() * 4);
    for (const StoredJob &job : jobs) {
        if (job.id.isEmpty() || job.userId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("a stored send job needs an id and a user"));
        values << job.id << job.userId << QString::fromUtf8(job.body) << nowMs;
    }
    Result<QSqlQuery> q =
        run(sql, values,
            QStringLiteral("cannot store %1 send jobs starting with %2").arg(jobs.size()).arg(jobs.constFirst().id));
    if (!q)
        return q.error();
    return {};
}

Result<QHash<QString, QByteArray>> DeliveryRepository::jobBodies(const QStringList &jobIds) const
{
    QHash<QString, QByteArray> bodies;
    Result<void> read = m_database.selectByKeys(
        QStringLiteral("SELECT id, body FROM send_jobs WHERE id IN "), jobIds, QString(),
        QStringLiteral("cannot read %1 send jobs").arg(jobIds.size()), [&bodies](const QSqlQuery &q) -> Result<void> {
            bodies.insert(q.value(0).toString(), q.value(1).toString().toUtf8());
            return {};
        });
    if (!read)
        return read.error();
    return bodies;
}

Result<QStringList> DeliveryRepository::insertChunk(const QList<Delivery> &chunk, qint64 nowMs, const Claim *claim,
                                                    StatsRepository::Tally &tally) const
{
    // The row stands for its 'queued' trail entry (at created_at): no delivery_events row is written.
    static const QString row =
        sqlvalues::placeholderRow(kInsertColumns).chopped(1) + QStringLiteral(", %1)").arg(kTrailQueuedFromRow);
    QStringList rows;
    rows.reserve(chunk.size());
    for (qsizetype i = 0; i < chunk.size(); ++i)
        rows.append(row);
    const QString sql = QStringLiteral("INSERT INTO deliveries (notification_id, user_id, device_id, app_id, platform,"
                                       " template_id, template_version, campaign_id, event_id, status, created_at,"
                                       " updated_at, job_id, expires_at, claimed_by, claim_expires_at, rule_id,"
                                       " trail_flags)"
                                       " VALUES ")
                        + rows.join(QStringLiteral(", "))
                        + QStringLiteral(" ON CONFLICT (notification_id) DO NOTHING RETURNING notification_id");
    QVariantList values;
    values.reserve(chunk.size() * kInsertColumns);
    // A claimed row starts as 'sending' (its trail still begins with 'queued'); the claim is released by the
    // outcome that is recorded next, or runs out for the retry scanner when the worker dies first.
    const QString status = deliveryStatusName(claim ? DeliveryStatus::Sending : DeliveryStatus::Queued);
    const QVariant claimedBy = claim ? QVariant(claim->workerId) : QVariant(QMetaType::fromType<QString>());
    const QVariant claimExpires = claim ? QVariant(claim->expiresAtMs) : QVariant(QMetaType::fromType<qint64>());
    for (const Delivery &d : chunk) {
        values << d.notificationId << d.userId << d.deviceId << d.appId << platformName(d.platform)
               << sqlvalues::nullableText(d.templateId) << sqlvalues::nullable(d.templateVersion)
               << sqlvalues::nullableText(d.campaignId) << sqlvalues::nullableText(d.eventId) << status << nowMs
               << nowMs << sqlvalues::nullableText(d.jobId) << sqlvalues::nullable(d.expiresAtMs) << claimedBy
               << claimExpires << sqlvalues::nullableText(d.ruleId);
    }
    Result<QSqlQuery> q = run(sql, values,
                              QStringLiteral("cannot insert %1 deliveries starting with %2")
                                  .arg(chunk.size())
                                  .arg(chunk.constFirst().notificationId));
    if (!q)
        return q.error();
    QStringList fresh;
    while (q->next())
        fresh.append(q->value(0).toString());
    q->finish();
    if (fresh.isEmpty())
        return fresh;
    // Only the rows this statement created: a redelivered job's rows were counted when they were new.
    const QSet<QString> created(fresh.cbegin(), fresh.cend());
    for (const Delivery &d : chunk) {
        if (created.contains(d.notificationId))
            tally.add(nowMs, d.templateId, d.ruleId, DeliveryMetric::Queued);
    }
    return fresh;
}

Result<QStringList> DeliveryRepository::claimQueued(const QStringList &notificationIds, qint64 nowMs,
                                                    const Claim &claim) const
{
    if (notificationIds.isEmpty())
        return QStringList();
    QVariantList values{deliveryStatusName(DeliveryStatus::Sending), claim.workerId, claim.expiresAtMs, nowMs};
    for (const QString &id : notificationIds)
        values << id;
    values << deliveryStatusName(DeliveryStatus::Queued);
    Result<QSqlQuery> q =
        run(QStringLiteral("UPDATE deliveries SET status = ?, claimed_by = ?, claim_expires_at = ?, updated_at = ?")
                + kStoresTrailEntry + QStringLiteral(" WHERE notification_id IN ")
                + sqlvalues::placeholderRow(int(notificationIds.size()))
                + QStringLiteral(" AND status = ? RETURNING notification_id"),
            values, QStringLiteral("cannot claim %1 queued deliveries").arg(notificationIds.size()));
    if (!q)
        return q.error();
    QStringList claimed;
    while (q->next())
        claimed.append(q->value(0).toString());
    q->finish();
    if (!claimed.isEmpty()) {
        if (Result<void> events = appendEvents(claimed, DeliveryStatus::Sending, nowMs, claim.workerId); !events)
            return events.error();
    }
    return claimed;
}

Result<int> DeliveryRepository::recordSentBatch(const QList<SentReport> &reports) const
{
    const BatchScope batch(m_database);
    if (reports.isEmpty())
        return 0;
    const qint64 now = m_clock.nowMs();
    if (m_database.dialect() == Dialect::Postgres) {
        QSet<QString> ids;
        for (const SentReport &report : reports)
            ids.insert(report.notificationId);
        if (ids.size() == reports.size()) // else a row's second report needs a statement after the first
            return recordSentInOneStatement(reports, now);
    }
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    QSet<QString> updated;
    StatsRepository::Tally tally;
    const qsizetype perStatement = rowsPerStatement(3);
    // A statement updates each row once, so a second report for the same row waits for the next statement.
    QList<SentReport> pending = reports;
    while (!pending.isEmpty()) {
        QList<SentReport> chunk;
        QList<SentReport> later;
        QSet<QString> ids;
        for (SentReport &report : pending) {
            if (chunk.size() < perStatement && !ids.contains(report.notificationId)) {
                ids.insert(report.notificationId);
                chunk.append(std::move(report));
            } else {
                later.append(std::move(report));
            }
        }
        pending = std::move(later);
        if (Result<void> recorded = recordSentChunk(chunk, now, updated, tally); !recorded)
            return recorded.error();
    }
    if (Result<void> counted = addStats(tally); !counted)
        return counted.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return int(updated.size());
}

Result<int> DeliveryRepository::recordSentInOneStatement(const QList<SentReport> &reports, qint64 nowMs) const
{
    // The update, the trail entries of rows whose 'sent' cannot be read from the row, and the statistics of rows
    // sent for the first time (in the minute they were accepted): one statement, atomic by itself.
    static const QString sql =
        QStringLiteral("WITH sent (sent_id, message_id, sent_time) AS (SELECT * FROM unnest(CAST(? AS TEXT[]),"
                       " CAST(? AS TEXT[]), CAST(? AS BIGINT[]))), updated AS (")
        + sentUpdateSql() + QStringLiteral(" AS at") // the last column returned is sent_at
        + QStringLiteral("), stored_entries AS (INSERT INTO delivery_events (notification_id, status, at, detail)"
                         " SELECT sent.sent_id, CAST(? AS TEXT), sent.sent_time, COALESCE(sent.message_id, '')"
                         " FROM updated JOIN sent ON sent.sent_id = updated.notification_id"
                         " WHERE updated.trail_flags <> %1), counted AS (")
              .arg(kTrailQueuedFromRow | kTrailSentFromRow)
        + StatsRepository::countRowsSql(DeliveryMetric::Sent, QStringLiteral("updated"),
                                        QStringLiteral("c.newly_reached = 1"))
        + QStringLiteral(") SELECT COUNT(*) FROM updated");
    QStringList ids;
    QStringList messageIds;
    QList<qint64> times;
    for (const SentReport &report : reports) {
        ids.append(report.notificationId);
        messageIds.append(report.providerMessageId.isEmpty() ? QString() : report.providerMessageId);
        times.append(report.atMs);
    }
    const QString sent = deliveryStatusName(DeliveryStatus::Sent);
    Result<QSqlQuery> q = run(sql,
                              {sqlvalues::textArray(ids), sqlvalues::textArray(messageIds),
                               sqlvalues::bigintArray(times), stage(DeliveryStatus::Sent), sent, nowMs, sent},
                              QStringLiteral("cannot record %1 sent deliveries starting with %2")
                                  .arg(reports.size())
                                  .arg(reports.constFirst().notificationId));
    if (!q)
        return q.error();
    const int updated = q->next() ? q->value(0).toInt() : 0;
    q->finish();
    return updated;
}

Result<void> DeliveryRepository::recordSentChunk(const QList<SentReport> &chunk, qint64 nowMs, QSet<QString> &updated,
                                                 StatsRepository::Tally &tally) const
{
    // One statement per chunk: the reports as a VALUES list joined to their rows. The status moves forward
    // only, as in recordStatus(); the first 'sent' time stays; the claim ends. A row whose trail so far is
    // only its 'queued' stands for this 'sent' too; any other gets a stored entry.
    QStringList rows;
    rows.reserve(chunk.size());
    QVariantList values;
    values.reserve(chunk.size() * 3 + 3);
    for (const SentReport &report : chunk) {
        rows.append(QStringLiteral("(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT))"));
        values << report.notificationId << sqlvalues::nullableText(report.providerMessageId) << report.atMs;
    }
    values << stage(DeliveryStatus::Sent) << deliveryStatusName(DeliveryStatus::Sent) << nowMs;
    static const QString assignments = QStringLiteral(") ") + sentUpdateSql();
    const QString sql = QStringLiteral("WITH sent (sent_id, message_id, sent_time) AS (VALUES ")
                        + rows.join(QStringLiteral(", ")) + assignments;
    Result<QSqlQuery> q = run(sql, values,
                              QStringLiteral("cannot record %1 sent deliveries starting with %2")
                                  .arg(chunk.size())
                                  .arg(chunk.constFirst().notificationId));
    if (!q)
        return q.error();
    QSet<QString> stored; // updated rows whose 'sent' is a stored entry
    while (q->next()) {
        QString id = q->value(0).toString();
        if (q->value(1).toInt() != (kTrailQueuedFromRow | kTrailSentFromRow))
            stored.insert(id);
        if (q->value(2).toInt() == 1) // sent for the first time: counted in the minute it was accepted
            tally.add(q->value(5).toLongLong(), q->value(3).toString(), q->value(4).toString(), DeliveryMetric::Sent);
        updated.insert(std::move(id));
    }
    q->finish();
    return appendSentEvents(chunk, stored);
}

Result<void> DeliveryRepository::appendSentEvents(const QList<SentReport> &reports, const QSet<QString> &ids) const
{
    QVariantList values;
    values.reserve(reports.size() * kEventColumns);
    int rows = 0;
    const QString sent = deliveryStatusName(DeliveryStatus::Sent);
    for (const SentReport &report : reports) {
        if (!ids.contains(report.notificationId))
            continue;
        values << report.notificationId << sent << report.atMs << sqlvalues::text(report.providerMessageId);
        ++rows;
    }
    if (rows == 0)
        return {};
    Result<QSqlQuery> q =
        run(QStringLiteral("INSERT INTO delivery_events (notification_id, status, at, detail) VALUES ")
                + sqlvalues::placeholderRows(rows, kEventColumns),
            values, QStringLiteral("cannot append 'sent' to the trail of %1 deliveries").arg(rows));
    if (!q)
        return q.error();
    return {};
}

Result<void> DeliveryRepository::appendEvents(const QStringList &notificationIds, DeliveryStatus status, qint64 atMs,
                                              const QString &detail) const
{
    const QString sql = QStringLiteral("INSERT INTO delivery_events (notification_id, status, at, detail) VALUES ")
                        + sqlvalues::placeholderRows(int(notificationIds.size()), kEventColumns);
    QVariantList values;
    values.reserve(notificationIds.size() * kEventColumns);
    const QString name = deliveryStatusName(status);
    for (const QString &id : notificationIds)
        values << id << name << atMs << sqlvalues::text(detail);
    Result<QSqlQuery> q = run(
        sql, values, QStringLiteral("cannot append '%1' to the trail of %2 deliveries").arg(name).arg(values.size()));
    if (!q)
        return q.error();
    return {};
}

Result<void> DeliveryRepository::recordStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                                              const QString &detail) const
{
    return updateStatus(notificationId, status, atMs, detail, QString(), {},
                        firstTimeMetric(status, FailureCause::Permanent));
}

Result<void> DeliveryRepository::recordSent(const QString &notificationId, qint64 atMs,
                                            const QString &providerMessageId) const
{
    return updateStatus(notificationId, DeliveryStatus::Sent, atMs, providerMessageId,
                        kKeepsFirstSentDetail
                            + QStringLiteral(", provider_message_id = COALESCE(?, provider_message_id)"),
                        {sqlvalues::nullableText(providerMessageId)}, DeliveryMetric::Sent);
}

Result<void> DeliveryRepository::recordFailure(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                                               const QString &errorCode, const QString &errorMessage,
                                               FailureCause cause) const
{
    if (status != DeliveryStatus::Failed && status != DeliveryStatus::InvalidToken)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a failure of delivery %1 is 'failed' or 'invalid_token', not '%2'")
                             .arg(notificationId, deliveryStatusName(status)));
    const QString detail = errorMessage.isEmpty() ? errorCode : errorCode + QStringLiteral(": ") + errorMessage;
    return updateStatus(notificationId, status, atMs, detail, QStringLiteral(", error_code = ?, error_message = ?"),
                        {sqlvalues::nullableText(errorCode), sqlvalues::nullableText(errorMessage)},
                        firstTimeMetric(status, cause));
}

Result<void> DeliveryRepository::updateStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                                              const QString &detail, const QString &extraAssignments,
                                              const QVariantList &extraValues,
                                              std::optional<DeliveryMetric> metric) const
{
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    StatsRepository::Tally tally;
    if (Result<void> applied =
            applyStatus(notificationId, status, atMs, detail, extraAssignments, extraValues, metric, tally);
        !applied)
        return applied;
    if (Result<void> counted = addStats(tally); !counted)
        return counted;
    return tx.commit();
}

Result<bool> DeliveryRepository::recordReport(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                                              const QString &action) const
{
    const QString what =
        QStringLiteral("cannot record the app's '%1' for delivery %2").arg(deliveryStatusName(status), notificationId);
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    Result<QSqlQuery> claimed = run(
        QStringLiteral("INSERT INTO tracking_reports (notification_id, event, action, reported_at)"
                       " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
        {notificationId, deliveryStatusName(status), action.isEmpty() ? QStringLiteral("") : action, m_clock.nowMs()},
        what);
    if (!claimed)
        return claimed.error();
    if (claimed->numRowsAffected() == 0)
        return false; // reported before
    claimed->finish();
    StatsRepository::Tally tally;
    if (Result<void> applied = applyStatus(notificationId, status, atMs, action, QString(), {},
                                           firstTimeMetric(status, FailureCause::Permanent), tally);
        !applied)
        return applied.error();
    if (Result<void> counted = addStats(tally); !counted)
        return counted.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return true;
}

Result<void> DeliveryRepository::applyStatus(const QString &notificationId, DeliveryStatus status, qint64 atMs,
                                             const QString &detail, const QString &extraAssignments,
                                             const QVariantList &extraValues, std::optional<DeliveryMetric> metric,
                                             StatsRepository::Tally &tally) const
{
    const QString what =
        QStringLiteral("cannot record '%1' for delivery %2").arg(deliveryStatusName(status), notificationId);
    QString sql = QStringLiteral("UPDATE deliveries SET status = CASE WHEN ") + storedStageSql()
                  + QStringLiteral(" <= ? THEN ? ELSE status END, updated_at = ?") + kStoresTrailEntry;
    QVariantList values{stage(status), deliveryStatusName(status), m_clock.nowMs()};
    const QString column = timestampColumn(status);
    if (!column.isEmpty()) {
        // The SET expressions see the row as it was: newly_reached says whether this is the first time.
        sql += QStringLiteral(", newly_reached = CASE WHEN %1 IS NULL THEN 1 ELSE 0 END, %1 = COALESCE(%1, ?)")
                   .arg(column);
        values << atMs;
    }
    sql +=
        extraAssignments + QStringLiteral(" WHERE notification_id = ? RETURNING newly_reached, template_id, rule_id");
    values << extraValues << notificationId;

    Result<QSqlQuery> q = run(sql, values, what);
    if (!q)
        return q.error();
    if (!q->next())
        return unknownNotification(what);
    if (metric && !column.isEmpty() && q->value(0).toInt() == 1)
        tally.add(atMs, q->value(1).toString(), q->value(2).toString(), *metric);
    q->finish();
    return appendEvents({notificationId}, status, atMs, detail);
}

Result<int> DeliveryRepository::scheduleRetry(const QString &notificationId, qint64 nextAttemptAtMs,
                                              const QString &errorCode, const QString &errorMessage) const
{
    const QString what = QStringLiteral("cannot schedule a retry of delivery %1").arg(notificationId);
    const qint64 now = m_clock.nowMs();
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    Result<QSqlQuery> q = run(
        QStringLiteral("UPDATE deliveries SET status = CASE WHEN ") + storedStageSql()
            + QStringLiteral(" <= ? THEN ? ELSE status END, attempts = attempts + 1, next_attempt_at = ?,"
                             " error_code = ?, error_message = ?, updated_at = ?, claimed_by = NULL,"
                             " claim_expires_at = NULL")
            + kStoresTrailEntry + QStringLiteral(" WHERE notification_id = ? RETURNING attempts, template_id, rule_id"),
        {stage(DeliveryStatus::RetryScheduled), deliveryStatusName(DeliveryStatus::RetryScheduled), nextAttemptAtMs,
         sqlvalues::nullableText(errorCode), sqlvalues::nullableText(errorMessage), now, notificationId},
        what);
    if (!q)
        return q.error();
    if (!q->next())
        return unknownNotification(what);
    const int attempts = q->value(0).toInt();
    StatsRepository::Tally tally;
    tally.add(now, q->value(1).toString(), q->value(2).toString(), DeliveryMetric::Retry);
    q->finish();
    const QString detail = errorMessage.isEmpty() ? errorCode : errorCode + QStringLiteral(": ") + errorMessage;
    if (Result<void> event = appendEvents({notificationId}, DeliveryStatus::RetryScheduled, now, detail); !event)
        return event.error();
    if (Result<void> counted = addStats(tally); !counted)
        return counted.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return attempts;
}

Result<QList<Delivery>> DeliveryRepository::selectDeliveries(const QString &where, const QVariantList &values,
                                                             const QString &what) const
{
    return readDeliveries(m_database,
                          QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM deliveries WHERE ") + where,
                          values, what);
}

Result<QList<Delivery>> DeliveryRepository::dueForRetry(qint64 nowMs, int limit) const
{
    // The status is a literal so that the partial index on due retries serves the query.
    static const QString where =
        QStringLiteral("status = '%1' AND next_attempt_at <= ? ORDER BY next_attempt_at, notification_id LIMIT ?")
            .arg(deliveryStatusName(DeliveryStatus::RetryScheduled));
    return selectDeliveries(where, {nowMs, limit}, QStringLiteral("cannot read the deliveries due for retry"));
}

Result<QList<Delivery>> DeliveryRepository::claimDueRetries(qint64 nowMs, int limit, const QString &workerId,
                                                            qint64 leaseMs) const
{
    if (workerId.isEmpty() || limit <= 0 || leaseMs <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("claiming retries needs a worker id, a positive limit and a positive lease"
                                        " (got '%1', %2, %3 ms)")
                             .arg(workerId)
                             .arg(limit)
                             .arg(leaseMs));
    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    Result<QList<Delivery>> claimed = claimRows(nowMs, limit, workerId, leaseMs);
    if (!claimed)
        return claimed.error();
    if (claimed->isEmpty())
        return claimed; // the destructor rolls back a transaction that changed nothing
    QStringList ids;
    ids.reserve(claimed->size());
    for (const Delivery &d : *claimed)
        ids << d.notificationId;
    if (Result<void> events =
            appendEvents(ids, DeliveryStatus::Sending, nowMs, QStringLiteral("retry claimed by %1").arg(workerId));
        !events)
        return events.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    // RETURNING gives no order; hand them out about as they became due (a row claimed when it was inserted
    // has no retry time: its creation stands in for when its lost claim began).
    const auto dueAt = [](const Delivery &d) { return d.nextAttemptAtMs.value_or(d.createdAtMs); };
    std::sort(claimed->begin(), claimed->end(), [&dueAt](const Delivery &a, const Delivery &b) {
        return std::pair(dueAt(a), a.notificationId) < std::pair(dueAt(b), b.notificationId);
    });
    return claimed;
}

Result<QList<Delivery>> DeliveryRepository::claimRows(qint64 nowMs, int limit, const QString &workerId,
                                                      qint64 leaseMs) const
{
    // Due: a retry whose time has come, or a claim whose worker let its lease run out. The statuses are
    // literals so that the partial indexes on both serve the query.
    static const QString due =
        QStringLiteral("SELECT notification_id FROM deliveries"
                       " WHERE (status = '%1' AND next_attempt_at <= ?) OR (status = '%2' AND claim_expires_at <= ?)"
                       " ORDER BY CASE WHEN status = '%2' THEN claim_expires_at ELSE next_attempt_at END,"
                       " notification_id LIMIT ?")
            .arg(deliveryStatusName(DeliveryStatus::RetryScheduled), deliveryStatusName(DeliveryStatus::Sending));
    const QVariantList dueValues{nowMs, nowMs, limit};
    const QVariantList setValues{deliveryStatusName(DeliveryStatus::Sending), workerId, nowMs + leaseMs, nowMs};
    const QString set =
        QStringLiteral("UPDATE deliveries SET status = ?, claimed_by = ?, claim_expires_at = ?, updated_at = ?")
        + kStoresTrailEntry;

    QString sql;
    QVariantList values;
    if (m_database.dialect() == Dialect::Postgres) {
        // SKIP LOCKED: rows another worker is claiming right now are passed over, not waited for; the CTE's
        // own column name keeps the RETURNING list unambiguous.
        sql = QStringLiteral("WITH due (claim_id) AS (") + due + QStringLiteral(" FOR UPDATE SKIP LOCKED) ") + set
              + QStringLiteral(" FROM due WHERE notification_id = due.claim_id RETURNING ") + kColumns;
        values << dueValues << setValues;
    } else {
        // Under BEGIN IMMEDIATE this connection is the only writer, so select and update cannot interleave.
        sql = set + QStringLiteral(" WHERE notification_id IN (") + due + QStringLiteral(") RETURNING ") + kColumns;
        values << setValues << dueValues;
    }
    return readDeliveries(m_database, sql, values, QStringLiteral("cannot claim the deliveries due for retry"));
}

Result<std::optional<Delivery>> DeliveryRepository::find(const QString &notificationId) const
{
    Result<QList<Delivery>> found = selectDeliveries(QStringLiteral("notification_id = ?"), {notificationId},
                                                     QStringLiteral("cannot read delivery %1").arg(notificationId));
    if (!found)
        return found.error();
    if (found->isEmpty())
        return std::optional<Delivery>();
    return std::optional<Delivery>(found->constFirst());
}

Result<QList<Delivery>> DeliveryRepository::forUser(const QString &userId, int limit,
                                                    const std::optional<Position> &before) const
{
    const QString what = QStringLiteral("cannot read the deliveries of user %1").arg(userId);
    if (limit <= 0)
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": the limit must be positive"));
    if (!before)
        return selectDeliveries(QStringLiteral("user_id = ? ORDER BY created_at DESC, notification_id DESC LIMIT ?"),
                                {userId, limit}, what);
    return selectDeliveries(
        QStringLiteral("user_id = ? AND (created_at < ? OR (created_at = ? AND notification_id < ?))"
                       " ORDER BY created_at DESC, notification_id DESC LIMIT ?"),
        {userId, before->createdAtMs, before->createdAtMs, before->notificationId, limit}, what);
}

Result<QList<DeliveryEvent>> DeliveryRepository::trail(const QString &notificationId) const
{
    const QString what = QStringLiteral("cannot read the trail of delivery %1").arg(notificationId);
    QList<DeliveryEvent> events;
    // First the entries the row stands for (recorded before any stored one), then the stored entries.
    Result<QSqlQuery> row = run(QStringLiteral("SELECT trail_flags, created_at, sent_at,"
                                               " COALESCE(first_sent_detail, provider_message_id, '')"
                                               " FROM deliveries WHERE notification_id = ?"),
                                {notificationId}, what);
    if (!row)
        return row.error();
    if (row->next()) {
        const int flags = row->value(0).toInt();
        if (flags & kTrailQueuedFromRow)
            events.append(DeliveryEvent{kQueuedFromRowId, notificationId, DeliveryStatus::Queued,
                                        row->value(1).toLongLong(), QStringLiteral("")});
        if ((flags & kTrailSentFromRow) && !row->value(2).isNull())
            events.append(DeliveryEvent{kSentFromRowId, notificationId, DeliveryStatus::Sent,
                                        row->value(2).toLongLong(), row->value(3).toString()});
    }
    row->finish();
    Result<QSqlQuery> q = run(QStringLiteral("SELECT id, notification_id, status, at, detail"
                                             " FROM delivery_events WHERE notification_id = ? ORDER BY id"),
                              {notificationId}, what);
    if (!q)
        return q.error();
    while (q->next()) {
        const std::optional<DeliveryStatus> status = deliveryStatusFromName(q->value(2).toString());
        if (!status)
            return makeError(ErrorCode::Database,
                             what + QStringLiteral(": unknown status '%1'").arg(q->value(2).toString()));
        events.append(DeliveryEvent{q->value(0).toLongLong(), q->value(1).toString(), *status, q->value(3).toLongLong(),
                                    q->value(4).toString()});
    }
    return events;
}

Result<QMap<DeliveryStatus, qint64>> DeliveryRepository::selectCounts(const QString &where,
                                                                      const QVariantList &values) const
{
    Result<QSqlQuery> q =
        run(QStringLiteral("SELECT status, COUNT(*) FROM deliveries") + where + QStringLiteral(" GROUP BY status"),
            values, QStringLiteral("cannot count deliveries by status"));
    if (!q)
        return q.error();
    QMap<DeliveryStatus, qint64> counts;
    while (q->next()) {
        const std::optional<DeliveryStatus> status = deliveryStatusFromName(q->value(0).toString());
        if (!status)
            return makeError(ErrorCode::Database,
                             QStringLiteral("deliveries hold an unknown status '%1'").arg(q->value(0).toString()));
        counts.insert(*status, q->value(1).toLongLong());
    }
    return counts;
}

Result<QMap<DeliveryStatus, qint64>> DeliveryRepository::countsByStatus() const
{
    return selectCounts(QString(), {});
}

Result<QMap<DeliveryStatus, qint64>> DeliveryRepository::countsByStatus(const QString &campaignId) const
{
    return selectCounts(QStringLiteral(" WHERE campaign_id = ?"), {campaignId});
}

} // namespace vestnik
