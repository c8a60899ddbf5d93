// Proves the real broker started by scripts/services works the way the message bus relies on: keyed
// messages keep their order per key across partitions, and a consumer group with manual offset storage
// commits exactly what was processed.
#include "TestServices.h"
#include "bus/KafkaHandles.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTest>
#include <QUuid>

using namespace vestnik;
using namespace vestnik::kafka;

namespace {

constexpr int kMessages = 10'000;
constexpr int kKeys = 97;
constexpr int kPartitions = 3;

struct DeliveryTally {
    int delivered = 0;
    int failed = 0;
    QString firstError;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *opaque)
{
    auto *tally = static_cast<DeliveryTally *>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++tally->delivered;
    } else {
        if (tally->failed++ == 0)
            tally->firstError = QString::fromUtf8(rd_kafka_err2str(message->err));
    }
}

} // namespace

class KafkaSmokeTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keyedMessagesArriveInOrderPerKey();

private:
    QString m_brokers;
};

void KafkaSmokeTest::initTestCase()
{
    const QString missing = test::missingService(QStringLiteral("kafka"));
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    m_brokers = test::kafkaBrokers();
}

void KafkaSmokeTest::keyedMessagesArriveInOrderPerKey()
{
    const QString suffix = QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString topic = QStringLiteral("vestnik.smoke.") + suffix;

    // -- produce: idempotent, acks=all, every delivery report checked
    DeliveryTally tally;
    Result<ConfPtr> producerConf = makeConf({
        {QStringLiteral("bootstrap.servers"), m_brokers},
        {QStringLiteral("enable.idempotence"), QStringLiteral("true")},
        {QStringLiteral("acks"), QStringLiteral("all")},
        {QStringLiteral("linger.ms"), QStringLiteral("5")},
    });
    QVERIFY2(producerConf.hasValue(), qPrintable(producerConf.hasValue() ? QString() : producerConf.error().message));
    rd_kafka_conf_set_dr_msg_cb(producerConf->get(), &onDelivery);
    rd_kafka_conf_set_opaque(producerConf->get(), &tally);
    Result<HandlePtr> producer = makeHandle(RD_KAFKA_PRODUCER, std::move(*producerConf));
    QVERIFY(producer.hasValue());

    Result<void> created = createTopic(producer->get(), topic, kPartitions, 1, 15'000);
    QVERIFY2(created.hasValue(), qPrintable(created.hasValue() ? QString() : created.error().message));

    QHash<QByteArray, int> nextSequence;
    for (int i = 0; i < kMessages; ++i) {
        const QByteArray key = "user-" + QByteArray::number(i % kKeys);
        const QByteArray value = key + ':' + QByteArray::number(nextSequence[key]++);
        rd_kafka_resp_err_t err;
        do {
            err = rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC(topic.toUtf8().constData()),
                                    RD_KAFKA_V_KEY(key.constData(), size_t(key.size())),
                                    RD_KAFKA_V_VALUE(const_cast<char *>(value.constData()), size_t(value.size())),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(producer->get(), 100); // waits for room, serving delivery reports
        } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
        QCOMPARE(err, RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_poll(producer->get(), 0);
    }
    QCOMPARE(rd_kafka_flush(producer->get(), 30'000), RD_KAFKA_RESP_ERR_NO_ERROR);
    QVERIFY2(tally.failed == 0, qPrintable(tally.firstError));
    QCOMPARE(tally.delivered, kMessages);

    // -- consume in a group, storing offsets by hand only after a message is "processed"
    Result<ConfPtr> consumerConf = makeConf({
        {QStringLiteral("bootstrap.servers"), m_brokers},
        {QStringLiteral("group.id"), QStringLiteral("vestnik-smoke-") + suffix},
        {QStringLiteral("auto.offset.reset"), QStringLiteral("earliest")},
        {QStringLiteral("enable.auto.offset.store"), QStringLiteral("false")},
        {QStringLiteral("enable.auto.commit"), QStringLiteral("false")},
        {QStringLiteral("fetch.wait.max.ms"), QStringLiteral("50")},
    });
    QVERIFY(consumerConf.hasValue());
    Result<HandlePtr> consumer = makeHandle(RD_KAFKA_CONSUMER, std::move(*consumerConf));
    QVERIFY(consumer.hasValue());
    rd_kafka_poll_set_consumer(consumer->get());
    PartitionListPtr subscription(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(subscription.get(), topic.toUtf8().constData(), RD_KAFKA_PARTITION_UA);
    QCOMPARE(rd_kafka_subscribe(consumer->get(), subscription.get()), RD_KAFKA_RESP_ERR_NO_ERROR);

    QHash<QByteArray, int> expectedSequence;
    QHash<QByteArray, int> partitionOfKey;
    QSet<int> partitionsSeen;
    int received = 0;
    QElapsedTimer timer;
    timer.start();
    while (received < kMessages && timer.elapsed() < 60'000) {
        MessagePtr message(rd_kafka_consumer_poll(consumer->get(), 500));
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
            continue;
        QVERIFY2(message->err == RD_KAFKA_RESP_ERR_NO_ERROR, rd_kafka_message_errstr(message.get()));
        const QByteArray key(static_cast<const char *>(message->key), qsizetype(message->key_len));
        const QByteArray value(static_cast<const char *>(message->payload), qsizetype(message->len));
        const int sequence = value.mid(value.indexOf(':') + 1).toInt();
        QVERIFY2(sequence == expectedSequence.value(key), qPrintable(QStringLiteral("key %1: got #%2, expected #%3")
                                                                         .arg(QString::fromLatin1(key))
                                                                         .arg(sequence)
                                                                         .arg(expectedSequence.value(key))));
        expectedSequence[key] = sequence + 1;
        // one key, one partition: that is what per-key order rests on
        QCOMPARE(partitionOfKey.value(key, message->partition), message->partition);
        partitionOfKey[key] = message->partition;
        partitionsSeen.insert(message->partition);
        QCOMPARE(rd_kafka_offset_store(message->rkt, message->partition, message->offset), RD_KAFKA_RESP_ERR_NO_ERROR);
        ++received;
    }
    QCOMPARE(received, kMessages);
    QCOMPARE(expectedSequence, nextSequence);
    QCOMPARE(partitionsSeen.size(), kPartitions);
    QCOMPARE(rd_kafka_commit(consumer->get(), nullptr, 0), RD_KAFKA_RESP_ERR_NO_ERROR);

    // the committed offsets are exactly the ends of the partitions: nothing will be re-read or skipped
    PartitionListPtr committed(rd_kafka_topic_partition_list_new(kPartitions));
    for (int p = 0; p < kPartitions; ++p)
        rd_kafka_topic_partition_list_add(committed.get(), topic.toUtf8().constData(), p);
    QCOMPARE(rd_kafka_committed(consumer->get(), committed.get(), 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
    qint64 total = 0;
    for (int p = 0; p < kPartitions; ++p) {
        int64_t low = 0;
        int64_t high = 0;
        QCOMPARE(rd_kafka_query_watermark_offsets(consumer->get(), topic.toUtf8().constData(), p, &low, &high, 10'000),
                 RD_KAFKA_RESP_ERR_NO_ERROR);
        QCOMPARE(committed->elems[p].offset, high);
        total += high - low;
    }
    QCOMPARE(total, qint64(kMessages));
    rd_kafka_consumer_close(consumer->get());
}

QTEST_GUILESS_MAIN(KafkaSmokeTest)
#include "KafkaSmokeTest.moc"
