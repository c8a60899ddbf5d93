#pragma once

#include "util/Result.h"

#include <QHash>
#include <QString>

#include <librdkafka/rdkafka.h>
#include <memory>
#include <optional>

namespace vestnik::kafka {

/// RAII owners for librdkafka's C handles.
struct HandleDeleter {
    void operator()(rd_kafka_t *handle) const { rd_kafka_destroy(handle); }
    void operator()(rd_kafka_conf_t *conf) const { rd_kafka_conf_destroy(conf); }
    void operator()(rd_kafka_topic_partition_list_t *list) const { rd_kafka_topic_partition_list_destroy(list); }
    void operator()(rd_kafka_message_t *message) const { rd_kafka_message_destroy(message); }
    void operator()(rd_kafka_queue_t *queue) const { rd_kafka_queue_destroy(queue); }
    void operator()(rd_kafka_event_t *event) const { rd_kafka_event_destroy(event); }
    void operator()(rd_kafka_NewTopic_t *topic) const { rd_kafka_NewTopic_destroy(topic); }
    void operator()(rd_kafka_AdminOptions_t *options) const { rd_kafka_AdminOptions_destroy(options); }
};

using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, HandleDeleter>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, HandleDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, HandleDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, HandleDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, HandleDeleter>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, HandleDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, HandleDeleter>;

/// A librdkafka configuration with every given property set (names as librdkafka documents them, so
/// SSL and SASL settings pass straight through); the error names the property that was refused.
Result<ConfPtr> makeConf(const QHash<QString, QString> &properties);

/// Sets what every Vestnik client of the broker runs with unless `properties` gives it: `socket.nagle.disable=true`.
/// A request is a few hundred bytes, and with Nagle's algorithm the kernel may hold one back while the connection
/// still waits for the acknowledgement of the one before (bench/README.md, event_latency, measures both settings).
void setLatencyDefaults(QHash<QString, QString> &properties);

/// Creates a producer or consumer; takes ownership of `conf` only on success, as librdkafka does.
Result<HandlePtr> makeHandle(rd_kafka_type_t type, ConfPtr conf);

/// The fatal error a client is in ("NAME: reason"), after which librdkafka serves it no more; nothing if none.
std::optional<QString> fatalError(rd_kafka_t *handle);

/// The value librdkafka runs `handle` with for property `name` (its default if none was set); empty if unknown.
QString effectiveProperty(rd_kafka_t *handle, const QString &name);

/// An admin request on topics.
enum class TopicRequest { Create, Delete };

/// Waits up to `timeoutMs` on `queue` for the answer to a CreateTopics or DeleteTopics request made with it; the error
/// says what was asked (`doing`, e.g. "creating topic vestnik.events") or names the first topic that failed. An answer
/// of `ignored` for a topic is no failure (TOPIC_ALREADY_EXISTS when creating, UNKNOWN_TOPIC_OR_PART when deleting).
Result<void> awaitTopicResults(rd_kafka_queue_t *queue, TopicRequest request, int timeoutMs, const QString &doing,
                               rd_kafka_resp_err_t ignored = RD_KAFKA_RESP_ERR_NO_ERROR);

/// Creates a topic (no error if it exists), waiting up to `timeoutMs` for the broker's answer.
Result<void> createTopic(rd_kafka_t *handle, const QString &name, int partitions, int replicationFactor, int timeoutMs);

} // namespace vestnik::kafka
