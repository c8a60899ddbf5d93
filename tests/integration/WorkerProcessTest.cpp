// Runs the shipped vestnik-worker binary the way an operator does: start, ask it for its health over HTTPS
// with the certificate it made for itself, stop it with a signal; on SQLite and on the real PostgreSQL; with
// plain HTTP when asked; and with a bad configuration.
#include "TestResults.h"
#include "TestServices.h"
#include "store/Migrator.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace vestnik;

class WorkerProcessTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startsServesAndStopsOnSqlite();
    void servesHttpsWithItsOwnCertificate();
    void plaintextOnlyWhenAskedAndWarned();
    void startsOnPostgres();
    void badConfigurationNamesTheKey();
    void unknownRoleIsRefused();
    void tellsSystemdWhenReadyAndWhenStopping();
    void unreachableDatabaseFailsWithoutLeakingThePassword();

private:
    struct Run {
        QUrl url;
        QString fingerprint;            ///< printed on stdout (https only)
        QString servedFingerprint;      ///< of the certificate the TLS handshake presented
        bool plainHttpAnswered = false; ///< plain HTTP to the https port got an HTTP answer
        QByteArray stderrText;
        int exitCode = -1;
    };
    // Starts the worker, waits for its "listening" line, checks /healthz (over https trusting the certificate
    // in the data directory, unless it serves plain http), stops it with SIGTERM.
    void runHealthy(const QProcessEnvironment &env, const QString &expectedDatabase, Run &run);
};

namespace {

QProcessEnvironment baseEnvironment(const QString &dataDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_LOG_FORMAT"), QStringLiteral("json"));
    return env;
}

} // namespace

namespace {

/// Whether anything that looks like an HTTP answer comes back to a plain HTTP request on `url`'s port.
bool answersPlainHttp(const QUrl &url)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(url.host()), quint16(url.port()));
    if (!socket.waitForConnected(5000))
        return false;
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 10'000) {
        socket.waitForReadyRead(500);
        received += socket.readAll();
    }
    received += socket.readAll();
    return received.contains("HTTP/");
}

} // namespace

void WorkerProcessTest::runHealthy(const QProcessEnvironment &env, const QString &expectedDatabase, Run &run)
{
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForStarted());

    static const QRegularExpression listening(QStringLiteral(R"(listening on (https?://\S+:\d+))"));
    static const QRegularExpression certificate(
        QStringLiteral(R"(^certificate sha256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$)"),
        QRegularExpression::MultilineOption);
    QString out;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (out += QString::fromUtf8(worker.readAllStandardOutput()), listening.match(out).hasMatch())
            || worker.state() == QProcess::NotRunning,
        "no listening line", 30'000);
    // (not QVERIFY2: it would read stderr, which the caller checks, even when the worker runs)
    if (worker.state() != QProcess::Running)
        QFAIL(worker.readAllStandardError().constData());
    run.url = QUrl(listening.match(out).captured(1));
    run.fingerprint = certificate.match(out).captured(1);

    QNetworkAccessManager network;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (run.url.scheme() == QStringLiteral("https")) {
        // Trust exactly the certificate the worker made in its data directory, checked for the name 127.0.0.1.
        const QString dataDir = env.value(QStringLiteral("VESTNIK_WORKER_DATA_DIR"));
        const QList<QSslCertificate> own =
            QSslCertificate::fromPath(QDir(dataDir).filePath(QStringLiteral("api-cert.pem")));
        QCOMPARE(own.size(), 1);
        tls.setCaCertificates(own);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    const auto get = [&](const QString &path) {
        QNetworkRequest request(run.url.resolved(QUrl(path)));
        request.setSslConfiguration(tls);
        return network.get(request);
    };
    QNetworkReply *reply = get(QStringLiteral("/healthz"));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10'000));
    QVERIFY2(reply->error() == QNetworkReply::NoError, qPrintable(reply->errorString()));
    if (run.url.scheme() == QStringLiteral("https"))
        run.servedFingerprint = QString::fromLatin1(
            reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper());
    QCOMPARE(reply->rawHeader("Cache-Control"), QByteArray("no-store"));
    QVERIFY(!reply->rawHeader("X-Request-Id").isEmpty());
    const QJsonObject health = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    QCOMPARE(health.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(health.value(QStringLiteral("database")).toString(), expectedDatabase);
    const Dialect dialect = expectedDatabase == QStringLiteral("postgres") ? Dialect::Postgres : Dialect::Sqlite;
    QCOMPARE(health.value(QStringLiteral("schema_version")).toInt(), Migrator::available(dialect).constLast().version);
    QCOMPARE(health.value(QStringLiteral("ready")).toBool(), true);

    QNetworkReply *ready = get(QStringLiteral("/readyz"));
    QSignalSpy readyFinished(ready, &QNetworkReply::finished);
    QVERIFY(readyFinished.wait(10'000));
    QCOMPARE(ready->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    ready->deleteLater();
    if (run.url.scheme() == QStringLiteral("https"))
        run.plainHttpAnswered = answersPlainHttp(run.url);

    ::kill(pid_t(worker.processId()), SIGTERM);
    QVERIFY(worker.waitForFinished(15'000));
    run.exitCode = worker.exitStatus() == QProcess::NormalExit ? worker.exitCode() : -1;
    run.stderrText = worker.readAllStandardError();
}

void WorkerProcessTest::startsServesAndStopsOnSqlite()
{
    QTemporaryDir dir;
    Run run;
    runHealthy(baseEnvironment(dir.path()), QStringLiteral("sqlite"), run);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("vestnik.db"))));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("seal.key"))));

    // every log line is a JSON object, and the stop was logged
    const QList<QByteArray> lines = run.stderrText.trimmed().split('\n');
    QVERIFY(lines.size() >= 2);
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
    }
    QVERIFY(run.stderrText.contains("stopping"));

    // a second start on the same data directory reuses the database (nothing to migrate)
    Run again;
    runHealthy(baseEnvironment(dir.path()), QStringLiteral("sqlite"), again);
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.stderrText.contains("(0 migrations applied)"), again.stderrText.constData());
    QVERIFY(!run.stderrText.contains("(0 migrations applied)"));
}

void WorkerProcessTest::servesHttpsWithItsOwnCertificate()
{
    QTemporaryDir dir;
    Run run;
    runHealthy(baseEnvironment(dir.path()), QStringLiteral("sqlite"), run);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.url.scheme(), QStringLiteral("https")); // the default
    QVERIFY2(!run.fingerprint.isEmpty(), "no certificate line on stdout");
    QCOMPARE(run.servedFingerprint, run.fingerprint);
    QVERIFY(!run.plainHttpAnswered);
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("api-key.pem"))));
    QCOMPARE(
        QFile::permissions(dir.filePath(QStringLiteral("api-key.pem")))
            & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther),
        QFileDevice::Permissions());

    // the same certificate after a restart
    Run again;
    runHealthy(baseEnvironment(dir.path()), QStringLiteral("sqlite"), again);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.fingerprint, run.fingerprint);
    QCOMPARE(again.servedFingerprint, run.fingerprint);
}

void WorkerProcessTest::plaintextOnlyWhenAskedAndWarned()
{
    QTemporaryDir dir;
    QProcessEnvironment env = baseEnvironment(dir.path());
    env.insert(QStringLiteral("VESTNIK_API_PLAINTEXT"), QStringLiteral("1"));
    Run run;
    runHealthy(env, QStringLiteral("sqlite"), run);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.url.scheme(), QStringLiteral("http"));
    QVERIFY(run.fingerprint.isEmpty());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("api-key.pem"))));
    bool warned = false;
    for (const QByteArray &line : run.stderrText.split('\n')) {
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        warned = warned
                 || (entry.value(QStringLiteral("level")).toString() == QStringLiteral("warning")
                     && entry.value(QStringLiteral("msg"))
                            .toString()
                            .contains(QStringLiteral("api.plaintext (VESTNIK_API_PLAINTEXT) is set")));
    }
    QVERIFY2(warned, run.stderrText.constData());
}

void WorkerProcessTest::unknownRoleIsRefused()
{
    QTemporaryDir dir;
    QProcess worker;
    worker.setProcessEnvironment(baseEnvironment(dir.path()));
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {QStringLiteral("--roles"), QStringLiteral("sender,planer")});
    QVERIFY(worker.waitForFinished(15'000));
    QCOMPARE(worker.exitCode(), 2);
    const QByteArray err = worker.readAllStandardError();
    QVERIFY2(err.contains("worker.roles (--roles): unknown role \"planer\""), err.constData());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("vestnik.db"))));
}

void WorkerProcessTest::tellsSystemdWhenReadyAndWhenStopping()
{
    // The service manager's side of sd_notify: a datagram socket named by NOTIFY_SOCKET.
    QTemporaryDir dir;
    const QByteArray path = QDir(dir.path()).filePath(QStringLiteral("notify")).toUtf8();
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    QVERIFY(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    QCOMPARE(::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)), 0);
    QProcessEnvironment env = baseEnvironment(dir.path());
    env.insert(QStringLiteral("NOTIFY_SOCKET"), QString::fromUtf8(path));
    Run run;
    runHealthy(env, QStringLiteral("sqlite"), run);
    QCOMPARE(run.exitCode, 0);
    QList<QByteArray> messages;
    char buffer[512];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT)) > 0;)
        messages.append(QByteArray(buffer, qsizetype(n)));
    ::close(fd);
    QCOMPARE(messages.size(), 2);
    QVERIFY2(messages.at(0).startsWith("READY=1"), messages.at(0).constData());
    QCOMPARE(messages.at(1), QByteArray("STOPPING=1"));
}

void WorkerProcessTest::startsOnPostgres()
{
    const QString missing = test::missingService(QStringLiteral("postgres"));
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    // A database of its own: what a worker stores (its token signing keys, sealed with this run's key) must not
    // meet a later run's worker, which has another sealing key.
    const Result<DatabaseSettings> created = test::createPostgresDatabase(
        QStringLiteral("worker_process_") + QUuid::createUuid().toString(QUuid::Id128).left(12));
    VT_OK(created);
    const DatabaseSettings &pg = *created;
    QTemporaryDir dir;
    QProcessEnvironment env = baseEnvironment(dir.path());
    env.insert(QStringLiteral("VESTNIK_DATABASE_DRIVER"), QStringLiteral("postgres"));
    env.insert(QStringLiteral("VESTNIK_DATABASE_HOST"), pg.host);
    env.insert(QStringLiteral("VESTNIK_DATABASE_PORT"), QString::number(pg.port));
    env.insert(QStringLiteral("VESTNIK_DATABASE_NAME"), pg.name);
    env.insert(QStringLiteral("VESTNIK_DATABASE_USER"), pg.user);
    env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), pg.password);
    Run run;
    runHealthy(env, QStringLiteral("postgres"), run);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(!run.stderrText.contains(pg.password.toUtf8()));
}

void WorkerProcessTest::badConfigurationNamesTheKey()
{
    QTemporaryDir dir;
    QProcessEnvironment env = baseEnvironment(dir.path());
    env.insert(QStringLiteral("VESTNIK_DATABASE_DRIVER"), QStringLiteral("oracle"));
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
    QVERIFY(worker.waitForFinished(15'000));
    QCOMPARE(worker.exitCode(), 2);
    const QByteArray err = worker.readAllStandardError();
    QVERIFY2(err.contains("database.driver") && err.contains("VESTNIK_DATABASE_DRIVER") && err.contains("oracle"),
             err.constData());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("vestnik.db"))));
}

void WorkerProcessTest::unreachableDatabaseFailsWithoutLeakingThePassword()
{
    QTemporaryDir dir;
    QProcessEnvironment env = baseEnvironment(dir.path());
    const QString password = QStringLiteral("pw-that-must-not-leak-42");
    env.insert(QStringLiteral("VESTNIK_DATABASE_DRIVER"), QStringLiteral("postgres"));
    env.insert(QStringLiteral("VESTNIK_DATABASE_PORT"), QStringLiteral("1")); // nothing listens there
    env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), password);
    QProcess worker;
    worker.setProcessEnvironment(env);
    test::dieWithTest(worker);
    worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {QStringLiteral("--config"), QString()});
    QVERIFY(worker.waitForFinished(30'000));
    QCOMPARE(worker.exitCode(), 1);
    const QByteArray err = worker.readAllStandardError();
    QVERIFY2(err.contains("cannot open postgres://vestnik@127.0.0.1:1/vestnik"), err.constData());
    QVERIFY(!err.contains(password.toUtf8()));
}

QTEST_GUILESS_MAIN(WorkerProcessTest)
#include "WorkerProcessTest.moc"
