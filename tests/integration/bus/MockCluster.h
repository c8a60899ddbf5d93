#pragma once

#include "bus/KafkaHandles.h"

#include <QList>
#include <QString>

#include <librdkafka/rdkafka_mock.h>
#include <memory>

namespace vestnik::test {

/// Kafka protocol request types (ApiKey), which rdkafka_mock.h takes as plain numbers.
namespace api {
constexpr int16_t kProduce = 0;
constexpr int16_t kFetch = 1;
constexpr int16_t kOffsetCommit = 8;
constexpr int16_t kFindCoordinator = 10;
constexpr int16_t kHeartbeat = 12;
} // namespace api

/// librdkafka's in-process mock cluster (brokers 1..n on loopback), kept by a client handle of its own: faults a
/// real broker cannot stage (injected request errors and delays, brokers down, leaders and coordinators moved).
class MockCluster final
{
public:
    explicit MockCluster(int brokers);
    ~MockCluster();
    Q_DISABLE_COPY_MOVE(MockCluster)

    bool isValid() const { return bool(m_cluster); }
    rd_kafka_mock_cluster_t *get() const { return m_cluster.get(); }
    int brokers() const { return m_brokers; }
    /// bootstrap.servers for clients of this cluster.
    QString bootstraps() const;

    /// A topic replicated on every broker whose partition p is led by broker leaders[p].
    bool createTopic(const QString &topic, const QList<int> &leaders) const;
    /// Injected errors (and delays) of one broker for one request type not yet served.
    int pendingErrors(int broker, int16_t apiKey) const;

private:
    struct ClusterDeleter {
        void operator()(rd_kafka_mock_cluster_t *cluster) const { rd_kafka_mock_cluster_destroy(cluster); }
    };
    int m_brokers = 0;
    kafka::HandlePtr m_handle;
    // Declared after the handle, so destroyed before it, as librdkafka requires.
    std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter> m_cluster;
};

/// Brings every broker back when a test leaves early, so the clients' destructors do not wait on a dead one.
class BrokersUpOnExit final
{
public:
    explicit BrokersUpOnExit(const MockCluster &cluster) : m_cluster(cluster) {}
    ~BrokersUpOnExit();
    Q_DISABLE_COPY_MOVE(BrokersUpOnExit)

private:
    const MockCluster &m_cluster;
};

} // namespace vestnik::test
