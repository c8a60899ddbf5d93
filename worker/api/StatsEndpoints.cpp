#include "api/StatsEndpoints.h"

#include "api/ApiLogging.h"
#include "api/ApiServer.h"
#include "store/StatsRepository.h"
#include "util/Clock.h"

#include <QList>

namespace vestnik {

namespace {

const Access kReaders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst});
constexpr qint64 kMinute = StatsRepository::kMinuteMs;
constexpr qint64 kLatestMs = 253'402'300'799'999; // the end of 9999

ApiResponse invalid(const QString &message)
{
    return ApiResponse::error(400, QStringLiteral("invalid_request"), message);
}

/// A query parameter in milliseconds since the epoch: nothing when absent, an error text when malformed.
std::optional<qint64> timeParameter(const ApiRequest &request, const QString &name, QString &problem)
{
    if (!request.query.hasQueryItem(name))
        return std::nullopt;
    bool ok = false;
    const qint64 value = request.query.queryItemValue(name).toLongLong(&ok);
    if (!ok || value < 0 || value > kLatestMs) {
        problem = QStringLiteral("'%1' must be milliseconds since 1970 (a non-negative integer)").arg(name);
        return std::nullopt;
    }
    return value;
}

/// "queued":n,"sent":n,... for every metric, and "failed", the sum of the three failures.
void appendCounts(QByteArray &json, const StatsRepository::Counts &counts)
{
    static const QList<QByteArray> names = [] {
        QList<QByteArray> keys;
        for (int i = 0; i < kDeliveryMetricCount; ++i)
            keys << (i == 0 ? "\"" : ",\"") + deliveryMetricName(DeliveryMetric(i)).toLatin1() + "\":";
        return keys;
    }();
    for (int i = 0; i < kDeliveryMetricCount; ++i) {
        json += names.at(i);
        json += QByteArray::number(counts[std::size_t(i)]);
    }
    json += ",\"failed\":";
    json += QByteArray::number(counts[std::size_t(DeliveryMetric::FailedInvalidToken)]
                               + counts[std::size_t(DeliveryMetric::FailedPermanent)]
                               + counts[std::size_t(DeliveryMetric::FailedCredentials)]);
}

} // namespace

StatsEndpoints::StatsEndpoints(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent), m_clock(clock), m_stats(std::make_unique<StatsRepository>(database))
{
    m_retentionTimer.setInterval(kRetentionIntervalMs);
    connect(&m_retentionTimer, &QTimer::timeout, this, &StatsEndpoints::retentionDue);
}

void StatsEndpoints::retentionDue() const
{
    if (Result<qint64> forgotten = forgetOld(); !forgotten)
        qCWarning(lcApi).noquote() << forgotten.error().message;
}

void StatsEndpoints::startRetention(std::chrono::milliseconds retention)
{
    m_retention = retention;
    if (retention.count() <= 0) {
        m_retentionTimer.stop();
        return;
    }
    m_retentionTimer.start();
    // The first pass right after start-up, not inside it.
    QTimer::singleShot(0, this, &StatsEndpoints::retentionDue);
}

Result<qint64> StatsEndpoints::forgetOld() const
{
    if (m_retention.count() <= 0)
        return qint64(0);
    const Result<qint64> forgotten = m_stats->forget(StatsRepository::minuteOf(m_clock.nowMs() - m_retention.count()));
    if (forgotten && *forgotten > 0)
        qCInfo(lcApi) << "deleted" << *forgotten << "minutes of delivery statistics past retention";
    return forgotten;
}

StatsEndpoints::~StatsEndpoints() = default;

Result<void> StatsEndpoints::addRoutes(ApiServer &api)
{
    return api.addRoute("GET", QStringLiteral("/v1/stats"), kReaders,
                        ApiServer::SyncHandler([this](const ApiRequest &request) { return stats(request); }));
}

ApiResponse StatsEndpoints::stats(const ApiRequest &request) const
{
    QString problem;
    const std::optional<qint64> fromParameter = timeParameter(request, QStringLiteral("from"), problem);
    const std::optional<qint64> toParameter = timeParameter(request, QStringLiteral("to"), problem);
    if (!problem.isEmpty())
        return invalid(problem);
    if (fromParameter && toParameter && *fromParameter >= *toParameter)
        return invalid(QStringLiteral("'from' must be before 'to'"));
    // Whole minutes: `from` down to its minute, `to` (exclusive) up to the end of its minute; by default the
    // range ends with the current minute.
    const qint64 to = toParameter ? StatsRepository::minuteOf(*toParameter + kMinute - 1)
                                  : StatsRepository::minuteOf(m_clock.nowMs()) + kMinute;
    const qint64 from = fromParameter ? StatsRepository::minuteOf(*fromParameter) : to - kDefaultRangeMs;
    if (from >= to)
        return invalid(QStringLiteral("'from' must be before 'to'"));
    if (to - from > kMaxRangeMs)
        return invalid(QStringLiteral("the range is longer than 7 days; ask for less"));

    StatsRepository::Filter filter;
    filter.templateId = request.query.queryItemValue(QStringLiteral("template_id"), QUrl::FullyDecoded);
    filter.ruleId = request.query.queryItemValue(QStringLiteral("rule_id"), QUrl::FullyDecoded);
    Result<QByteArray> answer = report(from, to, filter);
    if (!answer)
        return ApiResponse::fromError(answer.error());
    return ApiResponse::raw(std::move(*answer), QByteArrayLiteral("application/json"));
}

Result<QByteArray> StatsEndpoints::report(qint64 fromMs, qint64 toMs, const StatsRepository::Filter &filter) const
{
    const Result<QMap<qint64, StatsRepository::Counts>> minutes = m_stats->minutes(fromMs, toMs, filter);
    if (!minutes)
        return minutes.error();
    // Written directly: fixed keys and integers only, and up to 10,080 minutes (QJsonObject would take most of
    // the answer's time).
    QByteArray series;
    series.reserve(qsizetype((toMs - fromMs) / kMinute) * 200);
    StatsRepository::Counts totals{};
    auto it = minutes->cbegin();
    for (qint64 minute = fromMs; minute < toMs; minute += kMinute) {
        StatsRepository::Counts counts{};
        while (it != minutes->cend() && it.key() < minute)
            ++it; // not a minute start: written by hand, left out
        if (it != minutes->cend() && it.key() == minute)
            counts = it.value();
        for (std::size_t i = 0; i < counts.size(); ++i)
            totals[i] += counts[i];
        series += minute == fromMs ? "{\"minute\":" : ",{\"minute\":";
        series += QByteArray::number(minute);
        series += ',';
        appendCounts(series, counts);
        series += '}';
    }
    QByteArray body = "{\"from\":" + QByteArray::number(fromMs) + ",\"to\":" + QByteArray::number(toMs)
                      + ",\"step_ms\":" + QByteArray::number(kMinute) + ",\"totals\":{";
    appendCounts(body, totals);
    body += "},\"series\":[" + series + "]}";
    return body;
}

} // namespace vestnik
