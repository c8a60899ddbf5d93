#include "ProcessCpu.h"

#include <QDir>
#include <QFile>

#include <unistd.h>

namespace vestnik::bench {

namespace {

/// The fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses): the
/// first is the state (field 3 in proc(5)), so field n of proc(5) is at index n - 3.
QList<QByteArray> statFields(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    const qsizetype end = text.lastIndexOf(')');
    if (end < 0)
        return {};
    return text.mid(end + 2).split(' ');
}

double ticksToSeconds(qint64 ticks)
{
    static const double perSecond = double(sysconf(_SC_CLK_TCK));
    return double(ticks) / perSecond;
}

constexpr int kPpid = 4 - 3;
constexpr int kUtime = 14 - 3;
constexpr int kStime = 15 - 3;
constexpr int kCutime = 16 - 3;
constexpr int kCstime = 17 - 3;

} // namespace

double processCpuSeconds(qint64 pid)
{
    const QList<QByteArray> f = statFields(pid);
    if (f.size() <= kCstime)
        return -1;
    return ticksToSeconds(f.at(kUtime).toLongLong() + f.at(kStime).toLongLong());
}

double processTreeCpuSeconds(qint64 pid)
{
    const QList<QByteArray> root = statFields(pid);
    if (root.size() <= kCstime)
        return -1;
    qint64 ticks = root.at(kUtime).toLongLong() + root.at(kStime).toLongLong() + root.at(kCutime).toLongLong()
                   + root.at(kCstime).toLongLong();
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 child = entry.toLongLong(&isPid);
        if (!isPid || child == pid)
            continue;
        const QList<QByteArray> f = statFields(child);
        if (f.size() > kCstime && f.at(kPpid).toLongLong() == pid)
            ticks += f.at(kUtime).toLongLong() + f.at(kStime).toLongLong() + f.at(kCutime).toLongLong()
                     + f.at(kCstime).toLongLong();
    }
    return ticksToSeconds(ticks);
}

qint64 pidFromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readLine().trimmed().toLongLong();
}

qint64 findPostmaster(const QString &dataDir, int port)
{
    if (const qint64 pid = pidFromFile(dataDir + QStringLiteral("/postmaster.pid"));
        pid > 0 && processCpuSeconds(pid) >= 0)
        return pid;
    // The services script keeps a root-run cluster under /tmp instead: find it by its port.
    const QByteArray portText = QByteArray::number(port);
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile file(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!isPid || !file.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> argv = file.readAll().split('\0');
        if (argv.isEmpty() || !argv.first().endsWith("/postgres"))
            continue;
        for (qsizetype i = 1; i + 1 < argv.size(); ++i) {
            if (argv.at(i) == "-p" && argv.at(i + 1) == portText)
                return pid;
        }
    }
    return 0;
}

} // namespace vestnik::bench
