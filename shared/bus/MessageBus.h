#pragma once

#include "bus/OffsetTracker.h"
#include "util/Result.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace vestnik {

/// One message as the bus hands it to a consumer's handler.
struct BusMessage {
    TopicPartition where;
    qint64 offset = 0;
    QByteArray key;
    QByteArray value;
};

/// The consuming half of the message bus: at-least-once, ordered per key (per partition), acknowledged when
/// the work is durable. Each message goes to the handler with an acknowledgement to call once its work is
/// durable, in any order and at any later time; only what is acknowledged together with everything before it
/// in its partition is committed, so a crash re-delivers exactly what was not yet finished (and what came
/// after it) and never skips a message. A partition with `maxInFlight` messages unacknowledged stops
/// delivering until some are, instead of buffering without bound.
class BusConsumer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BusConsumer)

public:
    using Ack = std::function<void()>;
    using Handler = std::function<void(const BusMessage &message, Ack ack)>;
    struct Settings {
        QString groupId; ///< consumers of one group share the topics' partitions
        QStringList topics;
        int maxInFlight = 1000; ///< unacknowledged messages per partition before it waits
    };

    ~BusConsumer() override = default;

    /// Joins the group and starts delivering; the error says what was refused.
    virtual Result<void> start() = 0;
    /// Stops taking new messages (a shutdown lets the work in flight finish first); stop() still commits.
    virtual void hold() = 0;
    /// Commits what is acknowledged and leaves the group; what is not acknowledged comes again to whoever
    /// consumes the partition next.
    virtual void stop() = 0;
    virtual bool isRunning() const = 0;
    /// Messages handed out and not yet acknowledged.
    virtual int inFlight() const = 0;
    /// Messages of what this consumer owns now (its partitions, its leased topics) not yet handed out to it: the
    /// consumer lag. 0 when it owns nothing; nothing when it cannot tell (the bus did not answer).
    virtual std::optional<qint64> lag() const = 0;

Q_SIGNALS:
    /// A fatal error of the consumer (it starts over by itself where it can; see the implementation).
    void failed(const QString &message);

protected:
    explicit BusConsumer(QObject *parent) : QObject(parent) {}
};

/// The producing half of the message bus: every message's fate is reported to its callback once it is
/// durable in the bus (or not), so a caller acknowledges its own input only after what it produced is safe.
class BusProducer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BusProducer)

public:
    /// The bus's verdict on one message: nothing, or why it was not stored.
    using Delivered = std::function<void(Result<void>)>;

    ~BusProducer() override = default;

    virtual Result<void> start() = 0;
    /// Queues a message for `topic`, placed by its key (the same key, the same partition and order);
    /// `delivered` is called once, on this thread.
    virtual void send(const QString &topic, const QByteArray &key, const QByteArray &value, Delivered delivered) = 0;
    /// Waits up to `timeout` for every queued message's verdict; false when some are still outstanding.
    virtual bool flush(std::chrono::milliseconds timeout) = 0;
    /// Creates a topic if it is missing.
    virtual Result<void> ensureTopic(const QString &topic, int partitions, std::chrono::milliseconds timeout) = 0;
    /// Messages queued without a verdict yet.
    virtual int outstanding() const = 0;

protected:
    explicit BusProducer(QObject *parent) : QObject(parent) {}
};

/// Makes the producers and consumers of one bus: Kafka (`KafkaBus`) or the database's table queue (`SqlBus`,
/// the embedded default for one machine).
class MessageBus
{
public:
    virtual ~MessageBus() = default;

    /// "kafka" or "sql", for logs and /healthz.
    virtual QString kind() const = 0;
    /// A producer, not yet started.
    virtual std::unique_ptr<BusProducer> makeProducer(QObject *parent = nullptr) = 0;
    /// A consumer, not yet started.
    virtual std::unique_ptr<BusConsumer> makeConsumer(BusConsumer::Settings settings, BusConsumer::Handler handler,
                                                      QObject *parent = nullptr) = 0;
};

} // namespace vestnik
