#pragma once

#include "store/Database.h"
#include "util/Result.h"

#include <QString>

#include <memory>

class QTemporaryDir;

namespace vestnik::test {

/// A fresh, empty database for one test: a file in its own temporary directory (SQLite), or a schema of
/// its own in the test cluster (PostgreSQL, when VESTNIK_TEST_DIALECT=postgres), dropped again at the end.
class TestDatabase final
{
public:
    /// The dialect this run tests: VESTNIK_TEST_DIALECT (`postgres` or `sqlite`), else SQLite.
    static Dialect dialectUnderTest();
    /// Why the dialect under test cannot be used, or an empty string.
    static QString unavailableReason();
    /// Creates the database; nothing is migrated yet.
    static Result<std::unique_ptr<TestDatabase>> create();

    ~TestDatabase();
    Q_DISABLE_COPY_MOVE(TestDatabase)

    const Database &database() const { return *m_database; }
    /// The SQLite file (empty for PostgreSQL).
    QString sqlitePath() const { return m_sqlitePath; }

private:
    TestDatabase() = default;

    std::unique_ptr<QTemporaryDir> m_dir; ///< SQLite only
    QString m_sqlitePath;
    std::shared_ptr<Database> m_admin; ///< PostgreSQL: the connection that creates and drops the schema
    QString m_schema;
    std::shared_ptr<Database> m_database;
};

} // namespace vestnik::test
