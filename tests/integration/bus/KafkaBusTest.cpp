// KafkaConsumer and KafkaProducer against the real broker from scripts/services: acknowledgements in any order
// commit only what is contiguous, so a consumer that stops with work unfinished hands exactly that work (and
// nothing already done) to the next one; a partition is paused at its in-flight limit, and fetched again when a
// rebalance gives it back.
#include "TestResults.h"
#include "TestServices.h"
#include "bus/KafkaConsumer.h"
#include "bus/KafkaProducer.h"

#include <QHash>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QUuid>

#include <memory>
#include <utility>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 3;

QString unique(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(12);
}

} // namespace

class KafkaBusTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void unfinishedWorkGoesToTheNextConsumerAndNothingElse();
    void partitionIsPausedAtItsInFlightLimit();
    void pausedPartitionIsFetchedAgainAfterARebalance();
    void lagIsWhatTheConsumerHasNotBeenHandedYet();

private:
    /// Produces `count` messages per partition, "p<partition>-<n>"; every delivery report must be good.
    void produce(const QString &topic, int perPartition);

    QString m_brokers;
    std::unique_ptr<KafkaProducer> m_producer;
};

void KafkaBusTest::initTestCase()
{
    const QString missing = test::missingService(QStringLiteral("kafka"));
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    m_brokers = test::kafkaBrokers();
    m_producer = std::make_unique<KafkaProducer>(KafkaProducer::Settings{m_brokers, {}, 5ms});
    VT_OK(m_producer->start());
}

void KafkaBusTest::produce(const QString &topic, int perPartition)
{
    int delivered = 0;
    QString firstError;
    for (int p = 0; p < kPartitions; ++p) {
        for (int n = 0; n < perPartition; ++n) {
            m_producer->produce(topic, p, QByteArray("k"), QStringLiteral("p%1-%2").arg(p).arg(n).toUtf8(),
                                [&](Result<void> result) {
                                    ++delivered;
                                    if (!result && firstError.isEmpty())
                                        firstError = result.error().message;
                                });
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(delivered, kPartitions * perPartition, 30'000);
    QVERIFY2(firstError.isEmpty(), qPrintable(firstError));
}

void KafkaBusTest::unfinishedWorkGoesToTheNextConsumerAndNothingElse()
{
    constexpr int kPerPartition = 1000;
    constexpr qint64 kHeld = 400; // partition 0's message at this offset is never acknowledged by the first consumer
    const QString topic = unique(QStringLiteral("vestnik.bus-test."));
    const QString group = unique(QStringLiteral("vestnik-bus-test-"));
    VT_OK(m_producer->ensureTopic(topic, kPartitions, 15s));
    produce(topic, kPerPartition);

    // The first consumer acknowledges everything but one message, each after a random short delay, so
    // acknowledgements arrive out of order.
    QSet<QByteArray> seen;
    int acknowledged = 0;
    KafkaConsumer::Settings settings{m_brokers, group, {topic}, {}, 1000, 5ms, 100ms};
    auto first = std::make_unique<KafkaConsumer>(settings, [&](const BusMessage &message, KafkaConsumer::Ack ack) {
        seen.insert(message.value);
        if (message.where.partition == 0 && message.offset == kHeld)
            return;
        QTimer::singleShot(int(QRandomGenerator::global()->bounded(4)), [&acknowledged, ack] {
            ack();
            ++acknowledged;
        });
    });
    VT_OK(first->start());
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), kPartitions * kPerPartition, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(acknowledged, kPartitions * kPerPartition - 1, 10'000);
    QCOMPARE(first->inFlight(), 1);
    first->stop();

    // Markers after the stop, one per partition, so the second consumer's run has a known end.
    for (int p = 0; p < kPartitions; ++p) {
        bool done = false;
        m_producer->produce(topic, p, QByteArray("k"), QStringLiteral("marker-%1").arg(p).toUtf8(),
                            [&done](Result<void> result) { done = result.hasValue(); });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10'000);
    }
    // The second consumer of the group gets partition 0 from the held message on, and only the markers of the
    // others: everything acknowledged stays done, nothing unacknowledged is lost.
    QHash<int, QList<qint64>> offsets;
    QSet<QByteArray> markers;
    KafkaConsumer second(settings, [&](const BusMessage &message, KafkaConsumer::Ack ack) {
        offsets[message.where.partition].append(message.offset);
        if (message.value.startsWith("marker-"))
            markers.insert(message.value);
        ack();
    });
    VT_OK(second.start());
    QTRY_COMPARE_WITH_TIMEOUT(markers.size(), kPartitions, 60'000);
    QCOMPARE(offsets.value(0).constFirst(), kHeld);
    QCOMPARE(offsets.value(0).size(), int(kPerPartition - kHeld) + 1); // the held one, the rest, the marker
    QCOMPARE(offsets.value(1), QList<qint64>{kPerPartition});
    QCOMPARE(offsets.value(2), QList<qint64>{kPerPartition});
    second.stop();
}

void KafkaBusTest::partitionIsPausedAtItsInFlightLimit()
{
    constexpr int kPerPartition = 600;
    constexpr int kLimit = 25;
    const QString topic = unique(QStringLiteral("vestnik.bus-limit."));
    VT_OK(m_producer->ensureTopic(topic, kPartitions, 15s));
    produce(topic, kPerPartition);

    // The handler holds the acknowledgements; a timer releases them a few at a time. Without the limit,
    // librdkafka would hand over hundreds per partition at once.
    QHash<int, QList<KafkaConsumer::Ack>> held;
    QHash<int, int> mostHeld;
    QHash<int, QList<qint64>> offsets;
    KafkaConsumer::Settings settings{m_brokers, unique(QStringLiteral("vestnik-bus-limit-")), {topic}, {}, kLimit, 5ms,
                                     100ms};
    KafkaConsumer consumer(settings, [&](const BusMessage &message, KafkaConsumer::Ack ack) {
        QList<KafkaConsumer::Ack> &pending = held[message.where.partition];
        pending.append(std::move(ack));
        mostHeld[message.where.partition] = std::max(mostHeld.value(message.where.partition), int(pending.size()));
        offsets[message.where.partition].append(message.offset);
    });
    QTimer release;
    release.setInterval(20);
    connect(&release, &QTimer::timeout, this, [&held] {
        for (QList<KafkaConsumer::Ack> &pending : held) {
            for (int i = 0; i < 7 && !pending.isEmpty(); ++i)
                pending.takeFirst()();
        }
    });
    release.start();
    VT_OK(consumer.start());
    QTRY_VERIFY_WITH_TIMEOUT(offsets.value(0).size() == kPerPartition && offsets.value(1).size() == kPerPartition
                                 && offsets.value(2).size() == kPerPartition,
                             120'000);
    for (int p = 0; p < kPartitions; ++p) {
        QCOMPARE(mostHeld.value(p), kLimit); // reached, never exceeded
        // Every message once, in order, none skipped across the pauses.
        QList<qint64> expected;
        for (qint64 o = 0; o < kPerPartition; ++o)
            expected.append(o);
        QCOMPARE(offsets.value(p), expected);
    }
    consumer.stop();
}

void KafkaBusTest::pausedPartitionIsFetchedAgainAfterARebalance()
{
    constexpr int kPerPartition = 100;
    constexpr int kLimit = 10;
    const QString topic = unique(QStringLiteral("vestnik.bus-repause."));
    VT_OK(m_producer->ensureTopic(topic, kPartitions, 15s));
    produce(topic, kPerPartition);

    // The first consumer holds every acknowledgement until all its partitions are paused at the limit; then a
    // second member joins, the group rebalances (eager: every partition is revoked and assigned again), and from
    // then on both acknowledge at once. The partitions the first gets back must be fetched again from the last
    // commit, although librdkafka still had them paused from before.
    const KafkaConsumer::Settings settings{
        m_brokers, unique(QStringLiteral("vestnik-bus-repause-")), {topic}, {}, kLimit, 5ms, 100ms};
    bool holding = true;
    QList<KafkaConsumer::Ack> held;
    QSet<std::pair<int, qint64>> done;
    KafkaConsumer first(settings, [&](const BusMessage &message, KafkaConsumer::Ack ack) {
        if (holding) {
            held.append(std::move(ack));
            return;
        }
        done.insert({message.where.partition, message.offset});
        ack();
    });
    VT_OK(first.start());
    QTRY_COMPARE_WITH_TIMEOUT(first.inFlight(), kPartitions * kLimit, 60'000);
    QCOMPARE(held.size(), kPartitions * kLimit);

    holding = false;
    KafkaConsumer second(settings, [&](const BusMessage &message, KafkaConsumer::Ack ack) {
        done.insert({message.where.partition, message.offset});
        ack();
    });
    VT_OK(second.start());
    QTRY_VERIFY2_WITH_TIMEOUT(done.size() == kPartitions * kPerPartition, "a partition stayed paused", 60'000);
    for (KafkaConsumer::Ack &ack : held)
        ack(); // from before the rebalance: ignored, nothing to commit twice
    second.stop();
    first.stop();
}

void KafkaBusTest::lagIsWhatTheConsumerHasNotBeenHandedYet()
{
    constexpr int kPerPartition = 50;
    constexpr int kLimit = 10;
    const QString topic = unique(QStringLiteral("vestnik.bus-lag."));
    VT_OK(m_producer->ensureTopic(topic, kPartitions, 15s));
    produce(topic, kPerPartition);

    const KafkaConsumer::Settings settings{
        m_brokers, unique(QStringLiteral("vestnik-bus-lag-")), {topic}, {}, kLimit, 5ms, 100ms};
    QList<KafkaConsumer::Ack> held;
    KafkaConsumer consumer(settings, [&](const BusMessage &, KafkaConsumer::Ack ack) { held.append(std::move(ack)); });
    QCOMPARE(consumer.lag(), std::optional<qint64>(0)); // owns nothing yet
    VT_OK(consumer.start());
    // Every partition paused at the limit: the rest of each is the lag.
    QTRY_COMPARE_WITH_TIMEOUT(consumer.inFlight(), kPartitions * kLimit, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(consumer.lag().value_or(-1), qint64(kPartitions * (kPerPartition - kLimit)), 30'000);
    // Acknowledging everything as it comes empties it.
    const auto drained = [&] {
        for (const KafkaConsumer::Ack &ack : std::exchange(held, {}))
            ack();
        return consumer.inFlight() == 0 && consumer.lag() == std::optional<qint64>(0);
    };
    QTRY_VERIFY_WITH_TIMEOUT(drained(), 60'000);
    consumer.stop();
}

QTEST_GUILESS_MAIN(KafkaBusTest)
#include "KafkaBusTest.moc"
