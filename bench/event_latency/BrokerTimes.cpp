#include "BrokerTimes.h"

#include "bus/KafkaHandles.h"

#include <QDeadlineTimer>
#include <QUuid>

#include <array>
#include <vector>

namespace vestnik::bench {

namespace {

/// The broker's own limit for a topic request, and how long the bench waits for its answer.
constexpr int kOperationMs = 15'000;
constexpr int kAnswerMs = 20'000;

Error brokerError(const QString &message)
{
    return makeError(ErrorCode::Broker, message);
}

/// A client for admin requests (a producer that never produces).
Result<kafka::HandlePtr> adminClient(const QString &brokers)
{
    Result<kafka::ConfPtr> conf = kafka::makeConf({{QStringLiteral("bootstrap.servers"), brokers}});
    if (!conf)
        return conf.error();
    return kafka::makeHandle(RD_KAFKA_PRODUCER, std::move(*conf));
}

kafka::AdminOptionsPtr adminOptions(rd_kafka_t *handle, rd_kafka_admin_op_t operation)
{
    kafka::AdminOptionsPtr options(rd_kafka_AdminOptions_new(handle, operation));
    std::array<char, 512> error{};
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), kOperationMs, error.data(), error.size());
    return options;
}

} // namespace

Result<void> createAppendTimeTopics(const QString &brokers, const QStringList &topics, int partitions)
{
    Result<kafka::HandlePtr> handle = adminClient(brokers);
    if (!handle)
        return handle.error();
    std::array<char, 512> error{};
    std::vector<kafka::NewTopicPtr> owned;
    std::vector<rd_kafka_NewTopic_t *> newTopics;
    for (const QString &name : topics) {
        kafka::NewTopicPtr topic(
            rd_kafka_NewTopic_new(name.toUtf8().constData(), partitions, 1, error.data(), error.size()));
        if (!topic || rd_kafka_NewTopic_set_config(topic.get(), "message.timestamp.type", "LogAppendTime"))
            return brokerError(QStringLiteral("topic %1: %2").arg(name, QString::fromUtf8(error.data())));
        newTopics.push_back(topic.get());
        owned.push_back(std::move(topic));
    }
    kafka::AdminOptionsPtr options = adminOptions(handle->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    kafka::QueuePtr queue(rd_kafka_queue_new(handle->get()));
    rd_kafka_CreateTopics(handle->get(), newTopics.data(), newTopics.size(), options.get(), queue.get());
    return kafka::awaitTopicResults(queue.get(), kafka::TopicRequest::Create, kAnswerMs,
                                    QStringLiteral("creating the topics"));
}

Result<void> deleteTopics(const QString &brokers, const QStringList &topics)
{
    Result<kafka::HandlePtr> handle = adminClient(brokers);
    if (!handle)
        return handle.error();
    std::vector<QByteArray> names;
    std::vector<rd_kafka_DeleteTopic_t *> deletions;
    for (const QString &topic : topics) {
        names.push_back(topic.toUtf8());
        deletions.push_back(rd_kafka_DeleteTopic_new(names.back().constData()));
    }
    kafka::AdminOptionsPtr options = adminOptions(handle->get(), RD_KAFKA_ADMIN_OP_DELETETOPICS);
    kafka::QueuePtr queue(rd_kafka_queue_new(handle->get()));
    rd_kafka_DeleteTopics(handle->get(), deletions.data(), deletions.size(), options.get(), queue.get());
    rd_kafka_DeleteTopic_destroy_array(deletions.data(), deletions.size());
    return kafka::awaitTopicResults(queue.get(), kafka::TopicRequest::Delete, kAnswerMs,
                                    QStringLiteral("deleting the topics"), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

Result<QHash<QByteArray, qint64>> appendTimesByKey(const QString &brokers, const QString &topic, int partitions)
{
    Result<kafka::ConfPtr> conf = kafka::makeConf({
        {QStringLiteral("bootstrap.servers"), brokers},
        {QStringLiteral("group.id"), QStringLiteral("latbench-reader-") + QUuid::createUuid().toString(QUuid::Id128)},
        {QStringLiteral("enable.auto.commit"), QStringLiteral("false")},
        {QStringLiteral("enable.partition.eof"), QStringLiteral("true")},
    });
    if (!conf)
        return conf.error();
    Result<kafka::HandlePtr> handle = kafka::makeHandle(RD_KAFKA_CONSUMER, std::move(*conf));
    if (!handle)
        return handle.error();
    rd_kafka_t *consumer = handle->get();
    rd_kafka_poll_set_consumer(consumer);
    kafka::PartitionListPtr assignment(rd_kafka_topic_partition_list_new(partitions));
    const QByteArray name = topic.toUtf8();
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(assignment.get(), name.constData(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (const rd_kafka_resp_err_t error = rd_kafka_assign(consumer, assignment.get()); error)
        return brokerError(QStringLiteral("cannot read %1: %2").arg(topic, QString::fromUtf8(rd_kafka_err2str(error))));

    QHash<QByteArray, qint64> times;
    int ended = 0;
    const QDeadlineTimer deadline(120'000);
    while (ended < partitions) {
        if (deadline.hasExpired())
            return brokerError(QStringLiteral("reading %1 took over 120 s").arg(topic));
        kafka::MessagePtr message(rd_kafka_consumer_poll(consumer, 500));
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            ++ended;
            continue;
        }
        if (message->err)
            return brokerError(
                QStringLiteral("reading %1: %2").arg(topic, QString::fromUtf8(rd_kafka_message_errstr(message.get()))));
        rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        const qint64 at = rd_kafka_message_timestamp(message.get(), &type);
        if (type != RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME)
            return brokerError(QStringLiteral("%1 does not carry the broker's append times").arg(topic));
        const QByteArray key(static_cast<const char *>(message->key), qsizetype(message->key_len));
        if (!times.contains(key))
            times.insert(key, at);
    }
    rd_kafka_consumer_close(consumer);
    return times;
}

} // namespace vestnik::bench
