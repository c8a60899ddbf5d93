// The console dashboard's poll: the answer of GET /v1/stats as StatsEndpoints makes it (the read of
// delivery_stats_minute and the JSON text), without TLS, HTTP and token checks, on a table filled with
// `--days` of minutes for `--templates` x `--rules` (six metrics each, at every scope). Microseconds per answer,
// median and 99th percentile over `--polls` answers, for the last 60 minutes with each filter and for a 7-day range.
//
//   stats_query_bench [--templates 20] [--rules 2] [--days 7] [--polls 2000] [--database sqlite|postgres]
// PostgreSQL is taken from the VESTNIK_DATABASE_* variables (`scripts/services env postgres`); the run uses a
// schema of its own and drops it afterwards.
#include "api/StatsEndpoints.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "store/StatsRepository.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace vestnik;

namespace {

constexpr qint64 kMinute = StatsRepository::kMinuteMs;

int fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return 1;
}

struct Figures {
    double medianUs = 0;
    double p99Us = 0;
    double readMedianUs = 0; ///< the database read alone
    qsizetype answerBytes = 0;
};

double percentile(std::vector<double> &values, int percent)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, values.size() * std::size_t(percent) / 100)];
}

/// Answers the range `polls` times (and reads it as many times more); the time per answer.
Result<Figures> measure(const StatsEndpoints &endpoints, const StatsRepository &stats, qint64 from, qint64 to,
                        const StatsRepository::Filter &filter, int polls)
{
    std::vector<double> micros;
    std::vector<double> reads;
    micros.reserve(std::size_t(polls));
    reads.reserve(std::size_t(polls));
    Figures figures;
    QElapsedTimer timer;
    for (int i = 0; i < polls; ++i) {
        timer.start();
        Result<QByteArray> answer = endpoints.report(from, to, filter);
        if (!answer)
            return answer.error();
        micros.push_back(double(timer.nsecsElapsed()) / 1000.0);
        figures.answerBytes = answer->size();
        timer.start();
        if (Result<QMap<qint64, StatsRepository::Counts>> read = stats.minutes(from, to, filter); !read)
            return read.error();
        reads.push_back(double(timer.nsecsElapsed()) / 1000.0);
    }
    figures.medianUs = percentile(micros, 50);
    figures.p99Us = percentile(micros, 99);
    figures.readMedianUs = percentile(reads, 50);
    return figures;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption templatesOption(QStringLiteral("templates"), QStringLiteral("templates with traffic"),
                                             QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption rulesOption(QStringLiteral("rules"), QStringLiteral("trigger rules per template"),
                                         QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption daysOption(QStringLiteral("days"), QStringLiteral("days of minutes in the table"),
                                        QStringLiteral("n"), QStringLiteral("7"));
    const QCommandLineOption pollsOption(QStringLiteral("polls"), QStringLiteral("answers per case"),
                                         QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption databaseOption(QStringLiteral("database"), QStringLiteral("sqlite or postgres"),
                                            QStringLiteral("name"), QStringLiteral("sqlite"));
    parser.addOptions({templatesOption, rulesOption, daysOption, pollsOption, databaseOption});
    parser.process(app);
    const int templates = parser.value(templatesOption).toInt();
    const int rules = parser.value(rulesOption).toInt();
    const int days = parser.value(daysOption).toInt();
    const int polls = parser.value(pollsOption).toInt();
    const bool postgres = parser.value(databaseOption) == QStringLiteral("postgres");
    if (templates < 1 || rules < 1 || days < 1 || polls < 1)
        return fail(QStringLiteral("--templates, --rules, --days and --polls must be positive"));
    QLoggingCategory::setFilterRules(QStringLiteral("vestnik.*.info=false"));

    // The database: a file, or a schema of its own in the given PostgreSQL.
    QTemporaryDir dir;
    DatabaseSettings settings;
    QString schema;
    std::shared_ptr<Database> admin;
    if (postgres) {
        Result<Config> config = Config::load(QString(), QProcessEnvironment::systemEnvironment());
        if (!config)
            return fail(config.error().toString());
        settings = DatabaseSettings::fromConfig(*config);
        settings.dialect = Dialect::Postgres;
        DatabaseSettings adminSettings = settings;
        adminSettings.options = QStringLiteral("options='-c client_min_messages=warning'");
        Result<std::shared_ptr<Database>> opened = Database::open(adminSettings);
        if (!opened)
            return fail(opened.error().toString());
        admin = *opened;
        schema = QStringLiteral("bench_") + QUuid::createUuid().toString(QUuid::Id128);
        if (Result<void> created = admin->execute(QStringLiteral("CREATE SCHEMA ") + schema, QStringLiteral("schema"));
            !created)
            return fail(created.error().toString());
        settings.options = QStringLiteral("options='-c search_path=%1 -c client_min_messages=warning'").arg(schema);
    } else {
        settings.path = dir.filePath(QStringLiteral("vestnik.db"));
    }
    int status = 0;
    {
        Result<std::shared_ptr<Database>> opened = Database::open(settings);
        if (!opened)
            return fail(opened.error().toString());
        const Database &database = **opened;
        if (Result<int> migrated = Migrator(database).migrate(); !migrated)
            return fail(migrated.error().toString());

        // A week of traffic: every template and rule busy every minute (the worst case for the reads).
        const qint64 end = StatsRepository::minuteOf(SystemClock::instance().nowMs()) + kMinute;
        const qint64 start = end - qint64(days) * 24 * 60 * kMinute;
        const QList<DeliveryMetric> metrics{DeliveryMetric::Queued,    DeliveryMetric::Sent,
                                            DeliveryMetric::Delivered, DeliveryMetric::Opened,
                                            DeliveryMetric::Retry,     DeliveryMetric::FailedInvalidToken};
        const StatsRepository stats(database);
        QElapsedTimer filling;
        filling.start();
        for (qint64 dayStart = start; dayStart < end; dayStart += 24 * 60 * kMinute) {
            StatsRepository::Tally tally;
            for (qint64 minute = dayStart; minute < dayStart + 24 * 60 * kMinute; minute += kMinute) {
                for (int t = 0; t < templates; ++t) {
                    for (int r = 0; r < rules; ++r) {
                        for (DeliveryMetric metric : metrics)
                            tally.add(minute, QStringLiteral("template-%1").arg(t), QString::number(t * rules + r + 1),
                                      metric, 1 + (minute / kMinute + t) % 7);
                    }
                }
            }
            if (Result<void> added = stats.add(tally); !added)
                return fail(added.error().toString());
        }
        Result<QSqlQuery> rows = database.run(QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute"), {},
                                              QStringLiteral("count the rows"));
        const qint64 rowCount = rows && rows->next() ? rows->value(0).toLongLong() : -1;
        std::printf("%s: %d templates x %d rules, %d days: %lld rows filled in %.1f s\n",
                    postgres ? "postgres" : "sqlite", templates, rules, days, rowCount,
                    double(filling.elapsed()) / 1000.0);
        if (postgres)
            (void)database.execute(QStringLiteral("ANALYZE delivery_stats_minute"), QStringLiteral("analyze"));

        const StatsEndpoints endpoints(database, SystemClock::instance());
        struct Case {
            const char *name;
            qint64 from;
            StatsRepository::Filter filter;
        };
        const QList<Case> cases{
            {"last 60 minutes, everything", end - 60 * kMinute, {}},
            {"last 60 minutes, one template", end - 60 * kMinute, {QStringLiteral("template-3"), QString()}},
            {"last 60 minutes, one rule", end - 60 * kMinute, {QString(), QStringLiteral("5")}},
            {"last 60 minutes, template and rule",
             end - 60 * kMinute,
             {QStringLiteral("template-2"), QStringLiteral("5")}},
            {"last 7 days, everything", std::max(start, end - 7 * 24 * 60 * kMinute), {}},
        };
        std::printf("%-36s %10s %10s %15s %13s\n", "case", "median us", "p99 us", "read median us", "answer bytes");
        for (const Case &c : cases) {
            const int runs = end - c.from > 60 * kMinute ? std::max(1, polls / 100) : polls; // the long range is slow
            Result<Figures> figures = measure(endpoints, stats, c.from, end, c.filter, runs);
            if (!figures) {
                status = fail(figures.error().toString());
                break;
            }
            std::printf("%-36s %10.1f %10.1f %15.1f %13lld\n", c.name, figures->medianUs, figures->p99Us,
                        figures->readMedianUs, static_cast<long long>(figures->answerBytes));
        }
    }
    if (admin)
        (void)admin->execute(QStringLiteral("DROP SCHEMA ") + schema + QStringLiteral(" CASCADE"),
                             QStringLiteral("drop the schema"));
    return status;
}
