#include "util/Metrics.h"

#include <QLocale>
#include <QMutexLocker>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <vector>

namespace vestnik {

namespace metrics_detail {

enum class Type { Counter, Gauge, Histogram };

/// One label set's values. Counters and gauges use `value`; histograms count each observation once, in the
/// first bucket whose bound is not below it (the last slot is +Inf), and render the counts cumulated.
struct Series {
    std::atomic<double> value{0};
    const std::vector<double> *bounds = nullptr;
    std::unique_ptr<std::atomic<quint64>[]> buckets; ///< bounds->size() + 1 slots
    std::atomic<double> sum{0};
};

struct Family {
    QString name;
    QString help;
    Type type = Type::Counter;
    QStringList labelNames;
    std::vector<double> bounds;
    Collector collect; ///< set for collected families: they have no live series
    std::map<QStringList, std::unique_ptr<Series>> series;

    bool sameDefinition(const Family &other) const
    {
        return type == other.type && help == other.help && labelNames == other.labelNames && bounds == other.bounds
               && !collect && !other.collect;
    }
    /// The names this family's samples use (a histogram's _bucket, _sum and _count).
    QStringList sampleNames() const
    {
        if (type != Type::Histogram)
            return {name};
        return {name + QStringLiteral("_bucket"), name + QStringLiteral("_sum"), name + QStringLiteral("_count")};
    }
};

} // namespace metrics_detail

using metrics_detail::Family;
using metrics_detail::Series;
using metrics_detail::Type;

namespace {

const char *typeName(Type type)
{
    switch (type) {
    case Type::Counter: return "counter";
    case Type::Gauge: return "gauge";
    case Type::Histogram: return "histogram";
    }
    return "untyped";
}

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

Result<void> checkNames(const QString &name, const QStringList &labelNames, Type type)
{
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    if (!metricName.match(name).hasMatch())
        return invalid(QStringLiteral("'%1' is not a valid metric name").arg(name));
    for (qsizetype i = 0; i < labelNames.size(); ++i) {
        const QString &label = labelNames.at(i);
        if (!labelName.match(label).hasMatch() || label.startsWith(QStringLiteral("__")))
            return invalid(QStringLiteral("metric %1: '%2' is not a valid label name").arg(name, label));
        if (type == Type::Histogram && label == QStringLiteral("le"))
            return invalid(QStringLiteral("metric %1: 'le' is the bucket label of a histogram").arg(name));
        if (labelNames.indexOf(label, i + 1) >= 0)
            return invalid(QStringLiteral("metric %1: label '%2' is named twice").arg(name, label));
    }
    return {};
}

/// Prometheus numbers: integers without a fraction, others in their shortest exact form, +Inf, -Inf, NaN.
QByteArray number(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void appendEscaped(QByteArray &out, const QString &text, bool escapeQuotes)
{
    for (const char c : text.toUtf8()) {
        if (c == '\\')
            out.append("\\\\");
        else if (c == '\n')
            out.append("\\n");
        else if (c == '"' && escapeQuotes)
            out.append("\\\"");
        else
            out.append(c);
    }
}

/// `{a="x",b="y"}` (plus `le` for buckets), or nothing for an empty label set.
void appendLabels(QByteArray &out, const QStringList &names, const QStringList &values, const QByteArray &le = {})
{
    if (names.isEmpty() && le.isEmpty())
        return;
    out.append('{');
    for (qsizetype i = 0; i < names.size(); ++i) {
        if (i > 0)
            out.append(',');
        out.append(names.at(i).toUtf8());
        out.append("=\"");
        appendEscaped(out, values.at(i), true);
        out.append('"');
    }
    if (!le.isEmpty()) {
        if (!names.isEmpty())
            out.append(',');
        out.append("le=\"");
        out.append(le);
        out.append('"');
    }
    out.append('}');
}

void appendSample(QByteArray &out, const QString &name, const QByteArray &suffix, const QStringList &labelNames,
                  const QStringList &labelValues, double value, const QByteArray &le = {})
{
    out.append(name.toUtf8());
    out.append(suffix);
    appendLabels(out, labelNames, labelValues, le);
    out.append(' ');
    out.append(number(value));
    out.append('\n');
}

void appendHistogram(QByteArray &out, const Family &family, const QStringList &values, const Series &series)
{
    quint64 cumulative = 0;
    for (size_t i = 0; i <= family.bounds.size(); ++i) {
        cumulative += series.buckets[i].load(std::memory_order_relaxed);
        const QByteArray le = i < family.bounds.size() ? number(family.bounds[i]) : QByteArrayLiteral("+Inf");
        appendSample(out, family.name, "_bucket", family.labelNames, values, double(cumulative), le);
    }
    appendSample(out, family.name, "_sum", family.labelNames, values, series.sum.load(std::memory_order_relaxed));
    // The count is the +Inf bucket, so the two agree even while observations come in during the scrape.
    appendSample(out, family.name, "_count", family.labelNames, values, double(cumulative));
}

std::unique_ptr<Series> makeSeries(const Family &family)
{
    auto series = std::make_unique<Series>();
    if (family.type == Type::Histogram) {
        series->bounds = &family.bounds;
        series->buckets = std::make_unique<std::atomic<quint64>[]>(family.bounds.size() + 1);
    }
    return series;
}

} // namespace

void Histogram::observe(double value) const
{
    if (!m_series)
        return;
    const std::vector<double> &bounds = *m_series->bounds;
    const size_t slot = std::isnan(value)
                            ? bounds.size()
                            : size_t(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
    m_series->buckets[slot].fetch_add(1, std::memory_order_relaxed);
    m_series->sum.fetch_add(value, std::memory_order_relaxed);
}

Result<Counter> CounterFamily::labels(const QStringList &values) const
{
    Result<Series *> series = m_metrics->series(m_family, values);
    if (!series)
        return series.error();
    return Counter(&(*series)->value);
}

Result<Gauge> GaugeFamily::labels(const QStringList &values) const
{
    Result<Series *> series = m_metrics->series(m_family, values);
    if (!series)
        return series.error();
    return Gauge(&(*series)->value);
}

Result<Histogram> HistogramFamily::labels(const QStringList &values) const
{
    Result<Series *> series = m_metrics->series(m_family, values);
    if (!series)
        return series.error();
    return Histogram(*series);
}

Result<void> CollectedSamples::add(const QStringList &labelValues, double value)
{
    if (labelValues.size() != m_labelCount)
        return invalid(
            QStringLiteral("a sample needs %1 label values, got %2").arg(m_labelCount).arg(labelValues.size()));
    if (!m_samples.emplace(labelValues, value).second)
        return makeError(
            ErrorCode::Conflict,
            QStringLiteral("label set {%1} reported twice in one scrape").arg(labelValues.join(QLatin1Char(','))));
    return {};
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Result<Family *> Metrics::add(std::unique_ptr<Family> family)
{
    if (Result<void> names = checkNames(family->name, family->labelNames, family->type); !names)
        return names.error();
    const QMutexLocker locker(&m_mutex);
    if (const auto it = m_families.find(family->name); it != m_families.end()) {
        if (it->second->sameDefinition(*family))
            return it->second.get();
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("metric %1 is registered already with another definition").arg(family->name));
    }
    const QStringList names = family->sampleNames();
    for (const auto &[existingName, existing] : m_families) {
        const QStringList taken = existing->sampleNames();
        if (std::any_of(names.cbegin(), names.cend(), [&taken](const QString &n) { return taken.contains(n); }))
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("metric %1 would clash with metric %2").arg(family->name, existingName));
    }
    // A family without labels has its one series from the start, so it is exported (at 0) before any update.
    if (family->labelNames.isEmpty() && !family->collect)
        family->series.emplace_hint(family->series.end(), QStringList(), makeSeries(*family));
    Family *added = family.get();
    m_families.emplace(added->name, std::move(family));
    return added;
}

Result<Series *> Metrics::series(Family *family, const QStringList &values)
{
    if (values.size() != family->labelNames.size())
        return invalid(QStringLiteral("metric %1 has %2 labels (%3), got %4 values")
                           .arg(family->name)
                           .arg(family->labelNames.size())
                           .arg(family->labelNames.join(QStringLiteral(", ")))
                           .arg(values.size()));
    const QMutexLocker locker(&m_mutex);
    std::unique_ptr<Series> &series = family->series[values];
    if (!series)
        series = makeSeries(*family);
    return series.get();
}

Result<CounterFamily> Metrics::counter(const QString &name, const QString &help, const QStringList &labelNames)
{
    auto family = std::make_unique<Family>();
    family->name = name;
    family->help = help;
    family->type = Type::Counter;
    family->labelNames = labelNames;
    Result<Family *> added = add(std::move(family));
    if (!added)
        return added.error();
    return CounterFamily(this, *added);
}

Result<GaugeFamily> Metrics::gauge(const QString &name, const QString &help, const QStringList &labelNames)
{
    auto family = std::make_unique<Family>();
    family->name = name;
    family->help = help;
    family->type = Type::Gauge;
    family->labelNames = labelNames;
    Result<Family *> added = add(std::move(family));
    if (!added)
        return added.error();
    return GaugeFamily(this, *added);
}

Result<HistogramFamily> Metrics::histogram(const QString &name, const QString &help, const QList<double> &buckets,
                                           const QStringList &labelNames)
{
    auto family = std::make_unique<Family>();
    family->name = name;
    family->help = help;
    family->type = Type::Histogram;
    family->labelNames = labelNames;
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        const double bound = buckets.at(i);
        if (i == buckets.size() - 1 && std::isinf(bound) && bound > 0)
            break; // an explicit +Inf is the one every histogram has
        if (!std::isfinite(bound) || (!family->bounds.empty() && bound <= family->bounds.back()))
            return invalid(
                QStringLiteral("histogram %1: bucket bounds must be finite and strictly increasing").arg(name));
        family->bounds.push_back(bound);
    }
    Result<Family *> added = add(std::move(family));
    if (!added)
        return added.error();
    return HistogramFamily(this, *added);
}

Result<void> Metrics::collectedCounter(const QString &name, const QString &help, const QStringList &labelNames,
                                       Collector collect)
{
    return addCollected(Type::Counter, name, help, labelNames, std::move(collect));
}

Result<void> Metrics::collectedGauge(const QString &name, const QString &help, const QStringList &labelNames,
                                     Collector collect)
{
    return addCollected(Type::Gauge, name, help, labelNames, std::move(collect));
}

Result<void> Metrics::addCollected(Type type, const QString &name, const QString &help, const QStringList &labelNames,
                                   Collector collect)
{
    if (!collect)
        return invalid(QStringLiteral("collected metric %1 needs a collector").arg(name));
    auto family = std::make_unique<Family>();
    family->name = name;
    family->help = help;
    family->type = type;
    family->labelNames = labelNames;
    family->collect = std::move(collect);
    Result<Family *> added = add(std::move(family));
    if (!added)
        return added.error();
    return {};
}

QByteArray Metrics::exposition() const
{
    // Families are never removed, so their addresses outlive the lock. Collectors run without it: they may
    // take their owners' locks, and may even register metrics.
    std::vector<const Family *> families;
    {
        const QMutexLocker locker(&m_mutex);
        families.reserve(m_families.size());
        for (const auto &[name, family] : m_families)
            families.push_back(family.get());
    }
    std::map<const Family *, CollectedSamples> collected;
    for (const Family *family : families) {
        if (family->collect) {
            CollectedSamples samples(family->labelNames.size());
            family->collect(samples);
            collected.emplace(family, std::move(samples));
        }
    }

    QByteArray out;
    const QMutexLocker locker(&m_mutex);
    for (const Family *family : families) {
        out.append("# HELP ");
        out.append(family->name.toUtf8());
        out.append(' ');
        appendEscaped(out, family->help, false);
        out.append("\n# TYPE ");
        out.append(family->name.toUtf8());
        out.append(' ');
        out.append(typeName(family->type));
        out.append('\n');
        if (family->collect) {
            for (const auto &[values, value] : collected.at(family).m_samples)
                appendSample(out, family->name, {}, family->labelNames, values, value);
            continue;
        }
        for (const auto &[values, series] : family->series) {
            if (family->type == Type::Histogram)
                appendHistogram(out, *family, values, *series);
            else
                appendSample(out, family->name, {}, family->labelNames, values,
                             series->value.load(std::memory_order_relaxed));
        }
    }
    return out;
}

QList<double> Metrics::exponentialBuckets(double start, double factor, int count)
{
    QList<double> buckets;
    double bound = start;
    for (int i = 0; i < count; ++i) {
        buckets.append(bound);
        bound *= factor;
    }
    return buckets;
}

} // namespace vestnik
