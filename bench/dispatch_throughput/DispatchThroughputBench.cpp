// The full dispatcher against vestnik-sim's FCM endpoint (TLS + HTTP/2) on a real database: per send job
// the device look-up, the user look-up, the render of a two-variable Russian template, the delivery rows
// written and claimed, the send, and the batched 'sent' records. Pushes per second, this process's CPU per
// push (for SQLite that includes the database; a PostgreSQL server's own CPU is not counted) and memory per
// push in flight.
//
//   dispatch_throughput_bench --sim build/simulator/vestnik-sim [--count 200000] [--inflight 2000]
//                             [--database sqlite|postgres] [--sim-cpu 0]
// PostgreSQL is taken from the VESTNIK_DATABASE_* variables (`scripts/services env postgres`); the run uses a
// schema of its own and drops it afterwards.
#include "BenchSupport.h"
#include "delivery/DeliveryEngine.h"
#include "security/Sealer.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QUuid>

#include <cstdio>

using namespace vestnik;
using namespace vestnik::bench;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return 1;
}

QString deviceToken(int i)
{
    return QStringLiteral("bench-device-%1:APA91b").arg(i) + QString(120, QLatin1Char('x'));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption simOption(QStringLiteral("sim"), QStringLiteral("vestnik-sim binary"),
                                       QStringLiteral("path"));
    const QCommandLineOption countOption(QStringLiteral("count"), QStringLiteral("pushes (one user, one device each)"),
                                         QStringLiteral("n"), QStringLiteral("200000"));
    const QCommandLineOption inflightOption(QStringLiteral("inflight"), QStringLiteral("send jobs in flight"),
                                            QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption databaseOption(QStringLiteral("database"), QStringLiteral("sqlite or postgres"),
                                            QStringLiteral("name"), QStringLiteral("sqlite"));
    const QCommandLineOption cpuOption(QStringLiteral("sim-cpu"), QStringLiteral("core for the simulator"),
                                       QStringLiteral("n"), QStringLiteral("0"));
    parser.addOptions({simOption, countOption, inflightOption, databaseOption, cpuOption});
    parser.process(app);
    const int count = parser.value(countOption).toInt();
    const int inflight = parser.value(inflightOption).toInt();
    const bool postgres = parser.value(databaseOption) == QStringLiteral("postgres");
    QLoggingCategory::setFilterRules(QStringLiteral("vestnik.*.info=false"));

    QTemporaryDir dir;
    Sim sim;
    if (!startSim(sim, parser.value(simOption), dir.path(), parser.value(cpuOption).toInt()))
        return fail(QStringLiteral("vestnik-sim did not start"));
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(sim.caPath);
    QFile accountFile(dir.filePath(QStringLiteral("sa.json")));
    if (!accountFile.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("no service account"));
    const QByteArray account = accountFile.readAll();

    // The database: a file, or a schema of its own in the given PostgreSQL.
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
    Result<std::shared_ptr<Database>> opened = Database::open(settings);
    if (!opened)
        return fail(opened.error().toString());
    const Database &database = **opened;
    if (Result<int> migrated = Migrator(database).migrate(); !migrated)
        return fail(migrated.error().toString());

    const Clock &clock = SystemClock::instance();
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x42'));
    DeliveryEngine::Settings engineSettings;
    engineSettings.providers.fcm.host = sim.google.host();
    engineSettings.providers.fcm.port = quint16(sim.google.port());
    engineSettings.providers.fcm.caCertificates = ca;
    engineSettings.providers.googleTokenEndpoint = sim.google.resolved(QUrl(QStringLiteral("/token")));
    engineSettings.providers.tokenEndpointCaCertificates = ca;
    engineSettings.dispatcher.workerId = QStringLiteral("bench");
    engineSettings.scanner.workerId = QStringLiteral("bench");
    DeliveryEngine engine(database, *sealer, clock, std::move(engineSettings));
    if (!engine.apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0})
        || !engine.apps.setCredential(QStringLiteral("shop"), Provider::Fcm, account))
        return fail(QStringLiteral("cannot store the app"));
    PushTemplate t;
    t.id = QStringLiteral("back-in-stock");
    t.name = QStringLiteral("Back in stock");
    t.content.title = QStringLiteral("{{имя}}, товар снова в наличии");
    t.content.body = QStringLiteral("«{{название_товара}}» ждёт вас в корзине");
    if (!engine.catalog.save(t, {{"имя", "Анна"}, {"название_товара", "Чайник"}}, QStringLiteral("bench")))
        return fail(QStringLiteral("cannot save the template"));

    QElapsedTimer setup;
    setup.start();
    // User 0 is the warm-up's; users 1 to `count` are measured.
    for (int i = 0; i <= count; ++i) {
        if (!engine.devices.registerDevice(QStringLiteral("user-%1").arg(i), QStringLiteral("shop"), Platform::Android,
                                           deviceToken(i), QStringLiteral("ru-RU")))
            return fail(QStringLiteral("cannot register device %1").arg(i));
    }
    std::printf("registered %d devices in %.1f s\n", count + 1, double(setup.elapsed()) / 1000.0);
    Dispatcher &dispatcher = engine.dispatcher;

    const auto job = [](int i) {
        SendJob j;
        j.campaignId = QStringLiteral("bench");
        j.userId = QStringLiteral("user-%1").arg(i);
        j.templateId = QStringLiteral("back-in-stock");
        j.variables = {{"имя", "Анна"}, {"название_товара", "Чайник электрический"}};
        return j;
    };
    // Warm-up: the OAuth token, the connections, the compiled template.
    int warm = 0;
    dispatcher.submit(job(0), [&](const Dispatcher::JobReport &) { ++warm; });
    waitUntil([&] { return warm == 1 && dispatcher.outstanding() == 0; }, 30'000);

    int submitted = 1;
    int done = 0;
    int sent = 0;
    int failures = 0;
    qint64 peakRss = 0;
    const qint64 rssBefore = rssBytes();
    std::function<void()> topUp;
    const Dispatcher::Completion completion = [&](const Dispatcher::JobReport &report) {
        ++done;
        sent += report.sent;
        failures += report.sent == 1 ? 0 : 1;
        if (done % 1000 == 0)
            peakRss = std::max(peakRss, rssBytes());
        topUp();
    };
    topUp = [&] {
        while (submitted <= count && submitted - 1 - done < inflight)
            dispatcher.submit(job(submitted++), completion);
    };
    const double cpuStart = cpuSeconds();
    const quint64 requestsStart = Database::requestsOnThisThread();
    QElapsedTimer wall;
    wall.start();
    topUp();
    waitUntil([&] { return done == count; }, 1'800'000);
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpuStart;
    const quint64 requests = Database::requestsOnThisThread() - requestsStart;

    Result<QMap<DeliveryStatus, qint64>> counts = engine.deliveries.countsByStatus();
    const qint64 recordedSent = counts ? counts->value(DeliveryStatus::Sent) : -1;
    std::printf("dispatcher on %s: %d pushes, %d jobs in flight: %.0f pushes/s, %.2f us CPU per push, "
                "%.2f KB per in-flight push, %d failures, %lld rows 'sent' (with the warm-up's)\n",
                postgres ? "postgres" : "sqlite", done, inflight, done / seconds, cpu * 1e6 / std::max(done, 1),
                double(std::max<qint64>(0, peakRss - rssBefore)) / inflight / 1024.0, failures,
                static_cast<long long>(recordedSent));
    std::printf("database requests: %llu, %.3f per push\n", static_cast<unsigned long long>(requests),
                double(requests) / std::max(done, 1));
    if (admin)
        (void)admin->execute(QStringLiteral("DROP SCHEMA ") + schema + QStringLiteral(" CASCADE"),
                             QStringLiteral("drop the schema"));
    sim.process.terminate();
    sim.process.waitForFinished(10'000);
    return failures == 0 && recordedSent == count + 1 ? 0 : 1;
}
