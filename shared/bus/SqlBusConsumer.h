#pragma once

#include "bus/MessageBus.h"
#include "bus/OffsetTracker.h"
#include "bus/SqlBus.h"
#include "util/Result.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

namespace vestnik {

/// The consuming half of SqlBus, on the owner's thread (polled by a timer, woken at once by the producers of
/// the same bus).
///
/// Per topic, the consumer first takes the group's lease (renewed on every poll): only the holder reads, and
/// another consumer of the group takes over only when the holder gives it back on stop() or lets it run out.
/// The holder reads the messages after the group's committed offset in offset order, up to `maxInFlight`
/// unacknowledged, and hands each to the handler with an acknowledgement to call once its work is durable, in
/// any order. What is acknowledged together with everything before it is committed every `commitInterval`
/// and on stop(), while the lease is still this consumer's. An acknowledgement that comes after stop() or
/// after the lease went to another consumer is ignored: the message comes again to the lease's new holder.
/// Database errors are logged and the poll tried again.
class SqlBusConsumer final : public BusConsumer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SqlBusConsumer)

public:
    SqlBusConsumer(const Database &database, const Clock &clock, const SqlBus::Settings &busSettings,
                   std::shared_ptr<SqlBusWakeups> wakeups, Settings settings, Handler handler,
                   QObject *parent = nullptr);
    /// As stop().
    ~SqlBusConsumer() override;

    /// Checks the settings and that the database carries the bus's tables, then starts polling.
    Result<void> start() override;
    /// Hands out nothing more; the leases are still renewed and what is acknowledged still committed.
    void hold() override;
    /// Commits what is acknowledged and gives the leases back.
    void stop() override;
    bool isRunning() const override { return m_running; }
    int inFlight() const override { return m_tracker.totalInFlight(); }
    /// The messages of the topics whose lease this consumer holds from the next one it would read on.
    std::optional<qint64> lag() const override;

    /// Messages deleted by retention per statement; a full batch is followed by the next at the next commit.
    static constexpr int kPurgeBatch = 10'000;
    /// How often (by the bus's clock) retention runs, unless `retention` is shorter.
    static constexpr std::chrono::milliseconds kPurgeInterval{60'000};
    /// How often a database failure that goes on is logged again.
    static constexpr std::chrono::milliseconds kFailureLogInterval{60'000};

private:
    struct TopicState {
        bool isLeased = false;
        qint64 leaseExpiresAtMs = 0;
        qint64 nextOffset = 0;  ///< the next message to read
        quint64 epoch = 0;      ///< per lease taken, so acknowledgements of an earlier one are told apart
        bool isWaiting = false; ///< another consumer holds the lease (logged once)
        bool isFull = false;    ///< stopped reading at maxInFlight
    };

    /// `renewAll`: the timer's poll renews every lease; a wake-up only takes free ones and renews those
    /// that are half way to running out.
    void poll(bool renewAll);
    void pollSoon();
    Result<void> pollTopic(const QString &topic, qint64 nowMs, bool renewAll);
    Result<bool> renewLease(const QString &topic, qint64 nowMs) const;
    Result<qint64> committedOffset(const QString &topic, qint64 nowMs) const;
    void takeLease(const QString &topic, qint64 offset);
    void loseLease(const QString &topic);
    Result<void> fetch(const QString &topic);
    void acknowledge(const QString &topic, qint64 offset, quint64 epoch);
    void commitTick();
    void commit();
    void releaseLeases();
    void purge();
    /// Logs a database failure, `next` saying what happens now; a failure that repeats is logged once a minute.
    void reportFailure(const Error &error, const QString &next);

    const Database &m_database;
    const Clock &m_clock;
    const SqlBus::Settings m_busSettings;
    const std::shared_ptr<SqlBusWakeups> m_wakeups;
    const Settings m_settings;
    const Handler m_handler;
    const QString m_owner; ///< this consumer in the lease table: host, process and a random part
    bool m_running = false;
    bool m_held = false;
    QHash<QString, TopicState> m_topics; ///< one per consumed topic, fixed at construction
    OffsetTracker m_tracker;
    quint64 m_nextEpoch = 1;
    std::optional<qint64> m_lastPurgeMs;
    int m_failures = 0; ///< database failures since the last poll that worked
    QElapsedTimer m_sinceFailureLogged;
    // Parented to this consumer as well, so that moveToThread() takes them along.
    QTimer m_poller;
    QTimer m_soon;
    QTimer m_committer;
};

} // namespace vestnik
