#pragma once

#include "bus/KafkaHandles.h"
#include "bus/MessageBus.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

namespace vestnik {

/// An idempotent Kafka producer (`enable.idempotence=true`, `acks=all`) on the owner's thread: every message's
/// delivery report is checked and handed to its callback, so a caller acknowledges its own input only once
/// what it produced is durable in the broker.
///
/// A fatal error (the idempotent producer lost its sequence with the broker, say after a broker restart) leaves
/// a librdkafka producer refusing every message for good. This one then starts over with a new librdkafka
/// producer: what the old one had not confirmed is reported as not delivered, so its senders offer it again
/// through the new one, which may store a message twice (never lose one).
class KafkaProducer final : public BusProducer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KafkaProducer)

public:
    struct Settings {
        QString brokers;
        /// Any other librdkafka property (SSL, SASL incl. OAUTHBEARER, linger.ms), passed through as given.
        /// Without linger.ms (or its alias queue.buffering.max.ms) the producer waits kDefaultLingerMs.
        QHash<QString, QString> properties;
        std::chrono::milliseconds pollInterval{5};
    };
    static constexpr int kAnyPartition = -1; ///< RD_KAFKA_PARTITION_UA: by the key's hash
    /// How long a message waits for others to the same partition before its request goes. librdkafka's default,
    /// 5 ms, is on every event's path twice (the event, its send job). A worker's producer hands librdkafka a batch's
    /// messages at once, and at the default 12 partitions a partition rarely gets a second message within a
    /// millisecond, so any wait only delays: at 1,000 events/s the flow's median was lower with 0 (and Nagle's
    /// algorithm off, kafka::setLatencyDefaults) than with 1 in every alternated run (bench/README.md,
    /// event_latency). Where a partition gets a message per millisecond or more, 1 batches and is the better choice.
    static constexpr int kDefaultLingerMs = 0;

    explicit KafkaProducer(Settings settings, QObject *parent = nullptr);
    ~KafkaProducer() override;

    Result<void> start() override;
    /// Queues a message; `delivered` is called once, on this thread. A message librdkafka refuses at once
    /// (queue full, unknown partition) is reported through `delivered` too.
    void produce(const QString &topic, int partition, const QByteArray &key, const QByteArray &value,
                 Delivered delivered);
    /// By the key's hash (librdkafka's default partitioner), reported after librdkafka's retries.
    void send(const QString &topic, const QByteArray &key, const QByteArray &value, Delivered delivered) override
    {
        produce(topic, kAnyPartition, key, value, std::move(delivered));
    }
    /// Waits up to `timeout` for every queued message's report; false when some are still outstanding.
    bool flush(std::chrono::milliseconds timeout) override;
    /// Creates a topic if it is missing.
    Result<void> ensureTopic(const QString &topic, int partitions, std::chrono::milliseconds timeout) override;
    int outstanding() const override;
    /// The value librdkafka runs `name` with (after start()); empty before start() or for an unknown property.
    QString effectiveProperty(const QString &name) const;
    /// How many times a fatal error made this producer start over with a new librdkafka producer.
    int restarts() const { return m_restarts; }

Q_SIGNALS:
    /// A fatal error made this producer start over with a new librdkafka producer.
    void restarted();

private:
    static void onDelivery(rd_kafka_t *handle, const rd_kafka_message_t *message, void *opaque);
    static void onError(rd_kafka_t *handle, int error, const char *reason, void *opaque);
    Result<kafka::HandlePtr> makeHandle();
    void poll();
    /// Starts over after a fatal error, in the next event-loop turn (never inside a librdkafka callback).
    void scheduleRestart();
    void restart();

    const Settings m_settings;
    kafka::HandlePtr m_handle;
    /// Producers that failed for good, polled until each reported every message it held.
    std::vector<kafka::HandlePtr> m_retired;
    QTimer m_poller;
    bool m_restartScheduled = false;
    int m_restarts = 0;
    /// Before the next restart: none at first, then growing while restarts follow each other (a fatal error a new
    /// producer meets again, such as a missing IdempotentWrite permission, must not make a busy loop).
    std::chrono::milliseconds m_restartDelay{0};
    std::optional<std::chrono::steady_clock::time_point> m_lastRestart;
};

} // namespace vestnik
