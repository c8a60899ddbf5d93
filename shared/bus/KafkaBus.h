#pragma once

#include "bus/MessageBus.h"

#include <QHash>

namespace vestnik {

/// The message bus on Apache Kafka (librdkafka): consumer groups with contiguous commits, idempotent producers
/// with acks=all. Every librdkafka property (SSL, SASL incl. OAUTHBEARER, timeouts) passes through.
class KafkaBus final : public MessageBus
{
public:
    struct Settings {
        QString brokers;
        QHash<QString, QString> properties;
        std::chrono::milliseconds pollInterval{5};
        std::chrono::milliseconds commitInterval{1000};
        /// For the producers only, over `properties` (linger.ms, compression.type, batch.size: consumers warn about
        /// producer properties).
        QHash<QString, QString> producerProperties{};
    };

    explicit KafkaBus(Settings settings) : m_settings(std::move(settings)) {}

    /// "name=value;name=value" (the `bus.kafka_properties` form) into properties; the error names the pair
    /// that is not name=value.
    static Result<QHash<QString, QString>> parseProperties(const QString &text,
                                                           const QString &key = QStringLiteral("bus.kafka_properties"));

    QString kind() const override { return QStringLiteral("kafka"); }
    std::unique_ptr<BusProducer> makeProducer(QObject *parent = nullptr) override;
    std::unique_ptr<BusConsumer> makeConsumer(BusConsumer::Settings settings, BusConsumer::Handler handler,
                                              QObject *parent = nullptr) override;

private:
    const Settings m_settings;
};

} // namespace vestnik
