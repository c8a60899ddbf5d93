#include "api/TriggerRulesEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/BodyFields.h"
#include "store/TriggerRuleRepository.h"

#include <QJsonArray>

#include <algorithm>

namespace vestnik {

namespace {

const Access kWriters = Access::roles({Principal::Role::Admin, Principal::Role::Marketer});
const Access kReaders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst});

QJsonObject ruleJson(const TriggerRule &rule)
{
    QJsonObject json{{QStringLiteral("id"), rule.id},
                     {QStringLiteral("name"), rule.name},
                     {QStringLiteral("event_type"), rule.eventType},
                     {QStringLiteral("condition"), bodyfields::fromNlohmann(rule.condition)},
                     {QStringLiteral("template_id"), rule.templateId},
                     {QStringLiteral("app_id"), rule.appId},
                     {QStringLiteral("enabled"), rule.enabled},
                     {QStringLiteral("cap_count"), rule.capCount},
                     {QStringLiteral("cap_window_seconds"), rule.capWindowSeconds},
                     {QStringLiteral("created_at"), rule.createdAtMs},
                     {QStringLiteral("updated_at"), rule.updatedAtMs}};
    json.insert(QStringLiteral("quiet_hours"),
                rule.quietHours ? QJsonValue(QJsonObject{{QStringLiteral("start_minute"), rule.quietHours->startMinute},
                                                         {QStringLiteral("end_minute"), rule.quietHours->endMinute}})
                                : QJsonValue());
    return json;
}

/// The rule a request body describes; wrong JSON types are InvalidArgument (400), what the types allow but a rule
/// does not is left to the repository's check (422).
Result<TriggerRule> ruleFrom(const QJsonObject &body)
{
    TriggerRule rule;
    Result<std::optional<QString>> name = bodyfields::string(body, QStringLiteral("name"));
    Result<std::optional<QString>> eventType = bodyfields::string(body, QStringLiteral("event_type"));
    Result<std::optional<QString>> templateId = bodyfields::string(body, QStringLiteral("template_id"));
    Result<std::optional<QString>> appId = bodyfields::string(body, QStringLiteral("app_id"));
    for (const auto *field : {&name, &eventType, &templateId, &appId}) {
        if (!*field)
            return field->error();
    }
    rule.name = name->value_or(QString());
    rule.eventType = eventType->value_or(QString());
    rule.templateId = templateId->value_or(QString());
    rule.appId = appId->value_or(QString());
    const Result<std::optional<bool>> enabled = bodyfields::boolean(body, QStringLiteral("enabled"));
    if (!enabled)
        return enabled.error();
    rule.enabled = enabled->value_or(true);
    const QJsonValue condition = body.value(QStringLiteral("condition"));
    if (!condition.isUndefined() && !condition.isNull() && !condition.isObject())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("'condition' must be an object or null"));
    rule.condition = condition.isObject() ? bodyfields::toNlohmann(condition) : nlohmann::json();
    const Result<std::optional<qint64>> capCount = bodyfields::integer(body, QStringLiteral("cap_count"));
    if (!capCount)
        return capCount.error();
    if (capCount->value_or(0) < 0 || capCount->value_or(0) > 1'000'000)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("'cap_count' must be from 0 to 1000000"));
    rule.capCount = int(capCount->value_or(0));
    const Result<std::optional<qint64>> capWindow = bodyfields::integer(body, QStringLiteral("cap_window_seconds"));
    if (!capWindow)
        return capWindow.error();
    rule.capWindowSeconds = capWindow->value_or(rule.capWindowSeconds);
    const Result<std::optional<QJsonObject>> quiet = bodyfields::object(body, QStringLiteral("quiet_hours"));
    if (!quiet)
        return quiet.error();
    if (*quiet) {
        const Result<std::optional<qint64>> start = bodyfields::integer(**quiet, QStringLiteral("start_minute"));
        const Result<std::optional<qint64>> end = bodyfields::integer(**quiet, QStringLiteral("end_minute"));
        if (!start || !end || !start->has_value() || !end->has_value())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("'quiet_hours' needs start_minute and "
                                                                        "end_minute, whole numbers of minutes after "
                                                                        "local midnight"));
        rule.quietHours =
            QuietHours{int(std::clamp<qint64>(**start, -1, 100'000)), int(std::clamp<qint64>(**end, -1, 100'000))};
    }
    return rule;
}

/// A refusal of the repository's check: 422 with its message.
ApiResponse invalidRule(const Error &error)
{
    if (error.code == ErrorCode::InvalidArgument || error.code == ErrorCode::NotFound)
        return ApiResponse::error(422, QStringLiteral("invalid_rule"), error.message);
    return ApiResponse::fromError(error);
}

std::optional<qint64> ruleId(const ApiRequest &request)
{
    bool ok = false;
    const qint64 id = request.pathParam(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? std::optional<qint64>(id) : std::nullopt;
}

ApiResponse noSuchRule(const ApiRequest &request)
{
    return ApiResponse::error(404, QStringLiteral("not_found"),
                              QStringLiteral("no rule %1").arg(request.pathParam(QStringLiteral("id"))));
}

} // namespace

TriggerRulesEndpoints::TriggerRulesEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit,
                                             std::function<void()> rulesChanged, QObject *parent)
    : QObject(parent),
      m_audit(audit),
      m_rulesChanged(std::move(rulesChanged)),
      m_rules(std::make_unique<TriggerRuleRepository>(database, clock))
{}

TriggerRulesEndpoints::~TriggerRulesEndpoints() = default;

Result<void> TriggerRulesEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("GET", QStringLiteral("/v1/trigger-rules"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &) { return list(); })),
        api.addRoute("POST", QStringLiteral("/v1/trigger-rules"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return create(request); })),
        api.addRoute("GET", QStringLiteral("/v1/trigger-rules/{id}"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return show(request); })),
        api.addRoute("PUT", QStringLiteral("/v1/trigger-rules/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return replace(request); })),
        api.addRoute("DELETE", QStringLiteral("/v1/trigger-rules/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return remove(request); })),
        api.addRoute("POST", QStringLiteral("/v1/trigger-rules/{id}/enable"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return setEnabled(request, true); })),
        api.addRoute("POST", QStringLiteral("/v1/trigger-rules/{id}/disable"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return setEnabled(request, false); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

ApiResponse TriggerRulesEndpoints::list() const
{
    const Result<QList<TriggerRule>> rules = m_rules->all();
    if (!rules)
        return ApiResponse::fromError(rules.error());
    QJsonArray list;
    for (const TriggerRule &rule : *rules)
        list.append(ruleJson(rule));
    return ApiResponse::json(QJsonObject{{QStringLiteral("rules"), list}});
}

ApiResponse TriggerRulesEndpoints::show(const ApiRequest &request) const
{
    const std::optional<qint64> id = ruleId(request);
    if (!id)
        return noSuchRule(request);
    const Result<std::optional<TriggerRule>> rule = m_rules->find(*id);
    if (!rule)
        return ApiResponse::fromError(rule.error());
    if (!*rule)
        return noSuchRule(request);
    return ApiResponse::json(ruleJson(**rule));
}

ApiResponse TriggerRulesEndpoints::create(const ApiRequest &request)
{
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    Result<TriggerRule> rule = ruleFrom(*body);
    if (!rule)
        return ApiResponse::fromError(rule.error());
    const Result<qint64> id = m_rules->create(*rule);
    if (!id)
        return invalidRule(id.error());
    m_audit.record(
        request, QStringLiteral("trigger_rule.create"), QString::number(*id),
        QJsonObject{{QStringLiteral("name"), rule->name}, {QStringLiteral("template_id"), rule->templateId}});
    if (m_rulesChanged)
        m_rulesChanged();
    const Result<std::optional<TriggerRule>> stored = m_rules->find(*id);
    if (!stored || !*stored)
        return stored ? ApiResponse::error(500, QStringLiteral("internal"), QStringLiteral("the rule vanished"))
                      : ApiResponse::fromError(stored.error());
    return ApiResponse::json(ruleJson(**stored), 201)
        .setHeader("Location", "/v1/trigger-rules/" + QByteArray::number(*id));
}

ApiResponse TriggerRulesEndpoints::replace(const ApiRequest &request)
{
    const std::optional<qint64> id = ruleId(request);
    if (!id)
        return noSuchRule(request);
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    Result<TriggerRule> rule = ruleFrom(*body);
    if (!rule)
        return ApiResponse::fromError(rule.error());
    const Result<std::optional<TriggerRule>> existing = m_rules->find(*id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    if (!*existing)
        return noSuchRule(request);
    rule->id = *id;
    if (Result<void> updated = m_rules->update(*rule); !updated)
        return invalidRule(updated.error());
    m_audit.record(
        request, QStringLiteral("trigger_rule.update"), QString::number(*id),
        QJsonObject{{QStringLiteral("name"), rule->name}, {QStringLiteral("template_id"), rule->templateId}});
    if (m_rulesChanged)
        m_rulesChanged();
    return show(request);
}

ApiResponse TriggerRulesEndpoints::setEnabled(const ApiRequest &request, bool enabled)
{
    const std::optional<qint64> id = ruleId(request);
    if (!id)
        return noSuchRule(request);
    if (Result<void> done = m_rules->setEnabled(*id, enabled); !done)
        return ApiResponse::fromError(done.error());
    m_audit.record(request, enabled ? QStringLiteral("trigger_rule.enable") : QStringLiteral("trigger_rule.disable"),
                   QString::number(*id));
    if (m_rulesChanged)
        m_rulesChanged();
    return show(request);
}

ApiResponse TriggerRulesEndpoints::remove(const ApiRequest &request)
{
    const std::optional<qint64> id = ruleId(request);
    if (!id)
        return noSuchRule(request);
    const Result<bool> removed = m_rules->remove(*id);
    if (!removed)
        return ApiResponse::fromError(removed.error());
    if (!*removed)
        return noSuchRule(request);
    m_audit.record(request, QStringLiteral("trigger_rule.delete"), QString::number(*id));
    if (m_rulesChanged)
        m_rulesChanged();
    return ApiResponse::noContent();
}

} // namespace vestnik
