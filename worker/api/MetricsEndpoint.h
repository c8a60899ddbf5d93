#pragma once

#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

namespace vestnik {

class ApiServer;
class DeliveryObserver;
class Metrics;

/// `GET /metrics` in Prometheus text format: the API's requests by method, route and status with their
/// latency histogram, the API server's counters (dropped answers, refusals, connections), and the roles'
/// counters read at scrape time (sends by outcome, retries, circuit alerts; trigger events, jobs, dead letters;
/// work in flight), the providers' answers by provider and outcome with their latency, and each circuit's state.
class MetricsEndpoint final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MetricsEndpoint)

public:
    /// Where the roles' counters come from at scrape time (an empty object when the role does not run here).
    struct Sources {
        std::function<QJsonObject()> delivery;
        std::function<QJsonObject()> trigger;
        std::function<QJsonArray()> circuits; ///< [{"app","provider","state"}]
    };

    explicit MetricsEndpoint(Sources sources, QObject *parent = nullptr);
    ~MetricsEndpoint() override;

    /// Registers the families, follows `api`'s answers and adds the route.
    Result<void> start(ApiServer &api);
    /// Counts the providers' answers by provider and outcome and times them (valid after start()).
    DeliveryObserver *deliveryObserver();

private:
    class ProviderAnswers;

    Sources m_sources;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<ProviderAnswers> m_answers;
};

} // namespace vestnik
