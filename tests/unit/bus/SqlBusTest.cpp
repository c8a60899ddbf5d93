// SqlBus, the message bus as a table queue in the worker's own database: every message once and in order in a
// graceful run, commits of only what is acknowledged together with everything before it, one lease holder per
// group and topic (the next one takes over on stop or when the lease runs out), back-pressure, retention, and
// database errors reported or survived. Runs on SQLite, or on PostgreSQL with VESTNIK_TEST_DIALECT=postgres.
#include "bus/SqlBus.h"

#include "TestDatabase.h"
#include "TestResults.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QScopeGuard>
#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

/// Lines the bus logs, from any thread, so a test can wait for what a consumer says.
class BusLog final
{
public:
    static void install() { s_previous = qInstallMessageHandler(&BusLog::handle); }
    static void clear()
    {
        const QMutexLocker lock(&s_mutex);
        s_lines.clear();
    }
    static bool contains(const QString &text)
    {
        const QMutexLocker lock(&s_mutex);
        for (const QString &line : std::as_const(s_lines)) {
            if (line.contains(text))
                return true;
        }
        return false;
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (context.category && qstrcmp(context.category, "vestnik.bus") == 0) {
            const QMutexLocker lock(&s_mutex);
            s_lines.append(message);
        }
        if (s_previous)
            s_previous(type, context, message);
    }

    static inline QtMessageHandler s_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_lines;
};

/// What a consumer's handler was given, with the acknowledgements it holds back.
struct Inbox {
    QList<BusMessage> messages;
    QList<BusConsumer::Ack> held;

    QStringList values() const
    {
        QStringList all;
        for (const BusMessage &m : messages)
            all.append(QString::fromUtf8(m.value));
        return all;
    }
    QList<qint64> offsets() const
    {
        QList<qint64> all;
        for (const BusMessage &m : messages)
            all.append(m.offset);
        return all;
    }
    /// Keeps the acknowledgement for the test to call.
    BusConsumer::Handler holding()
    {
        return [this](const BusMessage &message, BusConsumer::Ack ack) {
            messages.append(message);
            held.append(std::move(ack));
        };
    }
    /// Acknowledges at once.
    BusConsumer::Handler acking()
    {
        return [this](const BusMessage &message, BusConsumer::Ack ack) {
            messages.append(message);
            ack();
        };
    }
};

QStringList numbered(const QString &prefix, int from, int to)
{
    QStringList values;
    for (int i = from; i < to; ++i)
        values.append(prefix + QString::number(i));
    return values;
}

/// Fast polls and commits; a lease and retention only the manual clock runs out.
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

BusConsumer::Settings group(const QString &groupId, const QStringList &topics, int maxInFlight = 1000)
{
    return BusConsumer::Settings{groupId, topics, maxInFlight};
}

} // namespace

class SqlBusTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void gracefulRunDeliversEveryMessageOnceInOrder();
    void producerWakesConsumersOfTheSameBusAtOnce();
    void writesOfAnotherProcessAreFoundByPolling();
    void outOfOrderAcknowledgementsCommitOnlyTheContiguousPrefix();
    void acknowledgedPrefixIsCommittedWhileRunning();
    void unacknowledgedMessagesComeAgainAfterStopOrDestruction();
    void maxInFlightIsNeverExceeded();
    void secondConsumerOfTheGroupWaitsUntilTheFirstStops();
    void expiredLeaseIsTakenOverAndTheSilentHolderStandsDown();
    void twoGroupsEachGetEverything();
    void concurrentProducersNeverMakeAConsumerSkipAMessage();
    void producerReportsADatabaseErrorToEveryCallback();
    void pollingSurvivesADatabaseError();
    void retentionDeletesOnlyOldMessagesEveryGroupCommitted();

private:
    const Database &db() const { return m_test->database(); }
    /// Another Database on the same data, as another process opens it.
    std::shared_ptr<Database> reopen() const;
    /// Sends the values to `topic` and writes them; the first error of any callback, or an empty string.
    static QString produce(BusProducer &producer, const QString &topic, const QStringList &values);
    /// The group's committed offset of the topic, or -1 when it has none.
    qint64 committed(const QString &groupId, const QString &topic) const;
    /// The offsets of the topic's stored messages.
    QList<qint64> stored(const QString &topic) const;

    ManualClock m_clock;
    std::unique_ptr<test::TestDatabase> m_test;
};

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

    // B is refused while A's lease lasts, however often it polls.
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

QTEST_GUILESS_MAIN(SqlBusTest)
#include "SqlBusTest.moc"
