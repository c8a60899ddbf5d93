#include "api/IdentityEndpoints.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/BodyFields.h"
#include "security/AccessRights.h"
#include "security/IdentityService.h"
#include "security/PasswordHasher.h"
#include "security/TokenIssuer.h"
#include "store/AuditLogRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrlQuery>

namespace vestnik {

namespace {

/// The fields of a token request: form-encoded (RFC 6749) or, for convenience, a JSON object of strings.
QHash<QString, QString> formFields(const ApiRequest &request)
{
    QHash<QString, QString> fields;
    if (request.header("content-type").startsWith("application/json")) {
        const Result<QJsonObject> object = request.jsonObject();
        if (object) {
            for (auto it = object->begin(); it != object->end(); ++it)
                fields.insert(it.key(), it.value().toString());
        }
        return fields;
    }
    // application/x-www-form-urlencoded: '+' is a space there, which QUrlQuery does not know.
    QByteArray body = request.body;
    body.replace('+', "%20");
    const QUrlQuery query(QString::fromUtf8(body));
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        fields.insert(key, value);
    return fields;
}

ApiResponse oauthAnswer(const IdentityService::Grant &grant)
{
    if (grant)
        return ApiResponse::json(grant->toJson()).setHeader("Pragma", "no-cache");
    ApiResponse response = ApiResponse::json(grant.error().toJson(), grant.error().httpStatus());
    if (grant.error().httpStatus() == 401)
        response.setHeader("WWW-Authenticate", "Basic realm=\"vestnik\"");
    return response;
}

QString remoteOf(const ApiRequest &request)
{
    return request.remoteAddress.toString();
}

QJsonObject userJson(const ConsoleUser &user)
{
    QJsonObject json{{QStringLiteral("login"), user.login},
                     {QStringLiteral("role"), consoleRoleName(user.role)},
                     {QStringLiteral("created_at"), user.createdAtMs},
                     {QStringLiteral("disabled"), user.isDisabled()}};
    return json;
}

QJsonObject clientJson(const ApiClientRecord &client)
{
    return QJsonObject{{QStringLiteral("client_id"), client.id},
                       {QStringLiteral("name"), client.name},
                       {QStringLiteral("scopes"), QJsonArray::fromStringList(client.scopes)},
                       {QStringLiteral("created_at"), client.createdAtMs},
                       {QStringLiteral("disabled"), client.isDisabled()}};
}

QJsonObject auditJson(const AuditEntry &entry)
{
    static const char *const kinds[] = {"user", "service", "system"};
    return QJsonObject{{QStringLiteral("id"), entry.id},
                       {QStringLiteral("at"), entry.atMs},
                       {QStringLiteral("actor"), entry.actor},
                       {QStringLiteral("actor_kind"), QLatin1String(kinds[int(entry.actorKind)])},
                       {QStringLiteral("action"), entry.action},
                       {QStringLiteral("target"), entry.target},
                       {QStringLiteral("detail"), entry.detail},
                       {QStringLiteral("remote_address"), entry.remoteAddress}};
}

const Access kAdmins = Access::roles({Principal::Role::Admin});

} // namespace

IdentityEndpoints::IdentityEndpoints(Settings settings, const Database &database, const Sealer &sealer,
                                     const Clock &clock, const ApiAudit &audit, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_database(database), m_clock(clock), m_audit(audit)
{
    TokenIssuerSettings issuer;
    issuer.issuer = m_settings.issuer;
    issuer.audience = m_settings.audience;
    issuer.accessTokenLifetime = m_settings.accessTokenLifetime;
    m_issuer = std::make_unique<TokenIssuer>(database, sealer, clock, issuer);
    m_hasher = std::make_unique<PasswordHasher>();
    m_identity = std::make_unique<IdentityService>(database, clock, *m_issuer, *m_hasher);
    m_auditLog = std::make_unique<AuditLogRepository>(database, clock);
}

IdentityEndpoints::~IdentityEndpoints() = default;

Result<void> IdentityEndpoints::start(ApiServer &api)
{
    if (Result<void> keys = m_issuer->refresh(); !keys)
        return keys;
    if (!m_settings.bootstrapPassword.isEmpty()) {
        Result<bool> created = m_identity->bootstrapAdmin(m_settings.bootstrapLogin, m_settings.bootstrapPassword);
        if (!created)
            return created.error();
        if (*created)
            qCInfo(lcWorker).noquote() << "created the first console administrator" << m_settings.bootstrapLogin;
    }
    TrustedIssuer own;
    own.issuer = m_settings.issuer;
    own.audiences = {m_settings.audience};
    own.keys = [issuer = m_issuer.get()] { return issuer->keys(); };
    own.maxLifetime = m_settings.accessTokenLifetime;
    if (Result<void> trusted = api.authenticator().addIssuer(own); !trusted)
        return trusted;
    return addRoutes(api);
}

Result<void> IdentityEndpoints::addRoutes(ApiServer &api)
{
    QList<Result<void>> added;
    added << api.addRoute("POST", QStringLiteral("/oauth/token"), Access::anyone(),
                          ApiServer::SyncHandler([this](const ApiRequest &request) {
                              const QHash<QString, QString> fields = formFields(request);
                              const QString grantType = fields.value(QStringLiteral("grant_type"));
                              if (grantType == QStringLiteral("refresh_token"))
                                  return oauthAnswer(m_identity->refresh(fields.value(QStringLiteral("refresh_token")),
                                                                         remoteOf(request)));
                              if (grantType != QStringLiteral("client_credentials"))
                                  return ApiResponse::json(
                                      QJsonObject{{QStringLiteral("error"), QStringLiteral("unsupported_grant_type")},
                                                  {QStringLiteral("error_description"),
                                                   QStringLiteral("grant_type must be client_credentials or "
                                                                  "refresh_token")}},
                                      400);
                              // client_secret_basic (RFC 6749 2.3.1), else client_secret_post.
                              QString id = fields.value(QStringLiteral("client_id"));
                              QString secret = fields.value(QStringLiteral("client_secret"));
                              const QByteArray authorization = request.header("authorization");
                              if (authorization.startsWith("Basic ")) {
                                  const QByteArray pair = QByteArray::fromBase64(authorization.mid(6));
                                  const qsizetype colon = pair.indexOf(':');
                                  id = QUrl::fromPercentEncoding(pair.left(colon));
                                  secret = QUrl::fromPercentEncoding(pair.mid(colon + 1));
                              }
                              const QStringList scopes =
                                  fields.value(QStringLiteral("scope")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
                              return oauthAnswer(m_identity->clientCredentials(id, secret, scopes, remoteOf(request)));
                          }));
    added << api.addRoute(
        "GET", QStringLiteral("/.well-known/jwks.json"), Access::anyone(),
        ApiServer::SyncHandler([this](const ApiRequest &) { return ApiResponse::json(m_issuer->jwks()); }));
    added << api.addRoute("POST", QStringLiteral("/v1/auth/login"), Access::anyone(),
                          ApiServer::SyncHandler([this](const ApiRequest &request) {
                              const Result<QJsonObject> body = request.jsonObject();
                              if (!body)
                                  return ApiResponse::invalidJson(body.error());
                              return oauthAnswer(m_identity->login(body->value(QStringLiteral("login")).toString(),
                                                                   body->value(QStringLiteral("password")).toString(),
                                                                   remoteOf(request)));
                          }));
    added << api.addRoute(
        "POST", QStringLiteral("/v1/auth/logout"), Access::anyone(),
        ApiServer::SyncHandler([this](const ApiRequest &request) {
            const Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return ApiResponse::invalidJson(body.error());
            if (Result<void> done = m_identity->logout(body->value(QStringLiteral("refresh_token")).toString()); !done)
                return ApiResponse::fromError(done.error());
            return ApiResponse::noContent();
        }));
    added << api.addRoute("GET", QStringLiteral("/v1/admin/users"), kAdmins,
                          ApiServer::SyncHandler([this](const ApiRequest &) {
                              const Result<QList<ConsoleUser>> users = m_identity->listUsers();
                              if (!users)
                                  return ApiResponse::fromError(users.error());
                              QJsonArray list;
                              for (const ConsoleUser &user : *users)
                                  list.append(userJson(user));
                              return ApiResponse::json(QJsonObject{{QStringLiteral("users"), list}});
                          }));
    added << api.addRoute(
        "POST", QStringLiteral("/v1/admin/users"), kAdmins, ApiServer::SyncHandler([this](const ApiRequest &request) {
            const Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return ApiResponse::invalidJson(body.error());
            const QString login = IdentityService::normalizedLogin(body->value(QStringLiteral("login")).toString());
            const std::optional<ConsoleRole> role = consoleRoleFromName(body->value(QStringLiteral("role")).toString());
            if (!role)
                return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                          QStringLiteral("'role' must be admin, marketer or analyst"));
            if (Result<void> created =
                    m_identity->createUser(login, body->value(QStringLiteral("password")).toString(), *role);
                !created)
                return ApiResponse::fromError(created.error());
            m_audit.record(request, QStringLiteral("user.create"), login,
                           QJsonObject{{QStringLiteral("role"), consoleRoleName(*role)}});
            return ApiResponse::json(
                QJsonObject{{QStringLiteral("login"), login}, {QStringLiteral("role"), consoleRoleName(*role)}}, 201);
        }));
    added << api.addRoute("PATCH", QStringLiteral("/v1/admin/users/{login}"), kAdmins,
                          ApiServer::SyncHandler([this](const ApiRequest &request) { return updateUser(request); }));
    added << api.addRoute("GET", QStringLiteral("/v1/admin/clients"), kAdmins,
                          ApiServer::SyncHandler([this](const ApiRequest &) {
                              const Result<QList<ApiClientRecord>> clients = m_identity->listClients();
                              if (!clients)
                                  return ApiResponse::fromError(clients.error());
                              QJsonArray list;
                              for (const ApiClientRecord &client : *clients)
                                  list.append(clientJson(client));
                              return ApiResponse::json(QJsonObject{{QStringLiteral("clients"), list}});
                          }));
    added << api.addRoute(
        "POST", QStringLiteral("/v1/admin/clients"), kAdmins, ApiServer::SyncHandler([this](const ApiRequest &request) {
            const Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return ApiResponse::invalidJson(body.error());
            QStringList scopes;
            for (const QJsonValue &scope : body->value(QStringLiteral("scopes")).toArray())
                scopes << scope.toString();
            Result<IssuedClient> issued =
                m_identity->createClient(body->value(QStringLiteral("name")).toString(), scopes);
            if (!issued)
                return ApiResponse::fromError(issued.error());
            m_audit.record(request, QStringLiteral("client.create"), issued->client.id,
                           QJsonObject{{QStringLiteral("name"), issued->client.name},
                                       {QStringLiteral("scopes"), QJsonArray::fromStringList(issued->client.scopes)}});
            QJsonObject json = clientJson(issued->client);
            json.insert(QStringLiteral("client_secret"), issued->clientSecret); // shown this once
            return ApiResponse::json(json, 201);
        }));
    added << api.addRoute(
        "GET", QStringLiteral("/v1/audit"), kAdmins, ApiServer::SyncHandler([this](const ApiRequest &request) {
            AuditQuery query;
            query.actor = request.query.queryItemValue(QStringLiteral("actor"), QUrl::FullyDecoded);
            query.action = request.query.queryItemValue(QStringLiteral("action"), QUrl::FullyDecoded);
            query.target = request.query.queryItemValue(QStringLiteral("target"), QUrl::FullyDecoded);
            query.after = request.query.queryItemValue(QStringLiteral("after"), QUrl::FullyDecoded);
            bool ok = true;
            if (request.query.hasQueryItem(QStringLiteral("from")))
                query.fromMs = request.query.queryItemValue(QStringLiteral("from")).toLongLong(&ok);
            if (ok && request.query.hasQueryItem(QStringLiteral("to")))
                query.toMs = request.query.queryItemValue(QStringLiteral("to")).toLongLong(&ok);
            if (ok && request.query.hasQueryItem(QStringLiteral("limit")))
                query.limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
            if (!ok)
                return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                          QStringLiteral("'from', 'to' (milliseconds) and 'limit' must be integers"));
            const Result<AuditPage> page = m_auditLog->query(query);
            if (!page)
                return ApiResponse::fromError(page.error());
            QJsonArray entries;
            for (const AuditEntry &entry : page->entries)
                entries.append(auditJson(entry));
            return ApiResponse::json(
                QJsonObject{{QStringLiteral("entries"), entries}, {QStringLiteral("next"), page->nextCursor}});
        }));
    for (const Result<void> &result : std::as_const(added)) {
        if (!result)
            return result;
    }
    return {};
}

ApiResponse IdentityEndpoints::updateUser(const ApiRequest &request)
{
    const Result<QJsonObject> body = request.jsonObject();
    if (!body)
        return ApiResponse::invalidJson(body.error());
    const Result<std::optional<QString>> roleName = bodyfields::string(*body, QStringLiteral("role"));
    if (!roleName)
        return ApiResponse::fromError(roleName.error());
    const Result<std::optional<bool>> disabled = bodyfields::boolean(*body, QStringLiteral("disabled"));
    if (!disabled)
        return ApiResponse::fromError(disabled.error());
    const Result<std::optional<QString>> password = bodyfields::string(*body, QStringLiteral("password"));
    if (!password)
        return ApiResponse::fromError(password.error());
    if (!*roleName && !*disabled && !*password)
        return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                  QStringLiteral("give at least one of 'role', 'disabled' and 'password'"));
    std::optional<ConsoleRole> role;
    if (*roleName) {
        role = consoleRoleFromName(**roleName);
        if (!role)
            return ApiResponse::error(400, QStringLiteral("invalid_request"),
                                      QStringLiteral("'role' must be admin, marketer or analyst"));
    }
    const QString login = IdentityService::normalizedLogin(request.pathParam(QStringLiteral("login")));
    const Result<std::optional<ConsoleUser>> user = m_identity->findUser(login);
    if (!user)
        return ApiResponse::fromError(user.error());
    if (login.isEmpty() || !user->has_value())
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such console user"));
    // What can be refused without changing anything is checked first, so a refused request changes nothing.
    if (*password) {
        if (const QString problem = m_identity->passwordProblem(login, **password); !problem.isEmpty())
            return ApiResponse::error(400, QStringLiteral("invalid_request"), problem);
    }
    QJsonObject detail;
    if (role) {
        if (Result<void> changed = m_identity->setRole(login, *role); !changed)
            return ApiResponse::fromError(changed.error());
        detail.insert(QStringLiteral("role"), consoleRoleName(*role));
    }
    if (*disabled) {
        if (Result<void> changed = **disabled ? m_identity->disableUser(login) : m_identity->enableUser(login);
            !changed)
            return ApiResponse::fromError(changed.error());
        detail.insert(QStringLiteral("disabled"), **disabled);
    }
    if (*password) {
        if (Result<void> changed = m_identity->setPassword(login, **password); !changed)
            return ApiResponse::fromError(changed.error());
        detail.insert(QStringLiteral("password_changed"), true); // never the password
    }
    m_audit.record(request, QStringLiteral("user.update"), login, detail);
    const Result<std::optional<ConsoleUser>> updated = m_identity->findUser(login);
    if (!updated)
        return ApiResponse::fromError(updated.error());
    if (!updated->has_value())
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such console user"));
    return ApiResponse::json(userJson(**updated));
}

} // namespace vestnik
