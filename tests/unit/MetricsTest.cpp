#include "util/Metrics.h"

#include "TestResults.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace vestnik;

class MetricsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void counterWithoutLabelsIsExportedAtZero();
    void counterOnlyGoesUp();
    void familiesAndSeriesComeOutSorted();
    void gaugeValues_data();
    void gaugeValues();
    void histogramBucketsAreCumulative();
    void histogramWithoutLabelsAndExplicitInf();
    void labelValuesAndHelpAreEscaped();
    void invalidDefinitionsAreRefused_data();
    void invalidDefinitionsAreRefused();
    void sameDefinitionIsTheSameFamily();
    void clashingDefinitionsAreConflicts();
    void wrongNumberOfLabelValues();
    void collectorsReportAtScrapeTime();
    void collectorErrorsAreReturned();
    void defaultHandlesCountNothing();
    void concurrentUpdatesAreAllCounted();
    void exponentialBuckets();
};

void MetricsTest::counterWithoutLabelsIsExportedAtZero()
{
    Metrics metrics;
    Result<CounterFamily> family = metrics.counter(QStringLiteral("vestnik_events_total"), QStringLiteral("Events."));
    VT_OK(family);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP vestnik_events_total Events.\n"
                                              "# TYPE vestnik_events_total counter\n"
                                              "vestnik_events_total 0\n"));
    Result<Counter> counter = family->labels();
    VT_OK(counter);
    counter->increment();
    counter->increment(41);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP vestnik_events_total Events.\n"
                                              "# TYPE vestnik_events_total counter\n"
                                              "vestnik_events_total 42\n"));
}

void MetricsTest::counterOnlyGoesUp()
{
    Metrics metrics;
    const Counter counter = *metrics.counter(QStringLiteral("c"), QStringLiteral("h"))->labels();
    counter.increment(2.5);
    counter.increment(-1);
    QCOMPARE(counter.value(), 2.5);
    QVERIFY(metrics.exposition().endsWith("\nc 2.5\n"));
}

void MetricsTest::familiesAndSeriesComeOutSorted()
{
    Metrics metrics;
    Result<CounterFamily> pushes =
        metrics.counter(QStringLiteral("vestnik_pushes_total"), QStringLiteral("Pushes by provider and outcome."),
                        {QStringLiteral("provider"), QStringLiteral("outcome")});
    VT_OK(pushes);
    Result<GaugeFamily> circuits = metrics.gauge(QStringLiteral("vestnik_circuit_open"),
                                                 QStringLiteral("Open circuits."), {QStringLiteral("app")});
    VT_OK(circuits);
    // resolved out of order: the output is sorted by label values all the same
    const Counter fcmSent = *pushes->labels({QStringLiteral("fcm"), QStringLiteral("sent")});
    const Counter apnsFailed = *pushes->labels({QStringLiteral("apns"), QStringLiteral("failed")});
    const Counter fcmFailed = *pushes->labels({QStringLiteral("fcm"), QStringLiteral("failed")});
    fcmSent.increment(3);
    apnsFailed.increment();
    fcmFailed.increment(2);
    circuits->labels({QStringLiteral("shop")})->set(1);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP vestnik_circuit_open Open circuits.\n"
                                              "# TYPE vestnik_circuit_open gauge\n"
                                              "vestnik_circuit_open{app=\"shop\"} 1\n"
                                              "# HELP vestnik_pushes_total Pushes by provider and outcome.\n"
                                              "# TYPE vestnik_pushes_total counter\n"
                                              "vestnik_pushes_total{provider=\"apns\",outcome=\"failed\"} 1\n"
                                              "vestnik_pushes_total{provider=\"fcm\",outcome=\"failed\"} 2\n"
                                              "vestnik_pushes_total{provider=\"fcm\",outcome=\"sent\"} 3\n"));
    // a label set resolved again is the same series
    pushes->labels({QStringLiteral("fcm"), QStringLiteral("sent")})->increment();
    QCOMPARE(fcmSent.value(), 4.0);
}

void MetricsTest::gaugeValues_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("negative zero") << -0.0 << QByteArray("0");
    QTest::newRow("integer") << 1234567.0 << QByteArray("1234567");
    QTest::newRow("negative") << -3.0 << QByteArray("-3");
    QTest::newRow("fraction") << 0.1 << QByteArray("0.1");
    QTest::newRow("small") << 1e-7 << QByteArray("1e-07");
    QTest::newRow("huge") << 1e20 << QByteArray("1e+20");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void MetricsTest::gaugeValues()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    Metrics metrics;
    const Gauge gauge = *metrics.gauge(QStringLiteral("g"), QStringLiteral("h"))->labels();
    gauge.set(value);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP g h\n# TYPE g gauge\ng ") + text + '\n');
}

void MetricsTest::histogramBucketsAreCumulative()
{
    Metrics metrics;
    Result<HistogramFamily> latency =
        metrics.histogram(QStringLiteral("vestnik_push_seconds"), QStringLiteral("Push latency."), {0.25, 0.5, 1},
                          {QStringLiteral("provider")});
    VT_OK(latency);
    const Histogram fcm = *latency->labels({QStringLiteral("fcm")});
    fcm.observe(0.125);
    fcm.observe(0.25); // a bound is inside its own bucket (le: less or equal)
    fcm.observe(0.75);
    fcm.observe(3);
    latency->labels({QStringLiteral("apns")})->observe(0.5);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP vestnik_push_seconds Push latency.\n"
                                              "# TYPE vestnik_push_seconds histogram\n"
                                              "vestnik_push_seconds_bucket{provider=\"apns\",le=\"0.25\"} 0\n"
                                              "vestnik_push_seconds_bucket{provider=\"apns\",le=\"0.5\"} 1\n"
                                              "vestnik_push_seconds_bucket{provider=\"apns\",le=\"1\"} 1\n"
                                              "vestnik_push_seconds_bucket{provider=\"apns\",le=\"+Inf\"} 1\n"
                                              "vestnik_push_seconds_sum{provider=\"apns\"} 0.5\n"
                                              "vestnik_push_seconds_count{provider=\"apns\"} 1\n"
                                              "vestnik_push_seconds_bucket{provider=\"fcm\",le=\"0.25\"} 2\n"
                                              "vestnik_push_seconds_bucket{provider=\"fcm\",le=\"0.5\"} 2\n"
                                              "vestnik_push_seconds_bucket{provider=\"fcm\",le=\"1\"} 3\n"
                                              "vestnik_push_seconds_bucket{provider=\"fcm\",le=\"+Inf\"} 4\n"
                                              "vestnik_push_seconds_sum{provider=\"fcm\"} 4.125\n"
                                              "vestnik_push_seconds_count{provider=\"fcm\"} 4\n"));
}

void MetricsTest::histogramWithoutLabelsAndExplicitInf()
{
    Metrics metrics;
    Result<HistogramFamily> sizes = metrics.histogram(QStringLiteral("batch_size"), QStringLiteral("Rows."),
                                                      {10, 100, std::numeric_limits<double>::infinity()});
    VT_OK(sizes);
    sizes->labels()->observe(7);
    sizes->labels()->observe(std::numeric_limits<double>::quiet_NaN()); // counted in +Inf only, as Prometheus does
    QCOMPARE(metrics.exposition(), QByteArray("# HELP batch_size Rows.\n"
                                              "# TYPE batch_size histogram\n"
                                              "batch_size_bucket{le=\"10\"} 1\n"
                                              "batch_size_bucket{le=\"100\"} 1\n"
                                              "batch_size_bucket{le=\"+Inf\"} 2\n"
                                              "batch_size_sum NaN\n"
                                              "batch_size_count 2\n"));
}

void MetricsTest::labelValuesAndHelpAreEscaped()
{
    Metrics metrics;
    Result<CounterFamily> family = metrics.counter(
        QStringLiteral("odd_total"), QStringLiteral("Help with \\ a backslash,\na newline and \"quotes\"."),
        {QStringLiteral("value")});
    VT_OK(family);
    family->labels({QStringLiteral("say \"hi\"\\n\nnext")})->increment();
    family->labels({QStringLiteral("Привет")})->increment();
    QCOMPARE(metrics.exposition(),
             QByteArray("# HELP odd_total Help with \\\\ a backslash,\\na newline and \"quotes\".\n"
                        "# TYPE odd_total counter\n"
                        "odd_total{value=\"say \\\"hi\\\"\\\\n\\nnext\"} 1\n")
                 + QStringLiteral("odd_total{value=\"Привет\"} 1\n").toUtf8());
}

void MetricsTest::invalidDefinitionsAreRefused_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("labels");
    QTest::addColumn<QList<double>>("buckets");
    QTest::addColumn<QString>("fragment");
    const QList<double> none;
    QTest::newRow("digit first") << "counter"
                                 << "1st_total" << QStringList() << none << "not a valid metric name";
    QTest::newRow("dash") << "gauge"
                          << "queue-depth" << QStringList() << none << "not a valid metric name";
    QTest::newRow("empty name") << "counter"
                                << "" << QStringList() << none << "not a valid metric name";
    QTest::newRow("label with colon") << "counter"
                                      << "a_total" << QStringList{QStringLiteral("a:b")} << none << "'a:b'";
    QTest::newRow("reserved label") << "gauge"
                                    << "g" << QStringList{QStringLiteral("__name")} << none << "'__name'";
    QTest::newRow("label twice") << "counter"
                                 << "a_total" << QStringList{QStringLiteral("app"), QStringLiteral("app")} << none
                                 << "named twice";
    QTest::newRow("le in histogram") << "histogram"
                                     << "h" << QStringList{QStringLiteral("le")} << QList<double>{1} << "bucket label";
    QTest::newRow("buckets not increasing") << "histogram"
                                            << "h" << QStringList() << QList<double>{1, 1} << "strictly increasing";
    QTest::newRow("NaN bucket") << "histogram"
                                << "h" << QStringList() << QList<double>{std::numeric_limits<double>::quiet_NaN()}
                                << "finite";
    QTest::newRow("Inf before the end") << "histogram"
                                        << "h" << QStringList()
                                        << QList<double>{1, std::numeric_limits<double>::infinity(), 2} << "finite";
}

void MetricsTest::invalidDefinitionsAreRefused()
{
    QFETCH(QString, kind);
    QFETCH(QString, name);
    QFETCH(QStringList, labels);
    QFETCH(QList<double>, buckets);
    QFETCH(QString, fragment);
    Metrics metrics;
    Error error;
    if (kind == QStringLiteral("counter")) {
        Result<CounterFamily> family = metrics.counter(name, QStringLiteral("h"), labels);
        VT_FAILS_WITH(family, ErrorCode::InvalidArgument);
        error = family.error();
    } else if (kind == QStringLiteral("gauge")) {
        Result<GaugeFamily> family = metrics.gauge(name, QStringLiteral("h"), labels);
        VT_FAILS_WITH(family, ErrorCode::InvalidArgument);
        error = family.error();
    } else {
        Result<HistogramFamily> family = metrics.histogram(name, QStringLiteral("h"), buckets, labels);
        VT_FAILS_WITH(family, ErrorCode::InvalidArgument);
        error = family.error();
    }
    QVERIFY2(error.message.contains(fragment), qPrintable(error.message));
    QCOMPARE(metrics.exposition(), QByteArray());
}

void MetricsTest::sameDefinitionIsTheSameFamily()
{
    Metrics metrics;
    const QStringList labels{QStringLiteral("app")};
    Result<CounterFamily> first = metrics.counter(QStringLiteral("jobs_total"), QStringLiteral("Jobs."), labels);
    Result<CounterFamily> second = metrics.counter(QStringLiteral("jobs_total"), QStringLiteral("Jobs."), labels);
    VT_OK(first);
    VT_OK(second);
    first->labels({QStringLiteral("shop")})->increment();
    second->labels({QStringLiteral("shop")})->increment();
    QVERIFY(metrics.exposition().endsWith("jobs_total{app=\"shop\"} 2\n"));
}

void MetricsTest::clashingDefinitionsAreConflicts()
{
    Metrics metrics;
    VT_OK(metrics.counter(QStringLiteral("jobs_total"), QStringLiteral("Jobs.")));
    VT_FAILS_WITH(metrics.counter(QStringLiteral("jobs_total"), QStringLiteral("Other help.")), ErrorCode::Conflict);
    VT_FAILS_WITH(metrics.gauge(QStringLiteral("jobs_total"), QStringLiteral("Jobs.")), ErrorCode::Conflict);
    VT_FAILS_WITH(metrics.counter(QStringLiteral("jobs_total"), QStringLiteral("Jobs."), {QStringLiteral("app")}),
                  ErrorCode::Conflict);
    // a histogram's samples take its name plus _bucket, _sum and _count
    VT_OK(metrics.histogram(QStringLiteral("latency"), QStringLiteral("h"), {1}));
    VT_FAILS_WITH(metrics.gauge(QStringLiteral("latency_count"), QStringLiteral("h")), ErrorCode::Conflict);
    VT_OK(metrics.gauge(QStringLiteral("queue_sum"), QStringLiteral("h")));
    VT_FAILS_WITH(metrics.histogram(QStringLiteral("queue"), QStringLiteral("h"), {1}), ErrorCode::Conflict);
    // a collected family has exactly one collector
    const Collector nothing = [](CollectedSamples &) {};
    VT_OK(metrics.collectedGauge(QStringLiteral("lag"), QStringLiteral("h"), {}, nothing));
    VT_FAILS_WITH(metrics.collectedGauge(QStringLiteral("lag"), QStringLiteral("h"), {}, nothing), ErrorCode::Conflict);
    VT_FAILS_WITH(metrics.collectedGauge(QStringLiteral("lag2"), QStringLiteral("h"), {}, Collector()),
                  ErrorCode::InvalidArgument);
}

void MetricsTest::wrongNumberOfLabelValues()
{
    Metrics metrics;
    Result<CounterFamily> family = metrics.counter(QStringLiteral("pushes_total"), QStringLiteral("h"),
                                                   {QStringLiteral("provider"), QStringLiteral("outcome")});
    VT_OK(family);
    Result<Counter> tooFew = family->labels({QStringLiteral("fcm")});
    VT_FAILS_WITH(tooFew, ErrorCode::InvalidArgument);
    QVERIFY2(tooFew.error().message.contains(QStringLiteral("provider, outcome")), qPrintable(tooFew.error().message));
    VT_FAILS_WITH(family->labels(), ErrorCode::InvalidArgument);
    QCOMPARE(metrics.exposition(), QByteArray("# HELP pushes_total h\n# TYPE pushes_total counter\n"));
}

void MetricsTest::collectorsReportAtScrapeTime()
{
    // Values owned elsewhere, e.g. the dispatcher's counters and the consumers' lag per partition.
    struct Owner {
        qint64 sent = 0;
        qint64 failed = 0;
        QMap<int, qint64> lag;
    } owner;
    int scrapes = 0;
    Metrics metrics;
    const Result<void> deliveries =
        metrics.collectedCounter(QStringLiteral("vestnik_deliveries_total"), QStringLiteral("Deliveries by outcome."),
                                 {QStringLiteral("outcome")}, [&owner, &scrapes](CollectedSamples &samples) {
                                     ++scrapes;
                                     VT_OK(samples.add({QStringLiteral("sent")}, double(owner.sent)));
                                     VT_OK(samples.add({QStringLiteral("failed")}, double(owner.failed)));
                                 });
    VT_OK(deliveries);
    const Result<void> lag =
        metrics.collectedGauge(QStringLiteral("vestnik_consumer_lag"), QStringLiteral("Messages behind."),
                               {QStringLiteral("partition")}, [&owner](CollectedSamples &samples) {
                                   for (auto it = owner.lag.cbegin(); it != owner.lag.cend(); ++it)
                                       VT_OK(samples.add({QString::number(it.key())}, double(it.value())));
                               });
    VT_OK(lag);
    QCOMPARE(scrapes, 0);
    owner.sent = 5;
    owner.failed = 1;
    owner.lag = {{0, 12}, {1, 0}};
    QCOMPARE(metrics.exposition(), QByteArray("# HELP vestnik_consumer_lag Messages behind.\n"
                                              "# TYPE vestnik_consumer_lag gauge\n"
                                              "vestnik_consumer_lag{partition=\"0\"} 12\n"
                                              "vestnik_consumer_lag{partition=\"1\"} 0\n"
                                              "# HELP vestnik_deliveries_total Deliveries by outcome.\n"
                                              "# TYPE vestnik_deliveries_total counter\n"
                                              "vestnik_deliveries_total{outcome=\"failed\"} 1\n"
                                              "vestnik_deliveries_total{outcome=\"sent\"} 5\n"));
    // partition 0 was revoked: its series goes with it
    owner.sent = 7;
    owner.lag = {{1, 3}};
    const QByteArray second = metrics.exposition();
    QCOMPARE(scrapes, 2);
    QVERIFY(!second.contains("partition=\"0\""));
    QVERIFY(second.contains("vestnik_consumer_lag{partition=\"1\"} 3\n"));
    QVERIFY(second.contains("vestnik_deliveries_total{outcome=\"sent\"} 7\n"));
}

void MetricsTest::collectorErrorsAreReturned()
{
    Metrics metrics;
    QList<Error> errors;
    VT_OK(metrics.collectedGauge(
        QStringLiteral("g"), QStringLiteral("h"), {QStringLiteral("a")}, [&errors](CollectedSamples &samples) {
            for (const Result<void> &added :
                 {samples.add({}, 1), samples.add({QStringLiteral("x")}, 2), samples.add({QStringLiteral("x")}, 3)}) {
                if (!added)
                    errors.append(added.error());
            }
        }));
    QCOMPARE(metrics.exposition(), QByteArray("# HELP g h\n# TYPE g gauge\ng{a=\"x\"} 2\n"));
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(0).code, ErrorCode::InvalidArgument);
    QCOMPARE(errors.at(1).code, ErrorCode::Conflict);
}

void MetricsTest::defaultHandlesCountNothing()
{
    const Counter counter;
    counter.increment();
    QCOMPARE(counter.value(), 0.0);
    const Gauge gauge;
    gauge.set(3);
    QCOMPARE(gauge.value(), 0.0);
    Histogram().observe(1); // does not crash
}

void MetricsTest::concurrentUpdatesAreAllCounted()
{
    Metrics metrics;
    const Counter counter = *metrics.counter(QStringLiteral("c_total"), QStringLiteral("h"))->labels();
    const Histogram histogram = *metrics.histogram(QStringLiteral("h_seconds"), QStringLiteral("h"), {0.5})->labels();
    Result<CounterFamily> labelled =
        metrics.counter(QStringLiteral("l_total"), QStringLiteral("h"), {QStringLiteral("thread")});
    VT_OK(labelled);
    constexpr int kThreads = 4;
    constexpr int kUpdates = 50'000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const Result<Counter> own = labelled->labels({QString::number(t)});
            for (int i = 0; i < kUpdates; ++i) {
                counter.increment();
                histogram.observe(i % 2 == 0 ? 0.25 : 1.0);
                own->increment();
                if (i % 10'000 == 0)
                    (void)metrics.exposition(); // scrapes while others update
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(counter.value(), double(kThreads * kUpdates));
    const QByteArray text = metrics.exposition();
    QVERIFY(text.contains("h_seconds_bucket{le=\"0.5\"} 100000\n"));
    QVERIFY(text.contains("h_seconds_count 200000\n"));
    QVERIFY(text.contains("h_seconds_sum 125000\n"));
    for (int t = 0; t < kThreads; ++t)
        QVERIFY(text.contains(QStringLiteral("l_total{thread=\"%1\"} 50000\n").arg(t).toUtf8()));
}

void MetricsTest::exponentialBuckets()
{
    QCOMPARE(Metrics::exponentialBuckets(0.001, 2, 4), (QList<double>{0.001, 0.002, 0.004, 0.008}));
    QCOMPARE(Metrics::exponentialBuckets(1, 10, 0), QList<double>());
}

QTEST_GUILESS_MAIN(MetricsTest)
#include "MetricsTest.moc"
