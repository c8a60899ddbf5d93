#include "bus/SqlBusConsumer.h"

#include "store/Database.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QPointer>
#include <QSqlQuery>
#include <QSysInfo>
#include <QUuid>

#include <algorithm>
#include <utility>

namespace vestnik {

namespace {

TopicPartition partitionOf(const QString &topic)
{
    return TopicPartition{topic, 0};
}

QString ownerName()
{
    return QStringLiteral("%1/%2/%3")
        .arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
}

} // namespace

SqlBusConsumer::SqlBusConsumer(const Database &database, const Clock &clock, const SqlBus::Settings &busSettings,
                               std::shared_ptr<SqlBusWakeups> wakeups, Settings settings, Handler handler,
                               QObject *parent)
    : BusConsumer(parent),
      m_database(database),
      m_clock(clock),
      m_busSettings(busSettings),
      m_wakeups(std::move(wakeups)),
      m_settings(std::move(settings)),
      m_handler(std::move(handler)),
      m_owner(ownerName()),
      m_poller(this),
      m_soon(this),
      m_committer(this)
{
    for (const QString &topic : m_settings.topics)
        m_topics.insert(topic, TopicState{});
    m_poller.setInterval(m_busSettings.pollInterval);
    connect(&m_poller, &QTimer::timeout, this, [this] { poll(true); });
    m_soon.setSingleShot(true);
    m_soon.setInterval(0);
    connect(&m_soon, &QTimer::timeout, this, [this] { poll(false); });
    m_committer.setInterval(m_busSettings.commitInterval);
    connect(&m_committer, &QTimer::timeout, this, &SqlBusConsumer::commitTick);
    connect(m_wakeups.get(), &SqlBusWakeups::topicsChanged, this, [this](const QStringList &topics) {
        for (const QString &topic : topics) {
            if (m_topics.contains(topic)) {
                pollSoon();
                return;
            }
        }
    });
}

SqlBusConsumer::~SqlBusConsumer()
{
    stop();
}

Result<void> SqlBusConsumer::start()
{
    if (m_running)
        return {};
    if (m_settings.groupId.isEmpty() || m_topics.isEmpty() || m_settings.maxInFlight <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a consumer needs a group, topics and a positive in-flight limit"
                                        " (got '%1', '%2', %3)")
                             .arg(m_settings.groupId, m_settings.topics.join(QStringLiteral(", ")))
                             .arg(m_settings.maxInFlight));
    const SqlBus::Settings &bus = m_busSettings;
    if (bus.pollInterval.count() <= 0 || bus.commitInterval.count() <= 0 || bus.leaseDuration.count() <= 0
        || bus.retention.count() <= 0 || bus.fetchBatch <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the SQL bus needs positive poll and commit intervals, lease, retention and"
                                        " fetch batch (got %1 ms, %2 ms, %3 ms, %4 ms, %5)")
                             .arg(bus.pollInterval.count())
                             .arg(bus.commitInterval.count())
                             .arg(bus.leaseDuration.count())
                             .arg(bus.retention.count())
                             .arg(bus.fetchBatch));
    if (Result<void> tables = SqlBus::checkTables(m_database); !tables)
        return tables;
    m_running = true;
    m_held = false;
    m_poller.start();
    m_committer.start();
    pollSoon();
    qCInfo(lcBus).noquote() << "consuming" << m_settings.topics.join(QStringLiteral(", ")) << "in group"
                            << m_settings.groupId << "from the database as" << m_owner;
    return {};
}

void SqlBusConsumer::hold()
{
    m_held = true;
    m_soon.stop();
}

void SqlBusConsumer::stop()
{
    if (!m_running)
        return;
    m_poller.stop();
    m_soon.stop();
    m_committer.stop();
    commit();
    releaseLeases();
    m_running = false;
    m_held = false;
    QStringList released;
    for (auto it = m_topics.begin(); it != m_topics.end(); ++it) {
        if (it->isLeased)
            released.append(it.key());
        if (m_tracker.inFlight(partitionOf(it.key())) > 0)
            qCInfo(lcBus).noquote() << it.key() << "stopped with" << m_tracker.inFlight(partitionOf(it.key()))
                                    << "messages unacknowledged; they come again to the group's next consumer";
        m_tracker.revoke(partitionOf(it.key()));
        *it = TopicState{};
    }
    if (!released.isEmpty())
        Q_EMIT m_wakeups->topicsChanged(released); // a consumer of the group in this process takes over at once
}

void SqlBusConsumer::pollSoon()
{
    if (m_running && !m_soon.isActive())
        m_soon.start();
}

void SqlBusConsumer::poll(bool renewAll)
{
    if (!m_running)
        return;
    m_soon.stop();
    const qint64 now = m_clock.nowMs();
    const QStringList topics = m_topics.keys();
    // The handler may stop or destroy this consumer.
    const QPointer<SqlBusConsumer> self(this);
    bool failed = false;
    for (const QString &topic : topics) {
        if (Result<void> polled = pollTopic(topic, now, renewAll); !polled) {
            if (!self)
                return;
            reportFailure(polled.error(), QStringLiteral("trying again at the next poll"));
            failed = true;
        }
        if (!self || !m_running)
            return;
    }
    if (!failed && m_failures > 0) {
        qCInfo(lcBus).noquote() << "group" << m_settings.groupId << "reads from the database again after"
                                << std::exchange(m_failures, 0) << "failures";
    }
}

Result<void> SqlBusConsumer::pollTopic(const QString &topic, qint64 nowMs, bool renewAll)
{
    TopicState &state = m_topics[topic];
    const qint64 halfLease = m_busSettings.leaseDuration.count() / 2;
    if (renewAll || !state.isLeased || nowMs >= state.leaseExpiresAtMs - halfLease) {
        Result<bool> held = renewLease(topic, nowMs);
        if (!held)
            return held.error();
        if (!*held) {
            if (state.isLeased)
                loseLease(topic);
            if (!state.isWaiting)
                qCInfo(lcBus).noquote() << QStringLiteral(
                                               "another consumer of group %1 reads %2; waiting for its lease")
                                               .arg(m_settings.groupId, topic);
            state.isWaiting = true;
            return {};
        }
        state.leaseExpiresAtMs = nowMs + m_busSettings.leaseDuration.count();
        if (!state.isLeased) {
            Result<qint64> offset = committedOffset(topic, nowMs);
            if (!offset)
                return offset.error();
            takeLease(topic, *offset);
        }
    }
    if (!state.isLeased || m_held)
        return {};
    return fetch(topic);
}

Result<bool> SqlBusConsumer::renewLease(const QString &topic, qint64 nowMs) const
{
    // One statement takes a free or expired lease, renews this consumer's own, and leaves anyone else's alone;
    // a row comes back only when the lease is this consumer's.
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("INSERT INTO bus_leases (group_id, topic, owner, expires_at) VALUES (?, ?, ?, ?)"
                                      " ON CONFLICT (group_id, topic) DO UPDATE SET owner = excluded.owner,"
                                      " expires_at = excluded.expires_at"
                                      " WHERE bus_leases.owner = excluded.owner OR bus_leases.expires_at <= ?"
                                      " RETURNING owner"),
                       {m_settings.groupId, topic, m_owner, nowMs + m_busSettings.leaseDuration.count(), nowMs},
                       QStringLiteral("cannot renew the lease of %1 for group %2").arg(topic, m_settings.groupId));
    if (!q)
        return q.error();
    const bool held = q->next();
    q->finish();
    return held;
}

Result<qint64> SqlBusConsumer::committedOffset(const QString &topic, qint64 nowMs) const
{
    const QString what = QStringLiteral("cannot read the offset of group %1 in %2").arg(m_settings.groupId, topic);
    // A group that reads a topic has an offset from then on, so retention keeps what it has not read yet.
    Result<QSqlQuery> registered =
        m_database.run(QStringLiteral("INSERT INTO bus_offsets (group_id, topic, next_offset, updated_at)"
                                      " VALUES (?, ?, 0, ?) ON CONFLICT (group_id, topic) DO NOTHING"),
                       {m_settings.groupId, topic, nowMs}, what);
    if (!registered)
        return registered.error();
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT next_offset FROM bus_offsets WHERE group_id = ? AND topic = ?"),
                       {m_settings.groupId, topic}, what);
    if (!q)
        return q.error();
    const qint64 offset = q->next() ? q->value(0).toLongLong() : 0;
    q->finish();
    return offset;
}

void SqlBusConsumer::takeLease(const QString &topic, qint64 offset)
{
    TopicState &state = m_topics[topic];
    state.isLeased = true;
    state.isWaiting = false;
    state.isFull = false;
    state.nextOffset = offset;
    state.epoch = m_nextEpoch++;
    m_tracker.revoke(partitionOf(topic));
    qCInfo(lcBus).noquote() << "group" << m_settings.groupId << "reads" << topic << "from offset" << offset;
}

void SqlBusConsumer::loseLease(const QString &topic)
{
    TopicState &state = m_topics[topic];
    const TopicPartition where = partitionOf(topic);
    qCWarning(lcBus).noquote() << "lost the lease of" << topic << "in group" << m_settings.groupId
                               << "to another consumer (it went unrenewed for longer than the lease);"
                               << m_tracker.inFlight(where) << "unacknowledged messages come again to it";
    m_tracker.revoke(where);
    state.isLeased = false;
    state.isFull = false;
}

Result<void> SqlBusConsumer::fetch(const QString &topic)
{
    TopicState &state = m_topics[topic];
    const TopicPartition where = partitionOf(topic);
    const int room = m_settings.maxInFlight - m_tracker.inFlight(where);
    if (room <= 0) {
        state.isFull = true;
        return {};
    }
    const int limit = std::min(m_busSettings.fetchBatch, room);
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT id, msg_key, value FROM bus_messages WHERE topic = ? AND id >= ? ORDER BY id LIMIT ?"),
        {topic, state.nextOffset, limit}, QStringLiteral("cannot read %1 for group %2").arg(topic, m_settings.groupId));
    if (!q)
        return q.error();
    QList<BusMessage> messages;
    while (q->next())
        messages.append(
            BusMessage{where, q->value(0).toLongLong(), q->value(1).toByteArray(), q->value(2).toByteArray()});
    // No read stays open while the handlers run (they may write on this connection).
    q->finish();

    const quint64 epoch = state.epoch;
    const QPointer<SqlBusConsumer> self(this);
    for (const BusMessage &message : std::as_const(messages)) {
        // The handler may hold, stop or destroy this consumer; what is not handed out is read again later.
        if (!self || !m_running || m_held || !state.isLeased || state.epoch != epoch)
            return {};
        if (!m_tracker.start(where, message.offset))
            continue;
        state.nextOffset = message.offset + 1;
        m_handler(message, [self, topic, offset = message.offset, epoch] {
            if (self)
                self->acknowledge(topic, offset, epoch);
        });
    }
    if (!self || !m_running)
        return {};
    if (m_tracker.inFlight(where) >= m_settings.maxInFlight)
        state.isFull = true;
    else if (messages.size() == limit)
        pollSoon(); // probably more where these came from
    return {};
}

void SqlBusConsumer::acknowledge(const QString &topic, qint64 offset, quint64 epoch)
{
    if (!m_running)
        return; // stopped: the group's next consumer handles the message
    const auto found = m_topics.find(topic);
    if (found == m_topics.end() || !found->isLeased || found->epoch != epoch)
        return; // the lease went to another consumer since
    const TopicPartition where = partitionOf(topic);
    if (!m_tracker.finish(where, offset))
        return;
    if (found->isFull && m_tracker.inFlight(where) <= m_settings.maxInFlight / 2) {
        found->isFull = false;
        if (!m_held)
            pollSoon();
    }
}

void SqlBusConsumer::commitTick()
{
    commit();
    purge();
}

void SqlBusConsumer::commit()
{
    if (!m_running)
        return;
    const qint64 now = m_clock.nowMs();
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it) {
        const TopicPartition where = partitionOf(it.key());
        const std::optional<qint64> offset = m_tracker.committable(where);
        if (!it->isLeased || !offset)
            continue;
        // Only while the lease is this consumer's, and never backwards: a consumer that lost its lease
        // without noticing yet leaves the offset to the new holder.
        Result<QSqlQuery> q = m_database.run(
            QStringLiteral("INSERT INTO bus_offsets (group_id, topic, next_offset, updated_at)"
                           " SELECT group_id, topic, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM bus_leases"
                           " WHERE group_id = ? AND topic = ? AND owner = ?"
                           " ON CONFLICT (group_id, topic) DO UPDATE SET next_offset = excluded.next_offset,"
                           " updated_at = excluded.updated_at WHERE bus_offsets.next_offset < excluded.next_offset"),
            {*offset, now, m_settings.groupId, it.key(), m_owner},
            QStringLiteral("cannot commit offset %1 of %2 for group %3")
                .arg(*offset)
                .arg(it.key(), m_settings.groupId));
        if (!q) {
            reportFailure(q.error(), QStringLiteral("trying again"));
            continue;
        }
        m_tracker.markCommitted(where, *offset);
    }
}

void SqlBusConsumer::releaseLeases()
{
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it) {
        if (!it->isLeased)
            continue;
        Result<QSqlQuery> q = m_database.run(
            QStringLiteral("DELETE FROM bus_leases WHERE group_id = ? AND topic = ? AND owner = ?"),
            {m_settings.groupId, it.key(), m_owner},
            QStringLiteral("cannot give back the lease of %1 for group %2").arg(it.key(), m_settings.groupId));
        if (!q)
            qCWarning(lcBus).noquote() << q.error().message
                                              + QStringLiteral("; the group's next consumer waits for it to run out");
    }
}

void SqlBusConsumer::purge()
{
    const qint64 now = m_clock.nowMs();
    const qint64 every = std::min(kPurgeInterval, m_busSettings.retention).count();
    if (m_lastPurgeMs && now - *m_lastPurgeMs < every)
        return;
    // Old enough, and committed by every group that reads the topic (a topic nobody reads keeps nothing).
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("DELETE FROM bus_messages WHERE id IN (SELECT m.id FROM bus_messages m WHERE m.created_at < ?"
                       " AND NOT EXISTS (SELECT 1 FROM bus_offsets o WHERE o.topic = m.topic AND o.next_offset <= m.id)"
                       " LIMIT ?)"),
        {now - m_busSettings.retention.count(), kPurgeBatch}, QStringLiteral("cannot delete old messages"));
    if (!q) {
        m_lastPurgeMs = now; // not at every commit: at the next interval
        reportFailure(q.error(), QStringLiteral("trying again later"));
        return;
    }
    const int deleted = q->numRowsAffected();
    if (deleted > 0)
        qCInfo(lcBus) << "deleted" << deleted << "messages past retention";
    if (deleted < kPurgeBatch)
        m_lastPurgeMs = now; // else more are due: the next tick goes on
}

void SqlBusConsumer::reportFailure(const Error &error, const QString &next)
{
    // A database that is down fails every poll; its messages differ in details (PostgreSQL's name the
    // prepared statement), so they are not told apart: the first is logged, then one a minute.
    if (m_failures++ > 0 && m_sinceFailureLogged.isValid()
        && !m_sinceFailureLogged.hasExpired(kFailureLogInterval.count()))
        return;
    m_sinceFailureLogged.start();
    const QString repeated =
        m_failures > 1 ? QStringLiteral(" (%1 failures since the database last answered)").arg(m_failures) : QString();
    qCWarning(lcBus).noquote() << error.message + QStringLiteral("; ") + next + repeated;
}

std::optional<qint64> SqlBusConsumer::lag() const
{
    qint64 total = 0;
    for (auto it = m_topics.cbegin(); it != m_topics.cend(); ++it) {
        if (!it->isLeased)
            continue;
        Result<QSqlQuery> q =
            m_database.run(QStringLiteral("SELECT COUNT(*) FROM bus_messages WHERE topic = ? AND id >= ?"),
                           {it.key(), it->nextOffset}, QStringLiteral("cannot count the messages of %1").arg(it.key()));
        if (!q || !q->next())
            return std::nullopt;
        total += q->value(0).toLongLong();
    }
    return total;
}

} // namespace vestnik
