#include "SqlBusTest.h"

#include <QMutex>
#include <QScopeGuard>
#include <QSemaphore>
#include <QThread>

using namespace vestnik;
using namespace vestnik::test;
using namespace std::chrono_literals;

void SqlBusTest::secondConsumerOfTheGroupWaitsUntilTheFirstStops()
{
    // Two processes: each its own Database and bus.
    const std::shared_ptr<Database> otherDatabase = reopen();
    SqlBus busA(db(), m_clock, fastSettings());
    SqlBus busB(*otherDatabase, m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = busA.makeProducer();
    VT_OK(producer->start());
    const BusConsumer::Settings settings = group(QStringLiteral("g"), {QStringLiteral("t")});

    Inbox a;
    std::unique_ptr<BusConsumer> first = busA.makeConsumer(settings, a.holding());
    VT_OK(first->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), {QStringLiteral("m0")}), QString());
    QTRY_COMPARE(a.messages.size(), 1); // the first one holds the lease

    Inbox b;
    std::unique_ptr<BusConsumer> second = busB.makeConsumer(settings, b.acking());
    VT_OK(second->start());
    QTRY_VERIFY(BusLog::contains(QStringLiteral("waiting for its lease")));
    // Rounds of messages while both poll: all go to the first.
    for (int round = 0; round < 3; ++round) {
        QCOMPARE(
            produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 1 + round * 50, 51 + round * 50)),
            QString());
        QTRY_COMPARE(a.messages.size(), 51 + round * 50);
    }
    QCOMPARE(b.messages.size(), 0);
    QCOMPARE(a.values(), numbered(QStringLiteral("m"), 0, 151));

    // The first acknowledges all but its last five and stops; the second goes on from there.
    for (int i = 0; i < 146; ++i)
        a.held.at(i)();
    first->stop();
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("n"), 0, 10)), QString());
    const QStringList expected = numbered(QStringLiteral("m"), 146, 151) + numbered(QStringLiteral("n"), 0, 10);
    QTRY_COMPARE(b.values(), expected);
    QCOMPARE(a.messages.size(), 151);
}

void SqlBusTest::expiredLeaseIsTakenOverAndTheSilentHolderStandsDown()
{
    // Process A: its own Database, bus and thread. Process B: this thread.
    const std::shared_ptr<Database> databaseA = reopen();
    SqlBus busA(*databaseA, m_clock, fastSettings());
    SqlBus busB(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = busB.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, 20)), QString());
    const BusConsumer::Settings settings = group(QStringLiteral("g"), {QStringLiteral("t")});

    // A acknowledges m0-m9 at once and holds m10-m19.
    QMutex mutex;
    QList<BusMessage> seenByA;
    QList<BusConsumer::Ack> heldByA;
    const auto countA = [&] {
        const QMutexLocker lock(&mutex);
        return seenByA.size();
    };
    QThread threadA;
    BusConsumer *consumerA = busA.makeConsumer(settings,
                                               [&](const BusMessage &message, BusConsumer::Ack ack) {
                                                   const QMutexLocker lock(&mutex);
                                                   seenByA.append(message);
                                                   if (seenByA.size() <= 10)
                                                       ack();
                                                   else
                                                       heldByA.append(std::move(ack));
                                               })
                                 .release();
    consumerA->moveToThread(&threadA);
    connect(&threadA, &QThread::finished, consumerA, &QObject::deleteLater);
    QSemaphore frozen;
    QSemaphore thaw;
    threadA.start();
    const auto stopThreadA = qScopeGuard([&] {
        thaw.release();
        threadA.quit();
        threadA.wait();
    });
    Result<void> startedA;
    QMetaObject::invokeMethod(
        consumerA, [&] { startedA = consumerA->start(); }, Qt::BlockingQueuedConnection);
    VT_OK(startedA);
    QTRY_COMPARE(countA(), 20);
    const qint64 firstHeld = [&] {
        const QMutexLocker lock(&mutex);
        return seenByA.at(10).offset;
    }();
    QTRY_COMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), firstHeld);

    // A stops answering, as a hung or killed process does: its event loop waits on a semaphore.
    QMetaObject::invokeMethod(consumerA, [&] {
        frozen.release();
        thaw.acquire();
    });
    QVERIFY(frozen.tryAcquire(1, 10'000));

    // B is refused while A's lease lasts.
    Inbox b;
    std::unique_ptr<BusConsumer> consumerB = busB.makeConsumer(settings, b.holding());
    VT_OK(consumerB->start());
    QTRY_VERIFY(BusLog::contains(QStringLiteral("waiting for its lease")));
    QCOMPARE(b.messages.size(), 0);
    QCOMPARE(produce(*producer, QStringLiteral("t"), {QStringLiteral("after")}), QString());

    // Once it ran out, B takes over from A's committed offset: what A held, then the rest.
    m_clock.advance(11s);
    const QStringList expected = numbered(QStringLiteral("m"), 10, 20) + QStringList{QStringLiteral("after")};
    QTRY_COMPARE(b.values(), expected);

    // A wakes up, finds the lease gone, reads nothing more; its late acknowledgements commit nothing.
    thaw.release();
    QTRY_VERIFY(BusLog::contains(QStringLiteral("lost the lease of t in group g")));
    QMetaObject::invokeMethod(
        consumerA,
        [&] {
            const QMutexLocker lock(&mutex);
            for (const BusConsumer::Ack &ack : std::as_const(heldByA))
                ack();
            consumerA->stop();
        },
        Qt::BlockingQueuedConnection);
    QCOMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), firstHeld);
    QCOMPARE(b.messages.constFirst().offset, firstHeld);
    QCOMPARE(countA(), 20);

    // B's acknowledgements are the ones that count.
    for (const BusConsumer::Ack &ack : std::as_const(b.held))
        ack();
    QTRY_COMPARE(committed(QStringLiteral("g"), QStringLiteral("t")), b.messages.constLast().offset + 1);
}
