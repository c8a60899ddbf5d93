#include "WorkerMain.h"

#include "Demo.h"
#include "Worker.h"
#include "security/SealKeyring.h"
#include "security/Sealer.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "store/SealRotation.h"
#include "util/Clock.h"
#include "util/Config.h"
#include "util/LogHandler.h"
#include "util/Logging.h"
#include "util/SignalWatcher.h"
#include "util/SystemdNotify.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <memory>

namespace vestnik {

namespace {

QString keyHelp()
{
    QString text = QStringLiteral("Configuration keys (file section.name, or environment variable):\n");
    for (const ConfigKey &key : Config::schema()) {
        text += QStringLiteral("  %1  (%2, default '%3')\n      %4\n")
                    .arg(key.key, key.environmentName(), key.isSecret ? QString() : key.defaultValue, key.description);
    }
    return text;
}

void applyLevel(const QString &level)
{
    QString rules = QStringLiteral("vestnik.*.debug=false\n");
    if (level == QStringLiteral("debug"))
        rules = QStringLiteral("vestnik.*.debug=true\n");
    else if (level == QStringLiteral("warning"))
        rules += QStringLiteral("vestnik.*.info=false\n");
    else if (level == QStringLiteral("critical"))
        rules += QStringLiteral("vestnik.*.info=false\nvestnik.*.warning=false\n");
    QLoggingCategory::setFilterRules(rules);
}

const QString kRotateKeys = QStringLiteral("rotate-keys");

QString countsLine(const QString &what, const SealRotation::Counts &counts)
{
    return QStringLiteral("%1: %2 re-sealed, %3 already on the current key, %4 changed meanwhile (left as they are)")
        .arg(what)
        .arg(counts.resealed)
        .arg(counts.current)
        .arg(counts.changedMeanwhile);
}

/// `vestnik-worker rotate-keys`: re-seals everything sealed with a retired key. Exit codes as runWorker's.
int rotateKeys(const Config &config)
{
    const auto fail = [](const Error &error) {
        std::fprintf(stderr, "vestnik-worker: rotate-keys: %s\n", qPrintable(error.message));
        return error.code == ErrorCode::InvalidConfig ? 2 : 1;
    };
    Result<Sealer> sealer = SealKeyring::sealerFrom(config, SealKeyring::MissingKeyFile::Refuse);
    if (!sealer)
        return fail(sealer.error());
    const DatabaseSettings settings = DatabaseSettings::fromConfig(config);
    // Opening a SQLite path creates a database there: a mistyped path would "rotate" a new, empty one.
    if (settings.dialect == Dialect::Sqlite && !QFileInfo::exists(settings.path))
        return fail(makeError(ErrorCode::NotFound, QStringLiteral("there is no database at %1").arg(settings.path)));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    if (!database)
        return fail(database.error());
    if (Result<int> migrated = Migrator(**database).migrate(); !migrated)
        return fail(migrated.error());

    QTextStream out(stdout);
    const QStringList retired = sealer->retiredKeyIds();
    out << "rotate-keys on " << settings.describe() << ": current key " << sealer->keyId()
        << ", retired keys: " << (retired.isEmpty() ? QStringLiteral("none") : retired.join(QStringLiteral(", ")))
        << Qt::endl;
    const SealRotation rotation(**database, *sealer, SealRotation::Settings{});
    Result<SealRotation::Report> report = rotation.run([&out](const SealRotation::Report &progress) {
        out << "  so far: " << progress.devices.resealed << " device tokens and " << progress.credentials.resealed
            << " provider credentials re-sealed" << Qt::endl;
    });
    if (!report)
        return fail(report.error());
    out << countsLine(QStringLiteral("device tokens"), report->devices) << '\n'
        << countsLine(QStringLiteral("provider credentials"), report->credentials) << '\n'
        << countsLine(QStringLiteral("token signing keys"), report->signingKeys) << '\n'
        << "everything is sealed with key " << sealer->keyId() << "; the retired keys are no longer needed" << Qt::endl;
    return 0;
}

} // namespace

int runWorker(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vestnik-worker"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VESTNIK_VERSION));
    QCoreApplication::setOrganizationName(QStringLiteral("Vestnik"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Vestnik worker: turns events and campaigns into FCM and APNs pushes.\n\n") + keyHelp());
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption({QStringLiteral("c"), QStringLiteral("config")},
                                          QStringLiteral("Read settings from <file> (INI)."), QStringLiteral("file"));
    const QCommandLineOption checkOption(QStringLiteral("check-config"),
                                         QStringLiteral("Validate the configuration and exit."));
    const QCommandLineOption rolesOption(
        QStringLiteral("roles"),
        QStringLiteral("Run these roles (comma-separated: trigger, sender); overrides worker.roles."),
        QStringLiteral("roles"));
    parser.addOption(configOption);
    parser.addOption(checkOption);
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QStringLiteral("Store a demo shop (simulator credentials from <dir>), post one event and print its deliveries "
                       "(scripts/run does this)."),
        QStringLiteral("dir"));
    parser.addOption(rolesOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("Instead of running, an admin command: rotate-keys re-seals every device token and provider "
                       "credential not sealed with the current key (the keys it was sealed with must be in "
                       "security.retired_seal_keys or security.retired_seal_key_files), then exits."),
        QStringLiteral("[command]"));
    parser.process(app);
    const QStringList commands = parser.positionalArguments();
    if (commands.size() > 1 || (commands.size() == 1 && commands.constFirst() != kRotateKeys)) {
        std::fprintf(stderr, "vestnik-worker: unknown command '%s'; the only command is %s\n",
                     qPrintable(commands.join(QLatin1Char(' '))), qPrintable(kRotateKeys));
        return 2;
    }

    Result<Config> config = Config::load(parser.value(configOption), QProcessEnvironment::systemEnvironment());
    if (!config) {
        std::fprintf(stderr, "vestnik-worker: invalid configuration:\n%s\n", qPrintable(config.error().message));
        return 2;
    }
    if (parser.isSet(rolesOption)) {
        if (Result<void> set =
                config->set(QStringLiteral("worker.roles"), parser.value(rolesOption), QStringLiteral("--roles"));
            !set) {
            std::fprintf(stderr, "vestnik-worker: invalid configuration:\n%s\n", qPrintable(set.error().message));
            return 2;
        }
    }
    if (Result<QStringList> roles = Worker::roles(*config); !roles) {
        std::fprintf(stderr, "vestnik-worker: invalid configuration:\n%s\n", qPrintable(roles.error().message));
        return 2;
    }
    if (parser.isSet(checkOption)) {
        std::printf("configuration is valid\n");
        return 0;
    }

    const LogHandler::Format format = config->string(QStringLiteral("log.format")) == QStringLiteral("text")
                                          ? LogHandler::Format::Text
                                          : LogHandler::Format::Json;
    LogHandler logHandler(format, stderr, SystemClock::instance());
    for (const QString &secret : config->secretValues())
        logHandler.redactor().addSecret(secret);
    for (const QString &key : config->string(QStringLiteral("security.retired_seal_keys")).split(QLatin1Char(',')))
        logHandler.redactor().addSecret(key.trimmed());
    logHandler.install();
    applyLevel(config->string(QStringLiteral("log.level")));
    if (commands.contains(kRotateKeys))
        return rotateKeys(*config);

    Worker worker(*config);
    if (Result<void> started = worker.start(); !started) {
        qCCritical(lcWorker).noquote() << "cannot start:" << started.error().toString();
        std::fprintf(stderr, "vestnik-worker: cannot start: %s\n", qPrintable(started.error().message));
        return 1;
    }

    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::stopRequested, &app, [](int signalNumber) {
        qCInfo(lcWorker) << "signal" << signalNumber << "received, stopping";
        QCoreApplication::quit();
    });

    qCInfo(lcWorker).noquote() << "listening on" << worker.url().toString();
    // Clients of the self-signed default pin this fingerprint.
    if (!worker.certificateFingerprint().isEmpty())
        QTextStream(stdout) << "certificate sha256 " << worker.certificateFingerprint() << Qt::endl;
    QTextStream(stdout) << "vestnik-worker " << QCoreApplication::applicationVersion() << " listening on "
                        << worker.url().toString() << " (health: " << worker.url().toString()
                        << "/healthz); press Ctrl-C to stop" << Qt::endl;
    std::unique_ptr<Demo> demo;
    if (parser.isSet(demoOption)) {
        demo = std::make_unique<Demo>(worker, parser.value(demoOption));
        if (Result<void> started = demo->start(); !started) {
            std::fprintf(stderr, "vestnik-worker: demo: %s\n", qPrintable(started.error().message));
            worker.shutdown();
            return 1;
        }
    }
    notifySystemd("READY=1\nSTATUS=running");
    const int code = QCoreApplication::exec();
    notifySystemd("STOPPING=1");
    worker.shutdown();
    qCInfo(lcWorker) << "stopped";
    return code;
}

} // namespace vestnik
