#include "SqlBusTest.h"

#include <optional>

using namespace vestnik;
using namespace vestnik::test;
using namespace std::chrono_literals;

void SqlBusTest::startRefusesWhatCannotWork()
{
    const BusConsumer::Handler ignore = [](const BusMessage &, BusConsumer::Ack) {};
    SqlBus bus(db(), m_clock, fastSettings());
    VT_FAILS_WITH(bus.makeConsumer(group(QString(), {QStringLiteral("t")}), ignore)->start(),
                  ErrorCode::InvalidArgument);
    VT_FAILS_WITH(bus.makeConsumer(group(QStringLiteral("g"), {}), ignore)->start(), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}, 0), ignore)->start(),
                  ErrorCode::InvalidArgument);
    SqlBus::Settings noBatch = fastSettings();
    noBatch.fetchBatch = 0;
    SqlBus idle(db(), m_clock, noBatch);
    VT_FAILS_WITH(idle.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), ignore)->start(),
                  ErrorCode::InvalidArgument);

    // A database without migration 0005.
    VT_OK(db().execute(QStringLiteral("DROP TABLE bus_leases"), QStringLiteral("drop the leases")));
    std::unique_ptr<BusConsumer> consumer = bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), ignore);
    const Result<void> started = consumer->start();
    VT_FAILS_WITH(started, ErrorCode::Database);
    QVERIFY2(started.error().message.contains(QStringLiteral("migration 0005")), qPrintable(started.error().message));
    QVERIFY(!consumer->isRunning());
    VT_FAILS_WITH(bus.makeProducer()->start(), ErrorCode::Database);
}

void SqlBusTest::producerReportsADatabaseErrorToEveryCallback()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QList<Result<void>> verdicts;
    for (int i = 0; i < 10; ++i) {
        producer->send(QStringLiteral("t"), QByteArray("k"), QByteArray::number(i),
                       [&verdicts](Result<void> result) { verdicts.append(result); });
    }
    QCOMPARE(producer->outstanding(), 10);
    // The table goes before the queued messages are written.
    VT_OK(db().execute(QStringLiteral("DROP TABLE bus_messages"), QStringLiteral("drop the queue")));
    QTRY_COMPARE(verdicts.size(), 10);
    for (const Result<void> &verdict : std::as_const(verdicts)) {
        VT_FAILS_WITH(verdict, ErrorCode::Database);
        QVERIFY2(verdict.error().message.startsWith(QStringLiteral("cannot store 10 messages for t")),
                 qPrintable(verdict.error().message));
    }
    QCOMPARE(producer->outstanding(), 0);
    QVERIFY(producer->flush(1s));

    // A producer that is not started says so through the callback.
    std::unique_ptr<BusProducer> idle = bus.makeProducer();
    std::optional<Result<void>> refused;
    idle->send(QStringLiteral("t"), QByteArray("k"), QByteArray("v"), [&refused](Result<void> r) { refused = r; });
    QVERIFY(refused.has_value());
    VT_FAILS_WITH(*refused, ErrorCode::Broker);
    VT_FAILS_WITH(idle->start(), ErrorCode::Database); // and the table is gone
}

void SqlBusTest::pollingSurvivesADatabaseError()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), inbox.acking());
    VT_OK(consumer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), {QStringLiteral("before")}), QString());
    QTRY_COMPARE(inbox.messages.size(), 1);

    VT_OK(db().execute(QStringLiteral("ALTER TABLE bus_messages RENAME TO bus_messages_away"),
                       QStringLiteral("hide the queue")));
    QTRY_VERIFY(BusLog::contains(QStringLiteral("cannot read t for group g")));
    QVERIFY(consumer->isRunning());
    VT_OK(db().execute(QStringLiteral("ALTER TABLE bus_messages_away RENAME TO bus_messages"),
                       QStringLiteral("bring the queue back")));
    QCOMPARE(produce(*producer, QStringLiteral("t"), {QStringLiteral("after")}), QString());
    QTRY_COMPARE(inbox.values(), (QStringList{QStringLiteral("before"), QStringLiteral("after")}));
    QTRY_VERIFY(BusLog::contains(QStringLiteral("group g reads from the database again after")));
}

void SqlBusTest::retentionDeletesOnlyOldMessagesEveryGroupCommitted()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("orders"), numbered(QStringLiteral("m"), 0, 10)), QString());
    QCOMPARE(produce(*producer, QStringLiteral("unread"), numbered(QStringLiteral("u"), 0, 3)), QString());
    const QList<qint64> orders = stored(QStringLiteral("orders"));
    QCOMPARE(orders.size(), 10);

    // One group has done m0-m5, the other m0-m3.
    Inbox fast;
    Inbox slow;
    std::unique_ptr<BusConsumer> one =
        bus.makeConsumer(group(QStringLiteral("fast"), {QStringLiteral("orders")}), fast.holding());
    std::unique_ptr<BusConsumer> two =
        bus.makeConsumer(group(QStringLiteral("slow"), {QStringLiteral("orders")}), slow.holding());
    VT_OK(one->start());
    VT_OK(two->start());
    QTRY_COMPARE(fast.messages.size(), 10);
    QTRY_COMPARE(slow.messages.size(), 10);
    for (int i = 0; i < 6; ++i)
        fast.held.at(i)();
    for (int i = 0; i < 4; ++i)
        slow.held.at(i)();
    QTRY_COMPARE(committed(QStringLiteral("fast"), QStringLiteral("orders")), orders.at(6));
    QTRY_COMPARE(committed(QStringLiteral("slow"), QStringLiteral("orders")), orders.at(4));
    // Retention ran on those commits' ticks, but nothing is a day old yet.
    QCOMPARE(stored(QStringLiteral("orders")), orders);
    QCOMPARE(stored(QStringLiteral("unread")).size(), 3);

    // A day and an hour later: what both groups committed goes, and all of a topic no group reads.
    m_clock.advance(25h);
    QCOMPARE(produce(*producer, QStringLiteral("orders"), {QStringLiteral("fresh")}), QString());
    const qint64 fresh = stored(QStringLiteral("orders")).constLast();
    QTRY_COMPARE(stored(QStringLiteral("orders")), orders.mid(4) + QList<qint64>{fresh});
    QTRY_COMPARE(stored(QStringLiteral("unread")), QList<qint64>());
    QTRY_COMPARE(fast.messages.size(), 11);
    QTRY_COMPARE(slow.messages.size(), 11);
}
