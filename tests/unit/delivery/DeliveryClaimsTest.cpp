#include "DeliveryTestSupport.h"
#include "TestDatabase.h"
#include "store/DeliveryRepository.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThread>

#include <latch>
#include <memory>
#include <optional>
#include <vector>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 kLeaseMs = 60'000;

Delivery delivery(const QString &id)
{
    Delivery d;
    d.notificationId = id;
    d.userId = QStringLiteral("u-") + id;
    d.deviceId = 7;
    d.appId = QStringLiteral("shop");
    d.platform = Platform::Android;
    d.campaignId = QStringLiteral("spring");
    return d;
}

QStringList idsOf(const QList<Delivery> &deliveries)
{
    QStringList ids;
    for (const Delivery &d : deliveries)
        ids << d.notificationId;
    return ids;
}

} // namespace

/// DeliveryRepository::claimDueRetries, the durable half of retries: which rows a claim takes, what it does
/// to them, and that concurrent claimers never share a row. Runs on SQLite, or on PostgreSQL with
/// VESTNIK_TEST_DIALECT=postgres.
class DeliveryClaimsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void claimTakesOnlyDueRetriesOldestFirst();
    void claimedRowsAreSendingWithATrailEntry();
    void claimIsNotTakenAgainWhileTheLeaseHolds();
    void expiredLeaseMakesTheRowDueAgain();
    void rescheduledRetryReleasesTheClaim();
    void finishedRowsAreNeverClaimed();
    void badArgumentsAreRefused();
    void concurrentClaimersNeverShareARow();

private:
    const Database &db() const { return m_test->database(); }
    const DeliveryRepository &repo() const { return *m_deliveries; }
    /// Inserts deliveries `ids` and schedules each for retry at `atMs`.
    void scheduleAt(const QStringList &ids, qint64 atMs);
    QStringList claim(qint64 nowMs, int limit, const QString &worker) const;

    ManualClock m_clock;
    std::unique_ptr<test::TestDatabase> m_test;
    std::optional<DeliveryRepository> m_deliveries;
};

void DeliveryClaimsTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void DeliveryClaimsTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
    m_deliveries.emplace(db(), m_clock);
}

void DeliveryClaimsTest::cleanup()
{
    m_deliveries.reset();
    m_test.reset();
}

void DeliveryClaimsTest::scheduleAt(const QStringList &ids, qint64 atMs)
{
    QList<Delivery> batch;
    for (const QString &id : ids)
        batch << delivery(id);
    VT_OK(repo().insertBatch(batch));
    for (const QString &id : ids)
        VT_OK(repo().scheduleRetry(id, atMs, QStringLiteral("fcm.UNAVAILABLE"), QStringLiteral("overloaded")));
}

QStringList DeliveryClaimsTest::claim(qint64 nowMs, int limit, const QString &worker) const
{
    Result<QList<Delivery>> claimed = repo().claimDueRetries(nowMs, limit, worker, kLeaseMs);
    if (!claimed)
        return {QStringLiteral("error: ") + claimed.error().toString()};
    return idsOf(*claimed);
}

void DeliveryClaimsTest::claimTakesOnlyDueRetriesOldestFirst()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("late")}, t + 5000);
    scheduleAt({QStringLiteral("b"), QStringLiteral("a")}, t + 1000);
    scheduleAt({QStringLiteral("first")}, t + 500);
    VT_OK(repo().insertBatch({delivery(QStringLiteral("queued"))})); // never scheduled for retry

    QCOMPARE(claim(t + 499, 10, QStringLiteral("w1")), QStringList());
    QCOMPARE(claim(t + 1000, 2, QStringLiteral("w1")), (QStringList{QStringLiteral("first"), QStringLiteral("a")}));
    QCOMPARE(claim(t + 1000, 10, QStringLiteral("w1")), QStringList{QStringLiteral("b")});
    QCOMPARE(claim(t + 4999, 10, QStringLiteral("w1")), QStringList());
    QCOMPARE(claim(t + 5000, 10, QStringLiteral("w1")), QStringList{QStringLiteral("late")});
    QCOMPARE(claim(t + 50'000, 10, QStringLiteral("w1")), QStringList()); // all claimed, leases still hold
}

void DeliveryClaimsTest::claimedRowsAreSendingWithATrailEntry()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("n")}, t + 1000);
    m_clock.advance(2s);
    Result<QList<Delivery>> claimed =
        repo().claimDueRetries(m_clock.nowMs(), 10, QStringLiteral("host-a:17"), kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(claimed->size(), 1);
    const Delivery &d = claimed->constFirst();
    QCOMPARE(d.status, DeliveryStatus::Sending);
    QCOMPARE(d.attempts, 1); // claiming is not another attempt
    QCOMPARE(d.nextAttemptAtMs, std::optional<qint64>(t + 1000));
    QCOMPARE(d.updatedAtMs, m_clock.nowMs());
    QCOMPARE(d.campaignId, QStringLiteral("spring"));
    QCOMPARE(d.errorCode, QStringLiteral("fcm.UNAVAILABLE"));

    Result<std::optional<Delivery>> found = repo().find(QStringLiteral("n"));
    VT_OK(found);
    QVERIFY(*found == std::optional<Delivery>(d));
    Result<QList<DeliveryEvent>> trail = repo().trail(QStringLiteral("n"));
    VT_OK(trail);
    QCOMPARE(trail->size(), 3);
    QCOMPARE(trail->constLast().status, DeliveryStatus::Sending);
    QCOMPARE(trail->constLast().atMs, m_clock.nowMs());
    QCOMPARE(trail->constLast().detail, QStringLiteral("retry claimed by host-a:17"));

    Result<QSqlQuery> lease =
        db().run(QStringLiteral("SELECT claimed_by, claim_expires_at FROM deliveries WHERE notification_id = ?"),
                 {QStringLiteral("n")}, QStringLiteral("lease"));
    VT_OK(lease);
    QVERIFY(lease->next());
    QCOMPARE(lease->value(0).toString(), QStringLiteral("host-a:17"));
    QCOMPARE(lease->value(1).toLongLong(), m_clock.nowMs() + kLeaseMs);
}

void DeliveryClaimsTest::claimIsNotTakenAgainWhileTheLeaseHolds()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("n")}, t);
    QCOMPARE(claim(t, 10, QStringLiteral("w1")), QStringList{QStringLiteral("n")});
    QCOMPARE(claim(t, 10, QStringLiteral("w2")), QStringList());
    QCOMPARE(claim(t + kLeaseMs - 1, 10, QStringLiteral("w2")), QStringList());
    QCOMPARE(claim(t + kLeaseMs - 1, 10, QStringLiteral("w1")), QStringList());
}

void DeliveryClaimsTest::expiredLeaseMakesTheRowDueAgain()
{
    // w1 claims "a" and dies without recording anything; once its lease has run out, w2 takes it over (with
    // "b", which nobody had claimed).
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("a"), QStringLiteral("b")}, t);
    QCOMPARE(claim(t, 1, QStringLiteral("w1")), QStringList{QStringLiteral("a")});
    QCOMPARE(claim(t + kLeaseMs - 1, 10, QStringLiteral("w2")), QStringList{QStringLiteral("b")});
    QCOMPARE(claim(t + kLeaseMs, 10, QStringLiteral("w3")), QStringList{QStringLiteral("a")});
    QCOMPARE(claim(t + kLeaseMs, 10, QStringLiteral("w4")), QStringList());
    Result<QSqlQuery> owner = db().run(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = ?"),
                                       {QStringLiteral("a")}, QStringLiteral("owner"));
    VT_OK(owner);
    QVERIFY(owner->next());
    QCOMPARE(owner->value(0).toString(), QStringLiteral("w3"));
    Result<QList<DeliveryEvent>> trail = repo().trail(QStringLiteral("a"));
    VT_OK(trail);
    QCOMPARE(trail->constLast().detail, QStringLiteral("retry claimed by w3"));
}

void DeliveryClaimsTest::rescheduledRetryReleasesTheClaim()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("n")}, t);
    QCOMPARE(claim(t, 10, QStringLiteral("w1")), QStringList{QStringLiteral("n")});
    Result<int> attempts =
        repo().scheduleRetry(QStringLiteral("n"), t + 2000, QStringLiteral("apns.TooManyRequests"), QString());
    VT_OK(attempts);
    QCOMPARE(*attempts, 2);
    QCOMPARE(claim(t + 1999, 10, QStringLiteral("w2")), QStringList());
    QCOMPARE(claim(t + 2000, 10, QStringLiteral("w2")), QStringList{QStringLiteral("n")});
    Result<QSqlQuery> q = db().run(
        QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE claimed_by IS NULL AND claim_expires_at IS NULL"), {},
        QStringLiteral("released"));
    VT_OK(q);
    QVERIFY(q->next());
    QCOMPARE(q->value(0).toInt(), 0); // claimed again by w2
}

void DeliveryClaimsTest::finishedRowsAreNeverClaimed()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("sent"), QStringLiteral("failed"), QStringLiteral("dead")}, t);
    QCOMPARE(claim(t, 10, QStringLiteral("w1")).size(), 3);
    VT_OK(repo().recordSent(QStringLiteral("sent"), t + 10, QStringLiteral("0:abc")));
    VT_OK(repo().recordFailure(QStringLiteral("failed"), DeliveryStatus::Failed, t + 10,
                               QStringLiteral("retry.expired"), QStringLiteral("too late")));
    VT_OK(repo().recordFailure(QStringLiteral("dead"), DeliveryStatus::InvalidToken, t + 10,
                               QStringLiteral("fcm.UNREGISTERED"), QString()));
    // Their leases run out, but a finished delivery is not due for anything.
    QCOMPARE(claim(t + 10 * kLeaseMs, 10, QStringLiteral("w2")), QStringList());

    Result<std::optional<Delivery>> sent = repo().find(QStringLiteral("sent"));
    VT_OK(sent);
    QCOMPARE((*sent)->status, DeliveryStatus::Sent);
    QCOMPARE((*sent)->providerMessageId, QStringLiteral("0:abc"));
    Result<std::optional<Delivery>> failed = repo().find(QStringLiteral("failed"));
    VT_OK(failed);
    QCOMPARE((*failed)->status, DeliveryStatus::Failed);
    QCOMPARE((*failed)->errorCode, QStringLiteral("retry.expired"));
    QCOMPARE((*failed)->errorMessage, QStringLiteral("too late"));
    QCOMPARE((*failed)->failedAtMs, std::optional<qint64>(t + 10));
    Result<QList<DeliveryEvent>> trail = repo().trail(QStringLiteral("dead"));
    VT_OK(trail);
    QCOMPARE(trail->constLast().status, DeliveryStatus::InvalidToken);
    QCOMPARE(trail->constLast().detail, QStringLiteral("fcm.UNREGISTERED"));
}

void DeliveryClaimsTest::badArgumentsAreRefused()
{
    const QString invalid = errorCodeName(ErrorCode::InvalidArgument);
    QCOMPARE(test::errorCodeOf(repo().claimDueRetries(kStartMs, 10, QString(), kLeaseMs)), invalid);
    QCOMPARE(test::errorCodeOf(repo().claimDueRetries(kStartMs, 0, QStringLiteral("w"), kLeaseMs)), invalid);
    QCOMPARE(test::errorCodeOf(repo().claimDueRetries(kStartMs, 10, QStringLiteral("w"), 0)), invalid);
    VT_OK(repo().insertBatch({delivery(QStringLiteral("n"))}));
    QCOMPARE(test::errorCodeOf(repo().recordFailure(QStringLiteral("n"), DeliveryStatus::Sent, kStartMs,
                                                    QStringLiteral("x"), QString())),
             invalid);
    QCOMPARE(test::errorCodeOf(repo().recordSent(QStringLiteral("ghost"), kStartMs, QStringLiteral("0:1"))),
             errorCodeName(ErrorCode::NotFound));
    QCOMPARE(test::errorCodeOf(repo().recordFailure(QStringLiteral("ghost"), DeliveryStatus::Failed, kStartMs,
                                                    QStringLiteral("x"), QString())),
             errorCodeName(ErrorCode::NotFound));
}

void DeliveryClaimsTest::concurrentClaimersNeverShareARow()
{
    // Four workers, each a thread on its own connection, claim small batches as fast as they can while the
    // rows fall due: every row is claimed exactly once.
    constexpr int kRows = 240;
    constexpr int kWorkers = 4;
    QStringList ids;
    for (int i = 0; i < kRows; ++i)
        ids << QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0'));
    const qint64 t = m_clock.nowMs();
    QList<Delivery> batch;
    for (const QString &id : ids)
        batch << delivery(id);
    VT_OK(repo().insertBatch(batch));
    for (int i = 0; i < kRows; ++i)
        VT_OK(repo().scheduleRetry(ids.at(i), t + i, QStringLiteral("network.timeout"), QString()));

    QMutex mutex;
    QHash<QString, QStringList> claimedBy; // notification id -> the workers that got it
    QStringList errors;
    std::latch ready(kWorkers); // all start together, or the first thread takes everything alone
    std::vector<std::unique_ptr<QThread>> threads;
    for (int w = 0; w < kWorkers; ++w) {
        threads.emplace_back(QThread::create([&, w] {
            const DeliveryRepository deliveries(db(), m_clock);
            const QString worker = QStringLiteral("w%1").arg(w);
            if (Result<QSqlDatabase> connection = db().connection(); !connection) {
                const QMutexLocker lock(&mutex);
                errors << connection.error().toString();
            }
            ready.arrive_and_wait();
            int idle = 0;
            for (qint64 now = t; idle < 3; now += 3) {
                Result<QList<Delivery>> claimed = deliveries.claimDueRetries(now, 5, worker, 3'600'000);
                const QMutexLocker lock(&mutex);
                if (!claimed) {
                    errors << claimed.error().toString();
                    return;
                }
                idle = claimed->isEmpty() && now >= t + kRows ? idle + 1 : 0;
                for (const Delivery &d : *claimed)
                    claimedBy[d.notificationId] << worker;
            }
        }));
    }
    for (const auto &thread : threads)
        thread->start();
    for (const auto &thread : threads)
        QVERIFY(thread->wait(120'000));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));

    QCOMPARE(claimedBy.size(), kRows);
    QSet<QString> workers;
    for (auto it = claimedBy.cbegin(); it != claimedBy.cend(); ++it) {
        QVERIFY2(it->size() == 1, qPrintable(it.key() + QStringLiteral(" went to ") + it->join(QLatin1Char(','))));
        workers << it->constFirst();
    }
    // Usually all take part; on a busy machine SQLite's single writer lock may let one thread win every
    // round, which proves less but is no failure.
    qInfo("%lld of %d workers claimed rows", qlonglong(workers.size()), kWorkers);
    Result<QMap<DeliveryStatus, qint64>> counts = repo().countsByStatus();
    VT_OK(counts);
    QCOMPARE(counts->value(DeliveryStatus::Sending), qint64(kRows));
}

QTEST_GUILESS_MAIN(DeliveryClaimsTest)
#include "DeliveryClaimsTest.moc"
