#include "store/TriggerStateRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"

#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace vestnik {

namespace {

constexpr int kRowsPerStatement = 100;

/// Runs `head` + "(?, ...), (?, ...)" + `tail` for the rows in chunks.
Result<void> insertRows(StatementCache &statements, const QString &head, int columns, const QList<QVariantList> &rows,
                        const QString &tail, const QString &what)
{
    for (qsizetype start = 0; start < rows.size(); start += kRowsPerStatement) {
        const qsizetype count = std::min<qsizetype>(kRowsPerStatement, rows.size() - start);
        const QString sql = head + sqlvalues::placeholderRows(count, columns) + tail;
        QVariantList values;
        values.reserve(count * columns);
        for (qsizetype i = 0; i < count; ++i)
            values += rows.at(start + i);
        Result<QSqlQuery> q = statements.run(sql, values, what);
        if (!q)
            return q.error();
    }
    return {};
}

const QString kActivityConflict = QStringLiteral(" ON CONFLICT (user_id, event_type) DO UPDATE SET"
                                                 " count = user_activity.count + excluded.count,"
                                                 " first_at = CASE WHEN excluded.first_at < user_activity.first_at"
                                                 " THEN excluded.first_at ELSE user_activity.first_at END,"
                                                 " last_at = CASE WHEN excluded.last_at > user_activity.last_at"
                                                 " THEN excluded.last_at ELSE user_activity.last_at END");

struct ActivitySum {
    qint64 count = 0;
    qint64 first = 0;
    qint64 last = 0;
};

/// Activity summed per (user, event type), in key order, so that one statement never touches a row twice.
std::map<std::pair<QString, QString>, ActivitySum> activitySums(const QList<TriggerStateRepository::Activity> &activity)
{
    std::map<std::pair<QString, QString>, ActivitySum> sums;
    for (const TriggerStateRepository::Activity &a : activity) {
        ActivitySum &sum = sums[{a.userId, a.eventType}];
        sum.first = sum.count == 0 ? a.atMs : std::min(sum.first, a.atMs);
        sum.last = sum.count == 0 ? a.atMs : std::max(sum.last, a.atMs);
        ++sum.count;
    }
    return sums;
}

/// Each (event type, field) once, in key order (two workers upserting the same fields lock them alike).
std::set<std::pair<QString, QString>> distinctFields(const QList<TriggerStateRepository::EventField> &fields)
{
    std::set<std::pair<QString, QString>> distinct;
    for (const TriggerStateRepository::EventField &f : fields)
        distinct.emplace(f.eventType, f.field);
    return distinct;
}

} // namespace

TriggerStateRepository::TriggerStateRepository(const Database &database) : m_database(database) {}

Result<QHash<QString, QByteArray>> TriggerStateRepository::processedJobs(const QStringList &eventIds) const
{
    QHash<QString, QByteArray> jobs;
    Result<void> read = m_database.selectByKeys(
        QStringLiteral("SELECT event_id, jobs FROM processed_events WHERE event_id IN "), eventIds, QString(),
        QStringLiteral("cannot look processed events up"), [&jobs](const QSqlQuery &q) -> Result<void> {
            jobs.insert(q.value(0).toString(), q.value(1).toString().toUtf8());
            return {};
        });
    if (!read)
        return read.error();
    return jobs;
}

Result<QHash<QPair<qint64, QString>, QList<qint64>>> TriggerStateRepository::firesSince(const QStringList &userIds,
                                                                                        qint64 sinceMs) const
{
    QHash<QPair<qint64, QString>, QList<qint64>> fires;
    Result<void> read = m_database.selectByKeys(
        QStringLiteral("SELECT rule_id, user_id, fired_at FROM trigger_fires WHERE fired_at > %1 AND user_id IN ")
            .arg(sinceMs),
        userIds, QString(), QStringLiteral("cannot read the rules' firings"),
        [&fires](const QSqlQuery &q) -> Result<void> {
            fires[qMakePair(q.value(0).toLongLong(), q.value(1).toString())].append(q.value(2).toLongLong());
            return {};
        });
    if (!read)
        return read.error();
    return fires;
}

Result<void> TriggerStateRepository::commit(const Batch &batch, qint64 nowMs) const
{
    if (m_database.dialect() == Dialect::Postgres)
        return commitInOneStatement(batch, nowMs);
    // The cache outlives the transaction: on PostgreSQL its statements can only be deallocated after the
    // rollback, not inside an aborted transaction (they would stay prepared for the session's lifetime).
    StatementCache statements(m_database);
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();

    // The users first: activity refers to them, and attributes are merged into them.
    QStringList users = batch.attributes.keys();
    for (const Activity &a : batch.activity)
        users.append(a.userId);
    users.removeDuplicates();
    QList<QVariantList> userRows;
    for (const QString &user : users)
        userRows.append({user, nowMs, nowMs});
    if (Result<void> done = insertRows(
            statements, QStringLiteral("INSERT INTO users (id, created_at, updated_at) VALUES "), 3, userRows,
            QStringLiteral(" ON CONFLICT (id) DO NOTHING"), QStringLiteral("cannot create the events' users"));
        !done)
        return done;

    if (!batch.attributes.isEmpty()) {
        QHash<QString, QJsonObject> stored;
        Result<void> read = m_database.selectByKeys(
            QStringLiteral("SELECT id, attributes FROM users WHERE id IN "), batch.attributes.keys(), QString(),
            QStringLiteral("cannot read user attributes"), [&stored](const QSqlQuery &q) -> Result<void> {
                Result<QJsonObject> object = sqlvalues::jsonObject(q.value(1), q.value(0).toString());
                if (!object)
                    return object.error();
                stored.insert(q.value(0).toString(), *object);
                return {};
            });
        if (!read)
            return read;
        for (auto it = batch.attributes.cbegin(); it != batch.attributes.cend(); ++it) {
            QJsonObject merged = stored.value(it.key());
            for (auto field = it->begin(); field != it->end(); ++field)
                merged.insert(field.key(), field.value());
            Result<QSqlQuery> q =
                statements.run(QStringLiteral("UPDATE users SET attributes = ?, updated_at = ? WHERE id = ?"),
                               {sqlvalues::jsonText(merged), nowMs, it.key()},
                               QStringLiteral("cannot update the attributes of user %1").arg(it.key()));
            if (!q)
                return q.error();
        }
    }

    QList<QVariantList> activityRows;
    for (const auto &[key, sum] : activitySums(batch.activity))
        activityRows.append({key.first, key.second, sum.count, sum.first, sum.last});
    if (Result<void> done = insertRows(
            statements,
            QStringLiteral("INSERT INTO user_activity (user_id, event_type, count, first_at, last_at) VALUES "), 5,
            activityRows, kActivityConflict, QStringLiteral("cannot record the events' activity"));
        !done)
        return done;

    QList<QVariantList> processedRows;
    for (const Processed &p : batch.processed)
        processedRows.append({p.eventId, nowMs, QString::fromUtf8(p.jobs)});
    if (Result<void> done =
            insertRows(statements, QStringLiteral("INSERT INTO processed_events (event_id, received_at, jobs) VALUES "),
                       3, processedRows, QStringLiteral(" ON CONFLICT (event_id) DO NOTHING"),
                       QStringLiteral("cannot record the processed events"));
        !done)
        return done;

    QList<QVariantList> fireRows;
    for (const Fire &f : batch.fires)
        fireRows.append({f.ruleId, f.userId, f.eventId, f.atMs});
    if (Result<void> done = insertRows(
            statements, QStringLiteral("INSERT INTO trigger_fires (rule_id, user_id, event_id, fired_at) VALUES "), 4,
            fireRows, QStringLiteral(" ON CONFLICT (rule_id, user_id, event_id) DO NOTHING"),
            QStringLiteral("cannot record the rules' firings"));
        !done)
        return done;

    QList<QVariantList> scheduledRows;
    for (const Scheduled &s : batch.scheduled)
        scheduledRows.append({s.jobKey, s.userId, QString::fromUtf8(s.body), s.dueAtMs});
    if (Result<void> done = insertRows(
            statements, QStringLiteral("INSERT INTO scheduled_sends (job_key, user_id, body, due_at) VALUES "), 4,
            scheduledRows, QStringLiteral(" ON CONFLICT (job_key) DO NOTHING"),
            QStringLiteral("cannot schedule the deferred sends"));
        !done)
        return done;

    QList<QVariantList> fieldRows;
    for (const auto &[type, field] : distinctFields(batch.eventFields))
        fieldRows.append({type, field, nowMs});
    if (Result<void> done = insertRows(
            statements, QStringLiteral("INSERT INTO event_fields (event_type, field, last_seen_at) VALUES "), 3,
            fieldRows,
            QStringLiteral(" ON CONFLICT (event_type, field) DO UPDATE SET last_seen_at = excluded.last_seen_at"),
            QStringLiteral("cannot record the events' data fields"));
        !done)
        return done;
    return tx.commit();
}

Result<void> TriggerStateRepository::commitInOneStatement(const Batch &batch, qint64 nowMs) const
{
    // Each WITH clause writes one table from arrays bound as single values. PostgreSQL runs every clause once and
    // to the end, all in the one statement: atomic without BEGIN and COMMIT. The clauses see the same snapshot and
    // never the same row (users with attributes are not among the plain ones), and the foreign key from
    // user_activity to users is checked at the statement's end, when the new users are there.
    static const QString sql =
        QStringLiteral(
            "WITH plain_users AS (INSERT INTO users (id, created_at, updated_at)"
            " SELECT id, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM unnest(CAST(? AS TEXT[])) AS u (id)"
            " ON CONFLICT (id) DO NOTHING),"
            " attributed_users AS (INSERT INTO users (id, attributes, created_at, updated_at)"
            " SELECT id, CAST(attributes AS JSONB), CAST(? AS BIGINT), CAST(? AS BIGINT)"
            " FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[])) AS u (id, attributes)"
            " ON CONFLICT (id) DO UPDATE SET attributes = users.attributes || excluded.attributes,"
            " updated_at = excluded.updated_at),"
            " activity_rows AS (INSERT INTO user_activity (user_id, event_type, count, first_at, last_at)"
            " SELECT * FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]),"
            " CAST(? AS BIGINT[]))")
        + kActivityConflict
        + QStringLiteral(
            "), processed_rows AS (INSERT INTO processed_events (event_id, received_at, jobs)"
            " SELECT event_id, CAST(? AS BIGINT), jobs FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]))"
            " AS p (event_id, jobs) ON CONFLICT (event_id) DO NOTHING),"
            " fire_rows AS (INSERT INTO trigger_fires (rule_id, user_id, event_id, fired_at)"
            " SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]))"
            " ON CONFLICT (rule_id, user_id, event_id) DO NOTHING),"
            " deferred_sends AS (INSERT INTO scheduled_sends (job_key, user_id, body, due_at)"
            " SELECT * FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]))"
            " ON CONFLICT (job_key) DO NOTHING),"
            " field_rows AS (INSERT INTO event_fields (event_type, field, last_seen_at)"
            " SELECT event_type, field, CAST(? AS BIGINT) FROM unnest(CAST(? AS TEXT[]), CAST(? AS TEXT[]))"
            " AS f (event_type, field)"
            " ON CONFLICT (event_type, field) DO UPDATE SET last_seen_at = excluded.last_seen_at)"
            " SELECT 1");

    // In key order, so that two workers writing the same users lock them alike.
    QStringList attributed = batch.attributes.keys();
    std::sort(attributed.begin(), attributed.end());
    QStringList attributes;
    attributes.reserve(attributed.size());
    for (const QString &user : std::as_const(attributed))
        attributes.append(sqlvalues::jsonText(batch.attributes.value(user)));
    QStringList plain;
    for (const Activity &a : batch.activity) {
        if (!batch.attributes.contains(a.userId))
            plain.append(a.userId);
    }
    std::sort(plain.begin(), plain.end());
    plain.erase(std::unique(plain.begin(), plain.end()), plain.end());

    QStringList activityUsers;
    QStringList activityTypes;
    QList<qint64> counts;
    QList<qint64> firsts;
    QList<qint64> lasts;
    for (const auto &[key, sum] : activitySums(batch.activity)) {
        activityUsers.append(key.first);
        activityTypes.append(key.second);
        counts.append(sum.count);
        firsts.append(sum.first);
        lasts.append(sum.last);
    }
    QStringList processedIds;
    QStringList processedJobs;
    for (const Processed &p : batch.processed) {
        processedIds.append(p.eventId);
        processedJobs.append(QString::fromUtf8(p.jobs));
    }
    QList<qint64> fireRules;
    QStringList fireUsers;
    QStringList fireEvents;
    QList<qint64> fireTimes;
    for (const Fire &f : batch.fires) {
        fireRules.append(f.ruleId);
        fireUsers.append(f.userId);
        fireEvents.append(f.eventId);
        fireTimes.append(f.atMs);
    }
    QStringList jobKeys;
    QStringList jobUsers;
    QStringList jobBodies;
    QList<qint64> dueTimes;
    for (const Scheduled &scheduled : batch.scheduled) {
        jobKeys.append(scheduled.jobKey);
        jobUsers.append(scheduled.userId);
        jobBodies.append(QString::fromUtf8(scheduled.body));
        dueTimes.append(scheduled.dueAtMs);
    }
    QStringList fieldTypes;
    QStringList fieldNames;
    for (const auto &[type, field] : distinctFields(batch.eventFields)) {
        fieldTypes.append(type);
        fieldNames.append(field);
    }

    using sqlvalues::bigintArray;
    using sqlvalues::textArray;
    const QVariantList values{nowMs,
                              nowMs,
                              textArray(plain),
                              nowMs,
                              nowMs,
                              textArray(attributed),
                              textArray(attributes),
                              textArray(activityUsers),
                              textArray(activityTypes),
                              bigintArray(counts),
                              bigintArray(firsts),
                              bigintArray(lasts),
                              nowMs,
                              textArray(processedIds),
                              textArray(processedJobs),
                              bigintArray(fireRules),
                              textArray(fireUsers),
                              textArray(fireEvents),
                              bigintArray(fireTimes),
                              textArray(jobKeys),
                              textArray(jobUsers),
                              textArray(jobBodies),
                              bigintArray(dueTimes),
                              nowMs,
                              textArray(fieldTypes),
                              textArray(fieldNames)};
    // The cache keeps the statement prepared on the connection for the next batch.
    StatementCache statements(m_database);
    Result<QSqlQuery> q =
        statements.run(sql, values,
                       QStringLiteral("cannot record a batch of %1 events (users, activity, processed events, firings,"
                                      " deferred sends, data fields)")
                           .arg(batch.processed.size()));
    if (!q)
        return q.error();
    return {};
}

Result<QMap<QString, QStringList>> TriggerStateRepository::eventFields(int limit) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT event_type, field FROM event_fields ORDER BY event_type, field LIMIT ?"),
                       {limit}, QStringLiteral("cannot read the events' data fields"));
    if (!q)
        return q.error();
    QMap<QString, QStringList> fields;
    while (q->next())
        fields[q->value(0).toString()].append(q->value(1).toString());
    for (QStringList &names : fields)
        names.sort(); // the same order on both dialects (their collations differ)
    return fields;
}

Result<QList<QPair<QString, QByteArray>>> TriggerStateRepository::claimDue(const QString &owner, qint64 nowMs,
                                                                           qint64 leaseUntilMs, int limit) const
{
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    // Select then claim with the same condition re-checked, so two workers never both take a row.
    Result<QSqlQuery> due =
        m_database.run(QStringLiteral("SELECT job_key FROM scheduled_sends WHERE due_at <= ?"
                                      " AND (claimed_by IS NULL OR claim_expires_at <= ?) ORDER BY due_at LIMIT ?"),
                       {nowMs, nowMs, limit}, QStringLiteral("cannot look the due sends up"));
    if (!due)
        return due.error();
    QStringList keys;
    while (due->next())
        keys.append(due->value(0).toString());
    due->finish();
    QList<QPair<QString, QByteArray>> claimed;
    for (const QString &key : keys) {
        Result<QSqlQuery> q = m_database.run(
            QStringLiteral("UPDATE scheduled_sends SET claimed_by = ?, claim_expires_at = ? WHERE job_key = ?"
                           " AND (claimed_by IS NULL OR claim_expires_at <= ?) RETURNING body"),
            {owner, leaseUntilMs, key, nowMs}, QStringLiteral("cannot claim the due send %1").arg(key));
        if (!q)
            return q.error();
        if (q->next())
            claimed.append({key, q->value(0).toString().toUtf8()});
    }
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return claimed;
}

Result<void> TriggerStateRepository::removeScheduled(const QStringList &jobKeys) const
{
    for (qsizetype start = 0; start < jobKeys.size(); start += Database::kKeysPerStatement) {
        const QStringList chunk = jobKeys.mid(start, Database::kKeysPerStatement);
        QVariantList values;
        for (const QString &key : chunk)
            values.append(key);
        Result<QSqlQuery> q = m_database.run(QStringLiteral("DELETE FROM scheduled_sends WHERE job_key IN ")
                                                 + sqlvalues::placeholderRow(int(chunk.size())),
                                             values, QStringLiteral("cannot remove sent scheduled jobs"));
        if (!q)
            return q.error();
    }
    return {};
}

Result<qint64> TriggerStateRepository::forget(qint64 beforeMs, qint64 firesBeforeMs) const
{
    Result<QSqlQuery> processed = m_database.run(QStringLiteral("DELETE FROM processed_events WHERE received_at < ?"),
                                                 {beforeMs}, QStringLiteral("cannot forget old processed events"));
    if (!processed)
        return processed.error();
    const qint64 events = processed->numRowsAffected();
    Result<QSqlQuery> fires = m_database.run(QStringLiteral("DELETE FROM trigger_fires WHERE fired_at < ?"),
                                             {firesBeforeMs}, QStringLiteral("cannot forget old firings"));
    if (!fires)
        return fires.error();
    return events + fires->numRowsAffected();
}

} // namespace vestnik
