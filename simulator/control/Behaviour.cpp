#include "control/Behaviour.h"

#include "apns/ApnsReason.h"
#include "google/FcmError.h"

#include <QJsonArray>

namespace vestnik::sim {

namespace {

Error bad(const QString &where, const QString &what)
{
    return makeError(ErrorCode::InvalidConfig, QStringLiteral("behaviour.%1: %2").arg(where, what));
}

Result<PushService> serviceOf(const QJsonObject &item, const QString &where)
{
    const std::optional<PushService> service = pushServiceFromName(item.value(QStringLiteral("service")).toString());
    if (!service)
        return bad(where, QStringLiteral("\"service\" must be \"fcm\" or \"apns\""));
    return *service;
}

bool isKnownCode(PushService service, const QString &code)
{
    return service == PushService::Fcm ? FcmError::isKnownCode(code) : ApnsReason::isKnown(code);
}

int retryAfterOf(const QJsonObject &item)
{
    return item.contains(QStringLiteral("retry_after")) ? item.value(QStringLiteral("retry_after")).toInt(-1) : -1;
}

Result<QJsonArray> arrayOf(const QJsonObject &json, const QString &key)
{
    const QJsonValue value = json.value(key);
    if (!value.isArray())
        return bad(key, QStringLiteral("must be an array"));
    return value.toArray();
}

Result<void> parseTokens(const QJsonArray &items, Behaviour &out)
{
    out.tokens.clear();
    static const QStringList kFcmStates = {QStringLiteral("unregistered"), QStringLiteral("invalid"),
                                           QStringLiteral("sender_mismatch"), QStringLiteral("third_party_auth_error")};
    static const QStringList kApnsStates = {QStringLiteral("unregistered"), QStringLiteral("expired"),
                                            QStringLiteral("invalid"), QStringLiteral("topic")};
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("tokens[%1]").arg(i);
        const QJsonObject item = items.at(i).toObject();
        Result<PushService> service = serviceOf(item, where);
        if (!service)
            return service.error();
        Behaviour::TokenRule rule;
        rule.service = *service;
        rule.token = item.value(QStringLiteral("token")).toString();
        const QString match = item.value(QStringLiteral("match")).toString(QStringLiteral("exact"));
        rule.isPrefix = match == QStringLiteral("prefix");
        rule.state = item.value(QStringLiteral("state")).toString();
        rule.timestampMs = qint64(item.value(QStringLiteral("timestamp")).toDouble(0));
        rule.topic = item.value(QStringLiteral("topic")).toString();
        if (rule.token.isEmpty())
            return bad(where,
                       QStringLiteral("\"token\" is required (the token, or its prefix with \"match\": \"prefix\")"));
        if (match != QStringLiteral("exact") && match != QStringLiteral("prefix"))
            return bad(where, QStringLiteral("\"match\" must be \"exact\" or \"prefix\""));
        const QStringList &states = rule.service == PushService::Fcm ? kFcmStates : kApnsStates;
        if (!states.contains(rule.state))
            return bad(where, QStringLiteral("\"state\" must be one of %1").arg(states.join(QStringLiteral(", "))));
        if (rule.state == QStringLiteral("topic") && rule.topic.isEmpty())
            return bad(where, QStringLiteral("state \"topic\" needs \"topic\": the only topic the token belongs to"));
        out.tokens << rule;
    }
    return {};
}

Result<void> parseErrors(const QJsonArray &items, Behaviour &out)
{
    out.errors.clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("errors[%1]").arg(i);
        const QJsonObject item = items.at(i).toObject();
        Result<PushService> service = serviceOf(item, where);
        if (!service)
            return service.error();
        Behaviour::ErrorRate rate{*service, item.value(QStringLiteral("code")).toString(),
                                  item.value(QStringLiteral("rate")).toDouble(-1), retryAfterOf(item)};
        if (!isKnownCode(rate.service, rate.code))
            return bad(where,
                       QStringLiteral("unknown %1 error code '%2'").arg(pushServiceName(rate.service), rate.code));
        if (rate.rate < 0 || rate.rate > 1)
            return bad(where, QStringLiteral("\"rate\" must be between 0 and 1"));
        out.errors << rate;
    }
    return {};
}

Result<void> parseBursts(const QJsonArray &items, Behaviour &out)
{
    out.bursts.clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("bursts[%1]").arg(i);
        const QJsonObject item = items.at(i).toObject();
        Result<PushService> service = serviceOf(item, where);
        if (!service)
            return service.error();
        const QString fallback =
            *service == PushService::Fcm ? QStringLiteral("QUOTA_EXCEEDED") : QStringLiteral("TooManyRequests");
        Behaviour::Burst burst{*service, item.value(QStringLiteral("count")).toInt(0),
                               item.value(QStringLiteral("code")).toString(fallback), retryAfterOf(item)};
        if (burst.remaining <= 0)
            return bad(where, QStringLiteral("\"count\" must be a positive number of requests"));
        if (!isKnownCode(burst.service, burst.code))
            return bad(where,
                       QStringLiteral("unknown %1 error code '%2'").arg(pushServiceName(burst.service), burst.code));
        out.bursts << burst;
    }
    return {};
}

Result<void> parseGoAways(const QJsonArray &items, Behaviour &out)
{
    out.goAways.clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("goaway[%1]").arg(i);
        const QJsonObject item = items.at(i).toObject();
        Result<PushService> service = serviceOf(item, where);
        if (!service)
            return service.error();
        Behaviour::GoAwayRule rule{*service, quint32(item.value(QStringLiteral("after_streams")).toInt(0)),
                                   quint32(item.value(QStringLiteral("error_code")).toInt(0)),
                                   item.value(QStringLiteral("reason")).toString()};
        if (rule.afterStreams == 0)
            return bad(where, QStringLiteral("\"after_streams\" must be a positive number"));
        out.goAways << rule;
    }
    return {};
}

Result<void> parseOutages(const QJsonArray &items, qint64 nowMs, Behaviour &out)
{
    out.outages.clear();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString where = QStringLiteral("outages[%1]").arg(i);
        const QJsonObject item = items.at(i).toObject();
        Result<PushService> service = serviceOf(item, where);
        if (!service)
            return service.error();
        Behaviour::Outage outage;
        outage.service = *service;
        outage.retryAfterSeconds = retryAfterOf(item);
        if (item.contains(QStringLiteral("start_at"))) {
            outage.startMs = qint64(item.value(QStringLiteral("start_at")).toDouble());
            outage.endMs = qint64(item.value(QStringLiteral("end_at")).toDouble());
        } else {
            outage.startMs = nowMs + qint64(item.value(QStringLiteral("start_in_ms")).toDouble(0));
            outage.endMs = outage.startMs + qint64(item.value(QStringLiteral("duration_ms")).toDouble(0));
        }
        if (outage.endMs <= outage.startMs)
            return bad(where, QStringLiteral("give \"duration_ms\" (and optionally \"start_in_ms\"), or \"start_at\" "
                                             "and a later \"end_at\" (ms since the epoch)"));
        out.outages << outage;
    }
    return {};
}

} // namespace

Result<Behaviour> Behaviour::fromJson(const QJsonObject &json, qint64 nowMs, const Behaviour &base)
{
    static const QStringList kKeys = {QStringLiteral("seed"),    QStringLiteral("tokens"),  QStringLiteral("errors"),
                                      QStringLiteral("bursts"),  QStringLiteral("latency"), QStringLiteral("goaway"),
                                      QStringLiteral("streams"), QStringLiteral("outages"), QStringLiteral("quota")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!kKeys.contains(it.key()))
            return bad(it.key(), QStringLiteral("unknown key (known: %1)").arg(kKeys.join(QStringLiteral(", "))));
    }
    Behaviour out = base;
    if (json.contains(QStringLiteral("seed")))
        out.seed = quint64(json.value(QStringLiteral("seed")).toDouble(1));
    using Parser = Result<void> (*)(const QJsonArray &, Behaviour &);
    const std::pair<QString, Parser> lists[] = {{QStringLiteral("tokens"), parseTokens},
                                                {QStringLiteral("errors"), parseErrors},
                                                {QStringLiteral("bursts"), parseBursts},
                                                {QStringLiteral("goaway"), parseGoAways}};
    for (const auto &[key, parser] : lists) {
        if (!json.contains(key))
            continue;
        Result<QJsonArray> items = arrayOf(json, key);
        if (!items)
            return items.error();
        if (Result<void> parsed = parser(*items, out); !parsed)
            return parsed.error();
    }
    if (json.contains(QStringLiteral("outages"))) {
        Result<QJsonArray> items = arrayOf(json, QStringLiteral("outages"));
        if (!items)
            return items.error();
        if (Result<void> parsed = parseOutages(*items, nowMs, out); !parsed)
            return parsed.error();
    }
    if (json.contains(QStringLiteral("latency"))) {
        const QJsonObject latency = json.value(QStringLiteral("latency")).toObject();
        for (auto it = latency.begin(); it != latency.end(); ++it) {
            const std::optional<PushService> service = pushServiceFromName(it.key());
            Result<LatencyDistribution> distribution = LatencyDistribution::parse(it.value().toString());
            if (!service)
                return bad(QStringLiteral("latency"), QStringLiteral("keys are \"fcm\" and \"apns\""));
            if (!distribution)
                return bad(QStringLiteral("latency.") + it.key(), distribution.error().message);
            (*service == PushService::Fcm ? out.fcmLatency : out.apnsLatency) = *distribution;
        }
    }
    if (json.contains(QStringLiteral("quota"))) {
        const QJsonObject quota = json.value(QStringLiteral("quota")).toObject();
        const double perMinute = quota.value(QStringLiteral("fcm_per_minute")).toDouble(-1);
        if (perMinute < 0 || perMinute > 1e12)
            return bad(QStringLiteral("quota.fcm_per_minute"),
                       QStringLiteral("must be a number of messages (0: no quota)"));
        out.fcmQuotaPerMinute = qint64(perMinute);
    }
    if (json.contains(QStringLiteral("streams"))) {
        const QJsonObject streams = json.value(QStringLiteral("streams")).toObject();
        const std::pair<QString, quint32 *> limits[] = {{QStringLiteral("fcm"), &out.fcmMaxConcurrentStreams},
                                                        {QStringLiteral("apns_initial"), &out.apnsInitialStreams},
                                                        {QStringLiteral("apns"), &out.apnsMaxConcurrentStreams}};
        for (const auto &[key, target] : limits) {
            if (!streams.contains(key))
                continue;
            const int value = streams.value(key).toInt(0);
            if (value <= 0)
                return bad(QStringLiteral("streams.") + key, QStringLiteral("must be a positive number of streams"));
            *target = quint32(value);
        }
    }
    return out;
}

QJsonObject Behaviour::toJson() const
{
    QJsonArray tokenList;
    for (const TokenRule &rule : tokens) {
        QJsonObject item{{QStringLiteral("service"), pushServiceName(rule.service)},
                         {QStringLiteral("token"), rule.token},
                         {QStringLiteral("match"), rule.isPrefix ? QStringLiteral("prefix") : QStringLiteral("exact")},
                         {QStringLiteral("state"), rule.state}};
        if (rule.timestampMs != 0)
            item.insert(QStringLiteral("timestamp"), double(rule.timestampMs));
        if (!rule.topic.isEmpty())
            item.insert(QStringLiteral("topic"), rule.topic);
        tokenList.append(item);
    }
    QJsonArray errorList;
    for (const ErrorRate &rate : errors)
        errorList.append(QJsonObject{{QStringLiteral("service"), pushServiceName(rate.service)},
                                     {QStringLiteral("code"), rate.code},
                                     {QStringLiteral("rate"), rate.rate},
                                     {QStringLiteral("retry_after"), rate.retryAfterSeconds}});
    QJsonArray burstList;
    for (const Burst &burst : bursts)
        burstList.append(QJsonObject{{QStringLiteral("service"), pushServiceName(burst.service)},
                                     {QStringLiteral("count"), burst.remaining},
                                     {QStringLiteral("code"), burst.code},
                                     {QStringLiteral("retry_after"), burst.retryAfterSeconds}});
    QJsonArray goAwayList;
    for (const GoAwayRule &rule : goAways)
        goAwayList.append(QJsonObject{{QStringLiteral("service"), pushServiceName(rule.service)},
                                      {QStringLiteral("after_streams"), int(rule.afterStreams)},
                                      {QStringLiteral("error_code"), int(rule.errorCode)},
                                      {QStringLiteral("reason"), rule.reason}});
    QJsonArray outageList;
    for (const Outage &outage : outages)
        outageList.append(QJsonObject{{QStringLiteral("service"), pushServiceName(outage.service)},
                                      {QStringLiteral("start_at"), double(outage.startMs)},
                                      {QStringLiteral("end_at"), double(outage.endMs)},
                                      {QStringLiteral("retry_after"), outage.retryAfterSeconds}});
    return QJsonObject{
        {QStringLiteral("seed"), double(seed)},
        {QStringLiteral("tokens"), tokenList},
        {QStringLiteral("errors"), errorList},
        {QStringLiteral("bursts"), burstList},
        {QStringLiteral("latency"),
         QJsonObject{{QStringLiteral("fcm"), fcmLatency.toString()}, {QStringLiteral("apns"), apnsLatency.toString()}}},
        {QStringLiteral("goaway"), goAwayList},
        {QStringLiteral("streams"), QJsonObject{{QStringLiteral("fcm"), int(fcmMaxConcurrentStreams)},
                                                {QStringLiteral("apns_initial"), int(apnsInitialStreams)},
                                                {QStringLiteral("apns"), int(apnsMaxConcurrentStreams)}}},
        {QStringLiteral("outages"), outageList},
        {QStringLiteral("quota"), QJsonObject{{QStringLiteral("fcm_per_minute"), double(fcmQuotaPerMinute)}}},
    };
}

} // namespace vestnik::sim
