// OffsetTracker: the committable offset is always one past the last message finished together with every
// message started before it, whatever order the work finishes in; refusals; commits; revoked partitions.
#include "bus/OffsetTracker.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

using namespace vestnik;

namespace {

const TopicPartition kEvents{QStringLiteral("vestnik.events"), 0};
const TopicPartition kEventsOne{QStringLiteral("vestnik.events"), 1};
const TopicPartition kSends{QStringLiteral("vestnik.sends"), 0};

} // namespace

class OffsetTrackerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void inOrder();
    void anyFinishingOrderMatchesTheModel_data();
    void anyFinishingOrderMatchesTheModel();
    void gapsInOffsets();
    void refusals();
    void commitsAreNotRepeated();
    void revokedPartitionIsForgotten();
    void inFlightPerPartition();
};

void OffsetTrackerTest::inOrder()
{
    OffsetTracker tracker;
    QCOMPARE(tracker.committable(kEvents), std::nullopt);
    for (qint64 offset = 0; offset < 5; ++offset)
        QVERIFY(tracker.start(kEvents, offset));
    QCOMPARE(tracker.committable(kEvents), std::nullopt);
    QVERIFY(tracker.finish(kEvents, 0));
    QVERIFY(tracker.finish(kEvents, 1));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(2));
    QVERIFY(tracker.finish(kEvents, 3));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(2)); // 2 is still being worked on
    QVERIFY(tracker.finish(kEvents, 2));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(4));
    QVERIFY(tracker.finish(kEvents, 4));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(5));
}

void OffsetTrackerTest::anyFinishingOrderMatchesTheModel_data()
{
    QTest::addColumn<unsigned>("seed");
    for (unsigned seed : {1u, 2u, 3u, 42u, 1234u})
        QTest::newRow(qPrintable(QString::number(seed))) << seed;
}

void OffsetTrackerTest::anyFinishingOrderMatchesTheModel()
{
    // Work starts in offset order (with gaps) and finishes in a random order, while more starts; after every
    // step the tracker must agree with the obvious model: commit up to the smallest unfinished started offset.
    QFETCH(unsigned, seed);
    std::mt19937 random(seed);
    OffsetTracker tracker;
    std::vector<qint64> started;
    std::set<qint64> unfinished;
    std::optional<qint64> lastFinishedAll;
    qint64 next = 100;
    for (int step = 0; step < 5000; ++step) {
        const bool startOne = unfinished.empty() || (started.size() < 3000 && random() % 3 != 0);
        if (startOne) {
            next += 1 + random() % 3; // gaps of up to two offsets
            QVERIFY(tracker.start(kEvents, next));
            started.push_back(next);
            unfinished.insert(next);
        } else {
            auto it = unfinished.begin();
            std::advance(it, random() % unfinished.size());
            const qint64 offset = *it;
            unfinished.erase(it);
            QVERIFY(tracker.finish(kEvents, offset));
        }
        // The model: one past the largest started offset below the smallest unfinished one.
        const qint64 firstUnfinished = unfinished.empty() ? std::numeric_limits<qint64>::max() : *unfinished.begin();
        const auto below = std::lower_bound(started.begin(), started.end(), firstUnfinished);
        const std::optional<qint64> expected =
            below == started.begin() ? std::nullopt : std::optional<qint64>(*(below - 1) + 1);
        if (expected)
            lastFinishedAll = expected;
        QCOMPARE(tracker.committable(kEvents), lastFinishedAll);
        QCOMPARE(tracker.inFlight(kEvents), int(unfinished.size()));
    }
}

void OffsetTrackerTest::gapsInOffsets()
{
    OffsetTracker tracker;
    QVERIFY(tracker.start(kEvents, 10));
    QVERIFY(tracker.start(kEvents, 12));
    QVERIFY(tracker.start(kEvents, 15));
    QVERIFY(tracker.finish(kEvents, 12));
    QVERIFY(tracker.finish(kEvents, 15));
    QCOMPARE(tracker.committable(kEvents), std::nullopt);
    QVERIFY(tracker.finish(kEvents, 10));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(16));
}

void OffsetTrackerTest::refusals()
{
    OffsetTracker tracker;
    QVERIFY(!tracker.start(kEvents, -1));
    QVERIFY(tracker.start(kEvents, 7));
    QVERIFY(!tracker.start(kEvents, 7));  // twice
    QVERIFY(!tracker.start(kEvents, 5));  // backwards
    QVERIFY(!tracker.finish(kEvents, 6)); // never started
    QVERIFY(!tracker.finish(kSends, 7));  // another partition
    QVERIFY(tracker.finish(kEvents, 7));
    QVERIFY(!tracker.finish(kEvents, 7)); // twice
    QVERIFY(!tracker.start(kEvents, 7));  // behind what is done
    QVERIFY(tracker.start(kEvents, 8));
    QCOMPARE(tracker.inFlight(kEvents), 1);
}

void OffsetTrackerTest::commitsAreNotRepeated()
{
    OffsetTracker tracker;
    QVERIFY(tracker.start(kEvents, 0));
    QVERIFY(tracker.start(kEventsOne, 0));
    QVERIFY(tracker.finish(kEvents, 0));
    QCOMPARE(tracker.allCommittable(), (QHash<TopicPartition, qint64>{{kEvents, 1}}));
    tracker.markCommitted(kEvents, 1);
    QCOMPARE(tracker.committable(kEvents), std::nullopt);
    QVERIFY(tracker.allCommittable().isEmpty());
    QVERIFY(tracker.start(kEvents, 1));
    QVERIFY(tracker.finish(kEvents, 1));
    QVERIFY(tracker.finish(kEventsOne, 0));
    QCOMPARE(tracker.allCommittable(), (QHash<TopicPartition, qint64>{{kEvents, 2}, {kEventsOne, 1}}));
    tracker.markCommitted(kEvents, 1); // a stale commit report changes nothing
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(2));
}

void OffsetTrackerTest::revokedPartitionIsForgotten()
{
    OffsetTracker tracker;
    QVERIFY(tracker.start(kEvents, 0));
    QVERIFY(tracker.start(kEvents, 1));
    QVERIFY(tracker.finish(kEvents, 0));
    tracker.revoke(kEvents);
    QCOMPARE(tracker.committable(kEvents), std::nullopt);
    QCOMPARE(tracker.inFlight(kEvents), 0);
    QVERIFY(!tracker.finish(kEvents, 1)); // the late answer of a message now another consumer's
    QVERIFY(tracker.partitions().isEmpty());
    // Assigned again later, it starts from whatever the broker hands out.
    QVERIFY(tracker.start(kEvents, 1));
    QVERIFY(tracker.finish(kEvents, 1));
    QCOMPARE(tracker.committable(kEvents), std::optional<qint64>(2));
}

void OffsetTrackerTest::inFlightPerPartition()
{
    OffsetTracker tracker;
    for (qint64 offset = 0; offset < 3; ++offset)
        QVERIFY(tracker.start(kEvents, offset));
    QVERIFY(tracker.start(kSends, 40));
    QCOMPARE(tracker.inFlight(kEvents), 3);
    QCOMPARE(tracker.inFlight(kSends), 1);
    QCOMPARE(tracker.totalInFlight(), 4);
    QVERIFY(tracker.finish(kEvents, 1));
    QCOMPARE(tracker.inFlight(kEvents), 2);
    QCOMPARE(tracker.totalInFlight(), 3);
}

QTEST_APPLESS_MAIN(OffsetTrackerTest)
#include "OffsetTrackerTest.moc"
