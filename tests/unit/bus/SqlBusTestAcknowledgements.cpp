#include "SqlBusTest.h"

#include <QTimer>

#include <algorithm>
#include <utility>

using namespace vestnik;
using namespace vestnik::test;
using namespace std::chrono_literals;

void SqlBusTest::outOfOrderAcknowledgementsCommitOnlyTheContiguousPrefix()
{
    // Commits only on stop().
    SqlBus::Settings settings = fastSettings();
    settings.commitInterval = 1h;
    SqlBus bus(db(), m_clock, settings);
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, 20)), QString());

    Inbox first;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), first.holding());
    VT_OK(consumer->start());
    QTRY_COMPARE(first.messages.size(), 20);
    // Newest first, all but m7 and m12.
    for (int i = 19; i >= 0; --i) {
        if (i != 7 && i != 12)
            first.held.at(i)();
    }
    QCOMPARE(consumer->inFlight(), 2);
    consumer->stop();
    QCOMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), first.messages.at(7).offset);

    // The next consumer gets m7 and everything after it (acknowledged or not), then what came since.
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("after"), 0, 3)), QString());
    Inbox second;
    std::unique_ptr<BusConsumer> next =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), second.acking());
    VT_OK(next->start());
    const QStringList expected = numbered(QStringLiteral("m"), 7, 20) + numbered(QStringLiteral("after"), 0, 3);
    QTRY_COMPARE(second.values(), expected);
    QCOMPARE(second.messages.constFirst().offset, first.messages.at(7).offset);
}

void SqlBusTest::acknowledgedPrefixIsCommittedWhileRunning()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, 20)), QString());
    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), inbox.holding());
    VT_OK(consumer->start());
    QTRY_COMPARE(inbox.messages.size(), 20);
    for (int i = 0; i < 10; ++i)
        inbox.held.at(i)();
    QTRY_COMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), inbox.messages.at(10).offset);
    for (int i = 10; i < 20; ++i)
        inbox.held.at(i)();
    QTRY_COMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), inbox.messages.constLast().offset + 1);
    QVERIFY(consumer->isRunning());
}

void SqlBusTest::unacknowledgedMessagesComeAgainAfterStopOrDestruction()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    const QStringList values = numbered(QStringLiteral("m"), 0, 5);
    QCOMPARE(produce(*producer, QStringLiteral("t"), values), QString());
    const BusConsumer::Settings settings = group(QStringLiteral("g"), {QStringLiteral("t")});

    // Destroyed with nothing acknowledged; its acknowledgements arrive afterwards and change nothing.
    Inbox destroyed;
    std::unique_ptr<BusConsumer> consumer = bus.makeConsumer(settings, destroyed.holding());
    VT_OK(consumer->start());
    QTRY_COMPARE(destroyed.values(), values);
    consumer.reset();
    for (const BusConsumer::Ack &ack : std::as_const(destroyed.held))
        ack();
    QCOMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), 0);

    // Stopped with nothing acknowledged; acknowledged after the stop.
    Inbox stopped;
    consumer = bus.makeConsumer(settings, stopped.holding());
    VT_OK(consumer->start());
    QTRY_COMPARE(stopped.values(), values);
    QCOMPARE(stopped.offsets(), destroyed.offsets());
    consumer->stop();
    for (const BusConsumer::Ack &ack : std::as_const(stopped.held))
        ack();
    QCOMPARE(consumer->inFlight(), 0);
    QCOMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), 0);

    // Started again, it gets them all again, and the acknowledgements from before the stop still count for
    // nothing: only m0 and m1, acknowledged now, are committed.
    VT_OK(consumer->start());
    QTRY_COMPARE(stopped.messages.size(), 10);
    QCOMPARE(stopped.offsets().mid(5), destroyed.offsets());
    for (int i = 0; i < 5; ++i)
        stopped.held.at(i)();
    stopped.held.at(5)();
    stopped.held.at(6)();
    QTRY_COMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), destroyed.offsets().at(2));
    consumer->stop();
    QCOMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), destroyed.offsets().at(2));

    Inbox last;
    std::unique_ptr<BusConsumer> next = bus.makeConsumer(settings, last.acking());
    VT_OK(next->start());
    QTRY_COMPARE(last.values(), values.mid(2));
    QCOMPARE(last.offsets(), destroyed.offsets().mid(2));
}

void SqlBusTest::maxInFlightIsNeverExceeded()
{
    constexpr int kMessages = 600;
    constexpr int kLimit = 25;
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, kMessages)), QString());

    // The handler holds the acknowledgements; a timer releases a few at a time.
    Inbox inbox;
    int mostHeld = 0;
    int mostInFlight = 0;
    BusConsumer *consumerSeen = nullptr;
    std::unique_ptr<BusConsumer> consumer = bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}, kLimit),
                                                             [&](const BusMessage &message, BusConsumer::Ack ack) {
                                                                 inbox.messages.append(message);
                                                                 inbox.held.append(std::move(ack));
                                                                 mostHeld = std::max(mostHeld, int(inbox.held.size()));
                                                                 mostInFlight =
                                                                     std::max(mostInFlight, consumerSeen->inFlight());
                                                             });
    consumerSeen = consumer.get();
    QTimer release;
    release.setInterval(20);
    connect(&release, &QTimer::timeout, this, [&inbox] {
        for (int i = 0; i < 7 && !inbox.held.isEmpty(); ++i)
            inbox.held.takeFirst()();
    });
    release.start();
    VT_OK(consumer->start());
    QTRY_COMPARE_WITH_TIMEOUT(inbox.messages.size(), kMessages, 60'000);
    QCOMPARE(mostHeld, kLimit); // reached, never exceeded
    QCOMPARE(mostInFlight, kLimit);
    QCOMPARE(inbox.values(), numbered(QStringLiteral("m"), 0, kMessages));
}

void SqlBusTest::lagIsWhatTheConsumerHasNotBeenHandedYet()
{
    constexpr int kMessages = 100;
    constexpr int kLimit = 10;
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, kMessages)), QString());

    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}, kLimit), inbox.holding());
    QCOMPARE(consumer->lag(), std::optional<qint64>(0)); // holds no lease yet
    VT_OK(consumer->start());
    QTRY_COMPARE(inbox.messages.size(), kLimit);
    QCOMPARE(consumer->lag(), std::optional<qint64>(kMessages - kLimit));
    // A second consumer of the group waits for the lease: it owns nothing, so it lags nothing.
    Inbox idle;
    std::unique_ptr<BusConsumer> waiting =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}, kLimit), idle.holding());
    VT_OK(waiting->start());
    QCOMPARE(waiting->lag(), std::optional<qint64>(0));
    const auto drained = [&] {
        for (const BusConsumer::Ack &ack : std::exchange(inbox.held, {}))
            ack();
        return inbox.messages.size() == kMessages && consumer->lag() == std::optional<qint64>(0);
    };
    QTRY_VERIFY(drained());
    QVERIFY(idle.messages.isEmpty());
}
