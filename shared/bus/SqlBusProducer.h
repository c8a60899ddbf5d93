#pragma once

#include "bus/MessageBus.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>

namespace vestnik {

class Clock;
class Database;
class SqlBusWakeups;

/// The producing half of SqlBus, on the owner's thread: what is sent during one turn of the event loop is
/// written in one transaction on the next, then every message's callback hears that it is stored or the
/// database's error (never nothing).
class SqlBusProducer final : public BusProducer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlBusProducer)

public:
    SqlBusProducer(const Database &database, const Clock &clock, std::shared_ptr<SqlBusWakeups> wakeups,
                   QObject *parent = nullptr);
    /// Writes what is still queued, reporting to the callbacks.
    ~SqlBusProducer() override;

    /// Checks that the database answers and carries the bus's tables (migration 0005).
    Result<void> start() override;
    void send(const QString &topic, const QByteArray &key, const QByteArray &value, Delivered delivered) override;
    /// Writes the queue now, on this thread. A database that is locked by another process (SQLite's busy
    /// timeout) can hold a write longer than `timeout`.
    bool flush(std::chrono::milliseconds timeout) override;
    /// Nothing to create: every topic lives in the same table.
    Result<void> ensureTopic(const QString &topic, int partitions, std::chrono::milliseconds timeout) override;
    int outstanding() const override { return int(m_queue.size()) + m_reporting; }

    /// Rows per INSERT statement: Qt's SQLite driver pays for a statement's values quadratically, so short
    /// statements win there (see DeliveryRepository); PostgreSQL pays per round trip.
    static constexpr int kSqliteRowsPerInsert = 50;
    static constexpr int kPostgresRowsPerInsert = 100;

private:
    struct Pending {
        QString topic;
        QByteArray key;
        QByteArray value;
        Delivered delivered;
    };

    void write();
    Result<void> insert(const QList<Pending> &batch) const;

    const Database &m_database;
    const Clock &m_clock;
    const std::shared_ptr<SqlBusWakeups> m_wakeups;
    bool m_started = false;
    QList<Pending> m_queue;
    int m_reporting = 0; ///< written (or failed), callbacks not yet called
    QTimer m_writer;     ///< a child too, so it moves along to another thread
};

} // namespace vestnik
