// What librdkafka runs a producer with: the 1 ms linger unless one is given, the producer-only properties of the bus
// over the shared ones. No broker is needed: creating a handle does not connect.
#include "TestResults.h"
#include "bus/KafkaBus.h"
#include "bus/KafkaProducer.h"

#include <QTest>

using namespace vestnik;

namespace {

// Nothing listens there; the producer never gets to send.
const QString kNoBroker = QStringLiteral("127.0.0.1:1");

} // namespace

class KafkaProducerSettingsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lingerDefaultsToOneMillisecond();
    void lingerGivenIsKept_data();
    void lingerGivenIsKept();
    void busProducerPropertiesOverTheSharedOnes();
    void propertyErrorsNameTheirKey();
};

void KafkaProducerSettingsTest::lingerDefaultsToOneMillisecond()
{
    KafkaProducer producer(KafkaProducer::Settings{kNoBroker, {}});
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), QString());
    VT_OK(producer.start());
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), QString::number(KafkaProducer::kDefaultLingerMs));
    QCOMPARE(producer.effectiveProperty(QStringLiteral("enable.idempotence")), QStringLiteral("true"));
}

void KafkaProducerSettingsTest::lingerGivenIsKept_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("linger.ms") << QStringLiteral("linger.ms") << QStringLiteral("5");
    QTest::newRow("none at all") << QStringLiteral("linger.ms") << QStringLiteral("0");
    QTest::newRow("its alias") << QStringLiteral("queue.buffering.max.ms") << QStringLiteral("7");
}

void KafkaProducerSettingsTest::lingerGivenIsKept()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    KafkaProducer producer(KafkaProducer::Settings{kNoBroker, {{name, value}}});
    VT_OK(producer.start());
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), value);
}

void KafkaProducerSettingsTest::busProducerPropertiesOverTheSharedOnes()
{
    KafkaBus::Settings settings{kNoBroker,
                                {{QStringLiteral("linger.ms"), QStringLiteral("3")},
                                 {QStringLiteral("client.id"), QStringLiteral("vestnik-test")}}};
    settings.producerProperties = {{QStringLiteral("linger.ms"), QStringLiteral("2")},
                                   {QStringLiteral("compression.type"), QStringLiteral("lz4")}};
    KafkaBus bus(std::move(settings));
    std::unique_ptr<BusProducer> made = bus.makeProducer();
    auto *producer = dynamic_cast<KafkaProducer *>(made.get());
    QVERIFY(producer);
    VT_OK(producer->start());
    QCOMPARE(producer->effectiveProperty(QStringLiteral("linger.ms")), QStringLiteral("2"));
    QCOMPARE(producer->effectiveProperty(QStringLiteral("compression.type")), QStringLiteral("lz4"));
    QCOMPARE(producer->effectiveProperty(QStringLiteral("client.id")), QStringLiteral("vestnik-test"));
}

void KafkaProducerSettingsTest::propertyErrorsNameTheirKey()
{
    const QString key = QStringLiteral("bus.kafka_producer_properties");
    const Result<QHash<QString, QString>> parsed = KafkaBus::parseProperties(QStringLiteral("linger.ms=1;lz4"), key);
    VT_FAILS_WITH(parsed, ErrorCode::InvalidConfig);
    QVERIFY2(parsed.error().message.startsWith(key + QStringLiteral(": \"lz4\"")), qPrintable(parsed.error().message));
    const Result<QHash<QString, QString>> fine = KafkaBus::parseProperties(QStringLiteral("linger.ms = 0 ;"), key);
    VT_OK(fine);
    QCOMPARE(*fine, (QHash<QString, QString>{{QStringLiteral("linger.ms"), QStringLiteral("0")}}));
}

QTEST_GUILESS_MAIN(KafkaProducerSettingsTest)
#include "KafkaProducerSettingsTest.moc"
