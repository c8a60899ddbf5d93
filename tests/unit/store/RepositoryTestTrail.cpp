#include "RepositoryTest.h"
#include "store/DeliveryRepository.h"

using namespace vestnik;

// A delivery's trail since schema 6: the usual entries ('queued' and a first 'sent' recorded in a batch) are
// read from the delivery row, everything else is stored in delivery_events. Whatever the source, trail()
// must give what storing every entry gave: the same statuses, times and details in the recorded order.

namespace {

constexpr qint64 kLeaseMs = 60'000;
const QString kWorker = QStringLiteral("worker-a");

/// What a reader of the trail sees of an entry, without its id (which differs between two deliveries).
struct Entry {
    DeliveryStatus status;
    qint64 atMs;
    QString detail;

    friend bool operator==(const Entry &, const Entry &) = default;
};

QList<Entry> entriesOf(const QList<DeliveryEvent> &trail)
{
    QList<Entry> entries;
    for (const DeliveryEvent &event : trail)
        entries << Entry{event.status, event.atMs, event.detail};
    return entries;
}

QString describe(const QList<Entry> &entries)
{
    QStringList parts;
    for (const Entry &e : entries)
        parts << QStringLiteral("%1@%2(%3)").arg(deliveryStatusName(e.status)).arg(e.atMs).arg(e.detail);
    return parts.join(QLatin1Char(' '));
}

bool idsIncrease(const QList<DeliveryEvent> &trail)
{
    for (qsizetype i = 1; i < trail.size(); ++i) {
        if (trail.at(i).id <= trail.at(i - 1).id)
            return false;
    }
    return true;
}

} // namespace

void RepositoryTest::trailOfTheUsualPathStoresNoEntries()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("a")), delivery(QStringLiteral("b"))}, kWorker,
                                    kLeaseMs));
    m_clock.advance(std::chrono::seconds(1));
    Result<int> updated = deliveries.recordSentBatch(
        {{QStringLiteral("a"), t + 700, QStringLiteral("msg-a")}, {QStringLiteral("b"), t + 710, QString()}});
    VT_OK(updated);
    QCOMPARE(*updated, 2);

    // Two pushes on the usual path write their rows and nothing else.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events")).toInt(), 0);
    Result<QList<DeliveryEvent>> a = deliveries.trail(QStringLiteral("a"));
    VT_OK(a);
    const QList<Entry> expectedA{{DeliveryStatus::Queued, t, QString()},
                                 {DeliveryStatus::Sent, t + 700, QStringLiteral("msg-a")}};
    QCOMPARE(describe(entriesOf(*a)), describe(expectedA));
    QVERIFY(idsIncrease(*a));
    for (const DeliveryEvent &event : std::as_const(*a))
        QCOMPARE(event.notificationId, QStringLiteral("a"));
    Result<QList<DeliveryEvent>> b = deliveries.trail(QStringLiteral("b"));
    VT_OK(b);
    const QList<Entry> expectedB{{DeliveryStatus::Queued, t, QString()}, {DeliveryStatus::Sent, t + 710, QString()}};
    QCOMPARE(describe(entriesOf(*b)), describe(expectedB));

    // What comes later is stored, after the row's entries.
    VT_OK(deliveries.recordStatus(QStringLiteral("a"), DeliveryStatus::Delivered, t + 900));
    a = deliveries.trail(QStringLiteral("a"));
    VT_OK(a);
    QCOMPARE(a->size(), 3);
    QCOMPARE(a->constLast().status, DeliveryStatus::Delivered);
    QVERIFY(idsIncrease(*a));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events")).toInt(), 1);
}

void RepositoryTest::trailFromRowMatchesStoredTrail_data()
{
    QTest::addColumn<QString>("before"); // what happens between the claim and the 'sent'
    QTest::addColumn<QString>("after");  // what happens after the 'sent'

    QTest::newRow("sent") << QString() << QString();
    QTest::newRow("then delivered, opened, clicked") << QString() << QStringLiteral("engaged");
    QTest::newRow("then failed") << QString() << QStringLiteral("failed");
    QTest::newRow("then sent again") << QString() << QStringLiteral("sent again");
    QTest::newRow("delivered first") << QStringLiteral("delivered") << QStringLiteral("engaged");
    QTest::newRow("retry first") << QStringLiteral("retry") << QString();
    QTest::newRow("claimed from queued") << QStringLiteral("queued") << QStringLiteral("sent again");
}

void RepositoryTest::trailFromRowMatchesStoredTrail()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    // Twins: "batched" takes its 'sent' reports through recordSentBatch() (read from the row when it can),
    // "single" through recordSent() (always stored, as every entry was before schema 6).
    const QString batched = QStringLiteral("batched");
    const QString single = QStringLiteral("single");
    const QList<Delivery> twins{delivery(batched), delivery(single)};
    if (before == QStringLiteral("queued")) {
        // A repeated job finds the rows still 'queued' and claims them.
        VT_OK(deliveries.insertBatch(twins));
        m_clock.advance(std::chrono::milliseconds(3));
    }
    VT_OK(deliveries.insertAndClaim({}, twins, kWorker, kLeaseMs));

    const auto recordSent = [&](const QString &id, qint64 at, const QString &messageId) -> Result<void> {
        if (id == single)
            return deliveries.recordSent(id, at, messageId);
        Result<int> updated = deliveries.recordSentBatch({{id, at, messageId}});
        if (!updated)
            return updated.error();
        return {};
    };
    for (const QString &id : {batched, single}) {
        if (before == QStringLiteral("delivered")) {
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Delivered, t + 5));
        } else if (before == QStringLiteral("retry")) {
            VT_OK(deliveries.scheduleRetry(id, t + 1000, QStringLiteral("503"), QStringLiteral("Unavailable")));
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Sending, t + 1000, kWorker));
        }
        VT_OK(recordSent(id, t + 10, QStringLiteral("first-id")));
        if (after == QStringLiteral("engaged")) {
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Delivered, t + 20));
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Opened, t + 30));
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Clicked, t + 40, QStringLiteral("open_cart")));
        } else if (after == QStringLiteral("failed")) {
            VT_OK(deliveries.recordFailure(id, DeliveryStatus::Failed, t + 50, QStringLiteral("400"),
                                           QStringLiteral("BadDeviceToken")));
        } else if (after == QStringLiteral("sent again")) {
            VT_OK(recordSent(id, t + 60, QStringLiteral("second-id")));
        }
    }

    Result<QList<DeliveryEvent>> fromRow = deliveries.trail(batched);
    Result<QList<DeliveryEvent>> stored = deliveries.trail(single);
    VT_OK(fromRow);
    VT_OK(stored);
    QCOMPARE(describe(entriesOf(*fromRow)), describe(entriesOf(*stored)));
    QVERIFY(entriesOf(*fromRow) == entriesOf(*stored));
    QVERIFY(idsIncrease(*fromRow));
    QCOMPARE(fromRow->constFirst().status, DeliveryStatus::Queued);
    Result<std::optional<Delivery>> one = deliveries.find(batched);
    Result<std::optional<Delivery>> other = deliveries.find(single);
    VT_OK(one);
    VT_OK(other);
    QCOMPARE((*one)->providerMessageId, (*other)->providerMessageId);
    QCOMPARE((*one)->sentAtMs, (*other)->sentAtMs);
    QCOMPARE((*one)->status, (*other)->status);
}

void RepositoryTest::trailKeepsFirstSentDetailAfterALaterReport()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("n"))}, kWorker, kLeaseMs));
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("n"), t + 1, QStringLiteral("m1")}}));
    VT_OK(deliveries.recordSent(QStringLiteral("n"), t + 2, QStringLiteral("m2")));
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("n"), t + 3, QStringLiteral("m3")}}));
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("n"), t + 4, QString()}}));

    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n"));
    VT_OK(trail);
    const QList<Entry> expected{{DeliveryStatus::Queued, t, QString()},
                                {DeliveryStatus::Sent, t + 1, QStringLiteral("m1")},
                                {DeliveryStatus::Sent, t + 2, QStringLiteral("m2")},
                                {DeliveryStatus::Sent, t + 3, QStringLiteral("m3")},
                                {DeliveryStatus::Sent, t + 4, QString()}};
    QCOMPARE(describe(entriesOf(*trail)), describe(expected));
    QVERIFY(idsIncrease(*trail));
    // The row keeps the latest message id and the first time, as before.
    Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QCOMPARE((*found)->providerMessageId, QStringLiteral("m3"));
    QCOMPARE((*found)->sentAtMs, std::optional<qint64>(t + 1));
}

void RepositoryTest::trailSentBatchWithTheSameRowTwice()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("n")), delivery(QStringLiteral("o"))}, kWorker,
                                    kLeaseMs));
    Result<int> updated = deliveries.recordSentBatch({{QStringLiteral("n"), t + 1, QStringLiteral("m1")},
                                                      {QStringLiteral("o"), t + 1, QStringLiteral("o1")},
                                                      {QStringLiteral("n"), t + 2, QStringLiteral("m2")}});
    VT_OK(updated);
    QCOMPARE(*updated, 2); // rows, not reports

    // Both reports are in the trail, in the order given; the row took them in that order too.
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n"));
    VT_OK(trail);
    const QList<Entry> expected{{DeliveryStatus::Queued, t, QString()},
                                {DeliveryStatus::Sent, t + 1, QStringLiteral("m1")},
                                {DeliveryStatus::Sent, t + 2, QStringLiteral("m2")}};
    QCOMPARE(describe(entriesOf(*trail)), describe(expected));
    Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n"));
    VT_OK(found);
    QCOMPARE((*found)->providerMessageId, QStringLiteral("m2"));
    QCOMPARE((*found)->sentAtMs, std::optional<qint64>(t + 1));
}

void RepositoryTest::trailOfRowFromBeforeSchema6()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    // A row written before schema 6: its whole trail is stored, and the new column holds its default.
    VT_OK(db().run(QStringLiteral("INSERT INTO deliveries (notification_id, user_id, device_id, app_id, platform,"
                                  " status, created_at, updated_at, sent_at, provider_message_id)"
                                  " VALUES ('old', 'u-old', 7, 'shop', 'ios', 'sent', ?, ?, ?, 'm1')"),
                   {t, t + 1, t + 1}, QStringLiteral("insert an old delivery")));
    VT_OK(db().run(QStringLiteral("INSERT INTO delivery_events (notification_id, status, at, detail)"
                                  " VALUES ('old', 'queued', ?, ''), ('old', 'sent', ?, 'm1')"),
                   {t, t + 1}, QStringLiteral("insert its trail")));
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("old"), t + 2, QStringLiteral("m2")}}));
    VT_OK(deliveries.recordStatus(QStringLiteral("old"), DeliveryStatus::Delivered, t + 3));

    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("old"));
    VT_OK(trail);
    const QList<Entry> expected{{DeliveryStatus::Queued, t, QString()},
                                {DeliveryStatus::Sent, t + 1, QStringLiteral("m1")},
                                {DeliveryStatus::Sent, t + 2, QStringLiteral("m2")},
                                {DeliveryStatus::Delivered, t + 3, QString()}};
    QCOMPARE(describe(entriesOf(*trail)), describe(expected));
    for (const DeliveryEvent &event : std::as_const(*trail))
        QVERIFY(event.id > 0); // all of them stored
    QVERIFY(idsIncrease(*trail));
}
