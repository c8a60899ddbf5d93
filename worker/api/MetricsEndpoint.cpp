#include "api/MetricsEndpoint.h"

#include "api/ApiServer.h"
#include "util/Logging.h"
#include "util/Metrics.h"

namespace vestnik {

namespace {

/// The JSON counters of a role as samples labelled by their name; `gauges` are left out (or kept alone).
Collector fromJson(std::function<QJsonObject()> source, const QStringList &gauges, bool wantGauges)
{
    return [source = std::move(source), gauges, wantGauges](CollectedSamples &samples) {
        const QJsonObject values = source ? source() : QJsonObject();
        for (auto it = values.begin(); it != values.end(); ++it) {
            if (!it.value().isDouble() || gauges.contains(it.key()) != wantGauges)
                continue;
            if (Result<void> added = samples.add({it.key()}, it.value().toDouble()); !added)
                qCWarning(lcWorker).noquote() << "metrics:" << added.error().message;
        }
    };
}

void addAll(CollectedSamples &samples, const QList<std::pair<QString, quint64>> &values)
{
    for (const auto &[name, value] : values) {
        if (Result<void> added = samples.add({name}, double(value)); !added)
            qCWarning(lcWorker).noquote() << "metrics:" << added.error().message;
    }
}

} // namespace

MetricsEndpoint::MetricsEndpoint(Sources sources, QObject *parent)
    : QObject(parent), m_sources(std::move(sources)), m_metrics(std::make_unique<Metrics>())
{}

MetricsEndpoint::~MetricsEndpoint() = default;

Result<void> MetricsEndpoint::start(ApiServer &api)
{
    Result<CounterFamily> requests =
        m_metrics->counter(QStringLiteral("vestnik_http_requests_total"),
                           QStringLiteral("API requests answered, by method, route "
                                          "pattern and status"),
                           {QStringLiteral("method"), QStringLiteral("route"), QStringLiteral("status")});
    if (!requests)
        return requests.error();
    Result<HistogramFamily> latency =
        m_metrics->histogram(QStringLiteral("vestnik_http_request_duration_seconds"),
                             QStringLiteral("Time from a request's arrival to its answer, by route pattern"),
                             Metrics::exponentialBuckets(0.001, 2, 14), {QStringLiteral("route")});
    if (!latency)
        return latency.error();
    connect(&api, &ApiServer::answeredRequest, this,
            [requests = *requests, latency = *latency](const QByteArray &method, const QString &route, int status,
                                                       qint64 durationMs) {
                const QString pattern = route.isEmpty() ? QStringLiteral("(none)") : route;
                if (Result<Counter> counter =
                        requests.labels({QString::fromLatin1(method), pattern, QString::number(status)}))
                    counter->increment();
                if (Result<Histogram> histogram = latency.labels({pattern}))
                    histogram->observe(double(durationMs) / 1000.0);
            });

    const ApiServer *server = &api;
    const QList<Result<void>> registered{
        m_metrics->collectedCounter(QStringLiteral("vestnik_api_events_total"),
                                    QStringLiteral("What the API server did besides answering routes (dropped "
                                                   "answers to clients that had gone, refusals, ...)"),
                                    {QStringLiteral("event")},
                                    [server](CollectedSamples &samples) {
                                        const ApiServer::Counters &c = server->counters();
                                        addAll(samples, {{QStringLiteral("dropped_answer"), c.droppedAnswers},
                                                         {QStringLiteral("unanswered"), c.unanswered},
                                                         {QStringLiteral("rate_limited"), c.rateLimited},
                                                         {QStringLiteral("unauthenticated"), c.unauthenticated},
                                                         {QStringLiteral("forbidden"), c.forbidden},
                                                         {QStringLiteral("guard_rejection"), c.guardRejections},
                                                         {QStringLiteral("refused_connection"), c.refusedConnections},
                                                         {QStringLiteral("handshake_failure"), c.handshakeFailures}});
                                    }),
        m_metrics->collectedGauge(QStringLiteral("vestnik_api_connections"), QStringLiteral("Open API connections"), {},
                                  [server](CollectedSamples &samples) {
                                      if (Result<void> added = samples.add({}, double(server->activeConnections()));
                                          !added)
                                          qCWarning(lcWorker).noquote() << "metrics:" << added.error().message;
                                  }),
        m_metrics->collectedCounter(QStringLiteral("vestnik_delivery_total"),
                                    QStringLiteral("The sender role's counts: send jobs, pushes sent, retries, "
                                                   "failures, invalid tokens, credential refreshes, circuit alerts"),
                                    {QStringLiteral("counter")},
                                    fromJson(m_sources.delivery, {QStringLiteral("outstanding")}, false)),
        m_metrics->collectedGauge(QStringLiteral("vestnik_delivery_in_flight"),
                                  QStringLiteral("Pushes the sender role has in flight"), {QStringLiteral("counter")},
                                  fromJson(m_sources.delivery, {QStringLiteral("outstanding")}, true)),
        m_metrics->collectedCounter(
            QStringLiteral("vestnik_trigger_total"),
            QStringLiteral("The trigger role's counts: events, duplicates, dead letters, "
                           "send jobs, deferred and capped pushes, retries"),
            {QStringLiteral("counter")},
            fromJson(m_sources.trigger, {QStringLiteral("outstanding"), QStringLiteral("rules")}, false)),
        m_metrics->collectedGauge(
            QStringLiteral("vestnik_trigger_state"),
            QStringLiteral("The trigger role's rules loaded and events in flight"), {QStringLiteral("counter")},
            fromJson(m_sources.trigger, {QStringLiteral("outstanding"), QStringLiteral("rules")}, true)),
    };
    for (const Result<void> &result : registered) {
        if (!result)
            return result;
    }
    return api.addRoute("GET", QStringLiteral("/metrics"), Access::anyone(),
                        ApiServer::SyncHandler([this](const ApiRequest &) {
                            return ApiResponse::raw(m_metrics->exposition(), Metrics::kContentType);
                        }));
}

} // namespace vestnik
