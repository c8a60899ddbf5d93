#include "api/UsersEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/PeopleFields.h"
#include "store/UserRepository.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace vestnik {

namespace pf = peoplefields;

namespace {

const Access kWriters = Access::rolesOrScopes({Principal::Role::Admin}, {QStringLiteral("devices:write")});
const Access kReaders =
    Access::rolesOrScopes({Principal::Role::Admin, Principal::Role::Marketer}, {QStringLiteral("devices:read")});

ApiResponse invalidRequest(const QString &message)
{
    return ApiResponse::error(400, QStringLiteral("invalid_request"), message);
}

/// Applies the members present in `body` to `user`; a message for the client when one is wrong.
QString applyChanges(const QJsonObject &body, User &user)
{
    if (Result<void> known = pf::checkMembers(
            body, {QStringLiteral("locale"), QStringLiteral("timezone"), QStringLiteral("attributes")});
        !known)
        return known.error().message;
    const Result<std::optional<QString>> locale = pf::optionalString(body, QStringLiteral("locale"));
    if (!locale)
        return locale.error().message;
    if (*locale) {
        if (Result<void> valid = pf::checkLocale(**locale); !valid)
            return valid.error().message;
        user.locale = **locale;
    }
    const Result<std::optional<QString>> timezone = pf::optionalString(body, QStringLiteral("timezone"));
    if (!timezone)
        return timezone.error().message;
    if (*timezone) {
        if (!(*timezone)->isEmpty() && !QTimeZone::isTimeZoneIdAvailable((*timezone)->toUtf8()))
            return QStringLiteral("'timezone' must be an IANA time zone such as \"Europe/Moscow\"");
        user.timezone = **timezone;
    }
    const QJsonValue attributes = body.value(QStringLiteral("attributes"));
    if (!attributes.isUndefined() && !attributes.isNull()) {
        if (!attributes.isObject())
            return QStringLiteral("'attributes' must be a JSON object");
        const qsizetype size = QJsonDocument(attributes.toObject()).toJson(QJsonDocument::Compact).size();
        if (size > pf::kMaxAttributesBytes)
            return QStringLiteral("'attributes' are %1 bytes as JSON; at most %2 are allowed")
                .arg(size)
                .arg(pf::kMaxAttributesBytes);
        user.attributes = attributes.toObject();
    }
    return QString();
}

} // namespace

UsersEndpoints::UsersEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit, QObject *parent)
    : QObject(parent), m_audit(audit), m_users(std::make_unique<UserRepository>(database, clock))
{}

UsersEndpoints::~UsersEndpoints() = default;

ApiResponse UsersEndpoints::upsertUser(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("id"), id); !valid)
        return invalidRequest(valid.error().message);
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const Result<std::optional<User>> existing = m_users->find(id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    User user = existing->value_or(User{});
    user.id = id;
    if (const QString refused = applyChanges(*body, user); !refused.isEmpty())
        return invalidRequest(refused);
    if (Result<void> saved = m_users->upsert(user); !saved)
        return ApiResponse::fromError(saved.error());
    const Result<std::optional<User>> stored = m_users->find(id);
    if (!stored || !stored->has_value())
        return ApiResponse::fromError(stored ? makeError(ErrorCode::Internal, QStringLiteral("a saved user vanished"))
                                             : stored.error());
    const bool created = !existing->has_value();
    m_audit.record(request, QStringLiteral("user.upsert"), id,
                   QJsonObject{{QStringLiteral("created"), created},
                               {QStringLiteral("fields"), QJsonValue(body->keys().join(QLatin1Char(',')))}});
    return ApiResponse::json(pf::userJson(**stored), created ? 201 : 200);
}

ApiResponse UsersEndpoints::readUser(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("id"), id); !valid)
        return invalidRequest(valid.error().message);
    const Result<std::optional<User>> user = m_users->find(id);
    if (!user)
        return ApiResponse::fromError(user.error());
    if (!user->has_value())
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no such user"));
    return ApiResponse::json(pf::userJson(**user));
}

ApiResponse UsersEndpoints::forgetUser(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("id"), id); !valid)
        return invalidRequest(valid.error().message);
    const Result<UserRepository::Forgotten> forgotten = m_users->forget(id);
    if (!forgotten)
        return ApiResponse::fromError(forgotten.error());
    const QJsonObject removed{{QStringLiteral("user"), forgotten->user},
                              {QStringLiteral("devices"), forgotten->devices},
                              {QStringLiteral("activity"), forgotten->activity},
                              {QStringLiteral("trigger_fires"), forgotten->triggerFires},
                              {QStringLiteral("scheduled_sends"), forgotten->scheduledSends},
                              {QStringLiteral("deliveries"), forgotten->deliveries},
                              {QStringLiteral("delivery_events"), forgotten->deliveryEvents},
                              {QStringLiteral("tracking_reports"), forgotten->trackingReports},
                              {QStringLiteral("send_jobs"), forgotten->sendJobs}};
    if (!forgotten->user && forgotten->devices == 0 && forgotten->deliveries == 0)
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no such user"));
    m_audit.record(request, QStringLiteral("user.forget"), id, removed);
    return ApiResponse::json(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("removed"), removed}});
}

Result<void> UsersEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("PUT", QStringLiteral("/v1/users/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return upsertUser(request); })),
        api.addRoute("GET", QStringLiteral("/v1/users/{id}"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return readUser(request); })),
        api.addRoute("DELETE", QStringLiteral("/v1/users/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return forgetUser(request); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

} // namespace vestnik
