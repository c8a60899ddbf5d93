#include "RepositoryTest.h"
#include "store/Migrator.h"

using namespace vestnik;

void RepositoryTest::migratorBringsFreshDatabaseToLatest()
{
    const QList<Migration> available = Migrator::available(dialect());
    QVERIFY(!available.isEmpty());
    const Migrator migrator(db());
    Result<int> before = migrator.currentVersion();
    VT_OK(before);
    QCOMPARE(*before, 0);

    Result<int> applied = migrator.migrate();
    VT_OK(applied);
    QCOMPARE(*applied, int(available.size()));
    Result<int> after = migrator.currentVersion();
    VT_OK(after);
    QCOMPARE(*after, available.constLast().version);
    // The schema is really there: every core table answers.
    for (const char *table : {"users", "user_activity", "apps", "provider_credentials", "devices", "templates",
                              "template_versions", "deliveries", "delivery_events"}) {
        VT_OK(db().run(QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1String(table), {}, QLatin1String(table)));
    }
}

void RepositoryTest::migratorSecondRunAppliesNothing()
{
    const Migrator migrator(db());
    VT_OK(migrator.migrate());
    Result<int> again = migrator.migrate();
    VT_OK(again);
    QCOMPARE(*again, 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
             int(Migrator::available(dialect()).size()));
}

void RepositoryTest::migratorRefusesNewerSchema()
{
    const Migrator migrator(db());
    VT_OK(migrator.migrate());
    const int latest = Migrator::available(dialect()).constLast().version;
    VT_OK(db().run(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                   {latest + 1, QStringLiteral("from_the_future"), m_clock.nowMs()}, QStringLiteral("insert")));
    Result<int> refused = migrator.migrate();
    VT_FAILS_WITH(refused, ErrorCode::SchemaTooNew);
    QVERIFY2(refused.error().message.contains(QString::number(latest + 1)), qPrintable(refused.error().message));
    // Nothing was touched: the newer version is still the current one.
    Result<int> current = migrator.currentVersion();
    VT_OK(current);
    QCOMPARE(*current, latest + 1);
}

void RepositoryTest::migratorDialectsHaveTheSameVersions()
{
    const QList<Migration> sqlite = Migrator::available(Dialect::Sqlite);
    const QList<Migration> postgres = Migrator::available(Dialect::Postgres);
    QCOMPARE(sqlite.size(), postgres.size());
    // 1, 2, 3, ...: no gaps (the migrator never goes back to a version below the current one), no duplicates.
    for (qsizetype i = 0; i < sqlite.size(); ++i) {
        QCOMPARE(sqlite.at(i).version, postgres.at(i).version);
        QCOMPARE(sqlite.at(i).name, postgres.at(i).name);
        QCOMPARE(sqlite.at(i).version, int(i) + 1);
    }
}

void RepositoryTest::migratorSplitsStatements_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("statements");

    QTest::newRow("plain") << QStringLiteral("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);")
                           << QStringList{QStringLiteral("CREATE TABLE a (x INT)"),
                                          QStringLiteral("CREATE TABLE b (y INT)")};
    QTest::newRow("no final semicolon") << QStringLiteral("SELECT 1") << QStringList{QStringLiteral("SELECT 1")};
    QTest::newRow("empty statements") << QStringLiteral(";;\n SELECT 1 ;\n;  ")
                                      << QStringList{QStringLiteral("SELECT 1")};
    QTest::newRow("semicolon in string") << QStringLiteral("INSERT INTO t VALUES ('a;b'); SELECT 2")
                                         << QStringList{QStringLiteral("INSERT INTO t VALUES ('a;b')"),
                                                        QStringLiteral("SELECT 2")};
    QTest::newRow("doubled quote") << QStringLiteral("INSERT INTO t VALUES ('it''s; fine'); SELECT 3")
                                   << QStringList{QStringLiteral("INSERT INTO t VALUES ('it''s; fine')"),
                                                  QStringLiteral("SELECT 3")};
    QTest::newRow("quoted identifier") << QStringLiteral("CREATE TABLE \"odd;name\" (x INT); SELECT 4")
                                       << QStringList{QStringLiteral("CREATE TABLE \"odd;name\" (x INT)"),
                                                      QStringLiteral("SELECT 4")};
    QTest::newRow("dollar quote")
        << QStringLiteral("CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 5")
        << QStringList{QStringLiteral("CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1; $$ LANGUAGE sql"),
                       QStringLiteral("SELECT 5")};
    QTest::newRow("tagged dollar quote")
        << QStringLiteral("DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$;'; END $body$; SELECT 6")
        << QStringList{QStringLiteral("DO $body$ BEGIN PERFORM 1; RAISE NOTICE '$$;'; END $body$"),
                       QStringLiteral("SELECT 6")};
    QTest::newRow("dollar tag with digits")
        << QStringLiteral("DO $fn_2$ BEGIN PERFORM 1; END $fn_2$; SELECT 7")
        << QStringList{QStringLiteral("DO $fn_2$ BEGIN PERFORM 1; END $fn_2$"), QStringLiteral("SELECT 7")};
    QTest::newRow("line comments") << QStringLiteral("-- first; not a statement\nSELECT 8; -- trailing; note\nSELECT 9")
                                   << QStringList{QStringLiteral("SELECT 8"), QStringLiteral("SELECT 9")};
    QTest::newRow("comment marker in string")
        << QStringLiteral("SELECT '-- not; a comment'; SELECT 10")
        << QStringList{QStringLiteral("SELECT '-- not; a comment'"), QStringLiteral("SELECT 10")};
    QTest::newRow("block comment marker in string")
        << QStringLiteral("SELECT '/* not; */'; SELECT 15")
        << QStringList{QStringLiteral("SELECT '/* not; */'"), QStringLiteral("SELECT 15")};
    QTest::newRow("block comment") << QStringLiteral("/* setup; part one */ SELECT 11; /* multi\nline; */SELECT 12")
                                   << QStringList{QStringLiteral("SELECT 11"), QStringLiteral("SELECT 12")};
    QTest::newRow("comment between tokens")
        << QStringLiteral("SELECT/* no space */16") << QStringList{QStringLiteral("SELECT 16")};
    QTest::newRow("quote in comment") << QStringLiteral("-- it's a comment\nSELECT 13; /* don't */ SELECT 14")
                                      << QStringList{QStringLiteral("SELECT 13"), QStringLiteral("SELECT 14")};
}

void RepositoryTest::migratorSplitsStatements()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, statements);
    QCOMPARE(Migrator::splitStatements(sql), statements);
}
