#include "TestServices.h"

#include <QFile>
#include <QProcessEnvironment>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace vestnik::test {

QHash<QString, QString> serviceEnvironment()
{
    QHash<QString, QString> values;
    const QString path = QProcessEnvironment::systemEnvironment().value(QStringLiteral("VESTNIK_SERVICES_ENV"));
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly | QIODevice::Text))
        return values;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)).trimmed());
    }
    return values;
}

QString missingService(const QString &service)
{
    const QHash<QString, QString> env = serviceEnvironment();
    const QString key = service == QStringLiteral("kafka") ? QStringLiteral("VESTNIK_TEST_KAFKA_BROKERS")
                                                           : QStringLiteral("VESTNIK_TEST_PG_PORT");
    if (env.contains(key))
        return QString();
    return QStringLiteral("%1 is not running for this test: run it through ctest (the fixture starts it with "
                          "scripts/services) or set VESTNIK_SERVICES_ENV to a services.env that names it")
        .arg(service);
}

DatabaseSettings postgresSettings()
{
    const QHash<QString, QString> env = serviceEnvironment();
    DatabaseSettings s;
    s.dialect = Dialect::Postgres;
    s.host = env.value(QStringLiteral("VESTNIK_TEST_PG_HOST"));
    s.port = env.value(QStringLiteral("VESTNIK_TEST_PG_PORT")).toInt();
    s.name = env.value(QStringLiteral("VESTNIK_TEST_PG_DATABASE"));
    s.user = env.value(QStringLiteral("VESTNIK_TEST_PG_USER"));
    s.password = env.value(QStringLiteral("VESTNIK_TEST_PG_PASSWORD"));
    return s;
}

QString kafkaBrokers()
{
    return serviceEnvironment().value(QStringLiteral("VESTNIK_TEST_KAFKA_BROKERS"));
}

Result<DatabaseSettings> createPostgresDatabase(const QString &name)
{
    DatabaseSettings settings = postgresSettings();
    DatabaseSettings admin = settings;
    admin.name = QStringLiteral("postgres");
    Result<std::shared_ptr<Database>> server = Database::open(admin);
    if (!server)
        return server.error();
    if (Result<void> created = (*server)->execute(QStringLiteral("CREATE DATABASE ") + name, QStringLiteral("create"));
        !created)
        return created.error();
    settings.name = name;
    return settings;
}

void dieWithTest(QProcess &process)
{
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the test died before the line above took effect
            ::_exit(1);
    });
}

} // namespace vestnik::test
