#include "store/Migrator.h"

#include "util/Clock.h"
#include "util/Logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>

#include <algorithm>

namespace vestnik {

namespace {

// Serialises concurrent migrators on PostgreSQL (any constant unique to Vestnik).
constexpr qint64 kMigrationLockId = 0x5665'7374'6e69'6b00; // "Vestnik\0"

} // namespace

Migrator::Migrator(const Database &database) : m_database(database) {}

QList<Migration> Migrator::available(Dialect dialect)
{
    static const QRegularExpression fileName(QStringLiteral(R"(^(\d{4})_([a-z0-9_]+)\.sql$)"));
    QList<Migration> migrations;
    const QDir dir(QStringLiteral(":/migrations/") + dialectName(dialect));
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QRegularExpressionMatch match = fileName.match(file);
        if (!match.hasMatch()) {
            qCWarning(lcStore) << "ignoring misnamed migration" << file;
            continue;
        }
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        migrations.append(Migration{match.captured(1).toInt(), match.captured(2), QString::fromUtf8(f.readAll())});
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return migrations;
}

QStringList Migrator::splitStatements(const QString &sql)
{
    QStringList statements;
    QString current;
    qsizetype i = 0;
    const qsizetype n = sql.size();
    while (i < n) {
        const QChar c = sql.at(i);
        if (c == QLatin1Char('-') && i + 1 < n && sql.at(i + 1) == QLatin1Char('-')) {
            while (i < n && sql.at(i) != QLatin1Char('\n'))
                ++i;
            continue;
        }
        if (c == QLatin1Char('/') && i + 1 < n && sql.at(i + 1) == QLatin1Char('*')) {
            // A block comment may hold semicolons and quotes; it separates tokens like a space.
            const qsizetype end = sql.indexOf(QStringLiteral("*/"), i + 2);
            i = end < 0 ? n : end + 2;
            current += QLatin1Char(' ');
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            const qsizetype end = sql.indexOf(c, i + 1);
            const qsizetype stop = end < 0 ? n : end + 1;
            current += sql.mid(i, stop - i);
            i = stop;
            continue;
        }
        if (c == QLatin1Char('$')) {
            static const QRegularExpression tag(QStringLiteral(R"(\$([A-Za-z_][A-Za-z0-9_]*)?\$)"));
            const QRegularExpressionMatch m =
                tag.match(sql, i, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
            if (m.hasMatch()) {
                const qsizetype end = sql.indexOf(m.captured(), i + m.capturedLength());
                const qsizetype stop = end < 0 ? n : end + m.capturedLength();
                current += sql.mid(i, stop - i);
                i = stop;
                continue;
            }
        }
        if (c == QLatin1Char(';')) {
            if (!current.trimmed().isEmpty())
                statements << current.trimmed();
            current.clear();
            ++i;
            continue;
        }
        current += c;
        ++i;
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

Result<void> Migrator::ensureTable() const
{
    const QString sql = QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       " version INTEGER PRIMARY KEY,"
                                       " name TEXT NOT NULL,"
                                       " applied_at BIGINT NOT NULL)");
    return m_database.execute(sql, QStringLiteral("cannot create schema_migrations"));
}

Result<int> Migrator::currentVersion() const
{
    if (Result<void> table = ensureTable(); !table)
        return table.error();
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"), {},
                                         QStringLiteral("cannot read schema version"));
    if (!q)
        return q.error();
    return q->next() ? q->value(0).toInt() : 0;
}

Result<int> Migrator::migrate() const
{
    const Dialect dialect = m_database.dialect();
    if (dialect == Dialect::Postgres) {
        Result<QSqlQuery> lock = m_database.run(QStringLiteral("SELECT pg_advisory_lock(?)"), {kMigrationLockId},
                                                QStringLiteral("cannot take the migration lock"));
        if (!lock)
            return lock.error();
    }
    const auto unlock = qScopeGuard([&] {
        if (dialect == Dialect::Postgres)
            (void)m_database.run(QStringLiteral("SELECT pg_advisory_unlock(?)"), {kMigrationLockId}, QString());
    });

    Result<int> current = currentVersion();
    if (!current)
        return current.error();
    const QList<Migration> migrations = available(dialect);
    const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;
    if (*current > latest) {
        return makeError(ErrorCode::SchemaTooNew,
                         QStringLiteral("the database schema is at version %1, newer than the %2 this build knows; "
                                        "run a newer Vestnik or restore a matching backup")
                             .arg(*current)
                             .arg(latest));
    }

    int applied = 0;
    for (const Migration &migration : migrations) {
        if (migration.version <= *current)
            continue;
        Transaction tx(m_database);
        if (!tx.isActive())
            return tx.error();
        const QString what =
            QStringLiteral("migration %1_%2").arg(migration.version, 4, 10, QLatin1Char('0')).arg(migration.name);
        for (const QString &statement : splitStatements(migration.sql)) {
            if (Result<void> done = m_database.execute(statement, what); !done)
                return done.error();
        }
        Result<QSqlQuery> record =
            m_database.run(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                           {migration.version, migration.name, SystemClock::instance().nowMs()},
                           what + QStringLiteral(" (recording)"));
        if (!record)
            return record.error();
        if (Result<void> done = tx.commit(); !done)
            return done.error();
        qCInfo(lcStore).noquote() << "applied" << what;
        ++applied;
    }
    return applied;
}

} // namespace vestnik
