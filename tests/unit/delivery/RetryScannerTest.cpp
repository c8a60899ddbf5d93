#include "delivery/RetryScanner.h"

#include "DeliveryTestSupport.h"
#include "TestDatabase.h"
#include "store/DeliveryRepository.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QCoreApplication>
#include <QMutex>
#include <QObject>
#include <QSignalSpy>
#include <QThread>

#include <atomic>
#include <memory>
#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

Delivery delivery(const QString &id)
{
    Delivery d;
    d.notificationId = id;
    d.userId = QStringLiteral("u-") + id;
    d.deviceId = 3;
    d.appId = QStringLiteral("shop");
    d.platform = Platform::Ios;
    d.eventId = QStringLiteral("order.cancelled:77");
    return d;
}

RetryScanner::Settings scannerSettings(const QString &workerId)
{
    RetryScanner::Settings s;
    s.workerId = workerId;
    s.interval = 5ms;
    s.batchSize = 7;
    s.lease = 10min;
    return s;
}

/// Collects what scanners hand out, from any thread.
class Handouts final
{
public:
    /// With `sender`, each delivery is recorded as sent, as a real dispatch ends its claims; without, the
    /// worker behaves as if it died before it could record anything.
    RetryScanner::Dispatch dispatchFor(const QString &worker, const DeliveryRepository *sender = nullptr)
    {
        return [this, worker, sender](QList<Delivery> batch) {
            const QMutexLocker lock(&m_mutex);
            for (const Delivery &d : batch) {
                m_byId[d.notificationId] << worker;
                m_statuses << d.status;
                if (sender) {
                    if (Result<void> sent = sender->recordSent(d.notificationId, 0, QStringLiteral("apns-id")); !sent)
                        m_errors << sent.error().toString();
                }
            }
        };
    }
    QStringList errors() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_errors;
    }
    int total() const
    {
        const QMutexLocker lock(&m_mutex);
        int n = 0;
        for (const QStringList &workers : m_byId)
            n += int(workers.size());
        return n;
    }
    QHash<QString, QStringList> byId() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_byId;
    }
    QList<DeliveryStatus> statuses() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_statuses;
    }

private:
    mutable QMutex m_mutex;
    QHash<QString, QStringList> m_byId;
    QList<DeliveryStatus> m_statuses;
    QStringList m_errors;
};

} // namespace

/// The retry scanner: retries stored before a restart come back exactly once, any number of scanners share
/// the work without handing out a row twice. Runs on SQLite, or on PostgreSQL with VESTNIK_TEST_DIALECT=postgres.
class RetryScannerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void restartResumesPendingRetriesExactlyOnce();
    void twoScannersNeverHandOutTheSameRow();
    void deadWorkersClaimsComeBackAfterTheLease();
    void failedScanIsReportedAndTheTimerKeepsGoing();
    void stoppedScannerHandsOutNothing();

private:
    const Database &db() const { return m_test->database(); }
    /// Another Database on the same data, as a process started afresh (or another machine) opens it.
    std::shared_ptr<Database> reopen() const;
    void scheduleAt(const QStringList &ids, qint64 atMs);

    ManualClock m_clock;
    std::unique_ptr<test::TestDatabase> m_test;
};

void RetryScannerTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void RetryScannerTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
}

void RetryScannerTest::cleanup()
{
    m_test.reset();
}

std::shared_ptr<Database> RetryScannerTest::reopen() const
{
    Result<std::shared_ptr<Database>> opened = Database::open(db().settings());
    if (!opened)
        qFatal("%s", qPrintable(opened.error().toString()));
    return *opened;
}

void RetryScannerTest::scheduleAt(const QStringList &ids, qint64 atMs)
{
    const DeliveryRepository deliveries(db(), m_clock);
    QList<Delivery> batch;
    for (const QString &id : ids)
        batch << delivery(id);
    VT_OK(deliveries.insertBatch(batch));
    for (const QString &id : ids)
        VT_OK(deliveries.scheduleRetry(id, atMs, QStringLiteral("apns.ServiceUnavailable"), QString()));
}

void RetryScannerTest::restartResumesPendingRetriesExactlyOnce()
{
    // Before the "crash": three retries stored, two due in a few seconds, one in an hour.
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("a"), QStringLiteral("b")}, t + 2000);
    scheduleAt({QStringLiteral("later")}, t + 3'600'000);

    // After the restart: a new Database and a new scanner on the same data, the clock past the retry time.
    const std::shared_ptr<Database> restarted = reopen();
    const DeliveryRepository deliveries(*restarted, m_clock);
    Handouts handouts;
    RetryScanner scanner(deliveries, m_clock, scannerSettings(QStringLiteral("after-restart")),
                         handouts.dispatchFor(QStringLiteral("after-restart"), &deliveries));
    QSignalSpy scans(&scanner, &RetryScanner::scanned);
    m_clock.advance(5s);
    scanner.start();
    QVERIFY(scanner.isRunning());
    QTRY_COMPARE(handouts.total(), 2);
    const int scansSoFar = int(scans.size());
    QTRY_VERIFY(scans.size() >= scansSoFar + 3); // more scans: nothing more
    QCOMPARE(handouts.total(), 2);
    QCOMPARE(QSet<QString>(handouts.byId().keyBegin(), handouts.byId().keyEnd()),
             (QSet<QString>{QStringLiteral("a"), QStringLiteral("b")}));
    for (DeliveryStatus status : handouts.statuses())
        QCOMPARE(status, DeliveryStatus::Sending);

    m_clock.setMs(t + 3'600'000);
    QTRY_COMPARE(handouts.total(), 3);
    QCOMPARE(handouts.byId().value(QStringLiteral("later")), QStringList{QStringLiteral("after-restart")});
    const int scansAfter = int(scans.size());
    QTRY_VERIFY(scans.size() >= scansAfter + 3);
    QCOMPARE(handouts.total(), 3);
    int handedOut = 0;
    for (const QVariantList &scan : std::as_const(scans))
        handedOut += scan.constFirst().toInt();
    QCOMPARE(handedOut, 3);
    QVERIFY2(handouts.errors().isEmpty(), qPrintable(handouts.errors().join(QLatin1Char('\n'))));
    Result<QMap<DeliveryStatus, qint64>> counts = deliveries.countsByStatus();
    VT_OK(counts);
    QCOMPARE(counts->value(DeliveryStatus::Sent), qint64(3));
}

void RetryScannerTest::twoScannersNeverHandOutTheSameRow()
{
    constexpr int kRows = 150;
    QStringList ids;
    for (int i = 0; i < kRows; ++i)
        ids << QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0'));
    // The rows fall due one a millisecond while the clock moves a millisecond with every scan: the two
    // scanners keep racing for the same few newly due rows, as workers polling side by side do.
    const qint64 t = m_clock.nowMs();
    {
        const DeliveryRepository deliveries(db(), m_clock);
        QList<Delivery> batch;
        for (const QString &id : std::as_const(ids))
            batch << delivery(id);
        VT_OK(deliveries.insertBatch(batch));
        for (int i = 0; i < kRows; ++i)
            VT_OK(deliveries.scheduleRetry(ids.at(i), t + i, QStringLiteral("network.timeout"), QString()));
    }

    // Two workers: each its own thread, its own Database, its own scanner.
    Handouts handouts;
    struct Worker {
        std::shared_ptr<Database> database;
        std::unique_ptr<DeliveryRepository> deliveries;
        std::unique_ptr<QThread> thread;
        RetryScanner *scanner = nullptr; ///< deleted in its own thread when that finishes
    };
    std::vector<Worker> workers(2);
    for (size_t i = 0; i < workers.size(); ++i) {
        Worker &w = workers[i];
        const QString name = QStringLiteral("worker-%1").arg(i);
        w.database = reopen();
        w.deliveries = std::make_unique<DeliveryRepository>(*w.database, m_clock);
        w.thread = std::make_unique<QThread>();
        // Scanning back to back in small batches makes the two overlap as much as they can.
        RetryScanner::Settings settings = scannerSettings(name);
        settings.interval = 0ms;
        settings.batchSize = 3;
        w.scanner = new RetryScanner(*w.deliveries, m_clock, settings, handouts.dispatchFor(name));
        w.scanner->moveToThread(w.thread.get());
        connect(w.thread.get(), &QThread::finished, w.scanner, &QObject::deleteLater);
        w.thread->start();
    }
    std::atomic<int> scans{0};
    QStringList connectErrors;
    for (Worker &w : workers) {
        connect(w.scanner, &RetryScanner::scanned, w.scanner, [this, &scans](int) {
            ++scans;
            m_clock.advance(1ms);
        });
        // Connected before either starts, so that neither is done before the other has begun.
        QMetaObject::invokeMethod(
            w.scanner,
            [&w, &connectErrors] {
                if (Result<QSqlDatabase> connection = w.database->connection(); !connection)
                    connectErrors << connection.error().toString();
            },
            Qt::BlockingQueuedConnection);
    }
    QVERIFY2(connectErrors.isEmpty(), qPrintable(connectErrors.join(QLatin1Char('\n'))));
    for (Worker &w : workers)
        QMetaObject::invokeMethod(w.scanner, &RetryScanner::start);

    QTRY_COMPARE_WITH_TIMEOUT(handouts.total(), kRows, 60'000);
    // Let both scan on a while longer: still nothing is handed out twice.
    const int scansSoFar = scans.load();
    QTRY_VERIFY(scans.load() >= scansSoFar + 6);
    for (Worker &w : workers) {
        w.thread->quit();
        QVERIFY(w.thread->wait(30'000));
    }
    QCOMPARE(handouts.total(), kRows);
    const QHash<QString, QStringList> byId = handouts.byId();
    QCOMPARE(byId.size(), kRows);
    QMap<QString, int> perWorker;
    for (auto it = byId.cbegin(); it != byId.cend(); ++it) {
        QVERIFY2(it->size() == 1, qPrintable(it.key() + QStringLiteral(" went to ") + it->join(QLatin1Char(','))));
        ++perWorker[it->constFirst()];
    }
    QStringList shares;
    for (auto it = perWorker.cbegin(); it != perWorker.cend(); ++it)
        shares << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    // How the rows split is up to the scheduler (on SQLite one writer may hold the lock for a whole run);
    // DeliveryClaimsTest::concurrentClaimersNeverShareARow is the sharper race.
    qInfo("handed out per worker: %s", qPrintable(shares.join(QStringLiteral(", "))));
}

void RetryScannerTest::deadWorkersClaimsComeBackAfterTheLease()
{
    const qint64 t = m_clock.nowMs();
    scheduleAt({QStringLiteral("n")}, t);
    const DeliveryRepository deliveries(db(), m_clock);
    Handouts handouts;
    {
        // This worker claims and "dies": its dispatch never records an outcome.
        RetryScanner doomed(deliveries, m_clock, scannerSettings(QStringLiteral("doomed")),
                            handouts.dispatchFor(QStringLiteral("doomed")));
        Result<int> claimed = doomed.scanOnce();
        VT_OK(claimed);
        QCOMPARE(*claimed, 1);
    }
    // Another process takes over.
    const std::shared_ptr<Database> other = reopen();
    const DeliveryRepository otherDeliveries(*other, m_clock);
    RetryScanner heir(otherDeliveries, m_clock, scannerSettings(QStringLiteral("heir")),
                      handouts.dispatchFor(QStringLiteral("heir")));
    Result<int> early = heir.scanOnce();
    VT_OK(early);
    QCOMPARE(*early, 0);
    m_clock.advance(10min);
    Result<int> late = heir.scanOnce();
    VT_OK(late);
    QCOMPARE(*late, 1);
    QCOMPARE(handouts.byId().value(QStringLiteral("n")),
             (QStringList{QStringLiteral("doomed"), QStringLiteral("heir")}));
}

void RetryScannerTest::failedScanIsReportedAndTheTimerKeepsGoing()
{
    const DeliveryRepository deliveries(db(), m_clock);
    Handouts handouts;
    RetryScanner scanner(deliveries, m_clock, scannerSettings(QStringLiteral("w")),
                         handouts.dispatchFor(QStringLiteral("w")));
    VT_OK(db().execute(QStringLiteral("ALTER TABLE deliveries RENAME TO deliveries_away"), QStringLiteral("break")));
    QSignalSpy failures(&scanner, &RetryScanner::scanFailed);
    scanner.start();
    QTRY_VERIFY(failures.size() >= 2);
    QVERIFY2(failures.constFirst().constFirst().toString().contains(QStringLiteral("cannot claim")),
             qPrintable(failures.constFirst().constFirst().toString()));
    QVERIFY(scanner.isRunning());

    VT_OK(db().execute(QStringLiteral("ALTER TABLE deliveries_away RENAME TO deliveries"), QStringLiteral("mend")));
    scheduleAt({QStringLiteral("n")}, m_clock.nowMs());
    QTRY_COMPARE(handouts.total(), 1);
}

void RetryScannerTest::stoppedScannerHandsOutNothing()
{
    scheduleAt({QStringLiteral("n")}, m_clock.nowMs());
    const DeliveryRepository deliveries(db(), m_clock);
    Handouts handouts;
    RetryScanner stopped(deliveries, m_clock, scannerSettings(QStringLiteral("stopped")),
                         handouts.dispatchFor(QStringLiteral("stopped")));
    QSignalSpy stoppedScans(&stopped, &RetryScanner::scanned);
    stopped.start();
    stopped.stop(); // before its first scan, which start() queued, ran
    QVERIFY(!stopped.isRunning());
    RetryScanner running(deliveries, m_clock, scannerSettings(QStringLiteral("running")),
                         handouts.dispatchFor(QStringLiteral("running")));
    QSignalSpy runningScans(&running, &RetryScanner::scanned);
    running.start();
    // Delivers both queued first scans; the running one shows that this is enough for a scan to happen.
    QCoreApplication::processEvents();
    QCOMPARE(runningScans.size(), 1);
    QCOMPARE(stoppedScans.size(), 0);
    QCOMPARE(handouts.byId().value(QStringLiteral("n")), QStringList{QStringLiteral("running")});
}

QTEST_GUILESS_MAIN(RetryScannerTest)
#include "RetryScannerTest.moc"
