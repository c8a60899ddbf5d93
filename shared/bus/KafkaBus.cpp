#include "bus/KafkaBus.h"

#include "bus/KafkaConsumer.h"
#include "bus/KafkaProducer.h"

namespace vestnik {

Result<QHash<QString, QString>> KafkaBus::parseProperties(const QString &text, const QString &key)
{
    QHash<QString, QString> properties;
    const QStringList pairs = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &pair : pairs) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals <= 0 || pair.left(equals).trimmed().isEmpty())
            // Only the start of the pair: the value may be a secret.
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("%1: \"%2\" is not name=value").arg(key, pair.left(20)));
        properties.insert(pair.left(equals).trimmed(), pair.mid(equals + 1).trimmed());
    }
    return properties;
}

std::unique_ptr<BusProducer> KafkaBus::makeProducer(QObject *parent)
{
    QHash<QString, QString> properties = m_settings.properties;
    properties.insert(m_settings.producerProperties);
    return std::make_unique<KafkaProducer>(
        KafkaProducer::Settings{m_settings.brokers, properties, m_settings.pollInterval}, parent);
}

std::unique_ptr<BusConsumer> KafkaBus::makeConsumer(BusConsumer::Settings settings, BusConsumer::Handler handler,
                                                    QObject *parent)
{
    KafkaConsumer::Settings kafka;
    kafka.brokers = m_settings.brokers;
    kafka.groupId = settings.groupId;
    kafka.topics = settings.topics;
    kafka.properties = m_settings.properties;
    kafka.maxInFlight = settings.maxInFlight;
    kafka.pollInterval = m_settings.pollInterval;
    kafka.commitInterval = m_settings.commitInterval;
    return std::make_unique<KafkaConsumer>(std::move(kafka), std::move(handler), parent);
}

} // namespace vestnik
