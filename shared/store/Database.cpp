#include "store/Database.h"

#include "store/SqlValues.h"
#include "util/Config.h"
#include "util/Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <QUuid>

#include <atomic>
#include <unordered_map>

namespace vestnik {

namespace {

Error sqlError(const QString &what, const QSqlError &error)
{
    return makeError(ErrorCode::Database, QStringLiteral("%1: %2").arg(what, error.text()));
}

/// Whether a PostgreSQL error means the connection is gone (the server restarted, the network broke): the
/// SQLSTATE classes 08 (connection exception) and 57P (operator intervention, e.g. a shutdown), or libpq's
/// own messages that carry no SQLSTATE.
bool connectionLost(const QSqlDriver *driver, const QSqlError &error)
{
    if (!driver || driver->dbmsType() != QSqlDriver::PostgreSQL)
        return false;
    const QString state = error.nativeErrorCode();
    if (state.startsWith(QStringLiteral("08")) || state.startsWith(QStringLiteral("57P")))
        return true;
    const QString text = error.text();
    return error.type() == QSqlError::ConnectionError || text.contains(QStringLiteral("server closed the connection"))
           || text.contains(QStringLiteral("no connection to the server"))
           || text.contains(QStringLiteral("could not receive data from server"))
           || text.contains(QStringLiteral("could not send data to server"));
}

/// Closes a connection that is gone, so that this thread's next connection() opens a new one: the worker
/// recovers by itself once the server is back.
void dropIfLost(QSqlDriver *driver, const QSqlError &error)
{
    if (connectionLost(driver, error)) {
        qCWarning(lcStore).noquote() << "database connection lost (" << error.text().trimmed()
                                     << "); reconnecting on next use";
        driver->close();
    }
}

} // namespace

/// The statements one connection keeps prepared, by SQL, with the cache using each at the moment.
struct Database::KeptStatements {
    struct Entry {
        Entry(QSqlQuery prepared, const StatementCache *firstUser)
            : query(std::move(prepared)), user(firstUser), preparedAt(std::chrono::steady_clock::now())
        {}
        Q_DISABLE_COPY(Entry)
        Entry(Entry &&) = default;
        Entry &operator=(Entry &&) = default;

        QSqlQuery query;
        const StatementCache *user = nullptr;
        std::chrono::steady_clock::time_point preparedAt;
    };
    std::unordered_map<QString, Entry> bySql;
};

QString dialectName(Dialect dialect)
{
    return dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
}

DatabaseSettings DatabaseSettings::fromConfig(const Config &config)
{
    DatabaseSettings s;
    s.dialect = config.string(QStringLiteral("database.driver")) == QStringLiteral("postgres") ? Dialect::Postgres
                                                                                               : Dialect::Sqlite;
    const QString path = config.string(QStringLiteral("database.path"));
    s.path = QDir(config.string(QStringLiteral("worker.data_dir"))).absoluteFilePath(path);
    s.host = config.string(QStringLiteral("database.host"));
    s.port = int(config.integer(QStringLiteral("database.port")));
    s.name = config.string(QStringLiteral("database.name"));
    s.user = config.string(QStringLiteral("database.user"));
    s.password = config.string(QStringLiteral("database.password"));
    s.options = config.string(QStringLiteral("database.options"));
    return s;
}

QString DatabaseSettings::describe() const
{
    if (dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite:") + path;
    return QStringLiteral("postgres://%1@%2:%3/%4").arg(user, host).arg(port).arg(name);
}

Database::Database(DatabaseSettings settings)
    : m_settings(std::move(settings)),
      m_connectionPrefix(QStringLiteral("vestnik-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

Database::~Database()
{
    // Only this thread's connection may be touched here; the others' names are just dropped (asking for
    // another thread's connection makes Qt warn).
    {
        // The kept statements go first: a statement outliving its connection's removal makes Qt warn.
        const std::lock_guard lock(m_keptLock);
        m_kept.clear();
    }
    const QString currentName = connectionName();
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &name : names) {
        if (!name.startsWith(m_connectionPrefix))
            continue;
        if (name == currentName) {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

Result<std::shared_ptr<Database>> Database::open(const DatabaseSettings &settings)
{
    if (settings.dialect == Dialect::Sqlite) {
        if (settings.path.isEmpty() || settings.path == QStringLiteral(":memory:"))
            return makeError(ErrorCode::InvalidConfig, QStringLiteral("database.path must name a file for SQLite"));
        const QString dir = QFileInfo(settings.path).absolutePath();
        if (!QDir().mkpath(dir))
            return makeError(ErrorCode::Io, QStringLiteral("cannot create directory %1").arg(dir));
    }
    std::shared_ptr<Database> database(new Database(settings));
    Result<QSqlDatabase> db = database->connection();
    if (!db)
        return db.error();
    qCInfo(lcStore).noquote() << "database open:" << settings.describe();
    return database;
}

QString Database::connectionName() const
{
    return m_connectionPrefix + QLatin1Char('-')
           + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
}

Result<QSqlDatabase> Database::connection() const
{
    const QString name = connectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
        forgetKeptStatements(name);
        if (!db.open())
            return sqlError(QStringLiteral("cannot reopen %1").arg(m_settings.describe()), db.lastError());
        return db;
    }
    return openConnection(name);
}

Result<QSqlDatabase> Database::openConnection(const QString &name) const
{
    const bool sqlite = m_settings.dialect == Dialect::Sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return makeError(
            ErrorCode::Database,
            QStringLiteral("the Qt Sql driver for %1 is not installed (package libqt6sql6-%2)")
                .arg(dialectName(m_settings.dialect), sqlite ? QStringLiteral("sqlite") : QStringLiteral("psql")));
    }
    if (sqlite) {
        db.setDatabaseName(m_settings.path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    } else {
        db.setHostName(m_settings.host);
        db.setPort(m_settings.port);
        db.setDatabaseName(m_settings.name);
        db.setUserName(m_settings.user);
        db.setPassword(m_settings.password);
        QString options = QStringLiteral("connect_timeout=10");
        if (!m_settings.options.isEmpty())
            options += QLatin1Char(';') + m_settings.options;
        db.setConnectOptions(options);
    }
    if (!db.open()) {
        const QSqlError error = db.lastError();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return sqlError(QStringLiteral("cannot open %1").arg(m_settings.describe()), error);
    }
    QSqlQuery pragma(db);
    const QStringList setup =
        sqlite ? QStringList{QStringLiteral("PRAGMA journal_mode=WAL"), QStringLiteral("PRAGMA synchronous=NORMAL"),
                             QStringLiteral("PRAGMA foreign_keys=ON")}
               : QStringList{QStringLiteral("SET TIME ZONE 'UTC'")};
    for (const QString &statement : setup) {
        if (!pragma.exec(statement))
            return sqlError(QStringLiteral("cannot set up connection (%1)").arg(statement), pragma.lastError());
    }
    return db;
}

namespace {
thread_local quint64 tlRequests = 0;
std::atomic<qint64> gKeptStatementLifetimeMs{10'000};
} // namespace

quint64 Database::requestsOnThisThread()
{
    return tlRequests;
}

void Database::setKeptStatementLifetime(std::chrono::milliseconds lifetime)
{
    gKeptStatementLifetimeMs = lifetime.count();
}

std::chrono::milliseconds Database::keptStatementLifetime()
{
    return std::chrono::milliseconds(gKeptStatementLifetimeMs.load());
}

Result<QSqlQuery> Database::prepare(const QString &sql) const
{
    Result<QSqlDatabase> db = connection();
    if (!db)
        return db.error();
    QSqlQuery query(*db);
    ++tlRequests;
    if (!query.prepare(sql)) {
        const QSqlError error = query.lastError();
        dropIfLost(db->driver(), error);
        return sqlError(QStringLiteral("cannot prepare statement"), error);
    }
    return query;
}

Result<void> Database::exec(QSqlQuery &query, const QString &what)
{
    ++tlRequests;
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        dropIfLost(const_cast<QSqlDriver *>(query.driver()), error);
        return sqlError(what, error);
    }
    return {};
}

Result<void> Database::execute(const QString &sql, const QString &what) const
{
    Result<QSqlDatabase> db = connection();
    if (!db)
        return db.error();
    QSqlQuery query(*db);
    ++tlRequests;
    if (!query.exec(sql)) {
        const QSqlError error = query.lastError();
        dropIfLost(db->driver(), error);
        return sqlError(what, error);
    }
    return {};
}

Result<QSqlQuery> Database::run(const QString &sql, const QVariantList &values, const QString &what) const
{
    Result<QSqlQuery> query = prepare(sql);
    if (!query)
        return makeError(ErrorCode::Database, what + QStringLiteral(": ") + query.error().message);
    for (const QVariant &value : values)
        query->addBindValue(value);
    if (Result<void> done = exec(*query, what); !done)
        return done.error();
    return query;
}

Result<void> Database::selectByKeys(const QString &head, const QStringList &keys, const QString &tail,
                                    const QString &what,
                                    const std::function<Result<void>(const QSqlQuery &)> &row) const
{
    // The statements stay prepared for the next look-up of the same kind (StatementCache). So that a few do for
    // every number of keys, a chunk's list is padded to 1, 2, 4, ... 64 or kKeysPerStatement values by repeating
    // its last key, which `IN` answers once.
    StatementCache statements(*this);
    for (qsizetype from = 0; from < keys.size(); from += kKeysPerStatement) {
        const QStringList chunk = keys.mid(from, kKeysPerStatement);
        qsizetype width = 1;
        while (width < chunk.size())
            width *= 2;
        width = qMin(width, qsizetype(kKeysPerStatement));
        QVariantList values;
        values.reserve(width);
        for (const QString &key : chunk)
            values << key;
        while (values.size() < width)
            values << chunk.constLast();
        Result<QSqlQuery> q = statements.run(head + sqlvalues::placeholderRow(int(width)) + tail, values, what);
        if (!q)
            return q.error();
        while (q->next()) {
            if (Result<void> handled = row(*q); !handled)
                return handled;
        }
    }
    return {};
}

Database::KeptStatements &Database::keptStatements() const
{
    const QString name = connectionName();
    const std::lock_guard lock(m_keptLock);
    std::unique_ptr<KeptStatements> &kept = m_kept[name];
    if (!kept)
        kept = std::make_unique<KeptStatements>();
    return *kept;
}

void Database::forgetKeptStatements(const QString &connection) const
{
    // The entry stays (caches hold it), emptied; the statements are destroyed after the lock is released.
    std::unordered_map<QString, KeptStatements::Entry> forgotten;
    const std::lock_guard lock(m_keptLock);
    if (auto it = m_kept.find(connection); it != m_kept.end())
        forgotten.swap(it->second->bySql);
}

StatementCache::~StatementCache()
{
    if (!m_kept)
        return;
    // Back to the connection, reset; unless the connection was opened again meanwhile and forgot them.
    for (const QString &sql : std::as_const(m_borrowed)) {
        auto it = m_kept->bySql.find(sql);
        if (it == m_kept->bySql.end() || it->second.user != this)
            continue;
        it->second.query.finish();
        it->second.user = nullptr;
    }
}

Result<QSqlQuery> StatementCache::run(const QString &sql, const QVariantList &values, const QString &what)
{
    if (!m_kept) {
        // Once per cache, the connection first: opening it again (after it was lost) forgets what it kept.
        Result<QSqlDatabase> db = m_database.connection();
        if (!db)
            return makeError(ErrorCode::Database, what + QStringLiteral(": ") + db.error().message);
        m_kept = &m_database.keptStatements();
    }
    QSqlQuery *query = nullptr;
    if (auto own = m_own.find(sql); own != m_own.end()) {
        query = &own.value();
    } else {
        auto kept = m_kept->bySql.find(sql);
        if (kept != m_kept->bySql.end() && kept->second.user == nullptr
            && std::chrono::steady_clock::now() - kept->second.preparedAt >= Database::keptStatementLifetime()) {
            m_kept->bySql.erase(kept); // planned for the tables as they were: prepared again below
            kept = m_kept->bySql.end();
        }
        if (kept != m_kept->bySql.end() && (kept->second.user == nullptr || kept->second.user == this)) {
            if (!kept->second.user) {
                kept->second.user = this;
                m_borrowed.append(sql);
            }
            query = &kept->second.query;
        } else {
            Result<QSqlQuery> prepared = m_database.prepare(sql);
            if (!prepared)
                return makeError(ErrorCode::Database, what + QStringLiteral(": ") + prepared.error().message);
            // Looked up again: preparing may have opened the connection again, which empties what it kept.
            if (!m_kept->bySql.contains(sql) && m_kept->bySql.size() < std::size_t(Database::kKeptStatements)) {
                query = &m_kept->bySql.try_emplace(sql, std::move(*prepared), this).first->second.query;
                m_borrowed.append(sql);
            } else {
                query = &m_own.insert(sql, std::move(*prepared)).value();
            }
        }
    }
    if (query->isActive())
        query->finish();
    for (qsizetype i = 0; i < values.size(); ++i)
        query->bindValue(int(i), values.at(i));
    if (Result<void> done = Database::exec(*query, what); !done)
        return done.error();
    // A handle on the statement for the caller to read (QSqlQuery copies share their result): the statement
    // stays prepared for the next run, which is what the cache is for.
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    return *query;
    QT_WARNING_POP
}

Transaction::Transaction(const Database &database)
{
    Result<QSqlDatabase> db = database.connection();
    if (!db) {
        m_error = db.error();
        return;
    }
    m_db = *db;
    ++tlRequests;
    m_active = m_db.transaction();
    if (!m_active) {
        const QSqlError error = m_db.lastError();
        m_error = sqlError(QStringLiteral("cannot begin transaction"), error);
        dropIfLost(m_db.driver(), error);
    }
}

Transaction::~Transaction()
{
    if (m_active) {
        ++tlRequests;
        m_db.rollback();
    }
}

Result<void> Transaction::commit()
{
    if (!m_active)
        return m_error;
    m_active = false;
    ++tlRequests;
    if (!m_db.commit()) {
        const QSqlError error = m_db.lastError();
        m_db.rollback();
        dropIfLost(m_db.driver(), error);
        return sqlError(QStringLiteral("cannot commit"), error);
    }
    return {};
}

WriteTransaction::WriteTransaction(const Database &database) : m_database(database)
{
    const QString begin =
        database.dialect() == Dialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
    if (Result<void> begun = m_database.execute(begin, QStringLiteral("cannot begin a write transaction")); !begun)
        m_error = begun.error();
    else
        m_active = true;
}

WriteTransaction::~WriteTransaction()
{
    if (!m_active)
        return;
    if (Result<void> rolledBack = m_database.execute(QStringLiteral("ROLLBACK"), QStringLiteral("cannot roll back"));
        !rolledBack)
        qCWarning(lcStore).noquote() << rolledBack.error().toString();
}

Result<void> WriteTransaction::commit()
{
    m_active = false;
    Result<void> committed = m_database.execute(QStringLiteral("COMMIT"), QStringLiteral("cannot commit"));
    if (!committed)
        (void)m_database.execute(QStringLiteral("ROLLBACK"), QStringLiteral("cannot roll back"));
    return committed;
}

} // namespace vestnik
