#include "bus/SqlBusProducer.h"

#include "bus/SqlBus.h"
#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QDeadlineTimer>
#include <QPointer>

#include <algorithm>
#include <utility>

namespace vestnik {

namespace {

// The first key of the advisory locks a producer takes per topic on PostgreSQL ("VBUS"); the second is the
// topic's hashtext(). Two different topics that share a hash only wait for each other.
constexpr int kTopicLockClass = 0x5642'5553;

constexpr int kColumns = 4;

// Qt Sql binds a null QByteArray as NULL; the columns take empty keys and values as empty blobs.
QByteArray nonNull(const QByteArray &bytes)
{
    return bytes.isNull() ? QByteArray("") : bytes;
}

} // namespace

SqlBusProducer::SqlBusProducer(const Database &database, const Clock &clock, std::shared_ptr<SqlBusWakeups> wakeups,
                               QObject *parent)
    : BusProducer(parent), m_database(database), m_clock(clock), m_wakeups(std::move(wakeups)), m_writer(this)
{
    m_writer.setSingleShot(true);
    m_writer.setInterval(0);
    connect(&m_writer, &QTimer::timeout, this, &SqlBusProducer::write);
}

SqlBusProducer::~SqlBusProducer()
{
    if (!flush(std::chrono::seconds(10)))
        qCWarning(lcBus) << "producer stopped with" << outstanding() << "messages not written";
}

Result<void> SqlBusProducer::start()
{
    if (m_started)
        return {};
    if (Result<void> tables = SqlBus::checkTables(m_database); !tables)
        return tables;
    m_started = true;
    return {};
}

void SqlBusProducer::send(const QString &topic, const QByteArray &key, const QByteArray &value, Delivered delivered)
{
    if (!m_started) {
        delivered(makeError(ErrorCode::Broker, QStringLiteral("the producer is not started")));
        return;
    }
    m_queue.append(Pending{topic, nonNull(key), nonNull(value), std::move(delivered)});
    if (!m_writer.isActive())
        m_writer.start();
}

bool SqlBusProducer::flush(std::chrono::milliseconds timeout)
{
    // The writes are synchronous on this thread, so there is nothing to wait for but the write itself. A
    // callback may send again; that is written too while time remains.
    const QDeadlineTimer deadline(timeout);
    while (!m_queue.isEmpty() && !deadline.hasExpired())
        write();
    return m_queue.isEmpty();
}

Result<void> SqlBusProducer::ensureTopic(const QString &, int, std::chrono::milliseconds)
{
    return {};
}

void SqlBusProducer::write()
{
    m_writer.stop();
    if (m_queue.isEmpty())
        return;
    QList<Pending> batch = std::exchange(m_queue, {});
    // += : a callback of an earlier batch may be flushing this one.
    m_reporting += int(batch.size());
    const Result<void> stored = insert(batch);
    if (stored) {
        QStringList topics;
        for (const Pending &p : std::as_const(batch)) {
            if (!topics.contains(p.topic))
                topics.append(p.topic);
        }
        Q_EMIT m_wakeups->topicsChanged(topics);
    } else {
        qCWarning(lcBus).noquote() << stored.error().message;
    }
    // A callback may destroy this producer; the rest of the batch still hears its verdict.
    const QPointer<SqlBusProducer> self(this);
    for (Pending &p : batch) {
        if (self)
            --m_reporting;
        p.delivered(stored ? Result<void>() : Result<void>(stored.error()));
    }
}

Result<void> SqlBusProducer::insert(const QList<Pending> &batch) const
{
    QStringList topics;
    for (const Pending &p : batch) {
        if (!topics.contains(p.topic))
            topics.append(p.topic);
    }
    std::sort(topics.begin(), topics.end());
    const QString what =
        QStringLiteral("cannot store %1 messages for %2").arg(batch.size()).arg(topics.join(QStringLiteral(", ")));
    const auto failed = [&what](const Error &error) {
        return makeError(error.code, what + QStringLiteral(": ") + error.message);
    };

    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return failed(tx.error());
    if (m_database.dialect() == Dialect::Postgres) {
        // Ids come from a sequence in the order transactions ask, not in the order they commit. Held until
        // the commit, the topic's lock makes the next writer of the topic take its ids after this one's are
        // visible. Sorted, so two producers writing the same topics never wait for each other in a circle.
        for (const QString &topic : std::as_const(topics)) {
            Result<QSqlQuery> locked = m_database.run(
                QStringLiteral("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(CAST(? AS TEXT)))"),
                {kTopicLockClass, topic}, QStringLiteral("lock of topic %1").arg(topic));
            if (!locked)
                return failed(locked.error());
        }
    }
    {
        StatementCache statements(m_database);
        const qint64 now = m_clock.nowMs();
        const qsizetype rows = m_database.dialect() == Dialect::Sqlite ? kSqliteRowsPerInsert : kPostgresRowsPerInsert;
        for (qsizetype from = 0; from < batch.size(); from += rows) {
            const qsizetype count = std::min(rows, batch.size() - from);
            QVariantList values;
            values.reserve(count * kColumns);
            for (qsizetype i = from; i < from + count; ++i) {
                const Pending &p = batch.at(i);
                values << p.topic << p.key << p.value << now;
            }
            Result<QSqlQuery> inserted =
                statements.run(QStringLiteral("INSERT INTO bus_messages (topic, msg_key, value, created_at) VALUES ")
                                   + sqlvalues::placeholderRows(count, 4),
                               values, QStringLiteral("insert"));
            if (!inserted)
                return failed(inserted.error());
        }
    }
    if (Result<void> committed = tx.commit(); !committed)
        return failed(committed.error());
    return {};
}

} // namespace vestnik
