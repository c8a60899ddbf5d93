#include "RepositoryTest.h"
#include "store/DeliveryRepository.h"

#include <algorithm>

using namespace vestnik;

namespace {

QList<DeliveryStatus> statusesOf(const QList<DeliveryEvent> &trail)
{
    QList<DeliveryStatus> statuses;
    for (const DeliveryEvent &event : trail)
        statuses << event.status;
    return statuses;
}

// The trail entries of these deliveries, all together (a trail that cannot be read counts as none).
QList<DeliveryEvent> trailsOf(const DeliveryRepository &deliveries, const QStringList &notificationIds)
{
    QList<DeliveryEvent> all;
    for (const QString &id : notificationIds) {
        Result<QList<DeliveryEvent>> trail = deliveries.trail(id);
        if (trail)
            all << *trail;
    }
    return all;
}

QStringList idsOf(const QList<Delivery> &deliveries)
{
    QStringList ids;
    for (const Delivery &d : deliveries)
        ids << d.notificationId;
    return ids;
}

} // namespace

void RepositoryTest::deliveryBatchInsertIsIdempotent()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const QList<Delivery> batch{delivery(QStringLiteral("n1")), delivery(QStringLiteral("n2")),
                                delivery(QStringLiteral("n3"))};
    Result<int> first = deliveries.insertBatch(batch);
    VT_OK(first);
    QCOMPARE(*first, 3);
    // Something happened to n1 before the send job was redelivered: it must stay as it is.
    VT_OK(deliveries.recordStatus(QStringLiteral("n1"), DeliveryStatus::Sent, m_clock.nowMs() + 5));

    m_clock.advance(std::chrono::minutes(1));
    Result<int> second = deliveries.insertBatch(batch);
    VT_OK(second);
    QCOMPARE(*second, 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries")).toInt(), 3);
    QCOMPARE(trailsOf(deliveries, idsOf(batch)).size(), 4);

    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n2"));
    VT_OK(trail);
    QCOMPARE(statusesOf(*trail), QList<DeliveryStatus>{DeliveryStatus::Queued});
    QCOMPARE(trail->constFirst().atMs, m_clock.nowMs() - 60'000);
    Result<std::optional<Delivery>> n1 = deliveries.find(QStringLiteral("n1"));
    VT_OK(n1);
    QVERIFY(n1->has_value());
    QCOMPARE((*n1)->status, DeliveryStatus::Sent);

    Result<int> empty = deliveries.insertBatch({});
    VT_OK(empty);
    QCOMPARE(*empty, 0);
}

void RepositoryTest::deliveryLargeBatch()
{
    const DeliveryRepository deliveries(db(), m_clock);
    constexpr int kCount = 1000;
    QList<Delivery> batch;
    for (int i = 0; i < kCount; ++i) {
        Delivery d =
            delivery(QStringLiteral("campaign-7:user-%1:device-%2").arg(i).arg(i * 3), QStringLiteral("campaign-7"));
        d.deviceId = i * 3;
        d.platform = i % 2 ? Platform::Ios : Platform::Android;
        d.templateVersion = i % 5 ? std::optional<int>(i % 5) : std::nullopt;
        batch.append(d);
    }
    Result<int> inserted = deliveries.insertBatch(batch);
    VT_OK(inserted);
    QCOMPARE(*inserted, kCount);
    const QList<DeliveryEvent> trails = trailsOf(deliveries, idsOf(batch));
    QCOMPARE(trails.size(), kCount);
    QVERIFY(std::all_of(trails.cbegin(), trails.cend(),
                        [](const DeliveryEvent &e) { return e.status == DeliveryStatus::Queued; }));

    // Every row arrived intact, including the last of a chunk and the first of the next.
    for (int i : {0, DeliveryRepository::kBatchRows - 1, DeliveryRepository::kBatchRows, 777, kCount - 1}) {
        Result<std::optional<Delivery>> found = deliveries.find(batch.at(i).notificationId);
        VT_OK(found);
        QVERIFY(found->has_value());
        const Delivery &d = **found;
        QCOMPARE(d.deviceId, batch.at(i).deviceId);
        QCOMPARE(d.platform, batch.at(i).platform);
        QCOMPARE(d.templateVersion, batch.at(i).templateVersion);
        QCOMPARE(d.campaignId, QStringLiteral("campaign-7"));
        QCOMPARE(d.status, DeliveryStatus::Queued);
        QCOMPARE(d.attempts, 0);
        QCOMPARE(d.createdAtMs, m_clock.nowMs());
        QVERIFY(d.eventId.isEmpty());
        QVERIFY(!d.sentAtMs.has_value());
    }

    // A redelivered, partly overlapping batch adds only what is new (across a partial last chunk).
    QList<Delivery> overlapping = batch.mid(kCount - 250);
    for (int i = 0; i < 301; ++i)
        overlapping.append(delivery(QStringLiteral("campaign-7:late-%1").arg(i), QStringLiteral("campaign-7")));
    Result<int> more = deliveries.insertBatch(overlapping);
    VT_OK(more);
    QCOMPARE(*more, 301);
    Result<QMap<DeliveryStatus, qint64>> counts = deliveries.countsByStatus();
    VT_OK(counts);
    QCOMPARE(counts->value(DeliveryStatus::Queued), qint64(kCount + 301));
    QCOMPARE(trailsOf(deliveries, idsOf(batch) + idsOf(overlapping.mid(250))).size(), kCount + 301);
}

void RepositoryTest::deliveryDuplicateWithinBatchCountsOnce()
{
    const DeliveryRepository deliveries(db(), m_clock);
    Result<int> inserted = deliveries.insertBatch(
        {delivery(QStringLiteral("dup")), delivery(QStringLiteral("other")), delivery(QStringLiteral("dup"))});
    VT_OK(inserted);
    QCOMPARE(*inserted, 2);
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("dup"));
    VT_OK(trail);
    QCOMPARE(trail->size(), 1);

    Delivery invalid = delivery(QStringLiteral("bad"));
    invalid.appId.clear();
    VT_FAILS_WITH(deliveries.insertBatch({delivery(QStringLiteral("fine")), invalid}), ErrorCode::InvalidArgument);
    Result<std::optional<Delivery>> fine = deliveries.find(QStringLiteral("fine"));
    VT_OK(fine);
    QVERIFY(!fine->has_value()); // all or nothing
}

void RepositoryTest::deliveryStatusSetsItsTimestamp_data()
{
    QTest::addColumn<DeliveryStatus>("status");
    QTest::addColumn<QString>("column"); // the Delivery field that takes the time, or empty

    const QList<DeliveryStatus> statuses = allDeliveryStatuses();
    for (DeliveryStatus status : statuses) {
        QString column;
        switch (status) {
        case DeliveryStatus::Sent: column = QStringLiteral("sent"); break;
        case DeliveryStatus::Delivered: column = QStringLiteral("delivered"); break;
        case DeliveryStatus::Opened: column = QStringLiteral("opened"); break;
        case DeliveryStatus::Clicked: column = QStringLiteral("clicked"); break;
        case DeliveryStatus::Converted: column = QStringLiteral("converted"); break;
        case DeliveryStatus::Failed:
        case DeliveryStatus::InvalidToken: column = QStringLiteral("failed"); break;
        default: break;
        }
        QTest::newRow(qPrintable(deliveryStatusName(status))) << status << column;
    }
}

void RepositoryTest::deliveryStatusSetsItsTimestamp()
{
    QFETCH(DeliveryStatus, status);
    QFETCH(QString, column);
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("n"))}));
    const qint64 at = m_clock.nowMs() + 1234;
    m_clock.advance(std::chrono::seconds(10));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), status, at, QStringLiteral("detail")));

    Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QVERIFY(found->has_value());
    const Delivery &d = **found;
    QCOMPARE(d.status, status);
    QCOMPARE(d.updatedAtMs, m_clock.nowMs());
    const QList<QPair<QString, std::optional<qint64>>> timestamps{
        {QStringLiteral("sent"), d.sentAtMs},           {QStringLiteral("delivered"), d.deliveredAtMs},
        {QStringLiteral("opened"), d.openedAtMs},       {QStringLiteral("clicked"), d.clickedAtMs},
        {QStringLiteral("converted"), d.convertedAtMs}, {QStringLiteral("failed"), d.failedAtMs}};
    for (const auto &[name, value] : timestamps) {
        if (name == column)
            QVERIFY2(value == std::optional<qint64>(at), qPrintable(name));
        else
            QVERIFY2(!value.has_value(), qPrintable(name));
    }
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n"));
    VT_OK(trail);
    QCOMPARE(trail->size(), 2);
    QCOMPARE(trail->constLast().status, status);
    QCOMPARE(trail->constLast().atMs, at);
    QCOMPARE(trail->constLast().detail, QStringLiteral("detail"));
}

void RepositoryTest::deliveryTimestampsFirstTimeWins()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("n"))}));
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Delivered, t + 100));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Opened, t + 200));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Opened, t + 300));   // opened again
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Delivered, t + 50)); // a duplicate report

    Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->deliveredAtMs, std::optional<qint64>(t + 100));
    QCOMPARE((*found)->openedAtMs, std::optional<qint64>(t + 200));
    QCOMPARE((*found)->status, DeliveryStatus::Opened);
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n"));
    VT_OK(trail);
    QCOMPARE(trail->size(), 5); // every report is in the trail
}

void RepositoryTest::deliveryStatusNeverMovesBack()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("n"))}));
    const qint64 t = m_clock.nowMs();
    // The phone's 'delivered' overtakes the sender's 'sent'.
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Sending, t + 1));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Delivered, t + 20));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Sent, t + 10));
    Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->status, DeliveryStatus::Delivered);
    QCOMPARE((*found)->sentAtMs, std::optional<qint64>(t + 10));

    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Clicked, t + 40, QStringLiteral("open_cart")));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Opened, t + 30));
    found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QCOMPARE((*found)->status, DeliveryStatus::Clicked);
    QCOMPARE((*found)->openedAtMs, std::optional<qint64>(t + 30));

    // Retrying something already delivered does not make it due again.
    Result<int> attempts = deliveries.scheduleRetry(QStringLiteral("n"), t + 1000, QStringLiteral("429"), QString());
    VT_OK(attempts);
    found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QCOMPARE((*found)->status, DeliveryStatus::Clicked);
    Result<QList<Delivery>> due = deliveries.dueForRetry(t + 2000, 10);
    VT_OK(due);
    QVERIFY(due->isEmpty());
}

void RepositoryTest::deliveryTrailInRecordedOrder()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("n")), delivery(QStringLiteral("other"))}));
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Sending, t + 1));
    VT_OK(deliveries.recordStatus(QStringLiteral("other"), DeliveryStatus::Sending, t + 1));
    m_clock.setMs(t + 2);
    VT_OK(deliveries.scheduleRetry(QStringLiteral("n"), t + 1000, QStringLiteral("503"),
                                   QStringLiteral("ServiceUnavailable")));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Sending, t + 1000));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Sent, t + 1001, QStringLiteral("apns-id-1")));
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Delivered, t + 900)); // the phone's clock is off
    VT_OK(deliveries.recordStatus(QStringLiteral("n"), DeliveryStatus::Opened, t + 5000));

    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n"));
    VT_OK(trail);
    const QList<DeliveryStatus> expected{
        DeliveryStatus::Queued, DeliveryStatus::Sending,   DeliveryStatus::RetryScheduled, DeliveryStatus::Sending,
        DeliveryStatus::Sent,   DeliveryStatus::Delivered, DeliveryStatus::Opened};
    QCOMPARE(statusesOf(*trail), expected);
    QCOMPARE(trail->at(2).detail, QStringLiteral("503: ServiceUnavailable"));
    QCOMPARE(trail->at(4).detail, QStringLiteral("apns-id-1"));
    QCOMPARE(trail->at(5).atMs, t + 900);
    for (qsizetype i = 1; i < trail->size(); ++i)
        QVERIFY(trail->at(i).id > trail->at(i - 1).id);
    for (const DeliveryEvent &event : *trail)
        QCOMPARE(event.notificationId, QStringLiteral("n"));
}

void RepositoryTest::deliveryUnknownNotificationIsNotFound()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_FAILS_WITH(deliveries.recordStatus(QStringLiteral("ghost"), DeliveryStatus::Delivered, m_clock.nowMs()),
                  ErrorCode::NotFound);
    VT_FAILS_WITH(deliveries.scheduleRetry(QStringLiteral("ghost"), m_clock.nowMs(), QStringLiteral("429"), QString()),
                  ErrorCode::NotFound);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events")).toInt(), 0);
    Result<std::optional<Delivery>> none = deliveries.find(QStringLiteral("ghost"));
    VT_OK(none);
    QVERIFY(!none->has_value());
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("ghost"));
    VT_OK(trail);
    QVERIFY(trail->isEmpty());
}

void RepositoryTest::deliveryRetrySchedulingAndDue()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch(
        {delivery(QStringLiteral("a")), delivery(QStringLiteral("b")), delivery(QStringLiteral("c"))}));
    const qint64 t = m_clock.nowMs();
    Result<int> a1 = deliveries.scheduleRetry(QStringLiteral("a"), t + 1000, QStringLiteral("429"),
                                              QStringLiteral("TooManyRequests"));
    VT_OK(a1);
    QCOMPARE(*a1, 1);
    Result<int> a2 = deliveries.scheduleRetry(QStringLiteral("a"), t + 5000, QStringLiteral("503"),
                                              QStringLiteral("ServiceUnavailable"));
    VT_OK(a2);
    QCOMPARE(*a2, 2);
    VT_OK(deliveries.scheduleRetry(QStringLiteral("b"), t + 2000, QStringLiteral("network"), QString()));

    Result<std::optional<Delivery>> a = deliveries.find(QStringLiteral("a"));
    VT_OK(a);
    QVERIFY(a->has_value());
    QCOMPARE((*a)->status, DeliveryStatus::RetryScheduled);
    QCOMPARE((*a)->attempts, 2);
    QCOMPARE((*a)->nextAttemptAtMs, std::optional<qint64>(t + 5000));
    QCOMPARE((*a)->errorCode, QStringLiteral("503"));
    QCOMPARE((*a)->errorMessage, QStringLiteral("ServiceUnavailable"));

    const auto dueIds = [&](qint64 now, int limit) {
        QStringList ids;
        Result<QList<Delivery>> due = deliveries.dueForRetry(now, limit);
        if (!due)
            return QStringList{due.error().toString()};
        for (const Delivery &d : *due)
            ids << d.notificationId;
        return ids;
    };
    QCOMPARE(dueIds(t, 10), QStringList());
    QCOMPARE(dueIds(t + 1999, 10), QStringList());
    QCOMPARE(dueIds(t + 2000, 10), QStringList{QStringLiteral("b")});
    QCOMPARE(dueIds(t + 9000, 10), (QStringList{QStringLiteral("b"), QStringLiteral("a")}));
    QCOMPARE(dueIds(t + 9000, 1), QStringList{QStringLiteral("b")});

    // Once a sender picks it up, it is no longer due.
    VT_OK(deliveries.recordStatus(QStringLiteral("b"), DeliveryStatus::Sending, t + 9000));
    QCOMPARE(dueIds(t + 9000, 10), QStringList{QStringLiteral("a")});
    VT_OK(deliveries.recordStatus(QStringLiteral("a"), DeliveryStatus::Failed, t + 9001, QStringLiteral("TTL")));
    QCOMPARE(dueIds(t + 9000, 10), QStringList());
}

void RepositoryTest::deliveryCountsByStatusPerCampaign()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("x1"), QStringLiteral("spring")),
                                  delivery(QStringLiteral("x2"), QStringLiteral("spring")),
                                  delivery(QStringLiteral("x3"), QStringLiteral("spring")),
                                  delivery(QStringLiteral("y1"), QStringLiteral("autumn")),
                                  delivery(QStringLiteral("e1"))}));
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.recordStatus(QStringLiteral("x1"), DeliveryStatus::Sent, t));
    VT_OK(deliveries.recordStatus(QStringLiteral("x2"), DeliveryStatus::Delivered, t));
    VT_OK(deliveries.recordStatus(QStringLiteral("y1"), DeliveryStatus::Delivered, t));

    Result<QMap<DeliveryStatus, qint64>> spring = deliveries.countsByStatus(QStringLiteral("spring"));
    VT_OK(spring);
    const QMap<DeliveryStatus, qint64> expectedSpring{
        {DeliveryStatus::Queued, 1}, {DeliveryStatus::Sent, 1}, {DeliveryStatus::Delivered, 1}};
    QCOMPARE(*spring, expectedSpring);
    Result<QMap<DeliveryStatus, qint64>> all = deliveries.countsByStatus();
    VT_OK(all);
    const QMap<DeliveryStatus, qint64> expectedAll{
        {DeliveryStatus::Queued, 2}, {DeliveryStatus::Sent, 1}, {DeliveryStatus::Delivered, 2}};
    QCOMPARE(*all, expectedAll);
    Result<QMap<DeliveryStatus, qint64>> none = deliveries.countsByStatus(QStringLiteral("winter"));
    VT_OK(none);
    QVERIFY(none->isEmpty());
}

void RepositoryTest::deliveryForUserPagesNewestFirst()
{
    const DeliveryRepository deliveries(db(), m_clock);
    // Two at each of three times, and another user's in between.
    for (int t = 0; t < 3; ++t) {
        QList<Delivery> batch;
        for (const QString &suffix : {QStringLiteral("a"), QStringLiteral("b")}) {
            Delivery d;
            d.notificationId = QStringLiteral("n%1%2").arg(t).arg(suffix);
            d.userId = QStringLiteral("u");
            d.appId = QStringLiteral("shop");
            batch << d;
        }
        Delivery other = batch.first();
        other.notificationId = QStringLiteral("x%1").arg(t);
        other.userId = QStringLiteral("v");
        batch << other;
        VT_OK(deliveries.insertBatch(batch));
        m_clock.advance(std::chrono::seconds(1));
    }
    QStringList seen;
    std::optional<DeliveryRepository::Position> before;
    for (int page = 0; page < 4; ++page) {
        Result<QList<Delivery>> rows = deliveries.forUser(QStringLiteral("u"), 4, before);
        VT_OK(rows);
        for (const Delivery &d : *rows)
            seen << d.notificationId;
        if (rows->size() < 4)
            break;
        before = DeliveryRepository::Position{rows->last().createdAtMs, rows->last().notificationId};
    }
    QCOMPARE(seen, (QStringList{QStringLiteral("n2b"), QStringLiteral("n2a"), QStringLiteral("n1b"),
                                QStringLiteral("n1a"), QStringLiteral("n0b"), QStringLiteral("n0a")}));
    QCOMPARE(deliveries.forUser(QStringLiteral("u"), 0).error().code, ErrorCode::InvalidArgument);
}
