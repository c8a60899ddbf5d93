#pragma once

#include <QString>
#include <QtGlobal>

namespace vestnik::bench {

/// User + system CPU seconds of a process so far, all its threads, from /proc/<pid>/stat; -1 when it is gone.
double processCpuSeconds(qint64 pid);

/// CPU seconds of a process and its children: its own, those of its live children and those of the children it
/// has already reaped (cutime + cstime). For a PostgreSQL postmaster that is every server process: backends,
/// the checkpointer, the WAL writer and autovacuum workers that ran and exited. -1 when the process is gone.
double processTreeCpuSeconds(qint64 pid);

/// The PostgreSQL postmaster serving `port`: from postmaster.pid under `dataDir` if readable, else the
/// process whose command line is `.../postgres ... -p <port>`; 0 when none is found.
qint64 findPostmaster(const QString &dataDir, int port);

/// The first line of a pid file as a number, 0 when unreadable.
qint64 pidFromFile(const QString &path);

} // namespace vestnik::bench
