// The event flow end to end with real processes: business events produced to a Kafka topic -> one vestnik-worker
// (roles trigger and sender) on PostgreSQL -> FCM requests to vestnik-sim over TLS and HTTP/2.
//
// Latency mode: events at a steady rate (paced by a 1 ms timer), each for another user with one Android device,
// so the simulator's first receive time of a user's token is the arrival of that user's event. Latency = that
// receive time - the produce time, both wall clock on this machine. Throughput mode: events produced as fast as
// possible to a warm worker; events/s from the first produce to the last arrival. Both split the latency into
// stages (the broker's append times of each event and send job, the trigger's and the dispatcher's rows) and print
// the CPU each process used during the run (/proc/<pid>/stat) per event.
//
//   event_latency_bench [--mode latency|throughput] [--rate 1000] [--seconds 20] [--count 50000]
//                       [--services-env $VESTNIK_RUN_DIR/services.env] [--worker build/worker/vestnik-worker]
//                       [--sim build/simulator/vestnik-sim] [--partitions 12] [--warmup 200] [--lead-in 30000]
//                       [--timeout 300]
//                       [--producer-properties name=value;...] [--worker-kafka-properties name=value;...]
//                       [--split-roles] [--events-csv FILE]
//
// PostgreSQL and Kafka come from `scripts/services start all` (the connection settings from its services.env; the
// Kafka pid from kafka/kafka.pid beside it). Each run uses a database and topics of its own and drops the database.
#include "BenchSupport.h"
#include "Deployment.h"
#include "ProcessCpu.h"
#include "bus/KafkaBus.h"
#include "bus/KafkaProducer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace vestnik;
using namespace vestnik::bench;
using namespace std::chrono_literals;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "event_latency_bench: %s\n", qPrintable(message));
    return 1;
}

qint64 wallUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

QHash<QString, QString> readEnvFile(const QString &path)
{
    QHash<QString, QString> values;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return values;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)).trimmed());
    }
    return values;
}

QString shellQuoted(const QStringList &arguments)
{
    QStringList quoted;
    static const QRegularExpression plain(QStringLiteral(R"(^[A-Za-z0-9_./=:,+-]+$)"));
    for (const QString &argument : arguments)
        quoted << (plain.match(argument).hasMatch()
                       ? argument
                       : QLatin1Char('\'') + QString(argument).replace(QStringLiteral("'"), QStringLiteral("'\\''"))
                             + QLatin1Char('\''));
    return quoted.join(QLatin1Char(' '));
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

/// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return std::nan("");
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted.at(std::clamp<std::size_t>(rank, 1, sorted.size()) - 1);
}

/// Blocks in the event loop for about `ms` (the wait wakes at least every 50 ms).
void pauseFor(int ms)
{
    QElapsedTimer timer;
    timer.start();
    waitUntil([&] { return timer.elapsed() >= ms; }, ms + 1000);
}

/// Checks `done` every `intervalMs` until it holds or the timeout passes.
bool pollUntil(const std::function<bool()> &done, qint64 timeoutMs, int intervalMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        pauseFor(intervalMs);
    }
    return true;
}

/// CPU seconds so far of every process of the flow.
struct CpuSample {
    double worker = 0;
    double sim = 0;
    double kafka = 0;
    double postgres = 0;
    double bench = 0;
};

struct Pids {
    QList<qint64> workers;
    qint64 sim = 0;
    qint64 kafka = 0;
    qint64 postmaster = 0;
};

CpuSample sampleCpu(const Pids &pids)
{
    double workers = 0;
    for (const qint64 pid : pids.workers)
        workers += processCpuSeconds(pid);
    return CpuSample{workers, processCpuSeconds(pids.sim), processCpuSeconds(pids.kafka),
                     processTreeCpuSeconds(pids.postmaster), cpuSeconds()};
}

void printCpu(const CpuSample &before, const CpuSample &after, double seconds, qint64 events)
{
    const struct {
        const char *name;
        double used;
    } rows[] = {
        {"vestnik-worker (trigger + sender, all processes)", after.worker - before.worker},
        {"vestnik-sim", after.sim - before.sim},
        {"Kafka broker (java)", after.kafka - before.kafka},
        {"PostgreSQL (all server processes)", after.postgres - before.postgres},
        {"this bench (producer, pacing, polls)", after.bench - before.bench},
    };
    std::printf("\nCPU during the run (%.2f s wall, %lld events; /proc/<pid>/stat, 10 ms ticks):\n", seconds,
                static_cast<long long>(events));
    std::printf("| process | CPU s | %% of one core | CPU us per event |\n|---|---|---|---|\n");
    double total = 0;
    for (const auto &row : rows) {
        total += row.used;
        std::printf("| %s | %.2f | %.0f %% | %.0f |\n", row.name, row.used, 100.0 * row.used / seconds,
                    row.used * 1e6 / double(std::max<qint64>(events, 1)));
    }
    std::printf("| total | %.2f | %.0f %% | %.0f |\n", total, 100.0 * total / seconds,
                total * 1e6 / double(std::max<qint64>(events, 1)));
}

void printDistribution(const char *name, std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    std::printf("| %s | %zu | %.1f | %.1f | %.1f | %.1f | %.1f |\n", name, values.size(), percentile(values, 50),
                percentile(values, 90), percentile(values, 99), percentile(values, 99.9),
                values.empty() ? std::nan("") : values.back());
}

QByteArray eventJson(const QString &eventId, const QString &userId, qint64 nowMs)
{
    return QStringLiteral(R"({"id":"%1","type":"cart.item_added","user_id":"%2","occurred_at":%3,)"
                          R"("data":{"название_товара":"Чайник"}})")
        .arg(eventId, userId)
        .arg(nowMs)
        .toUtf8();
}

/// Produces events to the run's topic and counts the broker's confirmations.
class EventSource final
{
public:
    EventSource(KafkaProducer &producer, QString topic) : m_producer(producer), m_topic(std::move(topic)) {}

    /// Produces an event of `userId` and returns the wall-clock time (us) just before handing it to librdkafka. A
    /// measured event's id is its user's id (one event per user, and the trigger's rows name it); the lead-in's
    /// users have several.
    qint64 produce(const QString &userId, const QString &eventId = {})
    {
        const qint64 at = wallUs();
        ++m_sent;
        m_producer.produce(m_topic, KafkaProducer::kAnyPartition, userId.toUtf8(),
                           eventJson(eventId.isEmpty() ? userId : eventId, userId, at / 1000),
                           [this](Result<void> result) {
                               if (result) {
                                   ++m_confirmed;
                               } else {
                                   ++m_failed;
                                   std::fprintf(stderr, "%s\n", qPrintable(result.error().message));
                               }
                           });
        return at;
    }
    bool allConfirmed() const { return m_confirmed + m_failed == m_sent; }
    int failed() const { return m_failed; }

private:
    KafkaProducer &m_producer;
    const QString m_topic;
    int m_sent = 0;
    int m_confirmed = 0;
    int m_failed = 0;
};

struct Options {
    bool throughput = false;
    int rate = 1000;
    int seconds = 20;
    int count = 0; ///< events measured
    int warmup = 200;
    int leadInMs = 30'000; ///< latency mode: events at the rate before the measured ones
    int partitions = 12;
    int timeoutSeconds = 300;
    QString servicesEnv;
    QString worker;
    QString sim;
    QString producerProperties;
    QString workerKafkaProperties;
    bool splitRoles = false;
    QString eventsCsv;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("vestnik.*.info=false"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QString buildDir = QDir(QCoreApplication::applicationDirPath() + QStringLiteral("/../..")).absolutePath();
    const QString runDir = qEnvironmentVariable("VESTNIK_RUN_DIR", QStringLiteral("/tmp/vestnik-services"));
    const QCommandLineOption modeOption(QStringLiteral("mode"), QStringLiteral("latency or throughput"),
                                        QStringLiteral("mode"), QStringLiteral("latency"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("latency mode: events per second"),
                                        QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("latency mode: seconds of events"),
                                           QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption countOption(QStringLiteral("count"), QStringLiteral("throughput mode: events"),
                                         QStringLiteral("n"), QStringLiteral("50000"));
    const QCommandLineOption warmupOption(QStringLiteral("warmup"),
                                          QStringLiteral("events (own users) before the measurement"),
                                          QStringLiteral("n"), QStringLiteral("200"));
    const QCommandLineOption leadInOption(
        QStringLiteral("lead-in"),
        QStringLiteral("latency mode: ms of events at the rate (own users, not measured) that lead straight into the "
                       "measured ones, so that the measurement starts in the steady state; 0: from idle"),
        QStringLiteral("ms"), QStringLiteral("30000"));
    const QCommandLineOption partitionsOption(QStringLiteral("partitions"), QStringLiteral("partitions of the topics"),
                                              QStringLiteral("n"), QStringLiteral("12"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           QStringLiteral("seconds to wait for the pushes after the last event"),
                                           QStringLiteral("n"), QStringLiteral("300"));
    const QCommandLineOption servicesOption(QStringLiteral("services-env"),
                                            QStringLiteral("services.env of scripts/services"), QStringLiteral("path"),
                                            runDir + QStringLiteral("/services.env"));
    const QCommandLineOption workerOption(QStringLiteral("worker"), QStringLiteral("vestnik-worker binary"),
                                          QStringLiteral("path"), buildDir + QStringLiteral("/worker/vestnik-worker"));
    const QCommandLineOption simOption(QStringLiteral("sim"), QStringLiteral("vestnik-sim binary"),
                                       QStringLiteral("path"), buildDir + QStringLiteral("/simulator/vestnik-sim"));
    const QCommandLineOption producerOption(
        QStringLiteral("producer-properties"),
        QStringLiteral("librdkafka properties of the bench's producer "
                       "(name=value;...); none: Vestnik's KafkaProducer defaults "
                       "(linger.ms=0 and socket.nagle.disable=true; librdkafka's own are 5 and false)"),
        QStringLiteral("list"));
    const QCommandLineOption workerKafkaOption(QStringLiteral("worker-kafka-properties"),
                                               QStringLiteral("the worker's bus.kafka_properties (name=value;...)"),
                                               QStringLiteral("list"));
    const QCommandLineOption splitOption(QStringLiteral("split-roles"),
                                         QStringLiteral("one worker process per role (trigger, sender) instead of one "
                                                        "process with both"));
    const QCommandLineOption csvOption(
        QStringLiteral("events-csv"),
        QStringLiteral("also write each event's times to this file: when it was produced (ms after the first) and its "
                       "latency and stages (ms; empty where a stage's times are missing), to see when the slow ones "
                       "happened"),
        QStringLiteral("path"));
    parser.addOptions({modeOption, rateOption, secondsOption, countOption, warmupOption, leadInOption, partitionsOption,
                       timeoutOption, servicesOption, workerOption, simOption, producerOption, workerKafkaOption,
                       splitOption, csvOption});
    parser.process(app);
    Options o;
    o.throughput = parser.value(modeOption) == QStringLiteral("throughput");
    if (!o.throughput && parser.value(modeOption) != QStringLiteral("latency"))
        return fail(QStringLiteral("--mode is latency or throughput"));
    o.rate = parser.value(rateOption).toInt();
    o.seconds = parser.value(secondsOption).toInt();
    o.count = o.throughput ? parser.value(countOption).toInt() : o.rate * o.seconds;
    o.warmup = parser.value(warmupOption).toInt();
    o.leadInMs = o.throughput ? 0 : parser.value(leadInOption).toInt();
    o.partitions = parser.value(partitionsOption).toInt();
    o.eventsCsv = parser.value(csvOption);
    o.timeoutSeconds = parser.value(timeoutOption).toInt();
    o.servicesEnv = parser.value(servicesOption);
    o.worker = parser.value(workerOption);
    o.sim = parser.value(simOption);
    o.producerProperties = parser.value(producerOption);
    o.workerKafkaProperties = parser.value(workerKafkaOption);
    o.splitRoles = parser.isSet(splitOption);
    if (o.count <= 0 || o.rate <= 0 || o.warmup <= 0 || o.partitions <= 0)
        return fail(QStringLiteral("--rate, --seconds, --count, --warmup and --partitions must be positive"));
    if (o.leadInMs < 0)
        return fail(QStringLiteral("--lead-in must not be negative"));

    const QHash<QString, QString> services = readEnvFile(o.servicesEnv);
    if (!services.contains(QStringLiteral("VESTNIK_TEST_PG_PORT"))
        || !services.contains(QStringLiteral("VESTNIK_TEST_KAFKA_BROKERS")))
        return fail(
            QStringLiteral("%1 names no PostgreSQL or no Kafka: run scripts/services start all").arg(o.servicesEnv));
    const QString servicesDir = QFileInfo(o.servicesEnv).absolutePath();
    Deployment::Settings settings;
    settings.simBinary = o.sim;
    settings.workerBinary = o.worker;
    settings.postgres.dialect = Dialect::Postgres;
    settings.postgres.host = services.value(QStringLiteral("VESTNIK_TEST_PG_HOST"));
    settings.postgres.port = services.value(QStringLiteral("VESTNIK_TEST_PG_PORT")).toInt();
    settings.postgres.name = services.value(QStringLiteral("VESTNIK_TEST_PG_DATABASE"));
    settings.postgres.user = services.value(QStringLiteral("VESTNIK_TEST_PG_USER"));
    settings.postgres.password = services.value(QStringLiteral("VESTNIK_TEST_PG_PASSWORD"));
    settings.postgres.options = QStringLiteral("options='-c client_min_messages=warning'");
    settings.brokers = services.value(QStringLiteral("VESTNIK_TEST_KAFKA_BROKERS"));
    settings.partitions = o.partitions;
    settings.workerKafkaProperties = o.workerKafkaProperties;
    settings.splitRoles = o.splitRoles;
    Pids pids;
    pids.kafka = pidFromFile(servicesDir + QStringLiteral("/kafka/kafka.pid"));
    pids.postmaster = findPostmaster(servicesDir + QStringLiteral("/postgres/data"), settings.postgres.port);
    if (processCpuSeconds(pids.kafka) < 0 || processCpuSeconds(pids.postmaster) < 0)
        return fail(QStringLiteral("cannot find the Kafka (%1) or PostgreSQL (%2) process of %3")
                        .arg(pids.kafka)
                        .arg(pids.postmaster)
                        .arg(o.servicesEnv));
    Result<QHash<QString, QString>> producerProperties = KafkaBus::parseProperties(o.producerProperties);
    if (!producerProperties)
        return fail(producerProperties.error().message);

    std::printf("command: %s\n", qPrintable(shellQuoted(QCoreApplication::arguments())));
    std::printf("load average at start: %s (%d cores)\n", qPrintable(loadAverage()), QThread::idealThreadCount());

    QTemporaryDir dir;
    settings.directory = dir.path();
    Deployment deployment(settings);
    QStringList users;
    QStringList warmUsers;
    QStringList leadUsers;
    users.reserve(o.count);
    for (int i = 0; i < o.warmup; ++i)
        warmUsers << QStringLiteral("w%1").arg(i);
    // The lead-in's events go to a second's worth of users, in turn.
    const qint64 leadEvents = qint64(o.rate) * o.leadInMs / 1000;
    for (qint64 i = 0; i < std::min<qint64>(leadEvents, o.rate); ++i)
        leadUsers << QStringLiteral("l%1").arg(i);
    for (int i = 0; i < o.count; ++i)
        users << QStringLiteral("u%1").arg(i);
    if (Result<void> prepared = deployment.prepare(warmUsers + leadUsers + users); !prepared)
        return fail(prepared.error().toString());
    if (Result<void> started = deployment.startWorkers(); !started)
        return fail(started.error().toString());
    pids.workers = deployment.workerPids();
    pids.sim = deployment.simPid();

    KafkaProducer producer(KafkaProducer::Settings{settings.brokers, *producerProperties, 5ms});
    if (Result<void> started = producer.start(); !started)
        return fail(started.error().toString());
    if (Result<void> topic = producer.ensureTopic(deployment.eventsTopic(), o.partitions, 15s); !topic)
        return fail(topic.error().toString());
    EventSource source(producer, deployment.eventsTopic());

    // Warm-up: the consumer groups' assignments, the OAuth token, the HTTP/2 connections, the statements.
    QElapsedTimer warming;
    warming.start();
    for (const QString &user : std::as_const(warmUsers))
        source.produce(user);
    const auto arrived = [&deployment](qint64 expected) {
        Result<qint64> accepted = deployment.acceptedSoFar();
        return accepted && *accepted >= expected;
    };
    if (!pollUntil([&] { return arrived(o.warmup); }, 120'000, 100))
        return fail(QStringLiteral("the warm-up's %1 pushes did not arrive within 120 s").arg(o.warmup));
    if (Result<void> cleared = deployment.clearRecording(); !cleared)
        return fail(cleared.error().toString());
    pauseFor(1000); // lets the worker record the warm-up as sent and go idle
    std::printf("warm-up: %d events delivered in %.1f s\n", o.warmup, double(warming.elapsed()) / 1000.0);

    std::vector<qint64> producedUs(std::size_t(o.count), 0);
    CpuSample cpuBefore = sampleCpu(pids);
    QElapsedTimer wall;   // from the first event produced (the lead-in's, if any)
    QElapsedTimer window; // from the first measured event
    wall.start();
    window.start();
    int produced = 0;    // measured events
    double latestUs = 0; // how late the pacer produced an event against its schedule, at most
    if (o.throughput) {
        for (; produced < o.count; ++produced) {
            producedUs[std::size_t(produced)] = source.produce(users.at(produced));
            if (produced % 1000 == 999)
                QCoreApplication::processEvents(); // delivery reports
        }
    } else {
        QTimer pacer;
        pacer.setTimerType(Qt::PreciseTimer);
        pacer.setInterval(1);
        const qint64 total = leadEvents + o.count;
        qint64 sent = 0; // lead-in and measured
        QObject::connect(&pacer, &QTimer::timeout, &pacer, [&] {
            const qint64 elapsedNs = wall.nsecsElapsed();
            const qint64 due = std::min<qint64>(total, elapsedNs * o.rate / 1'000'000'000 + 1);
            for (; sent < due; ++sent) {
                latestUs = std::max(latestUs, double(elapsedNs) / 1e3 - double(sent) * 1e6 / o.rate);
                if (sent < leadEvents) {
                    const QString &user = leadUsers.at(sent % leadUsers.size());
                    source.produce(user, user + QLatin1Char('-') + QString::number(sent));
                    continue;
                }
                if (sent == leadEvents && leadEvents > 0) {
                    cpuBefore = sampleCpu(pids);
                    window.start();
                }
                producedUs[std::size_t(sent - leadEvents)] = source.produce(users.at(sent - leadEvents));
                produced = int(sent - leadEvents + 1);
            }
            if (sent == total)
                pacer.stop();
        });
        pacer.start();
        waitUntil([&] { return produced == o.count; }, o.seconds * 1000 + o.leadInMs + 60'000);
    }
    const double produceSeconds = double(window.nsecsElapsed()) / 1e9;
    const bool complete =
        pollUntil([&] { return arrived(leadEvents + o.count); }, qint64(o.timeoutSeconds) * 1000, 100);
    const CpuSample cpuAfter = sampleCpu(pids);
    const double runSeconds = double(window.nsecsElapsed()) / 1e9;
    waitUntil([&] { return source.allConfirmed(); }, 30'000);

    Result<QJsonObject> records = deployment.fcmRecords();
    if (!records)
        return fail(records.error().toString());
    Result<QHash<QString, StageTimes>> stages = deployment.stageTimes();
    if (!stages)
        return fail(stages.error().toString());

    std::vector<double> latency;
    // The stages between the times each event left behind; see StageTimes.
    std::vector<double> toEventAppended;
    std::vector<double> eventToTrigger;
    std::vector<double> triggerToJobAppended;
    std::vector<double> jobToStored;
    std::vector<double> storedToSim;
    latency.reserve(std::size_t(o.count));
    QByteArray csv = "produced_ms,latency_ms,stage1_ms,stage2_ms,stage3_ms,stage4_ms,stage5_ms\n";
    qint64 duplicates = 0;
    qint64 lastArrivalMs = 0;
    for (int i = 0; i < o.count; ++i) {
        const QJsonObject record = records->value(deployment.token(users.at(i))).toObject();
        if (record.isEmpty())
            continue;
        duplicates += record.value(QStringLiteral("accepted")).toInteger() - 1;
        const qint64 firstAt = record.value(QStringLiteral("first_at")).toInteger();
        lastArrivalMs = std::max(lastArrivalMs, record.value(QStringLiteral("last_at")).toInteger());
        const double producedMs = double(producedUs[std::size_t(i)]) / 1000.0;
        // The simulator's times are whole milliseconds (truncated): the middle of the millisecond is the estimate.
        latency.push_back(double(firstAt) + 0.5 - producedMs);
        const StageTimes t = stages->value(users.at(i));
        csv += QByteArray::number(producedMs - double(producedUs.front()) / 1000.0, 'f', 3) + ','
               + QByteArray::number(latency.back(), 'f', 1);
        if (t.eventAppendedAtMs > 0 && t.triggeredAtMs > 0 && t.jobAppendedAtMs > 0 && t.storedAtMs > 0) {
            toEventAppended.push_back(double(t.eventAppendedAtMs) + 0.5 - producedMs);
            eventToTrigger.push_back(double(t.triggeredAtMs - t.eventAppendedAtMs));
            triggerToJobAppended.push_back(double(t.jobAppendedAtMs - t.triggeredAtMs));
            jobToStored.push_back(double(t.storedAtMs - t.jobAppendedAtMs));
            storedToSim.push_back(double(firstAt - t.storedAtMs));
            for (const std::vector<double> *stage :
                 {&toEventAppended, &eventToTrigger, &triggerToJobAppended, &jobToStored, &storedToSim})
                csv += ',' + QByteArray::number(stage->back(), 'f', 1);
        } else {
            csv += ",,,,,";
        }
        csv += '\n';
    }
    if (!o.eventsCsv.isEmpty()) {
        QFile file(o.eventsCsv);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(csv) != csv.size())
            return fail(QStringLiteral("cannot write %1: %2").arg(o.eventsCsv, file.errorString()));
    }
    const qint64 arrivedCount = qint64(latency.size());

    if (o.throughput)
        std::printf("\nthroughput mode: %d events (one per user), produced as fast as possible in %.3f s\n", o.count,
                    produceSeconds);
    else
        std::printf("\nlatency mode: %d events/s for %d s (%d events, one per user), produced in %.2f s; the pacer "
                    "was at most %.1f ms behind its schedule\n",
                    o.rate, o.seconds, o.count, produceSeconds, latestUs / 1000.0);
    if (!o.throughput)
        std::printf("lead-in: %lld events (%lld users) at the same rate for %d ms before the measured ones, without a "
                    "pause (%s)\n",
                    static_cast<long long>(leadEvents), static_cast<long long>(leadUsers.size()), o.leadInMs,
                    leadUsers.isEmpty() ? "the measurement starts from idle" : "not measured");
    std::printf("%s, %d partitions, bench producer properties: %s (linger.ms=%s, socket.nagle.disable=%s), worker "
                "bus.kafka_properties: %s\n",
                o.splitRoles ? "two worker processes (trigger; sender)" : "one worker (trigger,sender)", o.partitions,
                o.producerProperties.isEmpty() ? "defaults" : qPrintable(o.producerProperties),
                qPrintable(producer.effectiveProperty(QStringLiteral("linger.ms"))),
                qPrintable(producer.effectiveProperty(QStringLiteral("socket.nagle.disable"))),
                o.workerKafkaProperties.isEmpty() ? "none" : qPrintable(o.workerKafkaProperties));
    std::printf("arrived: %lld of %d (%lld duplicates), produce failures: %d\n", static_cast<long long>(arrivedCount),
                o.count, static_cast<long long>(duplicates), source.failed());
    if (o.throughput && arrivedCount > 0) {
        const double spanMs = double(lastArrivalMs) + 0.5 - double(producedUs.front()) / 1000.0;
        std::printf("first produce -> last arrival: %.3f s: %.0f events/s end to end\n", spanMs / 1000.0,
                    double(arrivedCount) * 1000.0 / spanMs);
    }
    std::printf("\nms (the simulator's clock has 1 ms resolution: +-0.5 ms per figure, +-1 ms between two "
                "rows' times)\n");
    std::printf("| from -> to | events | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|\n");
    printDistribution("produce -> simulator receives the push", latency);
    printDistribution("1. produce -> broker appends the event", toEventAppended);
    printDistribution("2. event appended -> trigger role evaluates it", eventToTrigger);
    printDistribution("3. trigger evaluates -> broker appends the send job", triggerToJobAppended);
    printDistribution("4. send job appended -> dispatcher stores the delivery", jobToStored);
    printDistribution("5. dispatcher stores -> simulator receives the push", storedToSim);
    std::sort(latency.begin(), latency.end());
    if (!o.throughput && !latency.empty()) {
        std::printf("goal p50 < 5 ms: %s (%.1f ms); goal p99 < 25 ms: %s (%.1f ms)\n",
                    percentile(latency, 50) < 5 ? "met" : "NOT met", percentile(latency, 50),
                    percentile(latency, 99) < 25 ? "met" : "NOT met", percentile(latency, 99));
    }
    printCpu(cpuBefore, cpuAfter, runSeconds, arrivedCount);
    std::printf("\nload average at the end: %s\n", qPrintable(loadAverage()));

    deployment.tearDown();
    if (!complete || arrivedCount != o.count || source.failed() > 0)
        return fail(
            QStringLiteral("%1 of %2 pushes arrived within %3 s").arg(arrivedCount).arg(o.count).arg(o.timeoutSeconds));
    return 0;
}
