// TrackingRecorder on a real database (SQLite, or PostgreSQL with VESTNIK_TEST_DIALECT=postgres): an app's
// genuine report lands in the delivery's trail once; forged, borrowed, expired and replayed tokens are refused.
#include "delivery/TrackingRecorder.h"

#include "TestDatabase.h"
#include "TestResults.h"
#include "security/TrackingToken.h"
#include "store/DeliveryRepository.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QTest>
#include <QThread>

#include <atomic>
#include <latch>
#include <memory>
#include <vector>

using namespace vestnik;

namespace {

constexpr qint64 kStart = 1'767'225'600'000; // 2026-01-01T00:00:00Z

Delivery delivery(const QString &notificationId, qint64 deviceId)
{
    Delivery d;
    d.notificationId = notificationId;
    d.userId = QStringLiteral("u-1");
    d.deviceId = deviceId;
    d.appId = QStringLiteral("shop");
    d.platform = Platform::Android;
    d.templateId = QStringLiteral("cart");
    d.templateVersion = 1;
    d.createdAtMs = kStart;
    return d;
}

} // namespace

class TrackingRecorderTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void genuineReportsLandInTheTrailOnce();
    void clicksOfDifferentActionsAreEachRecorded();
    void simultaneousRepeatsAreRecordedOnce();
    void forgedBorrowedAndExpiredTokensAreRefused();
    void badReportsAreRefused_data();
    void badReportsAreRefused();

private:
    QString tokenFor(const QString &notificationId, qint64 deviceId, qint64 validForMs = 3'600'000) const;
    QList<DeliveryEvent> trackedEvents(const QString &notificationId) const;

    std::unique_ptr<test::TestDatabase> m_db;
    ManualClock m_clock{kStart};
    std::unique_ptr<DeliveryRepository> m_deliveries;
    std::unique_ptr<TrackingToken> m_tokens;
    std::unique_ptr<TrackingRecorder> m_recorder;
};

void TrackingRecorderTest::init()
{
    Result<std::unique_ptr<test::TestDatabase>> db = test::TestDatabase::create();
    VT_OK(db);
    m_db = std::move(*db);
    VT_OK(Migrator(m_db->database()).migrate());
    m_deliveries = std::make_unique<DeliveryRepository>(m_db->database(), m_clock);
    VT_OK(m_deliveries->insertBatch({delivery(QStringLiteral("n-1"), 11), delivery(QStringLiteral("n-2"), 12)}));
    Result<TrackingToken> tokens =
        TrackingToken::fromKeys({TrackingToken::Key{QStringLiteral("k1"), QByteArray(32, 'a')}});
    VT_OK(tokens);
    m_tokens = std::make_unique<TrackingToken>(std::move(*tokens));
    m_recorder = std::make_unique<TrackingRecorder>(*m_deliveries, *m_tokens, m_clock);
}

void TrackingRecorderTest::cleanup()
{
    m_recorder.reset();
    m_deliveries.reset();
    m_db.reset();
}

QString TrackingRecorderTest::tokenFor(const QString &notificationId, qint64 deviceId, qint64 validForMs) const
{
    const QDateTime expiry = QDateTime::fromMSecsSinceEpoch(m_clock.nowMs() + validForMs, Qt::UTC);
    Result<QString> token = m_tokens->issue(notificationId, deviceId, expiry);
    return token ? *token : QString();
}

QList<DeliveryEvent> TrackingRecorderTest::trackedEvents(const QString &notificationId) const
{
    QList<DeliveryEvent> tracked;
    const Result<QList<DeliveryEvent>> trail = m_deliveries->trail(notificationId);
    for (const DeliveryEvent &event : trail ? *trail : QList<DeliveryEvent>{}) {
        if (TrackingRecorder::isTrackable(event.status))
            tracked << event;
    }
    return tracked;
}

void TrackingRecorderTest::genuineReportsLandInTheTrailOnce()
{
    const QString token = tokenFor(QStringLiteral("n-1"), 11);
    for (const QString &event : {QStringLiteral("delivered"), QStringLiteral("opened")}) {
        m_clock.advance(std::chrono::seconds(5));
        Result<DeliveryStatus> recorded = m_recorder->record({QStringLiteral("n-1"), event, QString(), token});
        VT_OK(recorded);
    }
    // The same report again: a replay, refused, and the trail does not grow.
    TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
    const Result<DeliveryStatus> again =
        m_recorder->record({QStringLiteral("n-1"), QStringLiteral("opened"), QString(), token}, &refusal);
    QVERIFY(!again);
    QCOMPARE(refusal, TrackingRecorder::Refusal::Replayed);
    const QList<DeliveryEvent> tracked = trackedEvents(QStringLiteral("n-1"));
    QCOMPARE(tracked.size(), 2);
    QCOMPARE(tracked.at(0).status, DeliveryStatus::Delivered);
    QCOMPARE(tracked.at(1).status, DeliveryStatus::Opened);
    QCOMPARE(tracked.at(1).atMs, kStart + 10'000);
    Result<std::optional<Delivery>> row = m_deliveries->find(QStringLiteral("n-1"));
    VT_OK(row);
    QCOMPARE((*row)->status, DeliveryStatus::Opened);
    QVERIFY(trackedEvents(QStringLiteral("n-2")).isEmpty());
}

void TrackingRecorderTest::simultaneousRepeatsAreRecordedOnce()
{
    // The same report reaching several workers at once (each thread is a worker with its own connection): the
    // database decides, exactly one records it and the others are told it was a replay.
    constexpr int kWorkers = 6;
    const QString token = tokenFor(QStringLiteral("n-1"), 11);
    std::latch start(kWorkers);
    std::atomic<int> recorded = 0;
    std::atomic<int> replayed = 0;
    std::atomic<int> other = 0;
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < kWorkers; ++i) {
        threads.emplace_back(QThread::create([&] {
            const DeliveryRepository deliveries(m_db->database(), m_clock);
            const TrackingRecorder recorder(deliveries, *m_tokens, m_clock);
            start.arrive_and_wait();
            TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
            if (recorder.record({QStringLiteral("n-1"), QStringLiteral("opened"), QString(), token}, &refusal))
                ++recorded;
            else if (refusal == TrackingRecorder::Refusal::Replayed)
                ++replayed;
            else
                ++other;
        }));
        threads.back()->start();
    }
    for (const auto &thread : threads)
        QVERIFY(thread->wait(60'000));
    QCOMPARE(other.load(), 0);
    QCOMPARE(recorded.load(), 1);
    QCOMPARE(replayed.load(), kWorkers - 1);
    QCOMPARE(trackedEvents(QStringLiteral("n-1")).size(), 1);
}

void TrackingRecorderTest::clicksOfDifferentActionsAreEachRecorded()
{
    const QString token = tokenFor(QStringLiteral("n-1"), 11);
    VT_OK(m_recorder->record({QStringLiteral("n-1"), QStringLiteral("clicked"), QStringLiteral("buy"), token}));
    VT_OK(m_recorder->record({QStringLiteral("n-1"), QStringLiteral("clicked"), QStringLiteral("later"), token}));
    TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
    QVERIFY(!m_recorder->record({QStringLiteral("n-1"), QStringLiteral("clicked"), QStringLiteral("buy"), token},
                                &refusal));
    QCOMPARE(refusal, TrackingRecorder::Refusal::Replayed);
    const QList<DeliveryEvent> tracked = trackedEvents(QStringLiteral("n-1"));
    QCOMPARE(tracked.size(), 2);
    QCOMPARE(tracked.at(0).detail, QStringLiteral("buy"));
    QCOMPARE(tracked.at(1).detail, QStringLiteral("later"));
}

void TrackingRecorderTest::forgedBorrowedAndExpiredTokensAreRefused()
{
    const auto refusalOf = [this](const QString &notificationId, const QString &token) {
        TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
        const Result<DeliveryStatus> result =
            m_recorder->record({notificationId, QStringLiteral("opened"), QString(), token}, &refusal);
        return result ? TrackingRecorder::Refusal::None : refusal;
    };
    QString forged = tokenFor(QStringLiteral("n-1"), 11);
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    QCOMPARE(refusalOf(QStringLiteral("n-1"), forged), TrackingRecorder::Refusal::Unauthorized);
    // Genuine, but another notification's token, or a token for the right notification on another device.
    QCOMPARE(refusalOf(QStringLiteral("n-1"), tokenFor(QStringLiteral("n-2"), 12)),
             TrackingRecorder::Refusal::Unauthorized);
    QCOMPARE(refusalOf(QStringLiteral("n-1"), tokenFor(QStringLiteral("n-1"), 12)),
             TrackingRecorder::Refusal::Unauthorized);
    const QString shortLived = tokenFor(QStringLiteral("n-1"), 11, 60'000);
    m_clock.advance(std::chrono::minutes(2));
    QCOMPARE(refusalOf(QStringLiteral("n-1"), shortLived), TrackingRecorder::Refusal::Unauthorized);
    QCOMPARE(refusalOf(QStringLiteral("n-9"), tokenFor(QStringLiteral("n-9"), 11)),
             TrackingRecorder::Refusal::NotFound);
    QVERIFY(trackedEvents(QStringLiteral("n-1")).isEmpty());
}

void TrackingRecorderTest::badReportsAreRefused_data()
{
    QTest::addColumn<QString>("notification");
    QTest::addColumn<QString>("event");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown event") << "n-1"
                                   << "sent"
                                   << "" << true << "'event' must be one of";
    QTest::newRow("no notification") << ""
                                     << "opened"
                                     << "" << true << "'notification_id' is required";
    QTest::newRow("no token") << "n-1"
                              << "opened"
                              << "" << false << "'tracking_token' is required";
    QTest::newRow("action on open") << "n-1"
                                    << "opened"
                                    << "buy" << true << "only for 'clicked'";
    QTest::newRow("long action") << "n-1"
                                 << "clicked" << QString(101, QLatin1Char('a')) << true << "longer than 100";
}

void TrackingRecorderTest::badReportsAreRefused()
{
    QFETCH(QString, notification);
    QFETCH(QString, event);
    QFETCH(QString, action);
    QFETCH(bool, withToken);
    QFETCH(QString, message);
    TrackingRecorder::Refusal refusal = TrackingRecorder::Refusal::None;
    const Result<DeliveryStatus> result = m_recorder->record(
        {notification, event, action, withToken ? tokenFor(QStringLiteral("n-1"), 11) : QString()}, &refusal);
    QVERIFY(!result);
    QCOMPARE(refusal, TrackingRecorder::Refusal::Invalid);
    QVERIFY2(result.error().message.contains(message), qPrintable(result.error().message));
}

QTEST_GUILESS_MAIN(TrackingRecorderTest)
#include "TrackingRecorderTest.moc"
