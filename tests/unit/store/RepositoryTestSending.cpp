#include "RepositoryTest.h"
#include "store/DeliveryRepository.h"

#include <QScopeGuard>
#include <QSet>

using namespace vestnik;

// What a sender does with DeliveryRepository: stores send jobs and claims deliveries at insert
// (insertAndClaim), reads the jobs back for a retry (jobBodies), records accepted pushes in batches
// (recordSentBatch), and how those claims meet claimDueRetries.

namespace {

constexpr qint64 kLeaseMs = 60'000;
const QString kWorker = QStringLiteral("worker-a");

QList<DeliveryStatus> statusesOf(const QList<DeliveryEvent> &trail)
{
    QList<DeliveryStatus> statuses;
    for (const DeliveryEvent &event : trail)
        statuses << event.status;
    return statuses;
}

QSet<QString> idSet(const QStringList &ids)
{
    return QSet<QString>(ids.cbegin(), ids.cend());
}

QStringList idsOf(const QList<Delivery> &deliveries)
{
    QStringList ids;
    for (const Delivery &d : deliveries)
        ids << d.notificationId;
    return ids;
}

DeliveryRepository::StoredJob storedJob(const QString &id, const QByteArray &body)
{
    return DeliveryRepository::StoredJob{id, QStringLiteral("u-") + id, body};
}

} // namespace

DeliveryStatus RepositoryTest::statusOf(const QString &notificationId) const
{
    Result<std::optional<Delivery>> found = DeliveryRepository(db(), m_clock).find(notificationId);
    if (!found || !found->has_value())
        return DeliveryStatus::Dismissed; // no delivery here: the comparison that asked fails
    return (*found)->status;
}

void RepositoryTest::deliveryJobAndDeadlineRoundTrip()
{
    const DeliveryRepository deliveries(db(), m_clock);
    Delivery withJob = delivery(QStringLiteral("with-job"), QStringLiteral("spring"));
    withJob.jobId = QStringLiteral("c:spring:u-with-job");
    withJob.expiresAtMs = m_clock.nowMs() + 86'400'000;
    Delivery bare = delivery(QStringLiteral("bare"));
    bare.eventId = QStringLiteral("order-17");
    VT_OK(deliveries.insertBatch({withJob, bare}));

    Delivery claimed = delivery(QStringLiteral("claimed"));
    claimed.eventId = QStringLiteral("order-18");
    claimed.jobId = QStringLiteral("e:order-18:u-claimed");
    claimed.expiresAtMs = m_clock.nowMs() + 3'600'000;
    VT_OK(deliveries.insertAndClaim({}, {claimed}, kWorker, kLeaseMs));

    for (const Delivery &expected : {withJob, bare, claimed}) {
        Result<std::optional<Delivery>> found = deliveries.find(expected.notificationId);
        VT_OK(found);
        QVERIFY2(found->has_value(), qPrintable(expected.notificationId));
        QCOMPARE((*found)->jobId, expected.jobId);
        QCOMPARE((*found)->expiresAtMs, expected.expiresAtMs);
        QCOMPARE((*found)->campaignId, expected.campaignId);
        QCOMPARE((*found)->eventId, expected.eventId);
    }
    // Unset stays NULL in the table, not 0 or ''.
    QCOMPARE(
        scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE job_id IS NULL AND expires_at IS NULL")).toInt(),
        1);
}

void RepositoryTest::deliveryInsertAndClaimStoresJobsAndClaimsNewRows()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const QByteArray unicodeBody = QStringLiteral(R"({"user_id":"u-j1","variables":{"имя":"Анна"}})").toUtf8();
    const QList<DeliveryRepository::StoredJob> jobs{storedJob(QStringLiteral("j1"), unicodeBody),
                                                    storedJob(QStringLiteral("j2"), QByteArrayLiteral("{}"))};
    QList<Delivery> batch;
    for (const QString &id : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}) {
        Delivery d = delivery(id);
        d.jobId = id == QStringLiteral("c") ? QStringLiteral("j2") : QStringLiteral("j1");
        batch << d;
    }
    const qint64 t = m_clock.nowMs();
    Result<QSet<QString>> claimed = deliveries.insertAndClaim(jobs, batch, kWorker, kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(*claimed, idSet({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));

    for (const Delivery &d : std::as_const(batch)) {
        Result<std::optional<Delivery>> found = deliveries.find(d.notificationId);
        VT_OK(found);
        QVERIFY(found->has_value());
        QCOMPARE((*found)->status, DeliveryStatus::Sending);
        QCOMPARE((*found)->createdAtMs, t);
        QCOMPARE((*found)->attempts, 0);
        // The trail starts with 'queued', like any delivery.
        Result<QList<DeliveryEvent>> trail = deliveries.trail(d.notificationId);
        VT_OK(trail);
        QCOMPARE(statusesOf(*trail), QList<DeliveryStatus>{DeliveryStatus::Queued});
        QCOMPARE(trail->constFirst().atMs, t);
        QCOMPARE(
            scalar(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = ?"), {d.notificationId})
                .toString(),
            kWorker);
        QCOMPARE(scalar(QStringLiteral("SELECT claim_expires_at FROM deliveries WHERE notification_id = ?"),
                        {d.notificationId})
                     .toLongLong(),
                 t + kLeaseMs);
    }

    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM send_jobs")).toInt(), 2);
    QCOMPARE(scalar(QStringLiteral("SELECT user_id FROM send_jobs WHERE id = ?"), {QStringLiteral("j1")}).toString(),
             QStringLiteral("u-j1"));
    QCOMPARE(
        scalar(QStringLiteral("SELECT created_at FROM send_jobs WHERE id = ?"), {QStringLiteral("j2")}).toLongLong(),
        t);
    Result<QHash<QString, QByteArray>> bodies =
        deliveries.jobBodies({QStringLiteral("j1"), QStringLiteral("ghost"), QStringLiteral("j2")});
    VT_OK(bodies);
    QCOMPARE(bodies->size(), 2);
    QCOMPARE(bodies->value(QStringLiteral("j1")), unicodeBody);
    QCOMPARE(bodies->value(QStringLiteral("j2")), QByteArrayLiteral("{}"));
    QVERIFY(!bodies->contains(QStringLiteral("ghost")));

    Result<QHash<QString, QByteArray>> none = deliveries.jobBodies({});
    VT_OK(none);
    QVERIFY(none->isEmpty());
}

void RepositoryTest::deliveryInsertAndClaimRepeatedJobClaimsOnlyQueued()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    // The first arrival of the job left its deliveries in every state a repeat can find.
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("queued")), delivery(QStringLiteral("sent")),
                                  delivery(QStringLiteral("retry")), delivery(QStringLiteral("failed"))}));
    VT_OK(deliveries.recordSent(QStringLiteral("sent"), t + 1, QStringLiteral("msg-1")));
    VT_OK(deliveries.scheduleRetry(QStringLiteral("retry"), t + 30'000, QStringLiteral("503"), QString()));
    VT_OK(deliveries.recordFailure(QStringLiteral("failed"), DeliveryStatus::Failed, t + 2, QStringLiteral("400"),
                                   QStringLiteral("BadDeviceToken")));
    Result<QSet<QString>> other =
        deliveries.insertAndClaim({storedJob(QStringLiteral("job"), QByteArrayLiteral("first"))},
                                  {delivery(QStringLiteral("other's"))}, QStringLiteral("worker-b"), kLeaseMs);
    VT_OK(other);
    QCOMPARE(*other, idSet({QStringLiteral("other's")}));

    m_clock.advance(std::chrono::seconds(5));
    const QList<Delivery> repeat{delivery(QStringLiteral("queued")),  delivery(QStringLiteral("sent")),
                                 delivery(QStringLiteral("retry")),   delivery(QStringLiteral("failed")),
                                 delivery(QStringLiteral("other's")), delivery(QStringLiteral("new"))};
    Result<QSet<QString>> claimed = deliveries.insertAndClaim(
        {storedJob(QStringLiteral("job"), QByteArrayLiteral("second"))}, repeat, kWorker, kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(*claimed, idSet({QStringLiteral("queued"), QStringLiteral("new")}));

    QCOMPARE(statusOf(QStringLiteral("queued")), DeliveryStatus::Sending);
    QCOMPARE(statusOf(QStringLiteral("new")), DeliveryStatus::Sending);
    QCOMPARE(statusOf(QStringLiteral("sent")), DeliveryStatus::Sent);
    QCOMPARE(statusOf(QStringLiteral("retry")), DeliveryStatus::RetryScheduled);
    QCOMPARE(statusOf(QStringLiteral("failed")), DeliveryStatus::Failed);
    QCOMPARE(statusOf(QStringLiteral("other's")), DeliveryStatus::Sending);
    QCOMPARE(scalar(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = ?"),
                    {QStringLiteral("other's")})
                 .toString(),
             QStringLiteral("worker-b"));
    QCOMPARE(scalar(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = ?"),
                    {QStringLiteral("queued")})
                 .toString(),
             kWorker);
    QCOMPARE(scalar(QStringLiteral("SELECT claim_expires_at FROM deliveries WHERE notification_id = ?"),
                    {QStringLiteral("queued")})
                 .toLongLong(),
             m_clock.nowMs() + kLeaseMs);

    // A row claimed out of 'queued' gets a 'sending' entry naming the worker; nothing else was touched.
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("queued"));
    VT_OK(trail);
    QCOMPARE(statusesOf(*trail), (QList<DeliveryStatus>{DeliveryStatus::Queued, DeliveryStatus::Sending}));
    QCOMPARE(trail->constLast().atMs, m_clock.nowMs());
    QCOMPARE(trail->constLast().detail, kWorker);
    Result<QList<DeliveryEvent>> sentTrail = deliveries.trail(QStringLiteral("sent"));
    VT_OK(sentTrail);
    QCOMPARE(statusesOf(*sentTrail), (QList<DeliveryStatus>{DeliveryStatus::Queued, DeliveryStatus::Sent}));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries")).toInt(), 6);

    // The job's first body stays (a redelivered job is the same job).
    Result<QHash<QString, QByteArray>> bodies = deliveries.jobBodies({QStringLiteral("job")});
    VT_OK(bodies);
    QCOMPARE(bodies->value(QStringLiteral("job")), QByteArrayLiteral("first"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM send_jobs")).toInt(), 1);

    // The same worker repeating the job again sends nothing twice: what it claimed is 'sending' now.
    Result<QSet<QString>> again = deliveries.insertAndClaim({}, repeat, kWorker, kLeaseMs);
    VT_OK(again);
    QVERIFY2(again->isEmpty(), qPrintable(again->values().join(QLatin1Char(' '))));
}

void RepositoryTest::deliveryInsertAndClaimManyRowsAndJobs()
{
    const DeliveryRepository deliveries(db(), m_clock);
    // 150 of the 350 exist already (across the chunk bound), 40 of those are sent.
    QList<Delivery> earlier;
    for (int i = 100; i < 250; ++i)
        earlier << delivery(QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0')));
    VT_OK(deliveries.insertBatch(earlier));
    for (int i = 180; i < 220; ++i)
        VT_OK(deliveries.recordStatus(QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0')), DeliveryStatus::Sent,
                                      m_clock.nowMs()));

    QList<Delivery> all;
    QList<DeliveryRepository::StoredJob> jobs;
    QSet<QString> expected;
    QStringList jobIds;
    for (int i = 0; i < 350; ++i) {
        const QString id = QStringLiteral("n%1").arg(i, 3, 10, QLatin1Char('0'));
        all << delivery(id);
        if (i < 180 || i >= 220)
            expected.insert(id);
        if (i % 2 == 0) {
            jobs << storedJob(QStringLiteral("job-%1").arg(i), QStringLiteral("{\"n\":%1}").arg(i).toUtf8());
            jobIds << QStringLiteral("job-%1").arg(i);
        }
    }
    Result<QSet<QString>> claimed = deliveries.insertAndClaim(jobs, all, kWorker, kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(claimed->size(), expected.size());
    QCOMPARE(*claimed, expected);
    Result<QMap<DeliveryStatus, qint64>> counts = deliveries.countsByStatus();
    VT_OK(counts);
    const QMap<DeliveryStatus, qint64> expectedCounts{{DeliveryStatus::Sending, 310}, {DeliveryStatus::Sent, 40}};
    QCOMPARE(*counts, expectedCounts);

    jobIds << QStringLiteral("job-unknown");
    Result<QHash<QString, QByteArray>> bodies = deliveries.jobBodies(jobIds);
    VT_OK(bodies);
    QCOMPARE(bodies->size(), 175);
    for (int i : {0, 198, 200, 348})
        QCOMPARE(bodies->value(QStringLiteral("job-%1").arg(i)), QStringLiteral("{\"n\":%1}").arg(i).toUtf8());
}

void RepositoryTest::deliveryInsertAndClaimIsAllOrNothing()
{
    const DeliveryRepository deliveries(db(), m_clock);
    VT_FAILS_WITH(deliveries.insertAndClaim({}, {delivery(QStringLiteral("a"))}, QString(), kLeaseMs),
                  ErrorCode::InvalidArgument);
    Delivery noUser = delivery(QStringLiteral("b"));
    noUser.userId.clear();
    VT_FAILS_WITH(deliveries.insertAndClaim({storedJob(QStringLiteral("j"), "{}")},
                                            {delivery(QStringLiteral("a")), noUser}, kWorker, kLeaseMs),
                  ErrorCode::InvalidArgument);
    // A job without a user after a full statement of jobs (on either dialect): the stored ones are rolled back.
    QList<DeliveryRepository::StoredJob> jobs;
    for (int i = 0; i < DeliveryRepository::kBatchRows; ++i)
        jobs << storedJob(QStringLiteral("j%1").arg(i), "{}");
    jobs << DeliveryRepository::StoredJob{QStringLiteral("k"), QString(), "{}"};
    VT_FAILS_WITH(deliveries.insertAndClaim(jobs, {delivery(QStringLiteral("a"))}, kWorker, kLeaseMs),
                  ErrorCode::InvalidArgument);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries")).toInt(), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM send_jobs")).toInt(), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events")).toInt(), 0);

    Result<QSet<QString>> nothing = deliveries.insertAndClaim({}, {}, kWorker, kLeaseMs);
    VT_OK(nothing);
    QVERIFY(nothing->isEmpty());
}

void RepositoryTest::deliveryInsertAndClaimIsOneRequestOnPostgres()
{
    if (dialect() != Dialect::Postgres)
        QSKIP("one statement per batch is PostgreSQL's way; SQLite stores in its own process");
    // The sender's last step before it sends, on every event's path: one round trip whatever the number of rows,
    // writing what insertBatch() writes (apart from the claim) and counting as a Tally counts.
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    QList<Delivery> rows;
    for (int i = 0; i < 9; ++i) {
        Delivery d = delivery(QStringLiteral("n%1").arg(i));
        d.deviceId = 100 + i;
        d.platform = i % 2 == 0 ? Platform::Android : Platform::Ios;
        if (i % 3 == 0) {
            d.templateId.clear();
            d.templateVersion.reset();
        } else if (i == 5) {
            d.templateId = QStringLiteral("шаблон {\"5\"}, \\n");
        }
        if (i % 2 == 1)
            d.ruleId = QStringLiteral("r%1").arg(i % 3);
        if (i != 4)
            d.expiresAtMs = t + 1'000 * i;
        d.eventId = i == 7 ? QString() : QStringLiteral("e-%1").arg(i);
        d.jobId = QStringLiteral("job-%1").arg(i % 2);
        rows << d;
    }
    const QString statsSql = QStringLiteral("SELECT scope, template_id, rule_id, minute_start, queued"
                                            " FROM delivery_stats_minute ORDER BY 1, 2, 3, 4");
    const QString rowsSql = QStringLiteral(
        "SELECT notification_id, user_id, device_id, app_id, platform, template_id, template_version, campaign_id,"
        " event_id, created_at, updated_at, job_id, expires_at, rule_id, trail_flags FROM deliveries"
        " WHERE notification_id LIKE 'n%' ORDER BY notification_id");
    const auto clear = [this] {
        VT_OK(db().execute(QStringLiteral("DELETE FROM deliveries"), QStringLiteral("test: clear")));
        VT_OK(db().execute(QStringLiteral("DELETE FROM delivery_stats_minute"), QStringLiteral("test: clear")));
    };
    VT_OK(deliveries.insertBatch(rows)); // counted through a Tally
    const QByteArrayList tallied = rawColumns(statsSql);
    const QByteArrayList inserted = rawColumns(rowsSql);
    QVERIFY(!tallied.isEmpty());
    clear();
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("warm-up"))}, kWorker, kLeaseMs));
    clear();
    if (QTest::currentTestFailed())
        return;

    const QList<DeliveryRepository::StoredJob> jobs{storedJob(QStringLiteral("job-0"), R"({"a":"{\"x\"}"})"),
                                                    storedJob(QStringLiteral("job-1"), "{}")};
    const quint64 before = Database::requestsOnThisThread();
    Result<QSet<QString>> claimed = deliveries.insertAndClaim(jobs, rows, kWorker, kLeaseMs);
    QCOMPARE(Database::requestsOnThisThread() - before, quint64(1));
    VT_OK(claimed);
    QCOMPARE(claimed->size(), rows.size());
    QCOMPARE(rawColumns(rowsSql), inserted);
    QCOMPARE(rawColumns(statsSql), tallied);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE status = 'sending' AND claimed_by = ?"
                                   " AND claim_expires_at = ?"),
                    {kWorker, t + kLeaseMs})
                 .toInt(),
             int(rows.size()));
    Result<QHash<QString, QByteArray>> bodies = deliveries.jobBodies({QStringLiteral("job-0")});
    VT_OK(bodies);
    QCOMPARE(bodies->value(QStringLiteral("job-0")), QByteArray(R"({"a":"{\"x\"}"})"));
}

void RepositoryTest::deliverySentBatchIsOneRequestOnPostgres()
{
    if (dialect() != Dialect::Postgres)
        QSKIP("one statement per batch is PostgreSQL's way; SQLite stores in its own process");
    // Recording accepted pushes occupies the sender between sends: one round trip per batch, with the trail entry
    // of a row whose 'sent' cannot be read from it and the statistics of rows sent for the first time.
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    QList<Delivery> rows;
    for (int i = 0; i < 6; ++i)
        rows << delivery(QStringLiteral("s%1").arg(i));
    VT_OK(deliveries.insertAndClaim({}, rows, kWorker, kLeaseMs));
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("s0"), t, QStringLiteral("m-0")}})); // prepares
    // The app's report came first: this row's 'sent' is stored as an entry of its own.
    VT_OK(deliveries.recordReport(QStringLiteral("s1"), DeliveryStatus::Delivered, t + 5, QString()));

    const quint64 before = Database::requestsOnThisThread();
    Result<int> updated = deliveries.recordSentBatch({{QStringLiteral("s1"), t + 10, QStringLiteral("m-1")},
                                                      {QStringLiteral("s2"), t + 20, QString()},
                                                      {QStringLiteral("s0"), t + 30, QStringLiteral("m-0-again")},
                                                      {QStringLiteral("ghost"), t + 40, QStringLiteral("m-g")},
                                                      {QStringLiteral("s3"), t + 50, QStringLiteral("m-3")}});
    QCOMPARE(Database::requestsOnThisThread() - before, quint64(1));
    VT_OK(updated);
    QCOMPARE(*updated, 4);

    QCOMPARE(statusOf(QStringLiteral("s1")), DeliveryStatus::Delivered);
    QCOMPARE(statusOf(QStringLiteral("s2")), DeliveryStatus::Sent);
    QCOMPARE(statusOf(QStringLiteral("s4")), DeliveryStatus::Sending);
    Result<std::optional<Delivery>> s0 = deliveries.find(QStringLiteral("s0"));
    VT_OK(s0);
    QCOMPARE((*s0)->sentAtMs, std::optional<qint64>(t));
    QCOMPARE((*s0)->providerMessageId, QStringLiteral("m-0-again"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events WHERE notification_id = 's1'"
                                   " AND status = 'sent' AND at = ? AND detail = 'm-1'"),
                    {t + 10})
                 .toInt(),
             1);
    QCOMPARE(
        scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events WHERE notification_id IN ('s2', 's3')")).toInt(),
        0);
    // Sent for the first time: s0 (before), s1, s2 and s3, each once, at every scope.
    QCOMPARE(scalar(QStringLiteral("SELECT SUM(sent) FROM delivery_stats_minute WHERE scope = 3")).toInt(), 4);
    QCOMPARE(scalar(QStringLiteral("SELECT SUM(sent) FROM delivery_stats_minute WHERE scope = 0"
                                   " AND template_id = 'welcome' AND rule_id = ''"))
                 .toInt(),
             4);
}

void RepositoryTest::keptStatementsFollowTheTablesGrowth()
{
    if (dialect() != Dialect::Postgres)
        QSKIP("plans are PostgreSQL's; SQLite plans each statement when it is prepared, by its indexes");
    // A statement kept prepared from a worker's first batches, when `deliveries` held a few rows, must not go on
    // scanning the whole table once it has grown: each 'sent' batch would read every delivery ever made.
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    QList<Delivery> few;
    for (int i = 0; i < 10; ++i)
        few << delivery(QStringLiteral("few-%1").arg(i));
    VT_OK(deliveries.insertAndClaim({}, few, kWorker, kLeaseMs));
    for (int i = 0; i < 10; ++i) // past the executions PostgreSQL plans one by one before it settles on a plan
        VT_OK(deliveries.recordSentBatch({{QStringLiteral("few-%1").arg(i), t + i, QStringLiteral("m")}}));

    QList<Delivery> many;
    for (int i = 0; i < 5'000; ++i)
        many << delivery(QStringLiteral("many-%1").arg(i, 4, 10, QLatin1Char('0')));
    VT_OK(deliveries.insertAndClaim({}, many, kWorker, kLeaseMs));

    // Kept statements are prepared again after a while (ten seconds by default); here at once.
    const std::chrono::milliseconds lifetime = Database::keptStatementLifetime();
    Database::setKeptStatementLifetime(std::chrono::milliseconds::zero());
    const auto restore = qScopeGuard([lifetime] { Database::setKeptStatementLifetime(lifetime); });
    // This session's scans not yet reported: the statement runs inside the transaction, so its count stays here.
    const QString scans = QStringLiteral("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'deliveries'");
    Transaction tx(db());
    QVERIFY(tx.isActive());
    const int before = scalar(scans).toInt();
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("many-0042"), t + 100, QStringLiteral("m-42")}}));
    QCOMPARE(scalar(scans).toInt() - before, 0);
    VT_OK(tx.commit());
    QCOMPARE(statusOf(QStringLiteral("many-0042")), DeliveryStatus::Sent);
}

void RepositoryTest::deliverySentBatchRecordsAndReleasesClaims()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertAndClaim(
        {}, {delivery(QStringLiteral("a")), delivery(QStringLiteral("b")), delivery(QStringLiteral("c"))}, kWorker,
        kLeaseMs));
    m_clock.advance(std::chrono::seconds(2));
    Result<int> updated = deliveries.recordSentBatch({{QStringLiteral("a"), t + 700, QStringLiteral("apns-a")},
                                                      {QStringLiteral("ghost"), t + 710, QStringLiteral("apns-g")},
                                                      {QStringLiteral("b"), t + 720, QString()}});
    VT_OK(updated);
    QCOMPARE(*updated, 2);

    Result<std::optional<Delivery>> a = deliveries.find(QStringLiteral("a"));
    VT_OK(a);
    QVERIFY(a->has_value());
    QCOMPARE((*a)->status, DeliveryStatus::Sent);
    QCOMPARE((*a)->sentAtMs, std::optional<qint64>(t + 700));
    QCOMPARE((*a)->providerMessageId, QStringLiteral("apns-a"));
    QCOMPARE((*a)->updatedAtMs, m_clock.nowMs());
    Result<std::optional<Delivery>> b = deliveries.find(QStringLiteral("b"));
    VT_OK(b);
    QCOMPARE((*b)->status, DeliveryStatus::Sent);
    QCOMPARE((*b)->sentAtMs, std::optional<qint64>(t + 720));
    QVERIFY((*b)->providerMessageId.isEmpty());

    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("a"));
    VT_OK(trail);
    QCOMPARE(statusesOf(*trail), (QList<DeliveryStatus>{DeliveryStatus::Queued, DeliveryStatus::Sent}));
    QCOMPARE(trail->constLast().atMs, t + 700);
    QCOMPARE(trail->constLast().detail, QStringLiteral("apns-a"));

    // The claims of a and b ended; c is still the worker's.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE claimed_by IS NULL"
                                   " AND claim_expires_at IS NULL AND notification_id IN ('a', 'b')"))
                 .toInt(),
             2);
    QCOMPARE(statusOf(QStringLiteral("c")), DeliveryStatus::Sending);
    QCOMPARE(scalar(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = 'c'")).toString(),
             kWorker);
    // The unknown id left nothing behind, and sent rows are never handed out again.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_events WHERE notification_id = 'ghost'")).toInt(), 0);
    Result<QList<Delivery>> reclaimed = deliveries.claimDueRetries(t + 10 * kLeaseMs, 10, QStringLiteral("w2"), 1000);
    VT_OK(reclaimed);
    QCOMPARE(idsOf(*reclaimed), QStringList{QStringLiteral("c")});

    Result<int> empty = deliveries.recordSentBatch({});
    VT_OK(empty);
    QCOMPARE(*empty, 0);
    Result<int> onlyUnknown = deliveries.recordSentBatch({{QStringLiteral("nobody"), t, QStringLiteral("x")}});
    VT_OK(onlyUnknown);
    QCOMPARE(*onlyUnknown, 0);
}

void RepositoryTest::deliverySentBatchMatchesRecordSent_data()
{
    QTest::addColumn<QString>("before"); // what happened to the delivery before the 'sent' report

    QTest::newRow("queued") << QStringLiteral("queued");
    QTest::newRow("sending") << QStringLiteral("sending");
    QTest::newRow("retry scheduled") << QStringLiteral("retry");
    QTest::newRow("sent earlier") << QStringLiteral("sent");
    QTest::newRow("delivered first") << QStringLiteral("delivered");
    QTest::newRow("clicked") << QStringLiteral("clicked");
    QTest::newRow("failed") << QStringLiteral("failed");
}

void RepositoryTest::deliverySentBatchMatchesRecordSent()
{
    QFETCH(QString, before);
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    // Twin rows: one gets recordSent(), the other recordSentBatch(); they must end up alike.
    const QString single = QStringLiteral("single");
    const QString batched = QStringLiteral("batched");
    VT_OK(deliveries.insertBatch({delivery(single), delivery(batched)}));
    for (const QString &id : {single, batched}) {
        if (before == QStringLiteral("sending"))
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Sending, t + 1));
        else if (before == QStringLiteral("retry"))
            VT_OK(deliveries.scheduleRetry(id, t + 1000, QStringLiteral("429"), QString()));
        else if (before == QStringLiteral("sent"))
            VT_OK(deliveries.recordSent(id, t + 5, QStringLiteral("first-id")));
        else if (before == QStringLiteral("delivered"))
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Delivered, t + 20));
        else if (before == QStringLiteral("clicked"))
            VT_OK(deliveries.recordStatus(id, DeliveryStatus::Clicked, t + 30));
        else if (before == QStringLiteral("failed"))
            VT_OK(deliveries.recordFailure(id, DeliveryStatus::Failed, t + 3, QStringLiteral("400"), QString()));
    }
    m_clock.advance(std::chrono::seconds(1));
    VT_OK(deliveries.recordSent(single, t + 10, QStringLiteral("second-id")));
    Result<int> updated = deliveries.recordSentBatch({{batched, t + 10, QStringLiteral("second-id")}});
    VT_OK(updated);
    QCOMPARE(*updated, 1);

    Result<std::optional<Delivery>> one = deliveries.find(single);
    Result<std::optional<Delivery>> other = deliveries.find(batched);
    VT_OK(one);
    VT_OK(other);
    QVERIFY(one->has_value() && other->has_value());
    QCOMPARE((*other)->status, (*one)->status);
    QCOMPARE((*other)->sentAtMs, (*one)->sentAtMs);
    QCOMPARE((*other)->providerMessageId, (*one)->providerMessageId);
    QCOMPARE((*other)->updatedAtMs, (*one)->updatedAtMs);
    QCOMPARE((*other)->deliveredAtMs, (*one)->deliveredAtMs);
    Result<QList<DeliveryEvent>> oneTrail = deliveries.trail(single);
    Result<QList<DeliveryEvent>> otherTrail = deliveries.trail(batched);
    VT_OK(oneTrail);
    VT_OK(otherTrail);
    QCOMPARE(statusesOf(*otherTrail), statusesOf(*oneTrail));
    QCOMPARE(otherTrail->constLast().detail, oneTrail->constLast().detail);
    QCOMPARE(otherTrail->constLast().atMs, oneTrail->constLast().atMs);

    // And what that is, stated plainly: forward only, the first 'sent' time wins.
    const std::optional<qint64> expectedSentAt = before == QStringLiteral("sent") ? t + 5 : t + 10;
    QCOMPARE((*other)->sentAtMs, expectedSentAt);
    if (before == QStringLiteral("delivered"))
        QCOMPARE((*other)->status, DeliveryStatus::Delivered);
    else if (before == QStringLiteral("clicked"))
        QCOMPARE((*other)->status, DeliveryStatus::Clicked);
    else if (before != QStringLiteral("failed"))
        QCOMPARE((*other)->status, DeliveryStatus::Sent);
}

void RepositoryTest::deliverySentBatchManyRows()
{
    const DeliveryRepository deliveries(db(), m_clock);
    QList<Delivery> batch;
    for (int i = 0; i < 250; ++i)
        batch << delivery(QStringLiteral("n%1").arg(i));
    Result<QSet<QString>> claimed = deliveries.insertAndClaim({}, batch, kWorker, kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(claimed->size(), 250);

    const qint64 t = m_clock.nowMs();
    QList<DeliveryRepository::SentReport> reports;
    for (int i = 0; i < 250; ++i) {
        reports.append({QStringLiteral("n%1").arg(i), t + i, QStringLiteral("msg-%1").arg(i)});
        if (i % 25 == 0) // unknown ids in every statement
            reports.append({QStringLiteral("unknown-%1").arg(i), t, QStringLiteral("x")});
    }
    Result<int> updated = deliveries.recordSentBatch(reports);
    VT_OK(updated);
    QCOMPARE(*updated, 250);
    Result<QMap<DeliveryStatus, qint64>> counts = deliveries.countsByStatus();
    VT_OK(counts);
    QCOMPARE(*counts, (QMap<DeliveryStatus, qint64>{{DeliveryStatus::Sent, 250}}));
    // Every row's trail is 'queued' then its own 'sent'.
    for (int i = 0; i < 250; ++i) {
        Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("n%1").arg(i));
        VT_OK(trail);
        QCOMPARE(statusesOf(*trail), (QList<DeliveryStatus>{DeliveryStatus::Queued, DeliveryStatus::Sent}));
        QCOMPARE(trail->constLast().atMs, t + i);
        QCOMPARE(trail->constLast().detail, QStringLiteral("msg-%1").arg(i));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE claimed_by IS NOT NULL")).toInt(), 0);
    // Each row got its own report, not a neighbour's (first and last of a statement included).
    for (int i : {0, 99, 100, 101, 199, 200, 249}) {
        Result<std::optional<Delivery>> found = deliveries.find(QStringLiteral("n%1").arg(i));
        VT_OK(found);
        QVERIFY(found->has_value());
        QCOMPARE((*found)->sentAtMs, std::optional<qint64>(t + i));
        QCOMPARE((*found)->providerMessageId, QStringLiteral("msg-%1").arg(i));
    }
}

void RepositoryTest::deliveryExpiredClaimIsHandedOutAgain()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    Delivery d = delivery(QStringLiteral("lost"));
    d.jobId = QStringLiteral("c:spring:u-lost");
    d.expiresAtMs = t + 86'400'000;
    Result<QSet<QString>> claimed =
        deliveries.insertAndClaim({storedJob(d.jobId, "{}")}, {d, delivery(QStringLiteral("done"))}, kWorker, kLeaseMs);
    VT_OK(claimed);
    QCOMPARE(claimed->size(), 2);
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("done"), t + 100, QStringLiteral("ok")}}));

    const auto claimAt = [&](qint64 nowMs) {
        Result<QList<Delivery>> due = deliveries.claimDueRetries(nowMs, 10, QStringLiteral("worker-b"), kLeaseMs);
        return due ? idsOf(*due) : QStringList{due.error().toString()};
    };
    // While the lease holds, the row is its worker's; the moment it runs out, anyone may take it.
    QCOMPARE(claimAt(t), QStringList());
    QCOMPARE(claimAt(t + kLeaseMs - 1), QStringList());
    m_clock.setMs(t + kLeaseMs);
    Result<QList<Delivery>> due = deliveries.claimDueRetries(t + kLeaseMs, 10, QStringLiteral("worker-b"), kLeaseMs);
    VT_OK(due);
    QCOMPARE(idsOf(*due), QStringList{QStringLiteral("lost")});
    // What a retry needs to render it again comes along.
    QCOMPARE(due->constFirst().jobId, d.jobId);
    QCOMPARE(due->constFirst().expiresAtMs, d.expiresAtMs);
    QCOMPARE(due->constFirst().status, DeliveryStatus::Sending);
    QCOMPARE(scalar(QStringLiteral("SELECT claimed_by FROM deliveries WHERE notification_id = 'lost'")).toString(),
             QStringLiteral("worker-b"));
    Result<QList<DeliveryEvent>> trail = deliveries.trail(QStringLiteral("lost"));
    VT_OK(trail);
    QCOMPARE(statusesOf(*trail), (QList<DeliveryStatus>{DeliveryStatus::Queued, DeliveryStatus::Sending}));
    QCOMPARE(trail->constLast().detail, QStringLiteral("retry claimed by worker-b"));

    // worker-b's lease holds now; once it records the send, nobody takes the row again.
    QCOMPARE(claimAt(t + kLeaseMs + 1), QStringList());
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("lost"), t + kLeaseMs + 5, QStringLiteral("ok-2")}}));
    QCOMPARE(claimAt(t + 100 * kLeaseMs), QStringList());
    // A repeat of the job does not claim it either: it is done.
    Result<QSet<QString>> repeat = deliveries.insertAndClaim({}, {d}, kWorker, kLeaseMs);
    VT_OK(repeat);
    QVERIFY(repeat->isEmpty());
}

void RepositoryTest::deliveryExpiredClaimIsNotTakenByARepeatedJob()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("n"))}, kWorker, kLeaseMs));
    // The worker died; its job is redelivered to another worker after the lease ran out. The row belongs to the
    // retry scanner, so the repeat must not claim it as well (it would be sent twice).
    m_clock.setMs(t + 2 * kLeaseMs);
    Result<QSet<QString>> repeat =
        deliveries.insertAndClaim({}, {delivery(QStringLiteral("n"))}, QStringLiteral("worker-b"), kLeaseMs);
    VT_OK(repeat);
    QVERIFY(repeat->isEmpty());
    Result<QList<Delivery>> due = deliveries.claimDueRetries(m_clock.nowMs(), 10, QStringLiteral("worker-c"), kLeaseMs);
    VT_OK(due);
    QCOMPARE(idsOf(*due), QStringList{QStringLiteral("n")});
}

void RepositoryTest::deliveryClaimOrderMixesRetriesAndExpiredLeases()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    // A retry due at t + 1 s, and a claim whose lease ran out at t + 60 s: at t + 100 s the retry has waited
    // longest. Both dialects must hand out the same row first ("longest waiting first").
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("retry"))}));
    VT_OK(deliveries.scheduleRetry(QStringLiteral("retry"), t + 1000, QStringLiteral("503"), QString()));
    VT_OK(deliveries.insertAndClaim({}, {delivery(QStringLiteral("lease"))}, kWorker, kLeaseMs));

    Result<QList<Delivery>> first = deliveries.claimDueRetries(t + 100'000, 1, QStringLiteral("worker-b"), kLeaseMs);
    VT_OK(first);
    QCOMPARE(idsOf(*first), QStringList{QStringLiteral("retry")});
    Result<QList<Delivery>> second = deliveries.claimDueRetries(t + 100'000, 1, QStringLiteral("worker-b"), kLeaseMs);
    VT_OK(second);
    QCOMPARE(idsOf(*second), QStringList{QStringLiteral("lease")});
}
