#include "api/AppsEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/BodyFields.h"
#include "provider/ApnsCredential.h"
#include "provider/ServiceAccount.h"
#include "store/AppRepository.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace vestnik {

namespace {

const Access kAdmins = Access::roles({Principal::Role::Admin});

/// What may be said about a stored secret: the facts that identify it, never the key.
QJsonObject credentialFacts(const ProviderCredential &credential)
{
    QJsonObject json{{QStringLiteral("configured"), true}, {QStringLiteral("updated_at"), credential.updatedAtMs}};
    if (credential.provider == Provider::Fcm) {
        const Result<ServiceAccount> account = ServiceAccount::fromJson(credential.secret);
        json.insert(QStringLiteral("valid"), account.hasValue());
        if (account) {
            json.insert(QStringLiteral("project_id"), account->projectId);
            json.insert(QStringLiteral("client_email"), account->clientEmail);
        }
    } else {
        const Result<ApnsCredential> apns = ApnsCredential::fromJson(credential.secret);
        json.insert(QStringLiteral("valid"), apns.hasValue());
        if (apns) {
            json.insert(QStringLiteral("bundle_id"), apns->bundleId);
            json.insert(QStringLiteral("environment"),
                        apns->sandbox ? QStringLiteral("sandbox") : QStringLiteral("production"));
            json.insert(QStringLiteral("auth"),
                        apns->usesToken() ? QStringLiteral("token") : QStringLiteral("certificate"));
            if (apns->usesToken()) {
                json.insert(QStringLiteral("team_id"), apns->teamId);
                json.insert(QStringLiteral("key_id"), apns->keyId);
            }
        }
    }
    return json;
}

QJsonObject appJson(const App &app)
{
    return QJsonObject{{QStringLiteral("id"), app.id},
                       {QStringLiteral("name"), app.name},
                       {QStringLiteral("created_at"), app.createdAtMs}};
}

bool isValidAppId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return pattern.match(id).hasMatch();
}

} // namespace

AppsEndpoints::AppsEndpoints(const Database &database, const Clock &clock, const Sealer &sealer, const ApiAudit &audit,
                             QObject *parent)
    : QObject(parent), m_audit(audit), m_apps(std::make_unique<AppRepository>(database, clock, sealer))
{}

AppsEndpoints::~AppsEndpoints() = default;

Result<void> AppsEndpoints::addRoutes(ApiServer &api)
{
    const QList<Result<void>> added{
        api.addRoute("GET", QStringLiteral("/v1/apps"), kAdmins,
                     ApiServer::SyncHandler([this](const ApiRequest &) { return list(); })),
        api.addRoute("GET", QStringLiteral("/v1/apps/{id}"), kAdmins,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return show(request); })),
        api.addRoute("PUT", QStringLiteral("/v1/apps/{id}"), kAdmins,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return save(request); })),
        api.addRoute("PUT", QStringLiteral("/v1/apps/{id}/credentials/{provider}"), kAdmins,
                     ApiServer::SyncHandler([this](const ApiRequest &request) { return saveCredential(request); })),
    };
    for (const Result<void> &result : added) {
        if (!result)
            return result;
    }
    return {};
}

Result<QJsonObject> AppsEndpoints::credentialsJson(const QString &appId) const
{
    QJsonObject json;
    for (const Provider provider : {Provider::Fcm, Provider::Apns}) {
        const Result<std::optional<ProviderCredential>> credential = m_apps->credential(appId, provider);
        if (!credential && credential.error().code != ErrorCode::Crypto)
            return credential.error();
        if (!credential) // stored, but it does not open with the worker's keys
            json.insert(providerName(provider),
                        QJsonObject{{QStringLiteral("configured"), true}, {QStringLiteral("valid"), false}});
        else
            json.insert(providerName(provider), *credential ? QJsonValue(credentialFacts(**credential)) : QJsonValue());
    }
    return json;
}

ApiResponse AppsEndpoints::list() const
{
    const Result<QList<App>> apps = m_apps->list();
    if (!apps)
        return ApiResponse::fromError(apps.error());
    QJsonArray list;
    for (const App &app : *apps) {
        Result<QJsonObject> credentials = credentialsJson(app.id);
        if (!credentials)
            return ApiResponse::fromError(credentials.error());
        QJsonObject json = appJson(app);
        json.insert(QStringLiteral("credentials"), *credentials);
        list.append(json);
    }
    return ApiResponse::json(QJsonObject{{QStringLiteral("apps"), list}});
}

ApiResponse AppsEndpoints::show(const ApiRequest &request) const
{
    const QString id = request.pathParam(QStringLiteral("id"));
    const Result<std::optional<App>> app = m_apps->find(id);
    if (!app)
        return ApiResponse::fromError(app.error());
    if (!*app)
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no app %1").arg(id));
    Result<QJsonObject> credentials = credentialsJson(id);
    if (!credentials)
        return ApiResponse::fromError(credentials.error());
    QJsonObject json = appJson(**app);
    json.insert(QStringLiteral("credentials"), *credentials);
    return ApiResponse::json(json);
}

ApiResponse AppsEndpoints::save(const ApiRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    if (!isValidAppId(id))
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("an app id is 1-64 characters of A-Z a-z 0-9 . _ - (not starting "
                                                 "with . _ or -)"));
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const Result<QString> name = bodyfields::requiredString(*body, QStringLiteral("name"));
    if (!name)
        return ApiResponse::fromError(name.error());
    const Result<std::optional<App>> existing = m_apps->find(id);
    if (!existing)
        return ApiResponse::fromError(existing.error());
    if (Result<void> saved = m_apps->upsert(App{id, *name, 0}); !saved)
        return ApiResponse::fromError(saved.error());
    m_audit.record(request, existing->has_value() ? QStringLiteral("app.update") : QStringLiteral("app.create"), id,
                   QJsonObject{{QStringLiteral("name"), *name}});
    ApiResponse shown = show(request);
    if (existing->has_value() || shown.status() != 200)
        return shown;
    return ApiResponse::raw(shown.body(), shown.contentType(), 201)
        .setHeader("Location", "/v1/apps/" + QUrl::toPercentEncoding(id));
}

ApiResponse AppsEndpoints::saveCredential(const ApiRequest &request)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    const std::optional<Provider> provider = providerFromName(request.pathParam(QStringLiteral("provider")));
    if (!provider)
        return ApiResponse::error(404, QStringLiteral("not_found"),
                                  QStringLiteral("no provider %1; credentials are for fcm or apns")
                                      .arg(request.pathParam(QStringLiteral("provider"))));
    // The body is kept as the sender reads it: the service account file itself, or the APNs credential object.
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const QByteArray secret = QJsonDocument(*body).toJson(QJsonDocument::Compact);
    QJsonObject facts;
    if (*provider == Provider::Fcm) {
        const Result<ServiceAccount> account = ServiceAccount::fromJson(secret);
        if (!account)
            return ApiResponse::error(422, QStringLiteral("invalid_credential"), account.error().message);
    } else {
        const Result<ApnsCredential> apns = ApnsCredential::fromJson(secret);
        if (!apns)
            return ApiResponse::error(422, QStringLiteral("invalid_credential"), apns.error().message);
    }
    if (Result<void> stored = m_apps->setCredential(id, *provider, secret); !stored)
        return ApiResponse::fromError(stored.error());
    const Result<std::optional<ProviderCredential>> saved = m_apps->credential(id, *provider);
    if (!saved)
        return ApiResponse::fromError(saved.error());
    if (*saved)
        facts = credentialFacts(**saved);
    // The audit entry names what was set, never the secret.
    QJsonObject detail = facts;
    detail.remove(QStringLiteral("configured"));
    detail.remove(QStringLiteral("valid"));
    m_audit.record(request, QStringLiteral("app.credential.set"), id + QLatin1Char('/') + providerName(*provider),
                   detail);
    facts.insert(QStringLiteral("app_id"), id);
    facts.insert(QStringLiteral("provider"), providerName(*provider));
    return ApiResponse::json(facts);
}

} // namespace vestnik
