#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace vestnik {

namespace metrics_detail {
struct Family;
enum class Type;
struct Series;
} // namespace metrics_detail

/// One series of a counter family: only goes up. A cheap handle, copied freely and valid while its Metrics
/// lives; updates are one relaxed atomic operation (resolve the label set once, keep the handle). A
/// default-constructed handle counts nothing.
class Counter final
{
public:
    Counter() = default;
    /// Adds `by`; negative amounts are ignored (a counter never goes down).
    void increment(double by = 1) const
    {
        if (m_value && by >= 0)
            m_value->fetch_add(by, std::memory_order_relaxed);
    }
    double value() const { return m_value ? m_value->load(std::memory_order_relaxed) : 0; }

private:
    friend class CounterFamily;
    explicit Counter(std::atomic<double> *value) : m_value(value) {}
    std::atomic<double> *m_value = nullptr;
};

/// One series of a gauge family: a value that goes up and down. Handle semantics as Counter's.
class Gauge final
{
public:
    Gauge() = default;
    void set(double value) const
    {
        if (m_value)
            m_value->store(value, std::memory_order_relaxed);
    }
    void add(double by) const
    {
        if (m_value)
            m_value->fetch_add(by, std::memory_order_relaxed);
    }
    double value() const { return m_value ? m_value->load(std::memory_order_relaxed) : 0; }

private:
    friend class GaugeFamily;
    explicit Gauge(std::atomic<double> *value) : m_value(value) {}
    std::atomic<double> *m_value = nullptr;
};

/// One series of a histogram family: counts observations into the family's buckets and sums them. Handle
/// semantics as Counter's; an observation is a binary search and three relaxed atomic operations.
class Histogram final
{
public:
    Histogram() = default;
    void observe(double value) const;

private:
    friend class HistogramFamily;
    explicit Histogram(metrics_detail::Series *series) : m_series(series) {}
    metrics_detail::Series *m_series = nullptr;
};

class Metrics;

/// A registered counter; labels() hands out the series of one label set.
class CounterFamily final
{
public:
    /// The series of these label values (in the order of the family's label names), created at 0 the first
    /// time; InvalidArgument when the number of values does not match.
    Result<Counter> labels(const QStringList &values = {}) const;

private:
    friend class Metrics;
    CounterFamily(Metrics *metrics, metrics_detail::Family *family) : m_metrics(metrics), m_family(family) {}
    Metrics *m_metrics;
    metrics_detail::Family *m_family;
};

/// A registered gauge; labels() as CounterFamily's.
class GaugeFamily final
{
public:
    Result<Gauge> labels(const QStringList &values = {}) const;

private:
    friend class Metrics;
    GaugeFamily(Metrics *metrics, metrics_detail::Family *family) : m_metrics(metrics), m_family(family) {}
    Metrics *m_metrics;
    metrics_detail::Family *m_family;
};

/// A registered histogram; labels() as CounterFamily's.
class HistogramFamily final
{
public:
    Result<Histogram> labels(const QStringList &values = {}) const;

private:
    friend class Metrics;
    HistogramFamily(Metrics *metrics, metrics_detail::Family *family) : m_metrics(metrics), m_family(family) {}
    Metrics *m_metrics;
    metrics_detail::Family *m_family;
};

/// The samples a collector reports for its family at one scrape.
class CollectedSamples final
{
public:
    /// One sample; InvalidArgument when the number of label values does not match the family's label names,
    /// Conflict when this label set was reported already in this scrape.
    Result<void> add(const QStringList &labelValues, double value);

private:
    friend class Metrics;
    explicit CollectedSamples(qsizetype labelCount) : m_labelCount(labelCount) {}
    qsizetype m_labelCount;
    std::map<QStringList, double> m_samples;
};

/// Reports the current values of a collected family; runs at every scrape, on the thread calling exposition().
using Collector = std::function<void(CollectedSamples &)>;

/// The worker's Prometheus registry: counters, gauges and histograms with label sets, rendered in the text
/// exposition format 0.0.4. Families come out sorted by name and series by label values, so the output is
/// stable. Values owned elsewhere (the dispatcher's and trigger role's counters, consumer lag) are exported
/// through collected families, whose collectors read them at scrape time. Thread-safe: series are updated
/// from any thread without locks; registration and scrapes take a mutex.
class Metrics final
{
public:
    /// Content-Type of exposition().
    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

    Metrics();
    ~Metrics();
    Q_DISABLE_COPY_MOVE(Metrics)

    /// Registers a counter family. Names follow Prometheus rules ([a-zA-Z_:][a-zA-Z0-9_:]*, labels without
    /// ':' and not starting with "__"); registering the same definition again returns the same family, a
    /// different one under a taken name is a Conflict. A family without labels has its one series at once.
    Result<CounterFamily> counter(const QString &name, const QString &help, const QStringList &labelNames = {});
    Result<GaugeFamily> gauge(const QString &name, const QString &help, const QStringList &labelNames = {});
    /// `buckets`: finite upper bounds, strictly increasing; "+Inf" is added. "le" is not a label name here.
    Result<HistogramFamily> histogram(const QString &name, const QString &help, const QList<double> &buckets,
                                      const QStringList &labelNames = {});
    /// A counter family whose samples `collect` reports at each scrape (values counted elsewhere).
    Result<void> collectedCounter(const QString &name, const QString &help, const QStringList &labelNames,
                                  Collector collect);
    /// A gauge family whose samples `collect` reports at each scrape.
    Result<void> collectedGauge(const QString &name, const QString &help, const QStringList &labelNames,
                                Collector collect);

    /// Every family in the text exposition format 0.0.4 (HELP, TYPE, samples), collectors run first.
    QByteArray exposition() const;

    /// `count` bounds from `start`, each `factor` times the one before (e.g. 0.001, 2, 12: 1 ms to 2 s).
    static QList<double> exponentialBuckets(double start, double factor, int count);

private:
    friend class CounterFamily;
    friend class GaugeFamily;
    friend class HistogramFamily;

    Result<metrics_detail::Family *> add(std::unique_ptr<metrics_detail::Family> family);
    /// A family whose samples `collect` gives at each exposition (collectedCounter(), collectedGauge()).
    Result<void> addCollected(metrics_detail::Type type, const QString &name, const QString &help,
                              const QStringList &labelNames, Collector collect);
    Result<metrics_detail::Series *> series(metrics_detail::Family *family, const QStringList &values);

    mutable QMutex m_mutex;
    std::map<QString, std::unique_ptr<metrics_detail::Family>> m_families;
};

} // namespace vestnik
