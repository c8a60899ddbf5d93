#include "bus/KafkaHandles.h"

#include <array>

namespace vestnik::kafka {

Result<ConfPtr> makeConf(const QHash<QString, QString> &properties)
{
    ConfPtr conf(rd_kafka_conf_new());
    std::array<char, 512> error{};
    for (auto it = properties.cbegin(); it != properties.cend(); ++it) {
        if (rd_kafka_conf_set(conf.get(), it.key().toUtf8().constData(), it.value().toUtf8().constData(), error.data(),
                              error.size())
            != RD_KAFKA_CONF_OK) {
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("Kafka property %1: %2").arg(it.key(), QString::fromUtf8(error.data())));
        }
    }
    return conf;
}

void setLatencyDefaults(QHash<QString, QString> &properties)
{
    if (!properties.contains(QStringLiteral("socket.nagle.disable")))
        properties.insert(QStringLiteral("socket.nagle.disable"), QStringLiteral("true"));
}

Result<HandlePtr> makeHandle(rd_kafka_type_t type, ConfPtr conf)
{
    std::array<char, 512> error{};
    rd_kafka_t *handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
    if (!handle)
        return makeError(ErrorCode::Broker,
                         QStringLiteral("cannot create Kafka client: %1").arg(QString::fromUtf8(error.data())));
    (void)conf.release(); // rd_kafka_new took it
    return HandlePtr(handle);
}

std::optional<QString> fatalError(rd_kafka_t *handle)
{
    std::array<char, 512> reason{};
    const rd_kafka_resp_err_t error = rd_kafka_fatal_error(handle, reason.data(), reason.size());
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR)
        return std::nullopt;
    return QString::fromUtf8(rd_kafka_err2name(error)) + QStringLiteral(": ") + QString::fromUtf8(reason.data());
}

QString effectiveProperty(rd_kafka_t *handle, const QString &name)
{
    if (!handle)
        return QString();
    const QByteArray key = name.toUtf8();
    std::array<char, 512> value{};
    size_t size = value.size();
    if (rd_kafka_conf_get(rd_kafka_conf(handle), key.constData(), value.data(), &size) != RD_KAFKA_CONF_OK)
        return QString();
    return QString::fromUtf8(value.data());
}

Result<void> createTopic(rd_kafka_t *handle, const QString &name, int partitions, int replicationFactor, int timeoutMs)
{
    std::array<char, 512> error{};
    NewTopicPtr topic(
        rd_kafka_NewTopic_new(name.toUtf8().constData(), partitions, replicationFactor, error.data(), error.size()));
    if (!topic)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("topic %1: %2").arg(name, QString::fromUtf8(error.data())));
    AdminOptionsPtr options(rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeoutMs, error.data(), error.size());
    QueuePtr queue(rd_kafka_queue_new(handle));
    rd_kafka_NewTopic_t *topics[] = {topic.get()};
    rd_kafka_CreateTopics(handle, topics, 1, options.get(), queue.get());

    return awaitTopicResults(queue.get(), TopicRequest::Create, timeoutMs + 1000,
                             QStringLiteral("creating topic %1").arg(name), RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
}

Result<void> awaitTopicResults(rd_kafka_queue_t *queue, TopicRequest request, int timeoutMs, const QString &doing,
                               rd_kafka_resp_err_t ignored)
{
    EventPtr event(rd_kafka_queue_poll(queue, timeoutMs));
    if (!event)
        return makeError(ErrorCode::Broker, QStringLiteral("no answer %1").arg(doing));
    if (rd_kafka_event_error(event.get()))
        return makeError(ErrorCode::Broker, QStringLiteral("%1: %2").arg(
                                                doing, QString::fromUtf8(rd_kafka_event_error_string(event.get()))));
    size_t count = 0;
    const rd_kafka_topic_result_t **results =
        request == TopicRequest::Create
            ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count)
            : rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event.get()), &count);
    for (size_t i = 0; i < count; ++i) {
        const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != ignored)
            return makeError(
                ErrorCode::Broker,
                QStringLiteral("%1 topic %2: %3")
                    .arg(request == TopicRequest::Create ? QStringLiteral("creating") : QStringLiteral("deleting"),
                         QString::fromUtf8(rd_kafka_topic_result_name(results[i])),
                         QString::fromUtf8(rd_kafka_topic_result_error_string(results[i]))));
    }
    return {};
}

} // namespace vestnik::kafka
