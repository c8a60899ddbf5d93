#include "BenchSupport.h"

#include "security/JwtKey.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

namespace vestnik::bench {

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
           + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

qint64 rssBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

// Blocks in the event loop like QCoreApplication::exec() would. The overload of processEvents() that takes a
// maximum time drops WaitForMoreEvents and returns at once when nothing is pending: looping on it spins the
// core, and that spinning would be counted as the transport's CPU.
void waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QTimer wake; // lets the wait notice the timeout when nothing else happens
    wake.start(50);
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

bool startSim(Sim &sim, const QString &binary, const QString &dir, int cpu)
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::RS256);
    QFile account(dir + QStringLiteral("/sa.json"));
    if (!key || !account.open(QIODevice::WriteOnly))
        return false;
    account.write(
        QJsonDocument(QJsonObject{
                          {QStringLiteral("type"), QStringLiteral("service_account")},
                          {QStringLiteral("project_id"), QStringLiteral("bench")},
                          {QStringLiteral("private_key_id"), QStringLiteral("bench-key")},
                          {QStringLiteral("private_key"), QString::fromLatin1(key->privateKeyPem())},
                          {QStringLiteral("client_email"), QStringLiteral("bench@bench.iam.gserviceaccount.com")},
                          {QStringLiteral("token_uri"), QStringLiteral("https://oauth2.googleapis.com/token")},
                      })
            .toJson());
    account.close();
    QFile config(dir + QStringLiteral("/sim.json"));
    if (!config.open(QIODevice::WriteOnly))
        return false;
    config.write(R"({"google": {"service_accounts": [{"file": "sa.json"}]}, "log_level": "warning"})");
    config.close();
    sim.process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QStringList arguments{QStringLiteral("--config"),      config.fileName(),
                                QStringLiteral("--data-dir"),    dir + QStringLiteral("/data"),
                                QStringLiteral("--google-port"), QStringLiteral("0"),
                                QStringLiteral("--apns-port"),   QStringLiteral("0"),
                                QStringLiteral("--auth-port"),   QStringLiteral("0"),
                                QStringLiteral("--admin-port"),  QStringLiteral("0")};
    if (cpu >= 0)
        sim.process.start(QStringLiteral("taskset"),
                          QStringList{QStringLiteral("-c"), QString::number(cpu), binary} + arguments);
    else
        sim.process.start(binary, arguments);
    QByteArray out;
    static const QRegularExpression ready(QStringLiteral(R"(google=(\S+).*admin=(\S+).*ca=(\S+))"));
    waitUntil(
        [&] {
            out += sim.process.readAllStandardOutput();
            return ready.match(QString::fromUtf8(out)).hasMatch() || sim.process.state() == QProcess::NotRunning;
        },
        20'000);
    const QRegularExpressionMatch m = ready.match(QString::fromUtf8(out));
    if (!m.hasMatch())
        return false;
    sim.google = QUrl(m.captured(1));
    sim.admin = QUrl(m.captured(2));
    sim.caPath = m.captured(3);
    return true;
}

} // namespace vestnik::bench
