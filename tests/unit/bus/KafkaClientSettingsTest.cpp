// What librdkafka runs Vestnik's clients with: no linger for producers and Nagle's algorithm off for every client
// unless the configuration says otherwise, the producer-only properties of the bus over the shared ones. No broker is
// needed: creating a handle (and subscribing) does not connect.
#include "TestResults.h"
#include "bus/KafkaBus.h"
#include "bus/KafkaConsumer.h"
#include "bus/KafkaProducer.h"

#include <QTest>

using namespace vestnik;

namespace {

// Nothing listens there; the producer never gets to send.
const QString kNoBroker = QStringLiteral("127.0.0.1:1");

} // namespace

class KafkaClientSettingsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lingerDefaultsToNone();
    void lingerGivenIsKept_data();
    void lingerGivenIsKept();
    void nagleIsOffUnlessGiven_data();
    void nagleIsOffUnlessGiven();
    void busProducerPropertiesOverTheSharedOnes();
    void propertyErrorsNameTheirKey();
};

void KafkaClientSettingsTest::lingerDefaultsToNone()
{
    KafkaProducer producer(KafkaProducer::Settings{kNoBroker, {}});
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), QString());
    VT_OK(producer.start());
    // librdkafka's own default is 5 ms.
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), QStringLiteral("0"));
    QCOMPARE(producer.effectiveProperty(QStringLiteral("enable.idempotence")), QStringLiteral("true"));
}

void KafkaClientSettingsTest::lingerGivenIsKept_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("linger.ms") << QStringLiteral("linger.ms") << QStringLiteral("5");
    QTest::newRow("one millisecond") << QStringLiteral("linger.ms") << QStringLiteral("1");
    QTest::newRow("its alias") << QStringLiteral("queue.buffering.max.ms") << QStringLiteral("7");
}

void KafkaClientSettingsTest::lingerGivenIsKept()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    KafkaProducer producer(KafkaProducer::Settings{kNoBroker, {{name, value}}});
    VT_OK(producer.start());
    QCOMPARE(producer.effectiveProperty(QStringLiteral("linger.ms")), value);
}

void KafkaClientSettingsTest::nagleIsOffUnlessGiven_data()
{
    QTest::addColumn<bool>("consumer");
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
    // librdkafka's own default is false (Nagle's algorithm on).
    QTest::newRow("producer") << false << QString() << QStringLiteral("true");
    QTest::newRow("producer, on as configured") << false << QStringLiteral("false") << QStringLiteral("false");
    QTest::newRow("consumer") << true << QString() << QStringLiteral("true");
    QTest::newRow("consumer, on as configured") << true << QStringLiteral("false") << QStringLiteral("false");
}

void KafkaClientSettingsTest::nagleIsOffUnlessGiven()
{
    QFETCH(bool, consumer);
    QFETCH(QString, given);
    QFETCH(QString, expected);
    QHash<QString, QString> properties;
    if (!given.isNull())
        properties.insert(QStringLiteral("socket.nagle.disable"), given);
    KafkaBus bus(KafkaBus::Settings{kNoBroker, properties});
    const QString name = QStringLiteral("socket.nagle.disable");
    if (consumer) {
        std::unique_ptr<BusConsumer> made =
            bus.makeConsumer(BusConsumer::Settings{QStringLiteral("vestnik-test"), {QStringLiteral("vestnik.test")}},
                             [](const BusMessage &, BusConsumer::Ack) {});
        auto *kafkaConsumer = dynamic_cast<KafkaConsumer *>(made.get());
        QVERIFY(kafkaConsumer);
        VT_OK(kafkaConsumer->start());
        QCOMPARE(kafkaConsumer->effectiveProperty(name), expected);
        // Stopping does not wait for a broker that never answered.
        kafkaConsumer->stop();
        QCOMPARE(kafkaConsumer->effectiveProperty(name), QString());
    } else {
        std::unique_ptr<BusProducer> made = bus.makeProducer();
        auto *producer = dynamic_cast<KafkaProducer *>(made.get());
        QVERIFY(producer);
        VT_OK(producer->start());
        QCOMPARE(producer->effectiveProperty(name), expected);
    }
}

void KafkaClientSettingsTest::busProducerPropertiesOverTheSharedOnes()
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

void KafkaClientSettingsTest::propertyErrorsNameTheirKey()
{
    const QString key = QStringLiteral("bus.kafka_producer_properties");
    const Result<QHash<QString, QString>> parsed = KafkaBus::parseProperties(QStringLiteral("linger.ms=1;lz4"), key);
    VT_FAILS_WITH(parsed, ErrorCode::InvalidConfig);
    QVERIFY2(parsed.error().message.startsWith(key + QStringLiteral(": \"lz4\"")), qPrintable(parsed.error().message));
    const Result<QHash<QString, QString>> fine = KafkaBus::parseProperties(QStringLiteral("linger.ms = 0 ;"), key);
    VT_OK(fine);
    QCOMPARE(*fine, (QHash<QString, QString>{{QStringLiteral("linger.ms"), QStringLiteral("0")}}));
}

QTEST_GUILESS_MAIN(KafkaClientSettingsTest)
#include "KafkaClientSettingsTest.moc"
