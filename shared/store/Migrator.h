#pragma once

#include "store/Database.h"
#include "util/Result.h"

#include <QList>
#include <QString>

namespace vestnik {

/// One schema step: `NNNN_name.sql` under `:/migrations/<dialect>/`.
struct Migration {
    int version = 0;
    QString name;
    QString sql;
};

/// Brings a database to the schema this build expects, one transaction per migration, recorded in
/// `schema_migrations`. Refuses a database whose schema is newer than the build (an older binary must
/// not write into a newer schema). Safe when several workers start at once.
class Migrator final
{
public:
    explicit Migrator(const Database &database);

    /// The migrations compiled in for a dialect, in version order.
    static QList<Migration> available(Dialect dialect);
    /// Splits a migration script into statements (respects quotes, dollar quotes and comments).
    static QStringList splitStatements(const QString &sql);

    /// The highest version applied to the database (0 for a new one).
    Result<int> currentVersion() const;
    /// Applies what is missing; returns the number of migrations applied.
    Result<int> migrate() const;

private:
    Result<void> ensureTable() const;

    const Database &m_database;
};

} // namespace vestnik
