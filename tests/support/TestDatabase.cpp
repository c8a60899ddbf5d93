#include "TestDatabase.h"

#include "TestServices.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QUuid>

namespace vestnik::test {

Dialect TestDatabase::dialectUnderTest()
{
    // One executable runs on both: CTest's PostgreSQL run sets VESTNIK_TEST_DIALECT=postgres.
    const QString name = QProcessEnvironment::systemEnvironment().value(QStringLiteral("VESTNIK_TEST_DIALECT"),
                                                                        QStringLiteral("sqlite"));
    return name == QStringLiteral("postgres") ? Dialect::Postgres : Dialect::Sqlite;
}

QString TestDatabase::unavailableReason()
{
    return dialectUnderTest() == Dialect::Postgres ? missingService(QStringLiteral("postgres")) : QString();
}

Result<std::unique_ptr<TestDatabase>> TestDatabase::create()
{
    std::unique_ptr<TestDatabase> test(new TestDatabase);
    if (dialectUnderTest() == Dialect::Sqlite) {
        test->m_dir = std::make_unique<QTemporaryDir>();
        if (!test->m_dir->isValid())
            return makeError(ErrorCode::Io, QStringLiteral("no temporary directory: ") + test->m_dir->errorString());
        DatabaseSettings settings;
        settings.dialect = Dialect::Sqlite;
        settings.path = test->m_dir->filePath(QStringLiteral("vestnik.db"));
        Result<std::shared_ptr<Database>> db = Database::open(settings);
        if (!db)
            return db.error();
        test->m_sqlitePath = settings.path;
        test->m_database = *db;
        return test;
    }

    // NOTICEs ("drop cascades to ...") would only clutter the test log.
    const QString quiet = QStringLiteral("-c client_min_messages=warning");
    DatabaseSettings adminSettings = postgresSettings();
    adminSettings.options = QStringLiteral("options='%1'").arg(quiet);
    Result<std::shared_ptr<Database>> admin = Database::open(adminSettings);
    if (!admin)
        return admin.error();
    test->m_admin = *admin;
    // Identifiers cannot be bound; this one is ours, made of hex digits only.
    const QString schema = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128);
    Result<void> created =
        test->m_admin->execute(QStringLiteral("CREATE SCHEMA ") + schema, QStringLiteral("cannot create test schema"));
    if (!created)
        return created.error();
    test->m_schema = schema;
    // Every connection the Database opens (one per thread) starts with the schema as its search path.
    DatabaseSettings settings = postgresSettings();
    settings.options = QStringLiteral("options='-c search_path=%1 %2'").arg(schema, quiet);
    Result<std::shared_ptr<Database>> db = Database::open(settings);
    if (!db)
        return db.error();
    test->m_database = *db;
    return test;
}

TestDatabase::~TestDatabase()
{
    m_database.reset();
    if (m_admin && !m_schema.isEmpty()) {
        Result<void> dropped = m_admin->execute(QStringLiteral("DROP SCHEMA ") + m_schema + QStringLiteral(" CASCADE"),
                                                QStringLiteral("cannot drop test schema"));
        if (!dropped)
            qWarning("%s", qPrintable(dropped.error().toString()));
    }
}

} // namespace vestnik::test
