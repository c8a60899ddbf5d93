#include "MockCluster.h"

namespace vestnik::test {

MockCluster::MockCluster(int brokers) : m_brokers(brokers)
{
    Result<kafka::ConfPtr> conf = kafka::makeConf({});
    if (!conf)
        return;
    Result<kafka::HandlePtr> handle = kafka::makeHandle(RD_KAFKA_PRODUCER, std::move(*conf));
    if (!handle)
        return;
    m_handle = std::move(*handle);
    m_cluster.reset(rd_kafka_mock_cluster_new(m_handle.get(), brokers));
}

MockCluster::~MockCluster() = default;

QString MockCluster::bootstraps() const
{
    return QString::fromUtf8(rd_kafka_mock_cluster_bootstraps(m_cluster.get()));
}

bool MockCluster::createTopic(const QString &topic, const QList<int> &leaders) const
{
    const QByteArray name = topic.toUtf8();
    if (rd_kafka_mock_topic_create(get(), name.constData(), int(leaders.size()), m_brokers))
        return false;
    for (int p = 0; p < leaders.size(); ++p) {
        if (rd_kafka_mock_partition_set_leader(get(), name.constData(), p, leaders[p]))
            return false;
    }
    return true;
}

int MockCluster::pendingErrors(int broker, int16_t apiKey) const
{
    size_t count = 0;
    rd_kafka_mock_broker_error_stack_cnt(get(), broker, apiKey, &count);
    return int(count);
}

BrokersUpOnExit::~BrokersUpOnExit()
{
    rd_kafka_mock_broker_set_up(m_cluster.get(), -1);
}

} // namespace vestnik::test
