#include "api/MetricsEndpoint.h"

#include "api/ApiServer.h"
#include "delivery/DeliveryObserver.h"
#include "delivery/OutcomeClass.h"
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

/// The providers' answers as `vestnik_push_answers_total{provider,outcome}`, the refusals' reasons as
/// `vestnik_push_refusals_total{provider,reason}` and the latency as `vestnik_push_duration_seconds{provider}`.
/// The series are made once per label set; the dispatcher's thread only increments.
class MetricsEndpoint::ProviderAnswers final : public DeliveryObserver
{
public:
    ProviderAnswers(CounterFamily answers, CounterFamily refusals, HistogramFamily latency)
        : m_answers(std::move(answers)), m_refusals(std::move(refusals)), m_latency(std::move(latency))
    {}

    void providerAnswered(Provider provider, const ProviderOutcome &outcome, std::chrono::microseconds latency) override
    {
        const QString name = providerName(provider);
        if (Result<Counter> counter = m_answers.labels({name, outcomeClassName(outcome.outcomeClass)}))
            counter->increment();
        if (!outcome.isAccepted() && !outcome.reason.isEmpty()) {
            if (Result<Counter> counter = m_refusals.labels({name, outcome.reason}))
                counter->increment();
        }
        if (Result<Histogram> histogram = m_latency.labels({name}))
            histogram->observe(double(latency.count()) / 1e6);
    }

private:
    CounterFamily m_answers;
    CounterFamily m_refusals;
    HistogramFamily m_latency;
};

MetricsEndpoint::MetricsEndpoint(Sources sources, QObject *parent)
    : QObject(parent), m_sources(std::move(sources)), m_metrics(std::make_unique<Metrics>())
{}

MetricsEndpoint::~MetricsEndpoint() = default;

DeliveryObserver *MetricsEndpoint::deliveryObserver()
{
    return m_answers.get();
}

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

    Result<CounterFamily> answers = m_metrics->counter(
        QStringLiteral("vestnik_push_answers_total"),
        QStringLiteral("The push providers' answers by provider and outcome (accepted, retry, invalid_token, "
                       "permanent_failure, credentials_problem)"),
        {QStringLiteral("provider"), QStringLiteral("outcome")});
    if (!answers)
        return answers.error();
    Result<CounterFamily> refusals = m_metrics->counter(
        QStringLiteral("vestnik_push_refusals_total"),
        QStringLiteral("The push providers' answers other than acceptance, by provider and reason (fcm.UNAVAILABLE, "
                       "apns.BadDeviceToken, network.timeout, ...)"),
        {QStringLiteral("provider"), QStringLiteral("reason")});
    if (!refusals)
        return refusals.error();
    Result<HistogramFamily> pushLatency =
        m_metrics->histogram(QStringLiteral("vestnik_push_duration_seconds"),
                             QStringLiteral("Time from a push's request to its provider's answer, by provider"),
                             Metrics::exponentialBuckets(0.001, 2, 14), {QStringLiteral("provider")});
    if (!pushLatency)
        return pushLatency.error();
    m_answers = std::make_unique<ProviderAnswers>(*answers, *refusals, *pushLatency);

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
        m_metrics->collectedCounter(
            QStringLiteral("vestnik_delivery_total"),
            QStringLiteral("The sender role's counts: send jobs, pushes sent, retries, "
                           "failures, invalid tokens, credential refreshes, circuit alerts"),
            {QStringLiteral("counter")},
            fromJson(m_sources.delivery, {QStringLiteral("outstanding"), QStringLiteral("lag")}, false)),
        m_metrics->collectedGauge(QStringLiteral("vestnik_delivery_in_flight"),
                                  QStringLiteral("Pushes the sender role has in flight"), {QStringLiteral("counter")},
                                  fromJson(m_sources.delivery, {QStringLiteral("outstanding")}, true)),
        m_metrics->collectedGauge(
            QStringLiteral("vestnik_consumer_lag"),
            QStringLiteral(
                "Messages of the bus partitions (Kafka) or topics (SqlBus) a role's consumer owns that it has "
                "not been handed yet, by role (trigger: vestnik.events, sender: vestnik.sends)"),
            {QStringLiteral("role")},
            [delivery = m_sources.delivery, trigger = m_sources.trigger](CollectedSamples &samples) {
                for (const auto &[role, source] :
                     {std::pair{QStringLiteral("sender"), delivery}, std::pair{QStringLiteral("trigger"), trigger}}) {
                    const QJsonValue lag = source ? source().value(QStringLiteral("lag")) : QJsonValue();
                    if (!lag.isDouble())
                        continue;
                    if (Result<void> added = samples.add({role}, lag.toDouble()); !added)
                        qCWarning(lcWorker).noquote() << "metrics:" << added.error().message;
                }
            }),
        m_metrics->collectedGauge(
            QStringLiteral("vestnik_circuit_state"),
            QStringLiteral("Each app and provider's circuit: 0 closed, 1 open (pushes wait), 2 half-open (a probe "
                           "may go)"),
            {QStringLiteral("app"), QStringLiteral("provider")},
            [circuits = m_sources.circuits](CollectedSamples &samples) {
                const QJsonArray states = circuits ? circuits() : QJsonArray();
                for (const QJsonValue &value : states) {
                    const QJsonObject circuit = value.toObject();
                    const QString state = circuit.value(QStringLiteral("state")).toString();
                    const double code = state == QStringLiteral("open")        ? 1
                                        : state == QStringLiteral("half_open") ? 2
                                                                               : 0;
                    if (Result<void> added = samples.add({circuit.value(QStringLiteral("app")).toString(),
                                                          circuit.value(QStringLiteral("provider")).toString()},
                                                         code);
                        !added)
                        qCWarning(lcWorker).noquote() << "metrics:" << added.error().message;
                }
            }),
        m_metrics->collectedCounter(
            QStringLiteral("vestnik_trigger_total"),
            QStringLiteral("The trigger role's counts: events, duplicates, dead letters, "
                           "send jobs, deferred and capped pushes, retries"),
            {QStringLiteral("counter")},
            fromJson(m_sources.trigger, {QStringLiteral("outstanding"), QStringLiteral("rules"), QStringLiteral("lag")},
                     false)),
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
