#include "api/TemplatesEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/BodyFields.h"
#include "store/TemplateRepository.h"
#include "store/TriggerRuleRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik {

namespace {

const Access kWriters = Access::roles({Principal::Role::Admin, Principal::Role::Marketer});
const Access kReaders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst});

QJsonObject templateJson(const Template &t)
{
    QJsonObject json{{QStringLiteral("id"), t.id},
                     {QStringLiteral("name"), t.name},
                     {QStringLiteral("latest_version"), t.latestVersion},
                     {QStringLiteral("created_at"), t.createdAtMs},
                     {QStringLiteral("updated_at"), t.updatedAtMs}};
    if (t.archivedAtMs)
        json.insert(QStringLiteral("deleted_at"), *t.archivedAtMs);
    return json;
}

QJsonObject versionJson(const TemplateVersion &v, bool withContent)
{
    QJsonObject json{{QStringLiteral("version"), v.version},
                     {QStringLiteral("created_by"), v.createdBy},
                     {QStringLiteral("created_at"), v.createdAtMs}};
    if (withContent)
        json.insert(QStringLiteral("content"), v.content);
    return json;
}

QJsonObject issueJson(const TemplateIssue &issue)
{
    QJsonObject json{
        {QStringLiteral("severity"), issue.isError() ? QStringLiteral("error") : QStringLiteral("warning")},
        {QStringLiteral("field"), issue.field},
        {QStringLiteral("message"), issue.messageEn},
        {QStringLiteral("message_ru"), issue.messageRu}};
    return json;
}

QJsonArray issuesJson(const QList<TemplateIssue> &issues)
{
    QJsonArray list;
    for (const TemplateIssue &issue : issues)
        list.append(issueJson(issue));
    return list;
}

/// 422 with every problem of a refused template; the compile error (the first one the compiler met) carries its
/// line, column and kind. `what` starts the message ("the template was not saved").
ApiResponse refusal(const ApiRequest &request, const QList<TemplateIssue> &errors, const PushTemplate &pushTemplate,
                    const QString &what)
{
    const Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(pushTemplate);
    QJsonArray details;
    for (const TemplateIssue &issue : errors) {
        QJsonObject json = issueJson(issue);
        if (!compiled && compiled.error().field == issue.field && compiled.error().line > 0) {
            json.insert(QStringLiteral("line"), compiled.error().line);
            json.insert(QStringLiteral("column"), compiled.error().column);
            json.insert(QStringLiteral("kind"), compiled.error().kindName());
        }
        details.append(json);
    }
    const QString first = errors.isEmpty() ? QString() : errors.constFirst().message();
    const QJsonObject error{
        {QStringLiteral("code"), QStringLiteral("invalid_template")},
        {QStringLiteral("message"),
         QStringLiteral("%1: %2%3")
             .arg(what, first,
                  errors.size() > 1 ? QStringLiteral(" (and %1 more)").arg(errors.size() - 1) : QString())},
        {QStringLiteral("request_id"), request.requestId},
        {QStringLiteral("details"), details}};
    return ApiResponse::json(QJsonObject{{QStringLiteral("error"), error}}, 422);
}

} // namespace

TemplatesEndpoints::TemplatesEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit,
                                       QObject *parent)
    : QObject(parent),
      m_audit(audit),
      m_templates(std::make_unique<TemplateRepository>(database, clock)),
      m_catalog(std::make_unique<TemplateCatalog>(*m_templates)),
      m_users(std::make_unique<UserRepository>(database, clock)),
      m_rules(std::make_unique<TriggerRuleRepository>(database, clock))
{}

TemplatesEndpoints::~TemplatesEndpoints() = default;

Result<void> TemplatesEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("GET", QStringLiteral("/v1/templates"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return list(request); })),
        api.addRoute("GET", QStringLiteral("/v1/templates/{id}"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return show(request); })),
        api.addRoute("GET", QStringLiteral("/v1/templates/{id}/versions/{version}"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return showVersion(request); })),
        api.addRoute("PUT", QStringLiteral("/v1/templates/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return save(request); })),
        api.addRoute("POST", QStringLiteral("/v1/templates/{id}/preview"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return preview(request); })),
        api.addRoute("DELETE", QStringLiteral("/v1/templates/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return remove(request); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

ApiResponse TemplatesEndpoints::list(const ApiRequest &request) const
{
    const QString deleted = request.query.queryItemValue(QStringLiteral("deleted"));
    if (!deleted.isEmpty() && deleted != QStringLiteral("true") && deleted != QStringLiteral("false"))
        return ApiResponse::error(400, QStringLiteral("invalid_request"), QStringLiteral("'deleted' is true or false"));
    const Result<QList<Template>> templates = m_templates->list(deleted == QStringLiteral("true"));
    if (!templates)
        return ApiResponse::fromError(templates.error());
    QJsonArray list;
    for (const Template &t : *templates)
        list.append(templateJson(t));
    return ApiResponse::json(QJsonObject{{QStringLiteral("templates"), list}});
}

ApiResponse TemplatesEndpoints::show(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    const Result<std::optional<Template>> found = m_templates->find(id);
    if (!found)
        return ApiResponse::fromError(found.error());
    if (!*found)
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no template %1").arg(id));
    const Result<QList<TemplateVersion>> versions = m_templates->versions(id);
    if (!versions)
        return ApiResponse::fromError(versions.error());
    QJsonObject json = templateJson(**found);
    QJsonArray list;
    for (const TemplateVersion &v : *versions)
        list.append(versionJson(v, false));
    json.insert(QStringLiteral("versions"), list);
    if (!versions->isEmpty())
        json.insert(QStringLiteral("latest"), versionJson(versions->constLast(), true));
    return ApiResponse::json(json);
}

ApiResponse TemplatesEndpoints::showVersion(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    bool ok = false;
    const int number = request.pathParam(QStringLiteral("version")).toInt(&ok);
    if (!ok || number < 1)
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("a version is a whole number from 1"));
    const Result<std::optional<TemplateVersion>> found = m_templates->version(id, number);
    if (!found)
        return ApiResponse::fromError(found.error());
    if (!*found)
        return ApiResponse::error(404, QStringLiteral("not_found"),
                                  QStringLiteral("template %1 has no version %2").arg(id).arg(number));
    QJsonObject json = versionJson(**found, true);
    json.insert(QStringLiteral("id"), id);
    return ApiResponse::json(json);
}

ApiResponse TemplatesEndpoints::save(const ApiRequest &request)
{
    Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const QString id = request.pathParam(QStringLiteral("id"));
    Result<std::optional<QJsonObject>> sample = bodyfields::object(*body, QStringLiteral("sample"));
    if (!sample)
        return ApiResponse::fromError(sample.error());
    Result<std::optional<QString>> bodyId = bodyfields::string(*body, QStringLiteral("id"));
    if (!bodyId)
        return ApiResponse::fromError(bodyId.error());
    if (bodyId->has_value() && **bodyId != id)
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("'id' (%1) differs from the template in the path").arg(**bodyId));
    body->remove(QStringLiteral("sample"));
    body->insert(QStringLiteral("id"), id);
    Result<PushTemplate> pushTemplate = PushTemplate::fromJson(*body);
    if (!pushTemplate)
        return ApiResponse::fromError(pushTemplate.error());

    const Result<std::optional<TemplateVersion>> latest = m_templates->latest(id);
    if (!latest)
        return ApiResponse::fromError(latest.error());
    const Result<std::optional<Template>> existing = m_templates->find(id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    // Saving what the latest version already holds (and the same name) makes no new version.
    if (*latest && (*latest)->content == pushTemplate->toJson() && *existing && (*existing)->name == pushTemplate->name)
        return ApiResponse::json(QJsonObject{{QStringLiteral("id"), id},
                                             {QStringLiteral("version"), (*latest)->version},
                                             {QStringLiteral("unchanged"), true},
                                             {QStringLiteral("warnings"), QJsonArray()}});

    const nlohmann::json variables = bodyfields::toNlohmann(sample->value_or(QJsonObject()));
    const QString author = request.principal ? request.principal->subject : QString();
    Result<SavedTemplate, QList<TemplateIssue>> saved = m_catalog->save(*pushTemplate, variables, author);
    if (!saved)
        return refusal(request, saved.error(), *pushTemplate, QStringLiteral("the template was not saved"));
    m_audit.record(
        request, QStringLiteral("template.save"), id,
        QJsonObject{{QStringLiteral("version"), saved->version}, {QStringLiteral("name"), pushTemplate->name}});
    const bool created = !existing->has_value();
    ApiResponse response = ApiResponse::json(QJsonObject{{QStringLiteral("id"), id},
                                                         {QStringLiteral("version"), saved->version},
                                                         {QStringLiteral("unchanged"), false},
                                                         {QStringLiteral("warnings"), issuesJson(saved->warnings)}},
                                             created ? 201 : 200);
    if (created)
        response.setHeader("Location", "/v1/templates/" + QUrl::toPercentEncoding(id));
    return response;
}

ApiResponse TemplatesEndpoints::preview(const ApiRequest &request) const
{
    Result<QJsonObject> body =
        request.body.trimmed().isEmpty() ? Result<QJsonObject>(QJsonObject()) : request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    Result<std::optional<QString>> userId = bodyfields::string(*body, QStringLiteral("user_id"));
    if (!userId)
        return ApiResponse::fromError(userId.error());
    Result<std::optional<QJsonObject>> variables = bodyfields::object(*body, QStringLiteral("variables"));
    if (!variables)
        return ApiResponse::fromError(variables.error());
    Result<std::optional<QString>> locale = bodyfields::string(*body, QStringLiteral("locale"));
    if (!locale)
        return ApiResponse::fromError(locale.error());
    Result<std::optional<qint64>> version = bodyfields::integer(*body, QStringLiteral("version"));
    if (!version)
        return ApiResponse::fromError(version.error());
    if (version->value_or(0) < 0)
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("'version' is a whole number from 1 (or absent: the latest)"));
    Result<std::optional<QJsonObject>> draft = bodyfields::object(*body, QStringLiteral("template"));
    if (!draft)
        return ApiResponse::fromError(draft.error());

    const QString id = request.pathParam(QStringLiteral("id"));
    // A draft (the console's editor, before it is saved) is previewed as it is; else a stored version.
    std::optional<PushTemplate> previewed;
    int previewedVersion = 0;
    if (draft->has_value()) {
        if (version->has_value())
            return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                      QStringLiteral("'template' and 'version' exclude each other"));
        QJsonObject content = **draft;
        content.insert(QStringLiteral("id"), id);
        Result<PushTemplate> parsed = PushTemplate::fromJson(content);
        if (!parsed)
            return ApiResponse::fromError(parsed.error());
        previewed = std::move(*parsed);
    } else {
        Result<TemplateCatalog::Resolved> resolved = m_catalog->resolve(id, int(version->value_or(0)));
        if (!resolved)
            return ApiResponse::fromError(resolved.error());
        previewed = resolved->compiled.source();
        previewedVersion = resolved->version;
    }

    // The sample is what a send would see: the request's variables over the user's attributes.
    QJsonObject sample;
    QString recipientLocale = locale->value_or(QString());
    QString timeZone;
    if (userId->has_value()) {
        const Result<std::optional<User>> user = m_users->find(**userId);
        if (!user)
            return ApiResponse::fromError(user.error());
        if (!*user)
            return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no user %1").arg(**userId));
        sample = (*user)->attributes;
        timeZone = (*user)->timezone;
        if (recipientLocale.isEmpty())
            recipientLocale = (*user)->locale;
    }
    const QJsonObject given = variables->value_or(QJsonObject());
    for (auto it = given.begin(); it != given.end(); ++it)
        sample.insert(it.key(), it.value());

    const PushTemplate &source = *previewed;
    QString chosen;
    source.contentFor(recipientLocale, &chosen);
    const TemplatePreview built = TemplatePreview::build(source, bodyfields::toNlohmann(sample), timeZone);
    if (!built.compiled()) {
        // Only a draft can fail to compile (a stored version compiled when it was saved).
        QList<TemplateIssue> errors;
        for (const TemplateIssue &issue : built.issues()) {
            if (issue.isError())
                errors << issue;
        }
        return refusal(request, errors, source, QStringLiteral("the template does not compile"));
    }
    QJsonArray payloads;
    for (const PreviewPayload &payload : built.payloads()) {
        if (payload.locale != chosen)
            continue;
        const bool ios = payload.platform == QStringLiteral("ios");
        payloads.append(QJsonObject{{QStringLiteral("platform"), payload.platform},
                                    {QStringLiteral("provider"), ios ? QStringLiteral("apns") : QStringLiteral("fcm")},
                                    {QStringLiteral("title"), payload.title},
                                    {QStringLiteral("body"), payload.body},
                                    {QStringLiteral("payload"), QJsonDocument::fromJson(payload.payload).object()},
                                    {QStringLiteral("size"), payload.size},
                                    {QStringLiteral("limit"), payload.limit}});
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("id"), id},
                                         {QStringLiteral("version"), previewedVersion},
                                         {QStringLiteral("locale"), chosen},
                                         {QStringLiteral("payloads"), payloads},
                                         {QStringLiteral("issues"), issuesJson(built.issues())}});
}

ApiResponse TemplatesEndpoints::remove(const ApiRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    const Result<QList<TriggerRule>> rules = m_rules->all();
    if (!rules)
        return ApiResponse::fromError(rules.error());
    QStringList users;
    for (const TriggerRule &rule : *rules) {
        if (rule.templateId == id)
            users << QString::number(rule.id);
    }
    if (!users.isEmpty())
        return ApiResponse::error(
            409, QStringLiteral("template_in_use"),
            QStringLiteral("template %1 is used by trigger rule(s) %2; change or delete them first")
                .arg(id, users.join(QStringLiteral(", "))));
    const Result<bool> archived = m_templates->archive(id);
    if (!archived)
        return ApiResponse::fromError(archived.error());
    if (!*archived)
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no template %1").arg(id));
    // Versions stay: deliveries and retries name them; saving the template again continues its numbering.
    m_audit.record(request, QStringLiteral("template.delete"), id);
    return ApiResponse::noContent();
}

} // namespace vestnik
