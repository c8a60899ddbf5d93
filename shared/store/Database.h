#pragma once

#include "util/Result.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace vestnik {

class Config;

/// Which SQL dialect a connection speaks; repositories pick their statements by it.
enum class Dialect { Sqlite, Postgres };

QString dialectName(Dialect dialect);

/// Where the database is and how to log in.
struct DatabaseSettings {
    Dialect dialect = Dialect::Sqlite;
    QString path; ///< SQLite file (":memory:" is refused: every thread needs the same data)
    QString host;
    int port = 5432;
    QString name;
    QString user;
    QString password;
    QString options; ///< extra driver options, e.g. "sslmode=verify-full"

    /// From the `database.*` keys; a relative SQLite path is taken below `worker.data_dir`.
    static DatabaseSettings fromConfig(const Config &config);
    /// A human description without the password, for logs ("sqlite:/var/lib/vestnik/vestnik.db").
    QString describe() const;
};

/// The database of a Vestnik process. Qt Sql connections belong to one thread each: `connection()`
/// hands every thread its own, opened on first use with the same settings.
class Database final
{
public:
    /// Opens (and for SQLite creates) the database and checks it answers.
    static Result<std::shared_ptr<Database>> open(const DatabaseSettings &settings);
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    Dialect dialect() const { return m_settings.dialect; }
    const DatabaseSettings &settings() const { return m_settings; }

    /// This thread's connection (opened on first use).
    Result<QSqlDatabase> connection() const;

    /// Prepares `sql` on this thread's connection.
    Result<QSqlQuery> prepare(const QString &sql) const;
    /// Executes a prepared query, turning a failure into an Error that names `what`.
    static Result<void> exec(QSqlQuery &query, const QString &what);
    /// Executes a statement that takes no values (DDL, migrations) without preparing it: PostgreSQL
    /// cannot prepare DDL. Anything that carries a value goes through prepare() or run().
    Result<void> execute(const QString &sql, const QString &what) const;
    /// Prepares, binds positional values and executes in one step.
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what) const;
    /// Runs `head` + "(?, ...)" + `tail` once per kKeysPerStatement of `keys` (`head` ends in "... IN ") and
    /// hands every row to `row`; stops at the first error, the statement's or `row`'s.
    Result<void> selectByKeys(const QString &head, const QStringList &keys, const QString &tail, const QString &what,
                              const std::function<Result<void>(const QSqlQuery &)> &row) const;

    /// How many requests this thread has made of its connections through this class and its helpers: prepares,
    /// executions, BEGIN, COMMIT and ROLLBACK (not the DEALLOCATE Qt's driver sends when a prepared query goes).
    /// On PostgreSQL each is a round trip to the server; tests and benchmarks count them.
    static quint64 requestsOnThisThread();

    static constexpr int kKeysPerStatement = 100;
    /// How many statements a connection keeps prepared for StatementCache; beyond them a unit of work prepares
    /// its own.
    static constexpr int kKeptStatements = 512;
    /// How long a statement a connection keeps for StatementCache is used before it is prepared again (default ten
    /// seconds). PostgreSQL soon runs a prepared statement on a generic plan, made once with the sizes its tables had
    /// then, until an ANALYZE: one made while `deliveries` was small scans the whole table for every batch of 'sent'
    /// reports long after it has grown. Preparing again bounds that to this long.
    static void setKeptStatementLifetime(std::chrono::milliseconds lifetime);
    static std::chrono::milliseconds keptStatementLifetime();

private:
    friend class StatementCache;
    struct KeptStatements;

    explicit Database(DatabaseSettings settings);
    QString connectionName() const;
    Result<QSqlDatabase> openConnection(const QString &name) const;
    /// The statements this thread's connection keeps prepared (see StatementCache); the same object for as long as
    /// the Database lives.
    KeptStatements &keptStatements() const;
    /// Empties what `connection` kept prepared: it is about to be opened again, and a new session knows none.
    void forgetKeptStatements(const QString &connection) const;

    DatabaseSettings m_settings;
    QString m_connectionPrefix;
    mutable std::mutex m_keptLock; ///< guards m_kept itself; each entry is used by its connection's thread only
    mutable std::map<QString, std::unique_ptr<KeptStatements>> m_kept; ///< by connection name
};

/// Statements prepared once and run many times: within one unit of work on this thread (a batch of rows in one
/// transaction: the full chunks of a multi-row INSERT share their SQL) and across them, because the connection
/// keeps what a cache prepared for the next cache that runs the same SQL. On PostgreSQL that is one round trip
/// per statement instead of three: Qt's driver prepares with PREPARE, runs with EXECUTE and, when a statement
/// goes, sends DEALLOCATE. A statement is used by one cache at a time (a nested cache prepares its own copy);
/// when the cache goes, its statements are finished (reset), so no read stays open after the work.
class StatementCache final
{
public:
    explicit StatementCache(const Database &database) : m_database(database) {}
    ~StatementCache();
    Q_DISABLE_COPY_MOVE(StatementCache)

    const Database &database() const { return m_database; }
    /// As Database::run(), reusing the statement prepared for the same SQL before.
    Result<QSqlQuery> run(const QString &sql, const QVariantList &values, const QString &what);

private:
    const Database &m_database;
    QHash<QString, QSqlQuery> m_own; ///< prepared for this cache alone: the connection's was in use or it keeps enough
    QStringList m_borrowed;          ///< SQL of the connection's kept statements this cache uses
    Database::KeptStatements *m_kept = nullptr; ///< this thread's connection's, found at the first run
};

/// A transaction on this thread's connection that rolls back unless committed.
class Transaction final
{
public:
    explicit Transaction(const Database &database);
    ~Transaction();
    Q_DISABLE_COPY_MOVE(Transaction)

    /// Whether BEGIN succeeded; if not, `error()` says why.
    bool isActive() const { return m_active; }
    const Error &error() const { return m_error; }
    Result<void> commit();

private:
    QSqlDatabase m_db;
    bool m_active = false;
    Error m_error;
};

/// A transaction that takes the write lock at BEGIN, for work that reads and then writes. On SQLite a deferred
/// BEGIN reads a snapshot first and fails at once (SQLITE_BUSY, no busy wait) when another connection commits
/// before it writes; BEGIN IMMEDIATE waits its turn on the busy timeout instead. PostgreSQL locks rows as it
/// goes: a plain BEGIN. Rolls back unless committed.
class WriteTransaction final
{
public:
    explicit WriteTransaction(const Database &database);
    ~WriteTransaction();
    Q_DISABLE_COPY_MOVE(WriteTransaction)

    bool isActive() const { return m_active; }
    const Error &error() const { return m_error; }
    Result<void> commit();

private:
    const Database &m_database;
    bool m_active = false;
    Error m_error;
};

} // namespace vestnik
