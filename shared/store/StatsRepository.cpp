#include "store/StatsRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"

#include <QStringList>

#include <algorithm>

namespace vestnik {

namespace {

// The scopes a count is kept at (column `scope`, see migration 0010).
enum Scope { PerTemplateAndRule = 0, PerTemplate = 1, PerRule = 2, Everything = 3 };

/// The metrics' columns ("queued, sent, ..."), each named as its metric.
QString metricColumns()
{
    QStringList names;
    for (int i = 0; i < kDeliveryMetricCount; ++i)
        names << deliveryMetricName(DeliveryMetric(i));
    return names.join(QStringLiteral(", "));
}

/// "queued = delivery_stats_minute.queued + excluded.queued, ..."
QString metricSums()
{
    QStringList sums;
    for (int i = 0; i < kDeliveryMetricCount; ++i)
        sums
            << QStringLiteral("%1 = delivery_stats_minute.%1 + excluded.%1").arg(deliveryMetricName(DeliveryMetric(i)));
    return sums.join(QStringLiteral(", "));
}

} // namespace

void StatsRepository::Tally::add(qint64 atMs, const QString &templateId, const QString &ruleId, DeliveryMetric metric,
                                 qint64 count)
{
    if (count == 0)
        return;
    const qint64 minute = minuteOf(atMs);
    const QString empty = QStringLiteral("");
    const QString &t = templateId.isNull() ? empty : templateId;
    const QString &r = ruleId.isNull() ? empty : ruleId;
    const auto i = std::size_t(metric);
    m_counts[Key{PerTemplateAndRule, t, r, minute}][i] += count;
    m_counts[Key{PerTemplate, t, empty, minute}][i] += count;
    m_counts[Key{PerRule, empty, r, minute}][i] += count;
    m_counts[Key{Everything, empty, empty, minute}][i] += count;
}

qint64 StatsRepository::minuteOf(qint64 atMs)
{
    const qint64 floor = atMs / kMinuteMs * kMinuteMs;
    return floor > atMs ? floor - kMinuteMs : floor;
}

QString StatsRepository::countRowsSql(DeliveryMetric metric, const QString &rows, const QString &condition)
{
    // minuteOf() in SQL: the floor also for times before 1970. Text compared as Tally's keys are (code units; the
    // "C" collation orders UTF-8 by code points, the same outside the supplementary planes).
    return QStringLiteral("INSERT INTO delivery_stats_minute (scope, template_id, rule_id, minute_start, %1)"
                          " SELECT scope, template_key, rule_key, minute_key, COUNT(*) FROM (SELECT s.scope,"
                          " CASE WHEN s.scope IN (%4, %5) THEN COALESCE(c.template_id, '') ELSE '' END AS template_key,"
                          " CASE WHEN s.scope IN (%4, %6) THEN COALESCE(c.rule_id, '') ELSE '' END AS rule_key,"
                          " c.at - ((c.at % %7) + %7) % %7 AS minute_key"
                          " FROM %2 AS c CROSS JOIN (VALUES (%4), (%5), (%6), (%8)) AS s (scope) WHERE %3) AS k"
                          " GROUP BY scope, template_key, rule_key, minute_key"
                          " ORDER BY scope, template_key COLLATE \"C\", rule_key COLLATE \"C\", minute_key"
                          " ON CONFLICT (scope, template_id, rule_id, minute_start) DO UPDATE SET"
                          " %1 = delivery_stats_minute.%1 + excluded.%1")
        .arg(deliveryMetricName(metric), rows, condition)
        .arg(PerTemplateAndRule)
        .arg(PerTemplate)
        .arg(PerRule)
        .arg(kMinuteMs)
        .arg(Everything);
}

QList<StatsRepository::Statement> StatsRepository::upserts(const Tally &tally, qsizetype rowsPerStatement)
{
    QList<Statement> statements;
    if (tally.isEmpty())
        return statements;
    rowsPerStatement = std::max<qsizetype>(1, rowsPerStatement);
    static const QString head = QStringLiteral("INSERT INTO delivery_stats_minute (scope, template_id, rule_id,"
                                               " minute_start, ")
                                + metricColumns() + QStringLiteral(") VALUES ");
    static const QString tail =
        QStringLiteral(" ON CONFLICT (scope, template_id, rule_id, minute_start) DO UPDATE SET ") + metricSums();
    const auto statement = [](qsizetype rows, QVariantList values) {
        return Statement{head + sqlvalues::placeholderRows(rows, kValuesPerRow) + tail, std::move(values)};
    };
    QVariantList values;
    qsizetype rows = 0;
    for (const auto &[key, counts] : tally.m_counts) {
        const auto &[scope, templateId, ruleId, minute] = key;
        values << scope << templateId << ruleId << minute;
        for (qint64 count : counts)
            values << count;
        if (++rows == rowsPerStatement) {
            statements.append(statement(rows, std::move(values)));
            values = QVariantList();
            rows = 0;
        }
    }
    if (rows > 0)
        statements.append(statement(rows, std::move(values)));
    return statements;
}

StatsRepository::StatsRepository(const Database &database) : m_database(database) {}

Result<QMap<qint64, StatsRepository::Counts>> StatsRepository::minutes(qint64 fromMs, qint64 toMs,
                                                                       const Filter &filter) const
{
    const bool byTemplate = !filter.templateId.isEmpty();
    const bool byRule = !filter.ruleId.isEmpty();
    const Scope scope = byTemplate ? (byRule ? PerTemplateAndRule : PerTemplate) : (byRule ? PerRule : Everything);
    // One row per minute at a scope: the key serves the whole condition. Read forward only, so the driver keeps no
    // copy of the rows (the console polls this every few seconds).
    static const QString sql = QStringLiteral("SELECT minute_start, ") + metricColumns()
                               + QStringLiteral(" FROM delivery_stats_minute WHERE scope = ? AND template_id = ?"
                                                " AND rule_id = ? AND minute_start >= ? AND minute_start < ?");
    const QString what = QStringLiteral("cannot read the delivery statistics");
    Result<QSqlQuery> q = m_database.prepare(sql);
    if (!q)
        return makeError(ErrorCode::Database, what + QStringLiteral(": ") + q.error().message);
    q->setForwardOnly(true);
    q->addBindValue(int(scope));
    q->addBindValue(byTemplate ? filter.templateId : QStringLiteral(""));
    q->addBindValue(byRule ? filter.ruleId : QStringLiteral(""));
    q->addBindValue(fromMs);
    q->addBindValue(toMs);
    if (Result<void> done = Database::exec(*q, what); !done)
        return done.error();
    QMap<qint64, Counts> minutes;
    while (q->next()) {
        Counts counts{};
        for (int i = 0; i < kDeliveryMetricCount; ++i)
            counts[std::size_t(i)] = q->value(1 + i).toLongLong();
        minutes.insert(q->value(0).toLongLong(), counts);
    }
    return minutes;
}

Result<qint64> StatsRepository::forget(qint64 beforeMs) const
{
    const QString what = QStringLiteral("cannot delete old delivery statistics");
    qint64 oldestMs = 0;
    {
        Result<QSqlQuery> oldest =
            m_database.run(QStringLiteral("SELECT MIN(minute_start) FROM delivery_stats_minute"), {}, what);
        if (!oldest)
            return oldest.error();
        if (!oldest->next() || oldest->value(0).isNull())
            return qint64(0);
        oldestMs = oldest->value(0).toLongLong();
    }
    qint64 deleted = 0;
    for (qint64 from = oldestMs; from < beforeMs;) {
        const qint64 until = std::min(beforeMs, from + kForgetSliceMs);
        Result<QSqlQuery> q =
            m_database.run(QStringLiteral("DELETE FROM delivery_stats_minute WHERE minute_start < ?"), {until}, what);
        if (!q)
            return q.error();
        deleted += q->numRowsAffected();
        from = until;
    }
    return deleted;
}

Result<void> StatsRepository::add(const Tally &tally) const
{
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    for (const Statement &statement : upserts(tally, std::max(1, Database::kKeysPerStatement / kValuesPerRow))) {
        Result<QSqlQuery> q =
            m_database.run(statement.sql, statement.values, QStringLiteral("cannot add to the delivery statistics"));
        if (!q)
            return q.error();
    }
    return tx.commit();
}

} // namespace vestnik
