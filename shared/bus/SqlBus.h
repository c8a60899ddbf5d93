#pragma once

#include "bus/MessageBus.h"

#include <QObject>
#include <QStringList>

#include <chrono>
#include <memory>

namespace vestnik {

class Clock;
class Database;

/// Lets the producers and consumers of one SqlBus reach each other at once: a producer says which topics it
/// has just committed messages to, a consumer that gives a lease back says which topics are free, and the
/// consumers of those topics poll right away instead of at their next tick. Other processes on the same
/// database are found by polling. Lives on the thread that made the bus; receivers on other threads get
/// the signal queued.
class SqlBusWakeups final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlBusWakeups)

public:
    SqlBusWakeups() : QObject(nullptr) {}

Q_SIGNALS:
    void topicsChanged(const QStringList &topics);
};

/// The message bus as a table queue in the worker's own database (SQLite or PostgreSQL): the embedded default
/// for one machine, with KafkaBus's semantics and no broker. One partition (0) per topic; a message's offset is
/// its row id, handed out in commit order per topic. A consumer group reads a topic through one lease holder at
/// a time (so two worker processes on one database never do the same work twice), commits only what is
/// acknowledged together with everything before it, and a group's next holder goes on from there. Messages
/// older than `retention` that every group with an offset for their topic has committed are deleted; a group
/// has an offset from its first read on, so a group that stopped reading for good keeps its topics' messages
/// until its row in `bus_offsets` is removed.
class SqlBus final : public MessageBus
{
public:
    struct Settings {
        std::chrono::milliseconds pollInterval{50};      ///< how often consumers look for other processes' writes
        std::chrono::milliseconds commitInterval{1000};  ///< how often consumers store their committable offsets
        std::chrono::milliseconds leaseDuration{30'000}; ///< how long a silent consumer keeps its topics
        std::chrono::milliseconds retention{24 * 3'600'000};
        int fetchBatch = 500; ///< messages read per topic and poll
    };

    /// `database` and `clock` must outlive the bus and everything it makes.
    SqlBus(const Database &database, const Clock &clock, Settings settings);
    ~SqlBus() override;
    Q_DISABLE_COPY_MOVE(SqlBus)

    /// Whether the database carries the bus's tables (migration 0005); the error says what is missing.
    static Result<void> checkTables(const Database &database);

    QString kind() const override { return QStringLiteral("sql"); }
    std::unique_ptr<BusProducer> makeProducer(QObject *parent = nullptr) override;
    std::unique_ptr<BusConsumer> makeConsumer(BusConsumer::Settings settings, BusConsumer::Handler handler,
                                              QObject *parent = nullptr) override;

private:
    const Database &m_database;
    const Clock &m_clock;
    const Settings m_settings;
    std::shared_ptr<SqlBusWakeups> m_wakeups;
};

} // namespace vestnik
