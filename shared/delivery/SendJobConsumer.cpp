#include "delivery/SendJobConsumer.h"

#include "bus/DeadLetter.h"
#include "delivery/Dispatcher.h"
#include "util/Logging.h"

#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace vestnik {

SendJobConsumer::SendJobConsumer(Settings settings, MessageBus &bus, Dispatcher &dispatcher, BusProducer &deadLetters,
                                 QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_dispatcher(dispatcher), m_deadLetters(deadLetters)
{
    m_consumer = bus.makeConsumer(
        m_settings.consumer,
        [this](const BusMessage &message, BusConsumer::Ack ack) { handle(message, std::move(ack)); }, this);
}

SendJobConsumer::~SendJobConsumer() = default;

Result<void> SendJobConsumer::start()
{
    return m_consumer->start();
}

void SendJobConsumer::hold()
{
    m_consumer->hold();
}

void SendJobConsumer::stop()
{
    m_consumer->stop();
}

void SendJobConsumer::handle(const BusMessage &message, BusConsumer::Ack ack)
{
    Result<SendJob> job = SendJob::fromJson(message.value);
    if (!job) {
        deadLetter(message, std::move(ack), job.error().message);
        return;
    }
    submit(message, std::move(ack), std::move(*job), std::chrono::milliseconds::zero());
}

void SendJobConsumer::submit(const BusMessage &message, BusConsumer::Ack ack, SendJob job,
                             std::chrono::milliseconds delay)
{
    QPointer<SendJobConsumer> self(this);
    m_dispatcher.submit(job, [self, message, ack, job, delay](const Dispatcher::JobReport &report) {
        SendJobConsumer *consumer = self.data();
        if (!consumer)
            return; // stopping: the message stays unacknowledged and comes again
        if (report.isDurable()) {
            ++consumer->m_counters.jobs;
            ack();
            return;
        }
        if (report.permanent) {
            consumer->deadLetter(message, ack, report.error->message);
            return;
        }
        // A passing failure: the job holds its partition's commit until it goes through.
        const std::chrono::milliseconds next =
            std::clamp(delay * 2, consumer->m_settings.firstRetryDelay, consumer->m_settings.maxRetryDelay);
        ++consumer->m_counters.retried;
        qCWarning(lcBus).noquote() << "send job" << report.jobKey << "failed (" << report.error->message
                                   << "); trying again in" << next.count() << "ms";
        QTimer::singleShot(next, consumer, [self, message, ack, job, next] {
            if (SendJobConsumer *again = self.data())
                again->submit(message, ack, job, next);
        });
    });
}

void SendJobConsumer::deadLetter(const BusMessage &message, BusConsumer::Ack ack, const QString &reason)
{
    QPointer<SendJobConsumer> self(this);
    sendDeadLetter(m_deadLetters, m_settings.deadLetterTopic, message, reason, this, m_settings.firstRetryDelay,
                   [self, ack] {
                       if (SendJobConsumer *consumer = self.data()) {
                           ++consumer->m_counters.deadLettered;
                           ack();
                       }
                   });
}

} // namespace vestnik
