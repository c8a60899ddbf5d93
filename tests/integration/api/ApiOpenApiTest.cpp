// docs/api/openapi.json against the routes a Worker started in the test serves (SQLite, the embedded bus, the
// trigger and sender roles): every served method and pattern is documented and every documented operation served,
// public routes and only they have `security: []`, `x-vestnik-access` states each route's roles and scopes, every
// operation has a 2xx answer and error answers with the common error body, path parameters match the pattern,
// every `$ref` resolves, and each protected operation answers 401 without a token over HTTPS. The checks also run
// on altered copies of the document, to prove that they catch drift.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "Worker.h"
#include "api/ApiServer.h"
#include "util/Config.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace vestnik;

namespace {

const QString kErrorSchema = QStringLiteral("#/components/schemas/Error");
/// The token and login endpoints answer RFC 6749's own error body.
const QString kOAuthErrorSchema = QStringLiteral("#/components/schemas/OAuthError");
const QStringList kServiceScopes{QStringLiteral("events:write"), QStringLiteral("devices:write"),
                                 QStringLiteral("devices:read"), QStringLiteral("track:write")};
const QStringList kMethods{QStringLiteral("get"),    QStringLiteral("put"),   QStringLiteral("post"),
                           QStringLiteral("delete"), QStringLiteral("patch"), QStringLiteral("head"),
                           QStringLiteral("options")};

QString operationName(const QString &method, const QString &path)
{
    return method.toUpper() + QLatin1Char(' ') + path;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

QStringList stringsOf(const QJsonValue &value)
{
    QStringList strings;
    for (const QJsonValue &item : value.toArray())
        strings << item.toString();
    return strings;
}

/// What the document says and what the routes are, compared; every function returns the problems it found.
class OpenApiCheck final
{
public:
    OpenApiCheck(QJsonObject document, QList<ApiServer::RouteInfo> routes)
        : m_document(std::move(document)), m_routes(std::move(routes))
    {}

    /// The value a local reference ("#/components/schemas/Error") points at, or undefined.
    QJsonValue resolve(const QString &reference) const
    {
        if (!reference.startsWith(QStringLiteral("#/")))
            return QJsonValue(QJsonValue::Undefined);
        QJsonValue at = m_document;
        const QStringList tokens = reference.mid(2).split(QLatin1Char('/'));
        for (QString token : tokens) {
            token.replace(QStringLiteral("~1"), QStringLiteral("/")).replace(QStringLiteral("~0"), QStringLiteral("~"));
            if (at.isObject()) {
                at = at.toObject().value(token);
            } else if (at.isArray()) {
                bool ok = false;
                const int index = token.toInt(&ok);
                at = ok ? at.toArray().at(index) : QJsonValue(QJsonValue::Undefined);
            } else {
                return QJsonValue(QJsonValue::Undefined);
            }
            if (at.isUndefined())
                return at;
        }
        return at;
    }

    QStringList servedButUndocumented() const
    {
        QStringList problems;
        const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
        for (const ApiServer::RouteInfo &route : m_routes) {
            const QString method = QString::fromLatin1(route.method).toLower();
            if (!paths.value(route.pattern).toObject().value(method).isObject())
                problems << operationName(method, route.pattern) + QStringLiteral(" is served but not documented");
        }
        return problems;
    }

    QStringList documentedButNotServed() const
    {
        QStringList problems;
        forEachOperation([&](const QString &method, const QString &path, const QJsonObject &) {
            if (!route(method, path))
                problems << operationName(method, path) + QStringLiteral(" is documented but not served");
        });
        return problems;
    }

    /// `security: []` exactly on public routes; bearerAuth on the others, with `x-vestnik-access` equal to the
    /// route's roles and scopes and an oauth2 alternative naming the same scopes when it has any.
    QStringList accessProblems() const
    {
        QStringList problems;
        forEachOperation([&](const QString &method, const QString &path, const QJsonObject &operation) {
            const ApiServer::RouteInfo *served = route(method, path);
            if (!served)
                return;
            const QString name = operationName(method, path);
            const QJsonValue security = operation.value(QStringLiteral("security"));
            const QJsonValue access = operation.value(QStringLiteral("x-vestnik-access"));
            if (!security.isArray()) {
                problems << name + QStringLiteral(": no operation-level security");
                return;
            }
            if (served->access.isPublic()) {
                if (!security.toArray().isEmpty())
                    problems << name + QStringLiteral(" is public but its security is not []");
                if (!access.isUndefined())
                    problems << name + QStringLiteral(" is public but has x-vestnik-access");
                return;
            }
            if (security.toArray().isEmpty()) {
                problems << name + QStringLiteral(" needs a token but its security is []");
                return;
            }
            QStringList roles;
            for (const Principal::Role role : served->access.allowedRoles())
                roles << roleName(role);
            const QStringList scopes = served->access.allowedScopes();
            const QJsonObject documented = access.toObject();
            if (sorted(stringsOf(documented.value(QStringLiteral("roles")))) != sorted(roles))
                problems << name
                                + QStringLiteral(": x-vestnik-access roles [%1], the route admits [%2]")
                                      .arg(stringsOf(documented.value(QStringLiteral("roles"))).join(u','),
                                           roles.join(u','));
            if (sorted(stringsOf(documented.value(QStringLiteral("scopes")))) != sorted(scopes))
                problems << name
                                + QStringLiteral(": x-vestnik-access scopes [%1], the route admits [%2]")
                                      .arg(stringsOf(documented.value(QStringLiteral("scopes"))).join(u','),
                                           scopes.join(u','));
            bool bearer = false;
            std::optional<QStringList> oauthScopes;
            for (const QJsonValue &requirement : security.toArray()) {
                const QJsonObject object = requirement.toObject();
                bearer = bearer || object.contains(QStringLiteral("bearerAuth"));
                if (object.contains(QStringLiteral("oauth2")))
                    oauthScopes = stringsOf(object.value(QStringLiteral("oauth2")));
            }
            if (!bearer)
                problems << name + QStringLiteral(": security does not offer bearerAuth");
            if (scopes.isEmpty() && oauthScopes)
                problems << name + QStringLiteral(": oauth2 is offered but no scope admits a service");
            if (!scopes.isEmpty() && (!oauthScopes || sorted(*oauthScopes) != sorted(scopes)))
                problems << name
                                + QStringLiteral(": the oauth2 requirement must name the scopes [%1]")
                                      .arg(scopes.join(u','));
        });
        return problems;
    }

    /// A summary, a 2xx answer, error answers with the common error body (401 and 403 where a token is needed),
    /// and path parameters that are exactly the pattern's `{name}` segments.
    QStringList operationProblems() const
    {
        QStringList problems;
        const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
        forEachOperation([&](const QString &method, const QString &path, const QJsonObject &operation) {
            const QString name = operationName(method, path);
            if (operation.value(QStringLiteral("summary")).toString().isEmpty())
                problems << name + QStringLiteral(": no summary");
            const QJsonObject responses = operation.value(QStringLiteral("responses")).toObject();
            bool success = false;
            for (auto it = responses.begin(); it != responses.end(); ++it) {
                const int status = it.key().toInt();
                success = success || (status >= 200 && status < 300);
                if (status < 400)
                    continue;
                QJsonValue response = it.value();
                if (response.toObject().contains(QStringLiteral("$ref")))
                    response = resolve(response.toObject().value(QStringLiteral("$ref")).toString());
                const QJsonObject schema = response.toObject()
                                               .value(QStringLiteral("content"))
                                               .toObject()
                                               .value(QStringLiteral("application/json"))
                                               .toObject()
                                               .value(QStringLiteral("schema"))
                                               .toObject();
                // /readyz answers 503 with its status body while starting or stopping: not an error body.
                const bool readiness = name == QStringLiteral("GET /readyz") && status == 503;
                if (!readiness && !isErrorSchema(schema))
                    problems << name + QStringLiteral(": the %1 answer does not use the error schema").arg(status);
            }
            if (!success)
                problems << name + QStringLiteral(": no 2xx answer");
            const ApiServer::RouteInfo *served = route(method, path);
            if (served && !served->access.isPublic()) {
                for (const QLatin1String status : {QLatin1String("401"), QLatin1String("403")}) {
                    if (!responses.contains(status))
                        problems << name + QStringLiteral(": needs a token but documents no %1").arg(status);
                }
            }

            QStringList declared;
            QJsonArray parameters = paths.value(path).toObject().value(QStringLiteral("parameters")).toArray();
            for (const QJsonValue &parameter : operation.value(QStringLiteral("parameters")).toArray())
                parameters.append(parameter);
            for (QJsonValue parameter : std::as_const(parameters)) {
                if (parameter.toObject().contains(QStringLiteral("$ref")))
                    parameter = resolve(parameter.toObject().value(QStringLiteral("$ref")).toString());
                const QJsonObject object = parameter.toObject();
                if (object.value(QStringLiteral("in")).toString() != QStringLiteral("path"))
                    continue;
                declared << object.value(QStringLiteral("name")).toString();
                if (!object.value(QStringLiteral("required")).toBool())
                    problems << name
                                    + QStringLiteral(": path parameter %1 is not required")
                                          .arg(object.value(QStringLiteral("name")).toString());
            }
            QStringList inPattern;
            static const QRegularExpression segment(QStringLiteral("\\{([^/{}]+)\\}"));
            for (const QRegularExpressionMatch &match : segment.globalMatch(path))
                inPattern << match.captured(1);
            if (sorted(declared) != sorted(inPattern))
                problems << name
                                + QStringLiteral(": path parameters [%1], the pattern has [%2]")
                                      .arg(declared.join(u','), inPattern.join(u','));
        });
        return problems;
    }

    /// Every `$ref` anywhere in the document points at something.
    QStringList unresolvedReferences() const
    {
        QStringList problems;
        std::function<void(const QJsonValue &, const QString &)> walk = [&](const QJsonValue &value,
                                                                            const QString &where) {
            if (value.isArray()) {
                const QJsonArray array = value.toArray();
                for (qsizetype i = 0; i < array.size(); ++i)
                    walk(array.at(i), where + QLatin1Char('/') + QString::number(i));
                return;
            }
            if (!value.isObject())
                return;
            const QJsonObject object = value.toObject();
            for (auto it = object.begin(); it != object.end(); ++it) {
                if (it.key() == QStringLiteral("$ref") && resolve(it.value().toString()).isUndefined())
                    problems << where + QStringLiteral(": $ref %1 does not resolve").arg(it.value().toString());
                walk(it.value(), where + QLatin1Char('/') + it.key());
            }
        };
        walk(m_document, QStringLiteral("#"));
        return problems;
    }

    void forEachOperation(const std::function<void(const QString &method, const QString &path,
                                                   const QJsonObject &operation)> &visit) const
    {
        const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
        for (auto path = paths.begin(); path != paths.end(); ++path) {
            const QJsonObject item = path.value().toObject();
            for (auto it = item.begin(); it != item.end(); ++it) {
                if (kMethods.contains(it.key()))
                    visit(it.key(), path.key(), it.value().toObject());
            }
        }
    }

private:
    const ApiServer::RouteInfo *route(const QString &method, const QString &pattern) const
    {
        for (const ApiServer::RouteInfo &route : m_routes) {
            if (route.pattern == pattern && QString::fromLatin1(route.method).toLower() == method)
                return &route;
        }
        return nullptr;
    }

    bool isErrorSchema(const QJsonObject &schema) const
    {
        const QString reference = schema.value(QStringLiteral("$ref")).toString();
        if (reference == kErrorSchema || reference == kOAuthErrorSchema)
            return true;
        const QJsonArray oneOf = schema.value(QStringLiteral("oneOf")).toArray();
        if (oneOf.isEmpty())
            return false;
        for (const QJsonValue &alternative : oneOf) {
            const QString ref = alternative.toObject().value(QStringLiteral("$ref")).toString();
            if (ref != kErrorSchema && ref != kOAuthErrorSchema)
                return false;
        }
        return true;
    }

    QJsonObject m_document;
    QList<ApiServer::RouteInfo> m_routes;
};

/// The problems as one message for QVERIFY2 (empty: none).
QByteArray report(const QStringList &problems)
{
    return problems.join(QStringLiteral("\n  ")).toUtf8();
}

} // namespace

class ApiOpenApiTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void documentIsOpenApiWithTheWorkersSecuritySchemes();
    void everyServedRouteIsDocumented();
    void everyDocumentedOperationIsServed();
    void accessMatchesTheRoutes();
    void operationsHaveAnswersErrorsAndPathParameters();
    void everyReferenceResolves();
    void protectedOperationsRefuseRequestsWithoutAToken();
    void checksCatchDrift();

private:
    int status(const QByteArray &method, const QString &path);

    QTemporaryDir m_dir;
    std::unique_ptr<Worker> m_worker;
    QJsonObject m_document;
    QList<ApiServer::RouteInfo> m_routes;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
};

void ApiOpenApiTest::initTestCase()
{
    QFile file(QStringLiteral(VESTNIK_OPENAPI_FILE));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName() + QStringLiteral(": ") + file.errorString()));
    QJsonParseError parsed;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parsed);
    QVERIFY2(parsed.error == QJsonParseError::NoError,
             qPrintable(QStringLiteral("%1 at byte %2").arg(parsed.errorString()).arg(parsed.offset)));
    QVERIFY(document.isObject());
    m_document = document.object();

    Result<Config> config = Config::fromIni(QString(), QString(),
                                            test::apiWorkerEnvironment(m_dir.path(), QStringLiteral("trigger,sender")));
    VT_OK(config);
    m_worker = std::make_unique<Worker>(*config);
    VT_OK(m_worker->start());
    m_routes = m_worker->api().routes();
    // Health, identity, metrics, tracking, people data and ingest at least.
    QVERIFY2(m_routes.size() >= 23, qPrintable(QStringLiteral("only %1 routes").arg(m_routes.size())));
    m_tls = test::apiWorkerTls(m_dir.path());
}

void ApiOpenApiTest::cleanupTestCase()
{
    if (m_worker)
        m_worker->shutdown();
    m_worker.reset();
}

int ApiOpenApiTest::status(const QByteArray &method, const QString &path)
{
    QNetworkRequest request(m_worker->url().resolved(QUrl(path)));
    request.setSslConfiguration(m_tls);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    const int answer = finished.wait(15'000) ? reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
    reply->deleteLater();
    return answer;
}

void ApiOpenApiTest::documentIsOpenApiWithTheWorkersSecuritySchemes()
{
    QCOMPARE(m_document.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.0.3"));
    QVERIFY(!m_document.value(QStringLiteral("info")).toObject().value(QStringLiteral("title")).toString().isEmpty());
    const QJsonObject schemes =
        m_document.value(QStringLiteral("components")).toObject().value(QStringLiteral("securitySchemes")).toObject();
    const QJsonObject bearer = schemes.value(QStringLiteral("bearerAuth")).toObject();
    QCOMPARE(bearer.value(QStringLiteral("type")).toString(), QStringLiteral("http"));
    QCOMPARE(bearer.value(QStringLiteral("scheme")).toString(), QStringLiteral("bearer"));
    QCOMPARE(bearer.value(QStringLiteral("bearerFormat")).toString(), QStringLiteral("JWT"));
    const QJsonObject flow = schemes.value(QStringLiteral("oauth2"))
                                 .toObject()
                                 .value(QStringLiteral("flows"))
                                 .toObject()
                                 .value(QStringLiteral("clientCredentials"))
                                 .toObject();
    QCOMPARE(flow.value(QStringLiteral("tokenUrl")).toString(), QStringLiteral("/oauth/token"));
    QCOMPARE(sorted(flow.value(QStringLiteral("scopes")).toObject().keys()), sorted(kServiceScopes));
    // The error body of ApiResponse::toHttp().
    const QJsonObject error = OpenApiCheck(m_document, m_routes)
                                  .resolve(kErrorSchema)
                                  .toObject()
                                  .value(QStringLiteral("properties"))
                                  .toObject()
                                  .value(QStringLiteral("error"))
                                  .toObject();
    QCOMPARE(sorted(stringsOf(error.value(QStringLiteral("required")))),
             sorted({QStringLiteral("code"), QStringLiteral("message"), QStringLiteral("request_id")}));
}

void ApiOpenApiTest::everyServedRouteIsDocumented()
{
    const QStringList problems = OpenApiCheck(m_document, m_routes).servedButUndocumented();
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::everyDocumentedOperationIsServed()
{
    const QStringList problems = OpenApiCheck(m_document, m_routes).documentedButNotServed();
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::accessMatchesTheRoutes()
{
    const QStringList problems = OpenApiCheck(m_document, m_routes).accessProblems();
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::operationsHaveAnswersErrorsAndPathParameters()
{
    const QStringList problems = OpenApiCheck(m_document, m_routes).operationProblems();
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::everyReferenceResolves()
{
    const QStringList problems = OpenApiCheck(m_document, m_routes).unresolvedReferences();
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::protectedOperationsRefuseRequestsWithoutAToken()
{
    // Over the wire, independent of routes(): a documented operation that needs a token exists at its path and
    // method (not 404 or 405) and refuses a request without one.
    QStringList problems;
    int checked = 0;
    OpenApiCheck(m_document, m_routes)
        .forEachOperation([&](const QString &method, const QString &path, const QJsonObject &operation) {
            if (operation.value(QStringLiteral("security")).toArray().isEmpty())
                return;
            QString concrete = path;
            concrete.replace(QRegularExpression(QStringLiteral("\\{[^/{}]+\\}")), QStringLiteral("1"));
            const int answer = status(method.toUpper().toLatin1(), concrete);
            ++checked;
            if (answer != 401)
                problems << operationName(method, concrete)
                                + QStringLiteral(" answered %1 without a token, not 401").arg(answer);
        });
    QVERIFY(checked > 0);
    QVERIFY2(problems.isEmpty(), report(problems).constData());
}

void ApiOpenApiTest::checksCatchDrift()
{
    const auto withOperation = [this](const QString &path, const QString &method,
                                      const std::function<void(QJsonObject &)> &change) {
        QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
        QJsonObject item = paths.value(path).toObject();
        QJsonObject operation = item.value(method).toObject();
        change(operation);
        item.insert(method, operation);
        paths.insert(path, item);
        QJsonObject document = m_document;
        document.insert(QStringLiteral("paths"), paths);
        return OpenApiCheck(document, m_routes);
    };
    const QString devices = QStringLiteral("/v1/users/{user_id}/devices");

    // An operation left out of the document, and one the worker does not serve.
    QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    QJsonObject item = paths.value(devices).toObject();
    item.remove(QStringLiteral("post"));
    paths.insert(devices, item);
    paths.insert(QStringLiteral("/v1/nothing"), QJsonObject{{QStringLiteral("get"), QJsonObject()}});
    QJsonObject document = m_document;
    document.insert(QStringLiteral("paths"), paths);
    const OpenApiCheck missing(document, m_routes);
    QCOMPARE(missing.servedButUndocumented(),
             QStringList{QStringLiteral("POST %1 is served but not documented").arg(devices)});
    // Only the operation added here is new (routes of branches not merged yet may be missing too).
    QStringList unserved = missing.documentedButNotServed();
    for (const QString &known : OpenApiCheck(m_document, m_routes).documentedButNotServed())
        unserved.removeOne(known);
    QCOMPARE(unserved, QStringList{QStringLiteral("GET /v1/nothing is documented but not served")});

    // Access: a role too many, a scope missing, a public route with a token, a protected one without.
    QVERIFY(!withOperation(devices, QStringLiteral("post"),
                           [](QJsonObject &op) {
                               op.insert(QStringLiteral("x-vestnik-access"),
                                         QJsonObject{
                                             {QStringLiteral("roles"),
                                              QJsonArray{QStringLiteral("admin"), QStringLiteral("marketer")}},
                                             {QStringLiteral("scopes"), QJsonArray{QStringLiteral("devices:write")}}});
                           })
                 .accessProblems()
                 .isEmpty());
    QVERIFY(!withOperation(devices, QStringLiteral("post"),
                           [](QJsonObject &op) {
                               op.insert(QStringLiteral("security"),
                                         QJsonArray{QJsonObject{{QStringLiteral("bearerAuth"), QJsonArray()}}});
                           })
                 .accessProblems()
                 .isEmpty());
    QVERIFY(!withOperation(devices, QStringLiteral("post"),
                           [](QJsonObject &op) { op.insert(QStringLiteral("security"), QJsonArray()); })
                 .accessProblems()
                 .isEmpty());
    QVERIFY(!withOperation(QStringLiteral("/healthz"), QStringLiteral("get"),
                           [](QJsonObject &op) {
                               op.insert(QStringLiteral("security"),
                                         QJsonArray{QJsonObject{{QStringLiteral("bearerAuth"), QJsonArray()}}});
                           })
                 .accessProblems()
                 .isEmpty());

    // Answers: no 2xx, an error answer with its own body, no 401 on a protected route; a path parameter missing.
    QVERIFY(!withOperation(QStringLiteral("/healthz"), QStringLiteral("get"),
                           [](QJsonObject &op) {
                               QJsonObject responses = op.value(QStringLiteral("responses")).toObject();
                               responses.remove(QStringLiteral("200"));
                               op.insert(QStringLiteral("responses"), responses);
                           })
                 .operationProblems()
                 .isEmpty());
    QVERIFY(
        !withOperation(devices, QStringLiteral("post"),
                       [](QJsonObject &op) {
                           QJsonObject responses = op.value(QStringLiteral("responses")).toObject();
                           responses.insert(
                               QStringLiteral("422"),
                               QJsonObject{{QStringLiteral("description"), QStringLiteral("x")},
                                           {QStringLiteral("content"),
                                            QJsonObject{{QStringLiteral("application/json"),
                                                         QJsonObject{{QStringLiteral("schema"),
                                                                      QJsonObject{{QStringLiteral("type"),
                                                                                   QStringLiteral("object")}}}}}}}});
                           responses.remove(QStringLiteral("401"));
                           op.insert(QStringLiteral("responses"), responses);
                       })
             .operationProblems()
             .isEmpty());
    QJsonObject unparameterised = m_document;
    QJsonObject allPaths = unparameterised.value(QStringLiteral("paths")).toObject();
    QJsonObject devicesItem = allPaths.value(devices).toObject();
    devicesItem.remove(QStringLiteral("parameters"));
    allPaths.insert(devices, devicesItem);
    unparameterised.insert(QStringLiteral("paths"), allPaths);
    QVERIFY(!OpenApiCheck(unparameterised, m_routes).operationProblems().isEmpty());

    // A dangling reference.
    QVERIFY(!withOperation(devices, QStringLiteral("post"),
                           [](QJsonObject &op) {
                               op.insert(QStringLiteral("requestBody"),
                                         QJsonObject{{QStringLiteral("$ref"),
                                                      QStringLiteral("#/components/requestBodies/Nothing")}});
                           })
                 .unresolvedReferences()
                 .isEmpty());
}

QTEST_GUILESS_MAIN(ApiOpenApiTest)
#include "ApiOpenApiTest.moc"
