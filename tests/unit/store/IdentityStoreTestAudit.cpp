#include "IdentityStoreTest.h"
#include "store/AuditLogRepository.h"

#include <QJsonArray>

using namespace vestnik;

namespace {

constexpr qint64 kT = 1'767'225'600'000; // the fixture's first entry

AuditEntry entry(qint64 offsetSeconds, const QString &actor, AuditActorKind kind, const QString &action,
                 const QString &target)
{
    AuditEntry e;
    e.atMs = kT + offsetSeconds * 1000;
    e.actor = actor;
    e.actorKind = kind;
    e.action = action;
    e.target = target;
    return e;
}

QList<qint64> idsOf(const AuditPage &page)
{
    QList<qint64> ids;
    for (const AuditEntry &e : page.entries)
        ids << e.id;
    return ids;
}

} // namespace

void IdentityStoreTest::appendAuditFixture()
{
    const AuditLogRepository log(db(), m_clock);
    const QList<AuditEntry> fixture{
        entry(0, QStringLiteral("alice"), AuditActorKind::User, QStringLiteral("template.update"),
              QStringLiteral("welcome")),
        entry(10, QStringLiteral("alice"), AuditActorKind::User, QStringLiteral("template.delete"),
              QStringLiteral("promo")),
        entry(20, QStringLiteral("orders"), AuditActorKind::Service, QStringLiteral("event.ingest"), QString()),
        entry(30, QStringLiteral("bob"), AuditActorKind::User, QStringLiteral("template.update"),
              QStringLiteral("welcome")),
        entry(40, QStringLiteral("system"), AuditActorKind::System, QStringLiteral("user.locked"),
              QStringLiteral("alice")),
        entry(50, QStringLiteral("alice"), AuditActorKind::User, QStringLiteral("user.create"), QStringLiteral("bob")),
    };
    for (const AuditEntry &e : fixture) {
        Result<qint64> id = log.append(e);
        VT_OK(id);
    }
}

void IdentityStoreTest::auditAppendRoundTrips()
{
    const AuditLogRepository log(db(), m_clock);
    AuditEntry written;
    written.actor = QStringLiteral("алиса");
    written.actorKind = AuditActorKind::User;
    written.action = QStringLiteral("template.update");
    written.target = QStringLiteral("добро-пожаловать");
    written.detail =
        QJsonObject{{QStringLiteral("version"), 3},
                    {QStringLiteral("fields"), QJsonArray{QStringLiteral("title"), QStringLiteral("тело")}},
                    {QStringLiteral("note"), QStringLiteral("'; DROP TABLE audit_log; --")}};
    written.remoteAddress = QStringLiteral("2001:db8::7");
    Result<qint64> first = log.append(written); // atMs 0: stamped with the clock
    VT_OK(first);
    written.atMs = kT - 5000;
    written.actorKind = AuditActorKind::Service;
    Result<qint64> second = log.append(written); // an explicit time is kept
    VT_OK(second);
    QVERIFY(*second > *first);

    Result<AuditPage> page = log.query(AuditQuery{});
    VT_OK(page);
    QCOMPARE(page->entries.size(), 2);
    QVERIFY(page->nextCursor.isEmpty());
    const AuditEntry &read = page->entries.at(0); // newest first: the one stamped now
    QCOMPARE(read.id, *first);
    QCOMPARE(read.atMs, m_clock.nowMs());
    QCOMPARE(read.actor, written.actor);
    QCOMPARE(read.actorKind, AuditActorKind::User);
    QCOMPARE(read.action, written.action);
    QCOMPARE(read.target, written.target);
    QCOMPARE(read.detail, written.detail);
    QCOMPARE(read.remoteAddress, written.remoteAddress);
    QCOMPARE(page->entries.at(1).atMs, kT - 5000);
    QCOMPARE(page->entries.at(1).actorKind, AuditActorKind::Service);
}

void IdentityStoreTest::auditFiltersCombine_data()
{
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("target");
    QTest::addColumn<qint64>("fromSeconds");  // -1: no bound
    QTest::addColumn<qint64>("toSeconds");    // -1: no bound
    QTest::addColumn<QList<int>>("expected"); // fixture positions (1-based), newest first

    const QString none;
    QTest::newRow("no filter") << none << none << none << -1LL << -1LL << QList<int>{6, 5, 4, 3, 2, 1};
    QTest::newRow("actor") << QStringLiteral("alice") << none << none << -1LL << -1LL << QList<int>{6, 2, 1};
    QTest::newRow("action") << none << QStringLiteral("template.update") << none << -1LL << -1LL << QList<int>{4, 1};
    QTest::newRow("target") << none << none << QStringLiteral("alice") << -1LL << -1LL << QList<int>{5};
    QTest::newRow("actor and action") << QStringLiteral("alice") << QStringLiteral("template.update") << none << -1LL
                                      << -1LL << QList<int>{1};
    QTest::newRow("action and target") << none << QStringLiteral("template.update") << QStringLiteral("welcome") << -1LL
                                       << -1LL << QList<int>{4, 1};
    QTest::newRow("time range, end excluded") << none << none << none << 10LL << 40LL << QList<int>{4, 3, 2};
    QTest::newRow("actor from a time") << QStringLiteral("alice") << none << none << 5LL << -1LL << QList<int>{6, 2};
    QTest::newRow("up to a time") << none << none << none << -1LL << 10LL << QList<int>{1};
    QTest::newRow("action is matched exactly")
        << none << QStringLiteral("template") << none << -1LL << -1LL << QList<int>{};
    QTest::newRow("SQL-looking actor") << QStringLiteral("' OR '1'='1") << none << none << -1LL << -1LL << QList<int>{};
}

void IdentityStoreTest::auditFiltersCombine()
{
    QFETCH(QString, actor);
    QFETCH(QString, action);
    QFETCH(QString, target);
    QFETCH(qint64, fromSeconds);
    QFETCH(qint64, toSeconds);
    QFETCH(QList<int>, expected);
    appendAuditFixture();
    Result<AuditPage> all = AuditLogRepository(db(), m_clock).query(AuditQuery{});
    VT_OK(all);
    QCOMPARE(all->entries.size(), 6);
    QList<qint64> expectedIds; // position n of the fixture is the (7 - n)th newest
    for (int position : expected)
        expectedIds << all->entries.at(6 - position).id;

    AuditQuery query;
    query.actor = actor;
    query.action = action;
    query.target = target;
    if (fromSeconds >= 0)
        query.fromMs = kT + fromSeconds * 1000;
    if (toSeconds >= 0)
        query.toMs = kT + toSeconds * 1000;
    Result<AuditPage> page = AuditLogRepository(db(), m_clock).query(query);
    VT_OK(page);
    QCOMPARE(idsOf(*page), expectedIds);
    QVERIFY(page->nextCursor.isEmpty());
}

void IdentityStoreTest::auditPagesNewestFirstWithoutGapsOrRepeats()
{
    const AuditLogRepository log(db(), m_clock);
    // 25 entries, three to a millisecond: the order within one time is by id.
    QList<qint64> appended;
    for (int i = 0; i < 25; ++i) {
        AuditEntry e = entry(i / 3, i % 2 ? QStringLiteral("alice") : QStringLiteral("bob"), AuditActorKind::User,
                             QStringLiteral("template.update"), QStringLiteral("t%1").arg(i));
        Result<qint64> id = log.append(e);
        VT_OK(id);
        appended.prepend(*id);
    }

    QList<qint64> seen;
    QList<int> sizes;
    AuditQuery query;
    query.limit = 10;
    for (;;) {
        Result<AuditPage> page = log.query(query);
        VT_OK(page);
        sizes << int(page->entries.size());
        seen << idsOf(*page);
        for (qsizetype i = 1; i < page->entries.size(); ++i)
            QVERIFY(page->entries.at(i - 1).atMs >= page->entries.at(i).atMs);
        if (page->nextCursor.isEmpty())
            break;
        query.after = page->nextCursor;
        QVERIFY(sizes.size() < 10);
    }
    QCOMPARE(sizes, (QList<int>{10, 10, 5}));
    QCOMPARE(seen, appended);

    // A last page that is exactly full says there is nothing more.
    query = AuditQuery{};
    query.limit = 5;
    query.actor = QStringLiteral("alice"); // 12 entries: pages of 5, 5, 2
    QList<qint64> alice;
    for (int pages = 0; pages < 3; ++pages) {
        Result<AuditPage> page = log.query(query);
        VT_OK(page);
        alice << idsOf(*page);
        QCOMPARE(page->nextCursor.isEmpty(), pages == 2);
        query.after = page->nextCursor;
    }
    QCOMPARE(alice.size(), 12);
    query = AuditQuery{};
    query.limit = 25;
    Result<AuditPage> whole = log.query(query);
    VT_OK(whole);
    QCOMPARE(whole->entries.size(), 25);
    QVERIFY(whole->nextCursor.isEmpty());
}

void IdentityStoreTest::auditPagingIsStableWhileAppending()
{
    const AuditLogRepository log(db(), m_clock);
    QList<qint64> original;
    for (int i = 0; i < 20; ++i) {
        Result<qint64> id = log.append(
            entry(i, QStringLiteral("alice"), AuditActorKind::User, QStringLiteral("template.update"), QString()));
        VT_OK(id);
        original.prepend(*id);
    }
    AuditQuery query;
    query.limit = 10;
    Result<AuditPage> first = log.query(query);
    VT_OK(first);
    // New entries arrive while the reader looks at the first page.
    for (int i = 0; i < 5; ++i)
        VT_OK(log.append(
            entry(100 + i, QStringLiteral("bob"), AuditActorKind::User, QStringLiteral("user.create"), QString())));
    query.after = first->nextCursor;
    Result<AuditPage> second = log.query(query);
    VT_OK(second);
    QCOMPARE(idsOf(*first) + idsOf(*second), original);
    QVERIFY(second->nextCursor.isEmpty());
}

void IdentityStoreTest::auditRefusesBadPagesAndEntries_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("after");
    QTest::newRow("limit zero") << 0 << QString();
    QTest::newRow("limit over the maximum") << AuditQuery::kMaxLimit + 1 << QString();
    QTest::newRow("cursor not ours") << 10 << QStringLiteral("abc");
    QTest::newRow("cursor with three parts") << 10 << QStringLiteral("1.2.3");
    QTest::newRow("cursor with SQL") << 10 << QStringLiteral("1.2 OR 1=1");
    QTest::newRow("cursor too large") << 10 << QStringLiteral("1.99999999999999999999");
}

void IdentityStoreTest::auditRefusesBadPagesAndEntries()
{
    QFETCH(int, limit);
    QFETCH(QString, after);
    const AuditLogRepository log(db(), m_clock);
    AuditQuery query;
    query.limit = limit;
    query.after = after;
    VT_FAILS_WITH(log.query(query), ErrorCode::InvalidArgument);

    AuditEntry noActor = entry(0, QString(), AuditActorKind::User, QStringLiteral("x.y"), QString());
    VT_FAILS_WITH(log.append(noActor), ErrorCode::InvalidArgument);
    AuditEntry noAction = entry(0, QStringLiteral("alice"), AuditActorKind::User, QString(), QString());
    VT_FAILS_WITH(log.append(noAction), ErrorCode::InvalidArgument);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
}
