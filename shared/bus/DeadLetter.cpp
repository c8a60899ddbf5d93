#include "bus/DeadLetter.h"

#include "util/Logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

namespace vestnik {

QByteArray deadLetterBody(const BusMessage &message, const QString &reason)
{
    const QJsonObject letter{
        {QStringLiteral("reason"), reason},
        {QStringLiteral("topic"), message.where.topic},
        {QStringLiteral("partition"), message.where.partition},
        {QStringLiteral("offset"), message.offset},
        {QStringLiteral("payload"), QString::fromUtf8(message.value)},
    };
    return QJsonDocument(letter).toJson(QJsonDocument::Compact);
}

void sendDeadLetter(BusProducer &producer, const QString &topic, const BusMessage &message, const QString &reason,
                    QObject *context, std::chrono::milliseconds retryDelay, std::function<void()> done)
{
    qCWarning(lcBus).noquote() << "message at" << message.where.topic << message.where.partition << message.offset
                               << "goes to" << topic << ":" << reason;
    QPointer<QObject> guard(context);
    QPointer<BusProducer> bus(&producer);
    producer.send(
        topic, message.key, deadLetterBody(message, reason),
        [guard, bus, topic, message, reason, retryDelay, done = std::move(done)](Result<void> delivered) {
            if (!guard || !bus)
                return; // stopping: the message stays unacknowledged and comes again
            if (delivered) {
                done();
                return;
            }
            qCWarning(lcBus).noquote() << "dead letter not delivered:" << delivered.error().message << "; trying again";
            QTimer::singleShot(retryDelay, guard.data(), [guard, bus, topic, message, reason, retryDelay, done] {
                if (guard && bus)
                    sendDeadLetter(*bus, topic, message, reason, guard.data(), retryDelay, done);
            });
        });
}

} // namespace vestnik
