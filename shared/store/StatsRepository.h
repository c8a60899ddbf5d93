#pragma once

#include "model/DeliveryMetric.h"
#include "util/Result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QVariantList>

#include <array>
#include <map>
#include <tuple>

namespace vestnik {

class Database;

/// The per-minute delivery statistics (table delivery_stats_minute): how many deliveries reached each
/// DeliveryMetric in each minute, per template and trigger rule, per template, per rule and in all (the four
/// scopes of each count), a column per metric. DeliveryRepository adds to them in the transaction that changes the
/// deliveries (a Tally per unit of work, one upsert row per minute, template and rule at each scope); GET /v1/stats
/// reads them here, from this small table only, never from deliveries: every question is one range of the key,
/// at most a row per minute.
class StatsRepository final
{
public:
    static constexpr qint64 kMinuteMs = 60'000;
    /// Values an upsert binds per row: scope, template, rule, minute and a count per metric.
    static constexpr int kValuesPerRow = 4 + kDeliveryMetricCount;
    /// Counts indexed by DeliveryMetric.
    using Counts = std::array<qint64, kDeliveryMetricCount>;

    /// Counts gathered during one unit of work, summed per (minute, template, rule, metric).
    class Tally final
    {
    public:
        /// Counts `count` of `metric` in the minute of `atMs`, at each scope; an empty template or rule is ''.
        void add(qint64 atMs, const QString &templateId, const QString &ruleId, DeliveryMetric metric,
                 qint64 count = 1);
        bool isEmpty() const { return m_counts.empty(); }
        /// How many rows the tally adds to or creates ((scope, template, rule, minute) groups).
        qsizetype groups() const { return qsizetype(m_counts.size()); }

    private:
        friend class StatsRepository;
        using Key = std::tuple<int, QString, QString, qint64>; // scope, template, rule, minute start
        std::map<Key, Counts> m_counts;                        // ordered: every writer locks rows in key order
    };

    /// One statement and its values.
    struct Statement {
        QString sql;
        QVariantList values;
    };

    /// Which deliveries to count; an empty field matches every template or rule (deliveries without a template or
    /// a rule are counted only there).
    struct Filter {
        QString templateId;
        QString ruleId;
    };

    /// The start of the minute `atMs` falls in.
    static qint64 minuteOf(qint64 atMs);
    /// PostgreSQL: an INSERT (for a WITH clause) that counts `metric` once for every row of `rows` (a WITH clause
    /// before it, with the columns template_id, rule_id and `at`, the row's time in ms) that meets `condition`, at
    /// every scope, as a Tally and upserts() do; in key order, as they lock. A statement that changes deliveries
    /// counts them in the same statement, with no round trip of its own.
    static QString countRowsSql(DeliveryMetric metric, const QString &rows, const QString &condition);
    /// The upserts (`rowsPerStatement` rows each, in key order) that add `tally` to the table; the caller runs
    /// them in the transaction of the changes they count.
    static QList<Statement> upserts(const Tally &tally, qsizetype rowsPerStatement);

    explicit StatsRepository(const Database &database);

    /// The counts of every minute in [fromMs, toMs) (minute starts) that has any, of the deliveries the filter
    /// admits: the rows of one scope, template and rule in that range of minutes (the table's key).
    Result<QMap<qint64, Counts>> minutes(qint64 fromMs, qint64 toMs, const Filter &filter = {}) const;
    /// Deletes every minute before `beforeMs` (retention, stats.retention_days), oldest first, one statement per
    /// kForgetSliceMs of minutes so that no statement holds the table long; how many rows went.
    Result<qint64> forget(qint64 beforeMs) const;
    static constexpr qint64 kForgetSliceMs = 6LL * 60 * 60'000;
    /// Adds a tally in a transaction of its own (tools and benchmarks; the deliveries' own changes add theirs in
    /// their transaction).
    Result<void> add(const Tally &tally) const;

private:
    const Database &m_database;
};

} // namespace vestnik
