// SqlBus, the message bus as a table queue in the worker's own database: every message once and in order in a
// graceful run, commits of only what is acknowledged together with everything before it, one lease holder per
// group and topic (the next one takes over on stop or when the lease runs out), back-pressure, retention, and
// database errors reported or survived. Runs on SQLite, or on PostgreSQL with VESTNIK_TEST_DIALECT=postgres.
#include "SqlBusTest.h"

#include "store/Migrator.h"

#include <QHash>
#include <QScopeGuard>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <vector>

using namespace vestnik;
using namespace vestnik::test;
using namespace std::chrono_literals;

namespace vestnik::test {

void BusLog::install()
{
    s_previous = qInstallMessageHandler(&BusLog::handle);
}

void BusLog::clear()
{
    const QMutexLocker lock(&s_mutex);
    s_lines.clear();
}

bool BusLog::contains(const QString &text)
{
    const QMutexLocker lock(&s_mutex);
    for (const QString &line : std::as_const(s_lines)) {
        if (line.contains(text))
            return true;
    }
    return false;
}

void BusLog::handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "vestnik.bus") == 0) {
        const QMutexLocker lock(&s_mutex);
        s_lines.append(message);
    }
    if (s_previous)
        s_previous(type, context, message);
}

QStringList Inbox::values() const
{
    QStringList all;
    for (const BusMessage &m : messages)
        all.append(QString::fromUtf8(m.value));
    return all;
}

QList<qint64> Inbox::offsets() const
{
    QList<qint64> all;
    for (const BusMessage &m : messages)
        all.append(m.offset);
    return all;
}

BusConsumer::Handler Inbox::holding()
{
    return [this](const BusMessage &message, BusConsumer::Ack ack) {
        messages.append(message);
        held.append(std::move(ack));
    };
}

BusConsumer::Handler Inbox::acking()
{
    return [this](const BusMessage &message, BusConsumer::Ack ack) {
        messages.append(message);
        ack();
    };
}

QStringList numbered(const QString &prefix, int from, int to)
{
    QStringList values;
    for (int i = from; i < to; ++i)
        values.append(prefix + QString::number(i));
    return values;
}

SqlBus::Settings fastSettings()
{
    SqlBus::Settings s;
    s.pollInterval = 5ms;
    s.commitInterval = 20ms;
    s.leaseDuration = 10s;
    s.retention = 24h;
    s.fetchBatch = 100;
    return s;
}

BusConsumer::Settings group(const QString &groupId, const QStringList &topics, int maxInFlight)
{
    return BusConsumer::Settings{groupId, topics, maxInFlight};
}

} // namespace vestnik::test

void SqlBusTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
    BusLog::install();
}

void SqlBusTest::init()
{
    m_clock.setMs(1'767'225'600'000);
    BusLog::clear();
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
}

void SqlBusTest::cleanup()
{
    m_test.reset();
}

std::shared_ptr<Database> SqlBusTest::reopen() const
{
    Result<std::shared_ptr<Database>> opened = Database::open(db().settings());
    if (!opened)
        qFatal("%s", qPrintable(opened.error().toString()));
    return *opened;
}

QString SqlBusTest::produce(BusProducer &producer, const QString &topic, const QStringList &values)
{
    int delivered = 0;
    QString firstError;
    for (const QString &value : values) {
        producer.send(topic, QByteArray("k"), value.toUtf8(), [&](Result<void> result) {
            ++delivered;
            if (!result && firstError.isEmpty())
                firstError = result.error().toString();
        });
    }
    if (!producer.flush(10s))
        return QStringLiteral("flush timed out");
    if (delivered != values.size())
        return QStringLiteral("%1 of %2 callbacks called").arg(delivered).arg(values.size());
    return firstError;
}

qint64 SqlBusTest::committed(const QString &groupId, const QString &topic) const
{
    Result<QSqlQuery> q =
        db().run(QStringLiteral("SELECT next_offset FROM bus_offsets WHERE group_id = ? AND topic = ?"),
                 {groupId, topic}, QStringLiteral("committed offset"));
    if (!q || !q->next())
        return -1;
    return q->value(0).toLongLong();
}

QList<qint64> SqlBusTest::stored(const QString &topic) const
{
    QList<qint64> ids;
    Result<QSqlQuery> q = db().run(QStringLiteral("SELECT id FROM bus_messages WHERE topic = ? ORDER BY id"), {topic},
                                   QStringLiteral("stored messages"));
    while (q && q->next())
        ids.append(q->value(0).toLongLong());
    return ids;
}

void SqlBusTest::gracefulRunDeliversEveryMessageOnceInOrder()
{
    constexpr int kMessages = 5000;
    const QStringList topics{QStringLiteral("vestnik.sends"), QStringLiteral("vestnik.events")};
    SqlBus bus(db(), m_clock, fastSettings());
    QCOMPARE(bus.kind(), QStringLiteral("sql"));
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    VT_OK(producer->ensureTopic(topics.at(0), 3, 1s));

    // Acknowledgements come a little later and out of order, as the dispatcher's do.
    QHash<QString, QStringList> seen;
    QHash<QString, QList<QByteArray>> seenKeys;
    QHash<QString, QList<qint64>> offsets;
    int acknowledged = 0;
    std::unique_ptr<BusConsumer> consumer = bus.makeConsumer(
        group(QStringLiteral("senders"), topics), [&](const BusMessage &message, BusConsumer::Ack ack) {
            seen[message.where.topic].append(QString::fromUtf8(message.value));
            seenKeys[message.where.topic].append(message.key);
            offsets[message.where.topic].append(message.offset);
            QTimer::singleShot(int(message.offset % 3), this, [&acknowledged, ack] {
                ack();
                ++acknowledged;
            });
        });
    VT_OK(consumer->start());

    // The producer sends while the consumer reads: 250 messages per turn of the event loop.
    QHash<QString, QStringList> sent;
    QHash<QString, QList<QByteArray>> sentKeys;
    int delivered = 0;
    QStringList errors;
    QTimer sender;
    sender.setInterval(0);
    connect(&sender, &QTimer::timeout, this, [&] {
        for (int i = 0; i < 250; ++i) {
            const int n = int(sent.value(topics.at(0)).size() + sent.value(topics.at(1)).size());
            if (n == kMessages) {
                sender.stop();
                return;
            }
            const QString &topic = topics.at(n % 7 == 0 ? 1 : 0);
            const QByteArray key = "user-" + QByteArray::number(n % 17);
            const QString value = QStringLiteral("m%1").arg(n);
            sent[topic].append(value);
            sentKeys[topic].append(key);
            producer->send(topic, key, value.toUtf8(), [&](Result<void> result) {
                ++delivered;
                if (!result)
                    errors.append(result.error().toString());
            });
        }
    });
    sender.start();
    QTRY_COMPARE_WITH_TIMEOUT(seen.value(topics.at(0)).size() + seen.value(topics.at(1)).size(), kMessages, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(acknowledged, kMessages, 10'000);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    QCOMPARE(delivered, kMessages);
    QCOMPARE(producer->outstanding(), 0);
    for (const QString &topic : topics) {
        QCOMPARE(seen.value(topic), sent.value(topic)); // each once, in the order sent
        QCOMPARE(seenKeys.value(topic), sentKeys.value(topic));
        const QList<qint64> &o = offsets[topic];
        QVERIFY(std::is_sorted(o.cbegin(), o.cend()) && std::adjacent_find(o.cbegin(), o.cend()) == o.cend());
    }
    QCOMPARE(consumer->inFlight(), 0);
    consumer->stop();
    QVERIFY(!consumer->isRunning());
    for (const QString &topic : topics)
        QCOMPARE(committed(QStringLiteral("senders"), topic), offsets.value(topic).constLast() + 1);

    // The group's next consumer gets only what comes after.
    for (const QString &topic : topics)
        QCOMPARE(produce(*producer, topic, {QStringLiteral("after")}), QString());
    Inbox next;
    std::unique_ptr<BusConsumer> again = bus.makeConsumer(group(QStringLiteral("senders"), topics), next.acking());
    VT_OK(again->start());
    QTRY_COMPARE(next.messages.size(), 2);
    QCOMPARE(next.values(), (QStringList{QStringLiteral("after"), QStringLiteral("after")}));
}

void SqlBusTest::producerWakesConsumersOfTheSameBusAtOnce()
{
    // Polls an hour apart: only the producer's wake-up can deliver the second message in time.
    SqlBus::Settings settings = fastSettings();
    settings.pollInterval = 1h;
    SqlBus bus(db(), m_clock, settings);
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), inbox.acking());
    VT_OK(consumer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), {QStringLiteral("first")}), QString());
    QTRY_COMPARE(inbox.messages.size(), 1);
    producer->send(QStringLiteral("t"), QByteArray("k"), QByteArray("second"), [](Result<void>) {});
    QTRY_COMPARE_WITH_TIMEOUT(inbox.messages.size(), 2, 2000);
    QCOMPARE(inbox.values(), (QStringList{QStringLiteral("first"), QStringLiteral("second")}));
}

void SqlBusTest::writesOfAnotherProcessAreFoundByPolling()
{
    const std::shared_ptr<Database> otherDatabase = reopen();
    SqlBus here(db(), m_clock, fastSettings());
    SqlBus there(*otherDatabase, m_clock, fastSettings());
    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        here.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), inbox.acking());
    VT_OK(consumer->start());
    QTRY_VERIFY(BusLog::contains(QStringLiteral("group g reads t from offset 0"))); // its first poll is done
    std::unique_ptr<BusProducer> producer = there.makeProducer();
    VT_OK(producer->start());
    QCOMPARE(produce(*producer, QStringLiteral("t"), numbered(QStringLiteral("m"), 0, 3)), QString());
    QTRY_COMPARE(inbox.values(), numbered(QStringLiteral("m"), 0, 3));
}

void SqlBusTest::twoGroupsEachGetEverything()
{
    SqlBus bus(db(), m_clock, fastSettings());
    std::unique_ptr<BusProducer> producer = bus.makeProducer();
    VT_OK(producer->start());
    Inbox senders;
    Inbox analytics;
    std::unique_ptr<BusConsumer> one =
        bus.makeConsumer(group(QStringLiteral("senders"), {QStringLiteral("t")}), senders.acking());
    std::unique_ptr<BusConsumer> two =
        bus.makeConsumer(group(QStringLiteral("analytics"), {QStringLiteral("t")}), analytics.acking());
    VT_OK(one->start());
    VT_OK(two->start());
    const QStringList values = numbered(QStringLiteral("m"), 0, 300);
    QCOMPARE(produce(*producer, QStringLiteral("t"), values), QString());
    QTRY_COMPARE(senders.values(), values);
    QTRY_COMPARE(analytics.values(), values);
    QTRY_COMPARE(committed(QStringLiteral("senders"), QStringLiteral("t")), senders.messages.constLast().offset + 1);
    QTRY_COMPARE(committed(QStringLiteral("analytics"), QStringLiteral("t")),
                 analytics.messages.constLast().offset + 1);
}

void SqlBusTest::concurrentProducersNeverMakeAConsumerSkipAMessage()
{
    // Three processes write small transactions to one topic at once while a consumer reads it back to back.
    // Offsets must become visible in increasing order: one that commits after a higher one was read would be
    // skipped for good.
    constexpr int kWriters = 3;
    constexpr int kBatches = 60;
    constexpr int kPerBatch = 10;
    SqlBus::Settings settings = fastSettings();
    settings.pollInterval = 1ms;
    SqlBus bus(db(), m_clock, settings);
    Inbox inbox;
    std::unique_ptr<BusConsumer> consumer =
        bus.makeConsumer(group(QStringLiteral("g"), {QStringLiteral("t")}), inbox.acking());
    VT_OK(consumer->start());

    QMutex mutex;
    QStringList errors;
    std::vector<std::unique_ptr<QThread>> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.push_back(std::unique_ptr<QThread>(QThread::create([this, w, &mutex, &errors] {
            const std::shared_ptr<Database> database = reopen();
            SqlBus writerBus(*database, m_clock, fastSettings());
            std::unique_ptr<BusProducer> producer = writerBus.makeProducer();
            QString error = producer->start().hasValue() ? QString() : QStringLiteral("cannot start");
            for (int b = 0; b < kBatches && error.isEmpty(); ++b) {
                error = produce(*producer, QStringLiteral("t"),
                                numbered(QStringLiteral("w%1-").arg(w), b * kPerBatch, (b + 1) * kPerBatch));
            }
            if (!error.isEmpty()) {
                const QMutexLocker lock(&mutex);
                errors.append(error);
            }
        })));
        writers.back()->start();
    }
    const auto joinWriters = qScopeGuard([&writers] {
        for (const std::unique_ptr<QThread> &thread : writers)
            thread->wait();
    });
    for (const std::unique_ptr<QThread> &thread : writers)
        QTRY_VERIFY_WITH_TIMEOUT(thread->isFinished(), 60'000);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    QTRY_COMPARE_WITH_TIMEOUT(inbox.messages.size(), kWriters * kBatches * kPerBatch, 10'000);
    // Each writer's messages once, in its order.
    QHash<QString, QStringList> byWriter;
    for (const QString &value : inbox.values())
        byWriter[value.section(QLatin1Char('-'), 0, 0)].append(value);
    for (int w = 0; w < kWriters; ++w) {
        const QString writer = QStringLiteral("w%1").arg(w);
        QCOMPARE(byWriter.value(writer), numbered(writer + QLatin1Char('-'), 0, kBatches * kPerBatch));
    }
}

QTEST_GUILESS_MAIN(SqlBusTest)
