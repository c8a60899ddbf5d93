#pragma once

#include "TestDatabase.h"
#include "TestResults.h"
#include "bus/SqlBus.h"
#include "util/Clock.h"

#include <QMutex>
#include <QObject>
#include <QStringList>
#include <QTest>

#include <memory>

namespace vestnik::test {

/// Lines the bus logs, from any thread, so a test can wait for what a consumer says.
class BusLog final
{
public:
    static void install();
    static void clear();
    static bool contains(const QString &text);

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);

    static inline QtMessageHandler s_previous = nullptr;
    static inline QMutex s_mutex;
    static inline QStringList s_lines;
};

/// What a consumer's handler was given, with the acknowledgements it holds back.
struct Inbox {
    QList<BusMessage> messages;
    QList<BusConsumer::Ack> held;

    QStringList values() const;
    QList<qint64> offsets() const;
    /// Keeps the acknowledgement for the test to call.
    BusConsumer::Handler holding();
    /// Acknowledges at once.
    BusConsumer::Handler acking();
};

/// prefix + from, ..., prefix + (to - 1).
QStringList numbered(const QString &prefix, int from, int to);
/// Fast polls and commits; a lease and retention only the manual clock runs out.
SqlBus::Settings fastSettings();
BusConsumer::Settings group(const QString &groupId, const QStringList &topics, int maxInFlight = 1000);

} // namespace vestnik::test

/// SqlBus, the message bus as a table queue in the worker's own database, against a fresh database per test:
/// on SQLite, or (VESTNIK_TEST_DIALECT=postgres) on the real PostgreSQL.
class SqlBusTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // SqlBusTest.cpp: messages from producers to consumers
    void gracefulRunDeliversEveryMessageOnceInOrder();
    void producerWakesConsumersOfTheSameBusAtOnce();
    void writesOfAnotherProcessAreFoundByPolling();
    void twoGroupsEachGetEverything();
    void concurrentProducersNeverMakeAConsumerSkipAMessage();

    // SqlBusTestAcknowledgements.cpp: what is committed, what comes again, back-pressure
    void outOfOrderAcknowledgementsCommitOnlyTheContiguousPrefix();
    void acknowledgedPrefixIsCommittedWhileRunning();
    void unacknowledgedMessagesComeAgainAfterStopOrDestruction();
    void maxInFlightIsNeverExceeded();
    void lagIsWhatTheConsumerHasNotBeenHandedYet();

    // SqlBusTestLeases.cpp: one consumer of a group at a time
    void secondConsumerOfTheGroupWaitsUntilTheFirstStops();
    void expiredLeaseIsTakenOverAndTheSilentHolderStandsDown();

    // SqlBusTestUpkeep.cpp: database errors and retention
    void startRefusesWhatCannotWork();
    void producerReportsADatabaseErrorToEveryCallback();
    void pollingSurvivesADatabaseError();
    void retentionDeletesOnlyOldMessagesEveryGroupCommitted();

private:
    const vestnik::Database &db() const { return m_test->database(); }
    /// Another Database on the same data, as another process opens it.
    std::shared_ptr<vestnik::Database> reopen() const;
    /// Sends the values to `topic` and writes them; the first error of any callback, or an empty string.
    static QString produce(vestnik::BusProducer &producer, const QString &topic, const QStringList &values);
    /// The group's committed offset of the topic, or -1 when it has none.
    qint64 committed(const QString &groupId, const QString &topic) const;
    /// The offsets of the topic's stored messages.
    QList<qint64> stored(const QString &topic) const;

    vestnik::ManualClock m_clock;
    std::unique_ptr<vestnik::test::TestDatabase> m_test;
};
