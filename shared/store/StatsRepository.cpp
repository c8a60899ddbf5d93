#include "store/StatsRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"

#include <algorithm>

namespace vestnik {

namespace {

constexpr int kUpsertColumns = 6;

// The scopes a count is kept at (column `scope`, see migration 0010).
enum Scope { PerTemplateAndRule = 0, PerTemplate = 1, PerRule = 2, Everything = 3 };

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
    m_counts[Key{PerTemplateAndRule, t, r, minute, int(metric)}] += count;
    m_counts[Key{PerTemplate, t, empty, minute, int(metric)}] += count;
    m_counts[Key{PerRule, empty, r, minute, int(metric)}] += count;
    m_counts[Key{Everything, empty, empty, minute, int(metric)}] += count;
}

qint64 StatsRepository::minuteOf(qint64 atMs)
{
    const qint64 floor = atMs / kMinuteMs * kMinuteMs;
    return floor > atMs ? floor - kMinuteMs : floor;
}

QList<StatsRepository::Statement> StatsRepository::upserts(const Tally &tally, qsizetype rowsPerStatement)
{
    QList<Statement> statements;
    if (tally.isEmpty())
        return statements;
    rowsPerStatement = std::max<qsizetype>(1, rowsPerStatement);
    const auto statement = [](qsizetype rows, QVariantList values) {
        return Statement{QStringLiteral("INSERT INTO delivery_stats_minute (scope, template_id, rule_id, minute_start,"
                                        " metric, count) VALUES ")
                             + sqlvalues::placeholderRows(rows, kUpsertColumns)
                             + QStringLiteral(" ON CONFLICT (scope, template_id, rule_id, minute_start, metric)"
                                              " DO UPDATE SET count = delivery_stats_minute.count + excluded.count"),
                         std::move(values)};
    };
    QVariantList values;
    qsizetype rows = 0;
    for (const auto &[key, count] : tally.m_counts) {
        const auto &[scope, templateId, ruleId, minute, metric] = key;
        values << scope << templateId << ruleId << minute << deliveryMetricName(DeliveryMetric(metric)) << count;
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
    // One row per minute and metric at a scope: no grouping, and the key serves the whole condition.
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT minute_start, metric, count FROM delivery_stats_minute WHERE scope = ?"
                       " AND template_id = ? AND rule_id = ? AND minute_start >= ? AND minute_start < ?"),
        {int(scope), byTemplate ? filter.templateId : QStringLiteral(""), byRule ? filter.ruleId : QStringLiteral(""),
         fromMs, toMs},
        QStringLiteral("cannot read the delivery statistics"));
    if (!q)
        return q.error();
    QMap<qint64, Counts> minutes;
    while (q->next()) {
        // A metric this build does not know (written by a newer one) is left out.
        const std::optional<DeliveryMetric> metric = deliveryMetricFromName(q->value(1).toString());
        if (!metric)
            continue;
        auto it = minutes.find(q->value(0).toLongLong());
        if (it == minutes.end())
            it = minutes.insert(q->value(0).toLongLong(), Counts{});
        (*it)[std::size_t(*metric)] += q->value(2).toLongLong();
    }
    return minutes;
}

Result<void> StatsRepository::add(const Tally &tally) const
{
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    for (const Statement &statement : upserts(tally, Database::kKeysPerStatement / kUpsertColumns)) {
        Result<QSqlQuery> q =
            m_database.run(statement.sql, statement.values, QStringLiteral("cannot add to the delivery statistics"));
        if (!q)
            return q.error();
    }
    return tx.commit();
}

} // namespace vestnik
