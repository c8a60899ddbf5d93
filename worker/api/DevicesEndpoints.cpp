#include "api/DevicesEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/PeopleFields.h"
#include "store/DeviceRepository.h"
#include "store/UserRepository.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vestnik {

namespace pf = peoplefields;

namespace {

const Access kWriters = Access::rolesOrScopes({Principal::Role::Admin}, {QStringLiteral("devices:write")});
const Access kReaders = Access::rolesOrScopes(
    {Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst}, {QStringLiteral("devices:read")});

ApiResponse invalidRequest(const Error &error)
{
    return ApiResponse::error(400, QStringLiteral("invalid_request"), error.message);
}

} // namespace

DevicesEndpoints::DevicesEndpoints(const Database &database, const Sealer &sealer, const Clock &clock,
                                   const ApiAudit &audit, QObject *parent)
    : QObject(parent),
      m_audit(audit),
      m_devices(std::make_unique<DeviceRepository>(database, clock, sealer)),
      m_users(std::make_unique<UserRepository>(database, clock))
{}

DevicesEndpoints::~DevicesEndpoints() = default;

ApiResponse DevicesEndpoints::registerDevice(const ApiRequest &request) const
{
    const QString userId = request.pathParam(QStringLiteral("user_id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("user_id"), userId); !valid)
        return invalidRequest(valid.error());
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const Result<pf::DeviceRegistration> registration = pf::deviceRegistrationFrom(*body);
    if (!registration)
        return invalidRequest(registration.error());
    const Result<std::optional<Device>> known = m_devices->findByToken(registration->appId, registration->token);
    if (!known)
        return ApiResponse::fromError(known.error());
    const Result<qint64> id = m_devices->registerDevice(userId, registration->appId, registration->platform,
                                                        registration->token, registration->locale);
    if (!id && id.error().code == ErrorCode::NotFound)
        return ApiResponse::error(422, QStringLiteral("unknown_app"),
                                  QStringLiteral("there is no app '%1'").arg(registration->appId));
    if (!id)
        return ApiResponse::fromError(id.error());
    const Result<std::optional<Device>> device = m_devices->find(*id);
    if (!device || !device->has_value())
        return ApiResponse::fromError(
            device ? makeError(ErrorCode::Internal, QStringLiteral("a registered device vanished")) : device.error());
    const bool created = !known->has_value();
    m_audit.record(request, QStringLiteral("device.register"), QString::number(*id),
                   QJsonObject{{QStringLiteral("user_id"), userId},
                               {QStringLiteral("app_id"), registration->appId},
                               {QStringLiteral("platform"), platformName(registration->platform)},
                               {QStringLiteral("token_fingerprint"), pf::tokenFingerprint(registration->token)},
                               {QStringLiteral("created"), created}});
    return ApiResponse::json(pf::deviceJson(**device), created ? 201 : 200);
}

ApiResponse DevicesEndpoints::listDevices(const ApiRequest &request) const
{
    const QString userId = request.pathParam(QStringLiteral("user_id"));
    if (Result<void> valid = pf::checkId(QStringLiteral("user_id"), userId); !valid)
        return invalidRequest(valid.error());
    const Result<std::optional<User>> user = m_users->find(userId);
    if (!user)
        return ApiResponse::fromError(user.error());
    if (!user->has_value())
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("there is no such user"));
    const Result<QList<Device>> devices = m_devices->forUser(userId);
    if (!devices)
        return ApiResponse::fromError(devices.error());
    QJsonArray list;
    for (const Device &device : *devices)
        list.append(pf::deviceJson(device));
    return ApiResponse::json(QJsonObject{{QStringLiteral("user_id"), userId}, {QStringLiteral("devices"), list}});
}

ApiResponse DevicesEndpoints::updateDevice(const ApiRequest &request) const
{
    const Result<qint64> id = pf::numericId(QStringLiteral("id"), request.pathParam(QStringLiteral("id")));
    if (!id)
        return invalidRequest(id.error());
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    if (Result<void> known = pf::checkMembers(*body, {QStringLiteral("locale"), QStringLiteral("token")}); !known)
        return invalidRequest(known.error());
    const Result<std::optional<QString>> locale = pf::optionalString(*body, QStringLiteral("locale"));
    if (!locale)
        return invalidRequest(locale.error());
    const Result<std::optional<QString>> token = pf::optionalString(*body, QStringLiteral("token"));
    if (!token)
        return invalidRequest(token.error());
    if (!locale->has_value() && !token->has_value())
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("nothing to change: send 'locale' and/or 'token'"));
    if (*locale) {
        if (Result<void> valid = pf::checkLocale(**locale); !valid)
            return invalidRequest(valid.error());
    }
    if (*token) {
        if (Result<void> valid = pf::checkToken(**token); !valid)
            return invalidRequest(valid.error());
    }
    const Result<Device> device = m_devices->update(*id, *locale, *token);
    if (!device)
        return ApiResponse::fromError(device.error());
    QJsonObject detail{{QStringLiteral("user_id"), device->userId}, {QStringLiteral("app_id"), device->appId}};
    if (*locale)
        detail.insert(QStringLiteral("locale"), **locale);
    if (*token)
        detail.insert(QStringLiteral("token_fingerprint"), pf::tokenFingerprint(**token));
    m_audit.record(request, QStringLiteral("device.update"), QString::number(*id), detail);
    return ApiResponse::json(pf::deviceJson(*device));
}

ApiResponse DevicesEndpoints::unregisterDevice(const ApiRequest &request) const
{
    const Result<qint64> id = pf::numericId(QStringLiteral("id"), request.pathParam(QStringLiteral("id")));
    if (!id)
        return invalidRequest(id.error());
    const Result<bool> deactivated = m_devices->deactivate(*id, QStringLiteral("unregistered"));
    if (!deactivated)
        return ApiResponse::fromError(deactivated.error());
    const Result<std::optional<Device>> device = m_devices->find(*id);
    if (!device || !device->has_value())
        return ApiResponse::fromError(device ? makeError(ErrorCode::NotFound, QStringLiteral("no such device"))
                                             : device.error());
    if (*deactivated)
        m_audit.record(
            request, QStringLiteral("device.unregister"), QString::number(*id),
            QJsonObject{{QStringLiteral("user_id"), (*device)->userId}, {QStringLiteral("app_id"), (*device)->appId}});
    return ApiResponse::json(pf::deviceJson(**device));
}

Result<void> DevicesEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("POST", QStringLiteral("/v1/users/{user_id}/devices"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return registerDevice(request); })),
        api.addRoute("GET", QStringLiteral("/v1/users/{user_id}/devices"), kReaders,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return listDevices(request); })),
        api.addRoute("PATCH", QStringLiteral("/v1/devices/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return updateDevice(request); })),
        api.addRoute("DELETE", QStringLiteral("/v1/devices/{id}"), kWriters,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return unregisterDevice(request); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

} // namespace vestnik
