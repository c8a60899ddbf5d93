#pragma once

#include <QProcess>
#include <QString>
#include <QUrl>

#include <functional>

namespace vestnik::bench {

/// This process's user + system CPU time so far.
double cpuSeconds();
/// This process's resident set size.
qint64 rssBytes();
/// Runs the event loop, blocking as exec() does, until `done` or the timeout.
void waitUntil(const std::function<bool()> &done, int timeoutMs);

/// vestnik-sim started for a benchmark: one generated service account (sa.json in the directory, project
/// "bench"), every listener on a free port.
struct Sim {
    QProcess process;
    QUrl google;
    QUrl admin; ///< plain HTTP: /admin/deliveries and the other control endpoints
    QString caPath;
};
/// Starts the simulator pinned to core `cpu` (not pinned when `cpu` is negative); false when it prints no
/// readiness line within 20 s.
bool startSim(Sim &sim, const QString &binary, const QString &dir, int cpu);

} // namespace vestnik::bench
