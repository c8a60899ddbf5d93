#pragma once

// What the tests of the worker's Auth Service clients share: vestnik-sim started with an Auth Service
// configuration, its counters, and a restart on the same auth port (a brief outage, or a rotated signing key).
#include "SimTestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace vestnik::test {

/// A vestnik-sim whose data directory (CA, signing key) and auth port survive restarts.
class AuthSim final
{
public:
    /// `config`: the simulator's JSON configuration ("auth", "fleet", ...), written to <dir>/auth-sim.json.
    AuthSim(const QString &dir, const QJsonObject &config) : m_dir(dir)
    {
        QFile file(QDir(dir).filePath(QStringLiteral("auth-sim.json")));
        if (file.open(QIODevice::WriteOnly))
            file.write(QJsonDocument(config).toJson());
        m_configPath = file.fileName();
    }

    /// Starts it on free ports; false with the reason in error().
    bool start() { return launch(QStringList()); }

    /// Stops it and starts it again on the same auth port with the same data directory, so clients keep their
    /// URLs and trusted CA. `newSigningKey`: the Auth Service signs with a new key (tokens issued before are
    /// refused, its JWK Set changes).
    bool restart(bool newSigningKey)
    {
        const int port = m_sim->auth.port();
        if (!stop())
            return false;
        if (newSigningKey)
            QFile::remove(QDir(dataDir()).filePath(QStringLiteral("auth-signing-key.pem")));
        return launch({QStringLiteral("--auth-port"), QString::number(port)});
    }

    /// Stops it (SIGTERM); false when it did not exit cleanly.
    bool stop()
    {
        if (!m_sim)
            return true;
        const int code = m_sim->stop();
        if (code != 0)
            m_error = QStringLiteral("vestnik-sim exited with %1").arg(code);
        return code == 0;
    }

    SimProcess &process() { return *m_sim; }
    QUrl auth() const { return m_sim->auth; }
    QString caPath() const { return m_sim->caPath; }
    QString error() const { return m_error; }

    /// One of the Auth Service's counters of GET /admin/status (token_requests, device_lookups, ...).
    int counter(const QString &name) const
    {
        return adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/status"))
            .json()
            .value(QStringLiteral("auth"))
            .toObject()
            .value(name)
            .toInt(-1);
    }

private:
    QString dataDir() const { return QDir(m_dir).filePath(QStringLiteral("sim-data")); }

    bool launch(const QStringList &extra)
    {
        m_sim = std::make_unique<SimProcess>(dataDir());
        if (!m_sim->start(QStringList{QStringLiteral("--config"), m_configPath} + extra)) {
            m_error = m_sim->error();
            return false;
        }
        return true;
    }

    QString m_dir;
    QString m_configPath;
    QString m_error;
    std::unique_ptr<SimProcess> m_sim;
};

} // namespace vestnik::test
