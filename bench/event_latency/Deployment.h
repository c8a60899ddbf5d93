#pragma once

#include "BenchSupport.h"
#include "store/Database.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace vestnik::bench {

/// When one event passed each stage, from the rows it left and the broker's append times (wall-clock ms).
struct StageTimes {
    qint64 eventAppendedAtMs = 0; ///< the broker appended the event
    qint64 triggeredAtMs = 0;     ///< the trigger role evaluated it (processed_events.received_at)
    qint64 jobAppendedAtMs = 0;   ///< the broker appended its send job
    qint64 storedAtMs = 0;        ///< the dispatcher stored and claimed its delivery ('queued' trail entry)
};

/// A Vestnik deployment for one benchmark run: a fresh PostgreSQL database seeded with an app whose FCM
/// credential the simulator knows, a template, a trigger rule (cart.item_added -> the template) and one Android
/// device per user; topics of its own; vestnik-sim; one vestnik-worker process with the roles trigger and sender, or
/// one process per role.
class Deployment final
{
public:
    struct Settings {
        QString simBinary;
        QString workerBinary;
        DatabaseSettings postgres; ///< the server; `name` is a database to connect to for CREATE DATABASE
        QString brokers;
        int partitions = 12;
        QString workerKafkaProperties; ///< bus.kafka_properties of the worker (name=value;...), may be empty
        bool splitRoles = false;       ///< a worker process per role instead of one with both
        QString directory;             ///< scratch space: the simulator's files, the worker's data dir
    };

    explicit Deployment(Settings settings);
    ~Deployment();
    Q_DISABLE_COPY_MOVE(Deployment)

    /// Starts the simulator (not pinned), creates and migrates the database and seeds it with `users`, and
    /// creates the events and sends topics with the broker's append times.
    Result<void> prepare(const QStringList &users);
    /// Starts the worker (or a worker per role) and returns once each listens (every role started).
    Result<void> startWorkers();
    /// Stops the workers (SIGTERM, graceful) and the simulator, drops the database and deletes the run's topics.
    void tearDown();

    /// The run's topic of a kind ("events", "sends", "dlq", "statuses").
    QString topic(const QString &kind) const;
    QString eventsTopic() const;
    QString sendsTopic() const;
    /// The unique device token of a user.
    QString token(const QString &userId) const;
    QList<qint64> workerPids() const;
    qint64 simPid() const;

    /// Accepted FCM requests the simulator recorded so far (only the totals are fetched).
    Result<qint64> acceptedSoFar();
    /// The simulator's FCM records by token.
    Result<QJsonObject> fcmRecords();
    /// Forgets what the simulator recorded (after the warm-up).
    Result<void> clearRecording();
    /// Per user, when the user's event and send job reached the broker and the worker's roles.
    Result<QHash<QString, StageTimes>> stageTimes() const;

private:
    Result<QByteArray> admin(const QByteArray &method, const QString &pathAndQuery);
    Result<void> seed(const QStringList &users);
    Result<void> startWorker(const QString &roles, const QString &name);

    const Settings m_settings;
    const QString m_run;
    Sim m_sim;
    std::vector<std::unique_ptr<QProcess>> m_workers;
    std::shared_ptr<Database> m_database;
    bool m_topicsDeleted = false;
    QNetworkAccessManager m_network;
};

} // namespace vestnik::bench
