#include "control/FaultInjector.h"

#include "transport/ServerConnection.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik::sim {

namespace {

constexpr quint64 kFaultPurpose = 1;
constexpr quint64 kLatencyPurpose = 2;

int indexOf(PushService service)
{
    return service == PushService::Fcm ? 0 : 1;
}

quint64 mix(quint64 x)
{
    // splitmix64 finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

quint64 fnv1a(std::string_view text)
{
    quint64 hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= quint64(uchar(c));
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

FaultInjector::FaultInjector(const Clock &clock) : m_clock(clock) {}

void FaultInjector::setBehaviour(Behaviour behaviour)
{
    m_behaviour = std::move(behaviour);
    for (auto &map : m_exact)
        map.clear();
    m_hasPrefixRules[0] = m_hasPrefixRules[1] = false;
    for (qsizetype i = 0; i < m_behaviour.tokens.size(); ++i) {
        const Behaviour::TokenRule &rule = m_behaviour.tokens.at(i);
        if (rule.isPrefix)
            m_hasPrefixRules[indexOf(rule.service)] = true;
        else
            m_exact[indexOf(rule.service)][rule.token.toStdString()] = i;
    }
}

const Behaviour::TokenRule *FaultInjector::tokenRule(PushService service, std::string_view token) const
{
    const auto &exact = m_exact[indexOf(service)];
    if (!exact.empty()) {
        if (const auto it = exact.find(token); it != exact.end())
            return &m_behaviour.tokens.at(it->second);
    }
    if (!m_hasPrefixRules[indexOf(service)])
        return nullptr;
    const Behaviour::TokenRule *best = nullptr;
    const QString text = QString::fromUtf8(token.data(), qsizetype(token.size()));
    for (const Behaviour::TokenRule &rule : m_behaviour.tokens) {
        if (rule.service == service && rule.isPrefix && text.startsWith(rule.token)
            && (!best || rule.token.size() > best->token.size()))
            best = &rule;
    }
    return best;
}

std::optional<FaultInjector::Fault> FaultInjector::outage(PushService service) const
{
    if (m_behaviour.outages.isEmpty())
        return std::nullopt;
    const qint64 now = m_clock.nowMs();
    for (const Behaviour::Outage &window : m_behaviour.outages) {
        if (window.service == service && window.startMs <= now && now < window.endMs)
            return Fault{service == PushService::Fcm ? QStringLiteral("UNAVAILABLE")
                                                     : QStringLiteral("ServiceUnavailable"),
                         window.retryAfterSeconds};
    }
    return std::nullopt;
}

std::optional<FaultInjector::Fault> FaultInjector::fault(PushService service, std::string_view token, quint64 attempt)
{
    for (qsizetype i = 0; i < m_behaviour.bursts.size(); ++i) {
        Behaviour::Burst &burst = m_behaviour.bursts[i];
        if (burst.service != service)
            continue;
        Fault fault{burst.code, burst.retryAfterSeconds};
        if (--burst.remaining <= 0)
            m_behaviour.bursts.removeAt(i);
        return fault;
    }
    if (m_behaviour.errors.isEmpty())
        return std::nullopt;
    const double draw = unit(service, token, attempt, kFaultPurpose);
    double cumulative = 0;
    for (const Behaviour::ErrorRate &rate : std::as_const(m_behaviour.errors)) {
        if (rate.service != service)
            continue;
        cumulative += rate.rate;
        if (draw < cumulative)
            return Fault{rate.code, rate.retryAfterSeconds};
    }
    return std::nullopt;
}

std::chrono::milliseconds FaultInjector::latency(PushService service, std::string_view token, quint64 attempt) const
{
    const LatencyDistribution &distribution =
        service == PushService::Fcm ? m_behaviour.fcmLatency : m_behaviour.apnsLatency;
    if (distribution.isNone())
        return std::chrono::milliseconds(0);
    return distribution.sample(unit(service, token, attempt, kLatencyPurpose),
                               unit(service, token, attempt, kLatencyPurpose + 100));
}

const Behaviour::GoAwayRule *FaultInjector::goAwayRule(PushService service) const
{
    for (const Behaviour::GoAwayRule &rule : m_behaviour.goAways) {
        if (rule.service == service)
            return &rule;
    }
    return nullptr;
}

void FaultInjector::applyGoAwayRule(PushService service, ServerConnection &connection, int streamId) const
{
    const Behaviour::GoAwayRule *rule = goAwayRule(service);
    if (!rule || connection.requestsDispatched() < rule->afterStreams)
        return;
    const QString reason = rule->reason.isEmpty() ? QStringLiteral("Shutdown") : rule->reason;
    connection.goAway(rule->errorCode,
                      QJsonDocument(QJsonObject{{QStringLiteral("reason"), reason}}).toJson(QJsonDocument::Compact),
                      streamId);
}

double FaultInjector::unit(PushService service, std::string_view token, quint64 attempt, quint64 purpose) const
{
    quint64 x = mix(m_behaviour.seed ^ mix(fnv1a(token) + quint64(indexOf(service))));
    x = mix(x ^ mix(attempt + 0x51ed270b27aULL * purpose));
    return double(x >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace vestnik::sim
