#pragma once

#include "bus/MessageBus.h"
#include "model/SendJob.h"

#include <QObject>

#include <chrono>
#include <memory>

namespace vestnik {

class Dispatcher;

/// The sender role's intake: consumes send jobs from `vestnik.sends` (on Kafka or the SqlBus) and hands them to the
/// Dispatcher. A message is acknowledged only when the job is durable: every delivery has a final or a scheduled-retry
/// status, or the job went to the dead-letter topic. A job that cannot be read (not JSON, a field missing) or
/// can never be sent (unknown template) goes to the dead-letter topic with the reason, and its partition moves
/// on; a job that failed for a passing reason (the database is unreachable) is tried again with backoff and
/// holds its partition's commit meanwhile, so a crash hands it to the next consumer.
class SendJobConsumer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SendJobConsumer)

public:
    struct Settings {
        BusConsumer::Settings consumer; ///< topics: usually {"vestnik.sends"}
        QString deadLetterTopic = QStringLiteral("vestnik.dlq");
        std::chrono::milliseconds firstRetryDelay{1000};
        std::chrono::milliseconds maxRetryDelay{30'000};
    };

    /// What happened so far, for metrics and tests.
    struct Counters {
        qint64 jobs = 0;         ///< acknowledged after the dispatcher made them durable
        qint64 deadLettered = 0; ///< acknowledged after the dead-letter topic took them
        qint64 retried = 0;      ///< transient failures tried again
    };

    SendJobConsumer(Settings settings, MessageBus &bus, Dispatcher &dispatcher, BusProducer &deadLetters,
                    QObject *parent = nullptr);
    ~SendJobConsumer() override;

    Result<void> start();
    /// No new jobs from now on; those in flight still finish (and are acknowledged) until stop().
    void hold();
    void stop();
    const Counters &counters() const { return m_counters; }
    BusConsumer &consumer() { return *m_consumer; }

private:
    void handle(const BusMessage &message, BusConsumer::Ack ack);
    void submit(const BusMessage &message, BusConsumer::Ack ack, SendJob job, std::chrono::milliseconds delay);
    void deadLetter(const BusMessage &message, BusConsumer::Ack ack, const QString &reason);

    const Settings m_settings;
    Dispatcher &m_dispatcher;
    BusProducer &m_deadLetters;
    std::unique_ptr<BusConsumer> m_consumer;
    Counters m_counters;
};

} // namespace vestnik
