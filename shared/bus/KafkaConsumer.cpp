#include "bus/KafkaConsumer.h"

#include "util/Logging.h"

#include <QPointer>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace vestnik {

namespace {

kafka::PartitionListPtr listOf(const QList<TopicPartition> &partitions)
{
    kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(int(std::max<qsizetype>(1, partitions.size()))));
    for (const TopicPartition &p : partitions)
        rd_kafka_topic_partition_list_add(list.get(), p.topic.toUtf8().constData(), p.partition);
    return list;
}

QList<TopicPartition> partitionsOf(const rd_kafka_topic_partition_list_t *list)
{
    QList<TopicPartition> partitions;
    for (int i = 0; list && i < list->cnt; ++i)
        partitions.append(TopicPartition{QString::fromUtf8(list->elems[i].topic), list->elems[i].partition});
    return partitions;
}

QString errorText(rd_kafka_resp_err_t error)
{
    return QString::fromUtf8(rd_kafka_err2str(error));
}

} // namespace

KafkaConsumer::KafkaConsumer(Settings settings, Handler handler, QObject *parent)
    : BusConsumer(parent), m_settings(std::move(settings)), m_handler(std::move(handler))
{
    m_poller.setInterval(m_settings.pollInterval);
    connect(&m_poller, &QTimer::timeout, this, &KafkaConsumer::poll);
}

KafkaConsumer::~KafkaConsumer()
{
    stop();
}

Result<void> KafkaConsumer::start()
{
    if (m_handle)
        return {};
    m_held = false;
    QHash<QString, QString> properties = m_settings.properties;
    properties.insert(QStringLiteral("bootstrap.servers"), m_settings.brokers);
    properties.insert(QStringLiteral("group.id"), m_settings.groupId);
    properties.insert(QStringLiteral("enable.auto.offset.store"), QStringLiteral("false"));
    properties.insert(QStringLiteral("enable.auto.commit"), QStringLiteral("true"));
    properties.insert(QStringLiteral("auto.commit.interval.ms"), QString::number(m_settings.commitInterval.count()));
    if (!properties.contains(QStringLiteral("auto.offset.reset")))
        properties.insert(QStringLiteral("auto.offset.reset"), QStringLiteral("earliest"));
    kafka::setLatencyDefaults(properties);
    Result<kafka::ConfPtr> conf = kafka::makeConf(properties);
    if (!conf)
        return conf.error();
    rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaConsumer::onRebalance);
    rd_kafka_conf_set_opaque(conf->get(), this);
    Result<kafka::HandlePtr> handle = kafka::makeHandle(RD_KAFKA_CONSUMER, std::move(*conf));
    if (!handle)
        return handle.error();
    m_handle = std::move(*handle);
    rd_kafka_poll_set_consumer(m_handle.get());
    kafka::PartitionListPtr topics(rd_kafka_topic_partition_list_new(int(m_settings.topics.size())));
    for (const QString &topic : m_settings.topics)
        rd_kafka_topic_partition_list_add(topics.get(), topic.toUtf8().constData(), RD_KAFKA_PARTITION_UA);
    if (const rd_kafka_resp_err_t error = rd_kafka_subscribe(m_handle.get(), topics.get()); error) {
        m_handle.reset();
        return makeError(ErrorCode::Broker, QStringLiteral("cannot subscribe to %1: %2")
                                                .arg(m_settings.topics.join(QStringLiteral(", ")), errorText(error)));
    }
    qCInfo(lcBus).noquote() << "consuming" << m_settings.topics.join(QStringLiteral(", ")) << "in group"
                            << m_settings.groupId;
    enableWakeUps();
    m_poller.start();
    return {};
}

void KafkaConsumer::enableWakeUps()
{
    // librdkafka writes a byte to the pipe when the consumer queue turns non-empty: messages are handled as they
    // arrive instead of at the next timer tick. The timer stays as the fallback (and for a batch cut short).
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        qCWarning(lcBus) << "no wake-up pipe for the consumer; polling every" << m_settings.pollInterval.count()
                         << "ms";
        return;
    }
    m_wakeRead = fds[0];
    m_wakeWrite = fds[1];
    m_queue.reset(rd_kafka_queue_get_consumer(m_handle.get()));
    rd_kafka_queue_io_event_enable(m_queue.get(), m_wakeWrite, "1", 1);
    m_wake = std::make_unique<QSocketNotifier>(m_wakeRead, QSocketNotifier::Read);
    connect(m_wake.get(), &QSocketNotifier::activated, this, [this] {
        char drained[64];
        while (::read(m_wakeRead, drained, sizeof(drained)) > 0) {
        }
        poll();
    });
}

void KafkaConsumer::disableWakeUps()
{
    m_wake.reset();
    if (m_queue) {
        rd_kafka_queue_io_event_enable(m_queue.get(), -1, nullptr, 0);
        m_queue.reset();
    }
    for (int *fd : {&m_wakeRead, &m_wakeWrite}) {
        if (*fd >= 0)
            ::close(*fd);
        *fd = -1;
    }
}

void KafkaConsumer::stop()
{
    m_startingOver = false;
    if (!m_handle)
        return;
    if (kafka::fatalError(m_handle.get())) {
        discardHandle(); // it can neither commit nor leave its group
        return;
    }
    m_poller.stop();
    if (m_wake)
        m_wake->setEnabled(false);
    storeCommittable(m_tracker.partitions());
    // Closing revokes the assignment (the rebalance callback commits what is stored) and leaves the group.
    if (const rd_kafka_resp_err_t error = rd_kafka_consumer_close(m_handle.get()); error)
        qCWarning(lcBus).noquote() << "closing the consumer of" << m_settings.groupId << ":" << errorText(error);
    disableWakeUps();
    m_handle.reset();
    m_assigned.clear();
    m_paused.clear();
    m_nextOffsets.clear();
}

void KafkaConsumer::hold()
{
    m_held = true;
    m_poller.stop();
    if (m_wake)
        m_wake->setEnabled(false);
}

void KafkaConsumer::onRebalance(rd_kafka_t *, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t *partitions,
                                void *opaque)
{
    static_cast<KafkaConsumer *>(opaque)->rebalance(error, partitions);
}

void KafkaConsumer::rebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t *partitions)
{
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(m_handle.get()), "COOPERATIVE") == 0;
    const QList<TopicPartition> changed = partitionsOf(partitions);
    if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (const TopicPartition &p : changed) {
            m_assigned.insert(p);
            m_epochs.insert(p, m_nextEpoch++);
        }
        if (cooperative)
            rd_kafka_error_destroy(rd_kafka_incremental_assign(m_handle.get(), partitions));
        else
            rd_kafka_assign(m_handle.get(), partitions);
        // librdkafka keeps a partition paused across a revoke and its re-assignment to this consumer, while a
        // new assignment starts with nothing in flight here: without this, a partition paused at its in-flight
        // limit and given back by a rebalance would never be fetched again.
        rd_kafka_resume_partitions(m_handle.get(), partitions);
        qCInfo(lcBus).noquote() << m_settings.groupId << "assigned" << changed.size() << "partitions";
    } else {
        // Store and commit what is done before the partitions go, so their next owner starts right after it.
        // When that fails (no coordinator, the assignment lost), the next owner may start at the last commit and
        // do again what was acknowledged since: nothing is lost, but it is worth a warning.
        storeCommittable(changed);
        if (const rd_kafka_resp_err_t commit = rd_kafka_commit(m_handle.get(), nullptr, 0);
            commit && commit != RD_KAFKA_RESP_ERR__NO_OFFSET)
            qCWarning(lcBus).noquote()
                << "cannot commit the offsets of" << m_settings.groupId << "before giving up" << changed.size()
                << "partitions:" << errorText(commit)
                << "- their next owner may get again what was acknowledged since the last commit";
        for (const TopicPartition &p : changed) {
            if (m_tracker.inFlight(p) > 0)
                qCInfo(lcBus).noquote() << p.topic << p.partition << "revoked with" << m_tracker.inFlight(p)
                                        << "messages unacknowledged; its next owner handles them";
            m_tracker.revoke(p);
            m_assigned.remove(p);
            m_paused.remove(p);
            m_nextOffsets.remove(p);
            m_epochs.remove(p);
        }
        if (cooperative)
            rd_kafka_error_destroy(rd_kafka_incremental_unassign(m_handle.get(), partitions));
        else
            rd_kafka_assign(m_handle.get(), nullptr);
    }
}

void KafkaConsumer::poll()
{
    // A bounded batch per turn keeps the event loop responsive; a batch cut short goes on in the next turn.
    for (int i = 0; i < 1000 && m_handle; ++i) {
        kafka::MessagePtr message(rd_kafka_consumer_poll(m_handle.get(), 0));
        if (!message)
            return;
        if (message->err) {
            if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
                continue;
            const QString text = QString::fromUtf8(rd_kafka_message_errstr(message.get()));
            qCWarning(lcBus).noquote() << "consumer of" << m_settings.groupId << ":" << text;
            if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
                Q_EMIT failed(text);
                scheduleRestart();
            }
            continue;
        }
        const TopicPartition where{QString::fromUtf8(rd_kafka_topic_name(message->rkt)), message->partition};
        if (!m_assigned.contains(where) || m_paused.contains(where))
            continue; // fetched before a revoke or a pause took effect; it comes again
        if (m_tracker.inFlight(where) >= m_settings.maxInFlight) {
            pause(where, message->offset);
            continue;
        }
        if (!m_tracker.start(where, message->offset))
            continue; // a re-delivery below what this assignment already started
        m_nextOffsets.insert(where, message->offset + 1);
        BusMessage busMessage;
        busMessage.where = where;
        busMessage.offset = message->offset;
        if (message->key)
            busMessage.key = QByteArray(static_cast<const char *>(message->key), qsizetype(message->key_len));
        if (message->payload)
            busMessage.value = QByteArray(static_cast<const char *>(message->payload), qsizetype(message->len));
        const quint64 epoch = m_epochs.value(where);
        QPointer<KafkaConsumer> self(this);
        m_handler(busMessage, [self, where, offset = busMessage.offset, epoch]() {
            if (self)
                self->acknowledge(where, offset, epoch);
        });
    }
    if (m_handle && m_poller.isActive())
        QTimer::singleShot(0, this, &KafkaConsumer::poll);
}

void KafkaConsumer::scheduleRestart()
{
    if (m_restartScheduled)
        return;
    m_restartScheduled = true;
    QTimer::singleShot(0, this, &KafkaConsumer::restart);
}

void KafkaConsumer::restart()
{
    m_restartScheduled = false;
    if (!m_handle)
        return;
    const std::optional<QString> fatal = kafka::fatalError(m_handle.get());
    if (!fatal)
        return;
    if (m_settings.properties.contains(QStringLiteral("group.instance.id"))) {
        // Fenced off by a member with the same static identity: starting over would fence that one in turn, and
        // so on, each time handing out again what was not committed.
        qCCritical(lcBus).noquote() << "the consumer of" << m_settings.groupId << "hit a fatal error (" << *fatal
                                    << "); with a static group.instance.id it stops instead of starting over: give"
                                    << "each consumer its own";
        discardHandle();
        return;
    }
    ++m_restarts;
    qCCritical(lcBus).noquote() << "the consumer of" << m_settings.groupId << "hit a fatal error (" << *fatal
                                << "); it starts over as a new member, and what was not committed comes again";
    discardHandle();
    m_startingOver = true;
    startOver();
}

void KafkaConsumer::startOver()
{
    if (!m_startingOver || m_handle)
        return; // stopped meanwhile, or started
    const bool held = m_held;
    if (Result<void> started = start(); !started) {
        qCCritical(lcBus).noquote() << "the consumer of" << m_settings.groupId
                                    << "cannot start over:" << started.error().message << "- trying again in a second";
        QTimer::singleShot(std::chrono::seconds(1), this, &KafkaConsumer::startOver);
        return;
    }
    m_startingOver = false;
    if (held)
        hold(); // a shutdown is draining: the new member takes nothing either
}

void KafkaConsumer::discardHandle()
{
    m_poller.stop();
    disableWakeUps();
    rd_kafka_destroy_flags(m_handle.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    // Acknowledgements still to come carry the old assignments' epochs, which no new assignment gets.
    for (const TopicPartition &p : m_tracker.partitions())
        m_tracker.revoke(p);
    m_assigned.clear();
    m_paused.clear();
    m_nextOffsets.clear();
    m_epochs.clear();
}

void KafkaConsumer::acknowledge(const TopicPartition &where, qint64 offset, quint64 epoch)
{
    if (!m_handle || m_epochs.value(where) != epoch)
        return; // the partition was revoked since: its new owner handles the message
    if (!m_tracker.finish(where, offset))
        return;
    storeCommittable({where});
    if (m_paused.contains(where) && m_tracker.inFlight(where) <= m_settings.maxInFlight / 2)
        resume(where);
}

void KafkaConsumer::storeCommittable(const QList<TopicPartition> &partitions)
{
    if (!m_handle)
        return;
    QList<std::pair<TopicPartition, qint64>> offsets;
    for (const TopicPartition &p : partitions) {
        if (const std::optional<qint64> offset = m_tracker.committable(p))
            offsets.append({p, *offset});
    }
    if (offsets.isEmpty())
        return;
    kafka::PartitionListPtr list(rd_kafka_topic_partition_list_new(int(offsets.size())));
    for (const auto &[p, offset] : std::as_const(offsets))
        rd_kafka_topic_partition_list_add(list.get(), p.topic.toUtf8().constData(), p.partition)->offset = offset;
    if (const rd_kafka_resp_err_t error = rd_kafka_offsets_store(m_handle.get(), list.get()); error) {
        qCWarning(lcBus).noquote() << "cannot store offsets:" << errorText(error);
        return;
    }
    for (const auto &[p, offset] : std::as_const(offsets))
        m_tracker.markCommitted(p, offset);
}

void KafkaConsumer::pause(const TopicPartition &where, qint64 refetchFrom)
{
    kafka::PartitionListPtr list = listOf({where});
    rd_kafka_pause_partitions(m_handle.get(), list.get());
    // What was fetched beyond the limit is dropped here; fetch it again from this message on resume.
    list->elems[0].offset = refetchFrom;
    m_nextOffsets.insert(where, refetchFrom);
    if (rd_kafka_error_t *error = rd_kafka_seek_partitions(m_handle.get(), list.get(), 5000)) {
        qCWarning(lcBus).noquote() << "cannot seek" << where.topic << where.partition << ":"
                                   << QString::fromUtf8(rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
    m_paused.insert(where);
}

void KafkaConsumer::resume(const TopicPartition &where)
{
    kafka::PartitionListPtr list = listOf({where});
    rd_kafka_resume_partitions(m_handle.get(), list.get());
    m_paused.remove(where);
}

std::optional<qint64> KafkaConsumer::lag() const
{
    qint64 total = 0;
    for (auto it = m_nextOffsets.cbegin(); it != m_nextOffsets.cend(); ++it) {
        int64_t low = 0;
        int64_t high = 0;
        // The watermarks librdkafka keeps from its fetches: no broker round trip at scrape time.
        if (rd_kafka_get_watermark_offsets(m_handle.get(), it.key().topic.toUtf8().constData(), it.key().partition,
                                           &low, &high)
                != RD_KAFKA_RESP_ERR_NO_ERROR
            || high < 0)
            continue;
        total += std::max<qint64>(0, high - it.value());
    }
    return total;
}

} // namespace vestnik
