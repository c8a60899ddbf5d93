#pragma once

#include "bus/KafkaHandles.h"
#include "bus/MessageBus.h"
#include "bus/OffsetTracker.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QSocketNotifier>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

namespace vestnik {

/// An at-least-once Kafka consumer in a consumer group, on the owner's thread (polled by a timer).
///
/// Each message goes to the handler with an acknowledgement to call once its work is durable, in any order and
/// at any later time. Only the highest offset below which every message of the partition is acknowledged is
/// stored for commit (`enable.auto.offset.store=false`; librdkafka commits the stored offsets every
/// `commitInterval`, on a partition's revocation and on stop), so a crash re-delivers exactly what was not yet
/// acknowledged (and what came after it) and never skips a message. A partition with `maxInFlight` messages
/// unacknowledged is paused (and the message that would exceed it is fetched again later) instead of buffering
/// without bound. An acknowledgement for a partition that was revoked since is ignored: the partition's new
/// owner handles the message again.
///
/// A fatal error (the group fenced this member off) leaves a librdkafka consumer unable to commit or leave its
/// group. This one then starts over as a new member: what was not committed comes again, from the group's
/// committed offsets, and acknowledgements of what the failed member handed out are ignored. With a static
/// `group.instance.id` it stops instead (another member with the same identity fenced it; starting over would
/// fence that one in turn): `failed` says so.
class KafkaConsumer final : public BusConsumer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KafkaConsumer)

public:
    struct Settings {
        QString brokers;
        QString groupId;
        QStringList topics;
        /// Any other librdkafka property (SSL, SASL incl. OAUTHBEARER, timeouts), passed through as given.
        QHash<QString, QString> properties;
        int maxInFlight = 1000; ///< unacknowledged messages per partition before it is paused
        std::chrono::milliseconds pollInterval{5};
        std::chrono::milliseconds commitInterval{1000};
    };

    KafkaConsumer(Settings settings, Handler handler, QObject *parent = nullptr);
    ~KafkaConsumer() override;

    /// Joins the group and starts polling; the error names a refused property or the broker's answer.
    Result<void> start() override;
    /// Stores what is acknowledged, commits it, leaves the group. Messages not acknowledged by then come
    /// again to whoever gets their partition; when the commit cannot be made (no coordinator), a warning says so,
    /// and what was acknowledged since the last commit may come again too.
    void stop() override;
    /// Stops taking new messages (a shutdown lets the work in flight finish first); stop() still commits.
    void hold() override;
    bool isRunning() const override { return bool(m_handle); }

    int inFlight() const override { return m_tracker.totalInFlight(); }
    /// Per assigned partition, the high watermark librdkafka last saw minus the next offset the handler is to get
    /// (partitions that handed nothing out yet, or whose watermark is not known yet, do not count).
    std::optional<qint64> lag() const override;
    /// The value librdkafka runs `name` with (while running); empty when stopped or for an unknown property.
    QString effectiveProperty(const QString &name) const { return kafka::effectiveProperty(m_handle.get(), name); }
    /// How many times a fatal error made this consumer start over as a new member of its group.
    int restarts() const { return m_restarts; }

private:
    static void onRebalance(rd_kafka_t *handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t *partitions,
                            void *opaque);
    void rebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t *partitions);
    void poll();
    void enableWakeUps();
    void disableWakeUps();
    void acknowledge(const TopicPartition &where, qint64 offset, quint64 epoch);
    void storeCommittable(const QList<TopicPartition> &partitions);
    void pause(const TopicPartition &where, qint64 refetchFrom);
    void resume(const TopicPartition &where);
    /// Drops the librdkafka consumer without leaving the group or committing (a failed one can do neither) and
    /// forgets its partitions.
    void discardHandle();
    /// Starts over after a fatal error, in the next event-loop turn (never inside a librdkafka callback).
    void scheduleRestart();
    void restart();
    /// Starts the consumer again after a fatal error, every second until it starts or stop() is called.
    void startOver();

    const Settings m_settings;
    const Handler m_handler;
    kafka::HandlePtr m_handle;
    OffsetTracker m_tracker;
    QHash<TopicPartition, quint64> m_epochs; ///< per assignment of a partition, so stale acks are told apart
    QSet<TopicPartition> m_assigned;
    QSet<TopicPartition> m_paused;
    QHash<TopicPartition, qint64> m_nextOffsets; ///< per assigned partition, the next offset the handler is to get
    quint64 m_nextEpoch = 1;
    QTimer m_poller;
    kafka::QueuePtr m_queue; ///< the consumer queue, for its wake-up events
    std::unique_ptr<QSocketNotifier> m_wake;
    int m_wakeRead = -1;
    int m_wakeWrite = -1;
    bool m_restartScheduled = false;
    bool m_startingOver = false;
    bool m_held = false; ///< hold() was called since start()
    int m_restarts = 0;
};

} // namespace vestnik
