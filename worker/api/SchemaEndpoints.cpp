#include "api/SchemaEndpoints.h"

#include "api/ApiServer.h"
#include "store/TriggerStateRepository.h"
#include "store/UserRepository.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vestnik {

namespace {

const Access kReaders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer, Principal::Role::Analyst});

} // namespace

SchemaEndpoints::SchemaEndpoints(const Database &database, const Clock &clock, QObject *parent)
    : QObject(parent),
      m_users(std::make_unique<UserRepository>(database, clock)),
      m_triggerState(std::make_unique<TriggerStateRepository>(database))
{}

SchemaEndpoints::~SchemaEndpoints() = default;

Result<void> SchemaEndpoints::addRoutes(ApiServer &api)
{
    return api.addRoute("GET", QStringLiteral("/v1/schema/fields"), kReaders,
                        ApiServer::SyncHandler([this](const ApiRequest &request) { return fields(request); }));
}

ApiResponse SchemaEndpoints::fields(const ApiRequest &) const
{
    const Result<QStringList> attributes = m_users->attributeKeys(kUserSample);
    if (!attributes)
        return ApiResponse::fromError(attributes.error());
    const Result<QMap<QString, QStringList>> eventFields = m_triggerState->eventFields();
    if (!eventFields)
        return ApiResponse::fromError(eventFields.error());
    QJsonObject events;
    for (auto it = eventFields->cbegin(); it != eventFields->cend(); ++it)
        events.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return ApiResponse::json(QJsonObject{{QStringLiteral("user_attributes"), QJsonArray::fromStringList(*attributes)},
                                         {QStringLiteral("event_fields"), events}});
}

} // namespace vestnik
