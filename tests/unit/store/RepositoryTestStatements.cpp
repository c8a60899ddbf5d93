#include "RepositoryTest.h"
#include "model/User.h"
#include "store/Database.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"

#include <QSqlQuery>

using namespace vestnik;

// StatementCache: what one unit of work prepared, the connection keeps for the next (on PostgreSQL one round
// trip per statement instead of PREPARE, EXECUTE and DEALLOCATE); a nested unit gets its own copy; a finished unit
// leaves no read open; a connection opened again after it was lost prepares anew.

namespace {

const QString kCreateProbe = QStringLiteral("CREATE TABLE statement_probe (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
const QString kInsertProbe = QStringLiteral("INSERT INTO statement_probe (k, v) VALUES (?, ?)");
const QString kInsertHead = QStringLiteral("INSERT INTO statement_probe (k, v) VALUES");
const QString kSelectFrom = QStringLiteral("SELECT k FROM statement_probe WHERE k >= ? ORDER BY k");

/// The prepared statements of this connection's PostgreSQL session whose text has `sql` (placeholders are $n there).
int preparedOnServer(const Database &db, const QString &sql)
{
    Result<QSqlQuery> q = db.run(QStringLiteral("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE ?"),
                                 {QString(QLatin1Char('%') + sql + QLatin1Char('%'))}, QStringLiteral("prepared"));
    if (!q || !q->next())
        return -1;
    return q->value(0).toInt();
}

} // namespace

void RepositoryTest::statementsStayPreparedAcrossUnitsOfWork()
{
    VT_OK(db().execute(kCreateProbe, QStringLiteral("probe table")));
    {
        StatementCache unit(db());
        VT_OK(unit.run(kInsertProbe, {1, QStringLiteral("один")}, QStringLiteral("insert")));
        VT_OK(unit.run(kInsertProbe, {2, QStringLiteral("два")}, QStringLiteral("insert")));
    }
    if (db().dialect() == Dialect::Postgres)
        QCOMPARE(preparedOnServer(db(), kInsertHead), 1); // kept, not deallocated with the unit
    {
        StatementCache unit(db());
        VT_OK(unit.run(kInsertProbe, {3, QStringLiteral("три")}, QStringLiteral("insert")));
    }
    if (db().dialect() == Dialect::Postgres)
        QCOMPARE(preparedOnServer(db(), kInsertHead), 1); // the same one ran again: not prepared twice
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM statement_probe")).toInt(), 3);
    // A failed run leaves the kept statement usable: the next unit runs it.
    {
        StatementCache unit(db());
        VT_FAILS_WITH(unit.run(kInsertProbe, {3, QStringLiteral("again")}, QStringLiteral("insert")),
                      ErrorCode::Database);
    }
    {
        StatementCache unit(db());
        VT_OK(unit.run(kInsertProbe, {4, QStringLiteral("четыре")}, QStringLiteral("insert")));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM statement_probe")).toInt(), 4);
}

void RepositoryTest::nestedUnitsOfWorkDoNotShareAStatement()
{
    VT_OK(db().execute(kCreateProbe, QStringLiteral("probe table")));
    {
        StatementCache unit(db());
        for (int k = 1; k <= 4; ++k)
            VT_OK(unit.run(kInsertProbe, {k, QString::number(k)}, QStringLiteral("insert")));
    }
    StatementCache outer(db());
    Result<QSqlQuery> fromOne = outer.run(kSelectFrom, {1}, QStringLiteral("select"));
    VT_OK(fromOne);
    QVERIFY(fromOne->next());
    QCOMPARE(fromOne->value(0).toInt(), 1);
    {
        // The same SQL in a unit inside the first while the first still reads its rows.
        StatementCache inner(db());
        Result<QSqlQuery> fromThree = inner.run(kSelectFrom, {3}, QStringLiteral("select"));
        VT_OK(fromThree);
        QList<int> inners;
        while (fromThree->next())
            inners << fromThree->value(0).toInt();
        QCOMPARE(inners, (QList<int>{3, 4}));
    }
    QList<int> rest;
    while (fromOne->next())
        rest << fromOne->value(0).toInt();
    QCOMPARE(rest, (QList<int>{2, 3, 4}));
}

void RepositoryTest::finishedUnitOfWorkHoldsNoRead()
{
    if (db().dialect() != Dialect::Sqlite)
        QSKIP("a read left open is SQLite's WAL snapshot; PostgreSQL's driver reads whole results at once");
    VT_OK(db().execute(kCreateProbe, QStringLiteral("probe table")));
    {
        StatementCache unit(db());
        for (int k = 1; k <= 3; ++k)
            VT_OK(unit.run(kInsertProbe, {k, QString::number(k)}, QStringLiteral("insert")));
        Result<QSqlQuery> rows = unit.run(kSelectFrom, {1}, QStringLiteral("select"));
        VT_OK(rows);
        QVERIFY(rows->next()); // one row read of three: the statement is in the middle of its read
    }
    // Another connection checkpoints the whole log: only possible when no reader holds a snapshot of it.
    Result<std::shared_ptr<Database>> other = Database::open(db().settings());
    VT_OK(other);
    Result<QSqlQuery> checkpoint =
        (*other)->run(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), {}, QStringLiteral("checkpoint"));
    VT_OK(checkpoint);
    QVERIFY(checkpoint->next());
    QCOMPARE(checkpoint->value(0).toInt(), 0); // not busy
}

void RepositoryTest::reopenedConnectionPreparesAgain()
{
    if (db().dialect() != Dialect::Postgres)
        QSKIP("a SQLite connection is a file and is never lost");
    VT_OK(db().execute(kCreateProbe, QStringLiteral("probe table")));
    {
        StatementCache unit(db());
        VT_OK(unit.run(kInsertProbe, {1, QStringLiteral("1")}, QStringLiteral("insert")));
    }
    QCOMPARE(preparedOnServer(db(), kInsertHead), 1);
    // The server ends this connection's session, as a restart would.
    const int pid = scalar(QStringLiteral("SELECT pg_backend_pid()")).toInt();
    QVERIFY(pid > 0);
    Result<std::shared_ptr<Database>> admin = Database::open(db().settings());
    VT_OK(admin);
    VT_OK((*admin)->run(QStringLiteral("SELECT pg_terminate_backend(?, 10000)"), {pid}, QStringLiteral("terminate")));
    {
        StatementCache unit(db());
        VT_FAILS_WITH(unit.run(kInsertProbe, {2, QStringLiteral("2")}, QStringLiteral("insert")),
                      ErrorCode::Database); // the lost connection is noticed
    }
    {
        // A new session: the kept statement is gone with the old one and is prepared again.
        StatementCache unit(db());
        VT_OK(unit.run(kInsertProbe, {2, QStringLiteral("2")}, QStringLiteral("insert")));
    }
    QCOMPARE(preparedOnServer(db(), kInsertHead), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM statement_probe")).toInt(), 2);
}

void RepositoryTest::lookUpsOfEveryLengthShareAFewStatements()
{
    const UserRepository users(db(), m_clock);
    QStringList ids;
    for (int i = 0; i < 130; ++i) {
        const QString id = QStringLiteral("user-%1").arg(i);
        VT_OK(users.upsert(User{id, QStringLiteral("ru"), QString(), QJsonObject(), 0, 0}));
        ids << id;
    }
    // Every number of ids from 1 to 130, each answered exactly.
    for (qsizetype n = 1; n <= ids.size(); ++n) {
        Result<QHash<QString, User>> found = users.findMany(ids.mid(0, n));
        VT_OK(found);
        QCOMPARE(found->size(), n);
        QVERIFY(found->contains(ids.at(n - 1)));
    }
    // ...through the statements for 1, 2, 4, ... 64 and 100 ids, kept prepared: eight, not 100.
    if (db().dialect() == Dialect::Postgres)
        QCOMPARE(preparedOnServer(db(), QStringLiteral("FROM users WHERE id IN")), 8);
}

void RepositoryTest::templateVersionLookUpsStayPrepared()
{
    // A sender resolves the latest version of its jobs' templates every batch: the number alone, through a
    // statement that stays prepared, and a version's content only when it is not compiled yet.
    const TemplateRepository templates(db(), m_clock);
    const QString t = QStringLiteral("cart-reminder");
    VT_OK(templates.saveVersion(t, QStringLiteral("Корзина"),
                                QJsonObject{{QStringLiteral("body"), QStringLiteral("1")}}, QStringLiteral("m")));
    VT_OK(templates.saveVersion(t, QStringLiteral("Корзина"),
                                QJsonObject{{QStringLiteral("body"), QStringLiteral("2")}}, QStringLiteral("m")));
    for (int round = 0; round < 3; ++round) {
        Result<std::optional<int>> latest = templates.latestVersionNumber(t);
        VT_OK(latest);
        QCOMPARE(latest->value_or(-1), 2);
        Result<std::optional<TemplateVersion>> first = templates.version(t, 1);
        VT_OK(first);
        QVERIFY(first->has_value());
        QCOMPARE((*first)->content.value(QStringLiteral("body")).toString(), QStringLiteral("1"));
    }
    Result<std::optional<int>> unknown = templates.latestVersionNumber(QStringLiteral("nope"));
    VT_OK(unknown);
    QVERIFY(!unknown->has_value());
    if (db().dialect() == Dialect::Postgres) {
        // One statement each, kept after every look-up instead of prepared and deallocated per call.
        QCOMPARE(preparedOnServer(db(), QStringLiteral("SELECT version FROM template_versions")), 1);
        QCOMPARE(preparedOnServer(db(), QStringLiteral("SELECT template_id, version, content")), 1);
    }
}
