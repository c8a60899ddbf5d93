#pragma once

#include "bus/KafkaHandles.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace vestnik {

/// An idempotent Kafka producer (`enable.idempotence=true`, `acks=all`) on the owner's thread: every message's
/// delivery report is checked and handed to its callback, so a caller acknowledges its own input only once
/// what it produced is durable in the broker.
class KafkaProducer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KafkaProducer)

public:
    struct Settings {
        QString brokers;
        /// Any other librdkafka property (SSL, SASL incl. OAUTHBEARER, linger.ms), passed through as given.
        QHash<QString, QString> properties;
        std::chrono::milliseconds pollInterval{5};
    };
    /// The broker's verdict on one message: nothing, or why it was not delivered (after librdkafka's retries).
    using Delivered = std::function<void(Result<void>)>;
    static constexpr int kAnyPartition = -1; ///< RD_KAFKA_PARTITION_UA: by the key's hash

    explicit KafkaProducer(Settings settings, QObject *parent = nullptr);
    ~KafkaProducer() override;

    Result<void> start();
    /// Queues a message; `delivered` is called once, on this thread. A message librdkafka refuses at once
    /// (queue full, unknown partition) is reported through `delivered` too.
    void produce(const QString &topic, int partition, const QByteArray &key, const QByteArray &value,
                 Delivered delivered);
    /// Waits up to `timeout` for every queued message's report; false when some are still outstanding.
    bool flush(std::chrono::milliseconds timeout);
    /// Creates a topic if it is missing.
    Result<void> ensureTopic(const QString &topic, int partitions, std::chrono::milliseconds timeout);
    int outstanding() const;

private:
    static void onDelivery(rd_kafka_t *handle, const rd_kafka_message_t *message, void *opaque);
    void poll();

    const Settings m_settings;
    kafka::HandlePtr m_handle;
    QTimer m_poller;
};

} // namespace vestnik
