#include "admin/AdminServer.h"

#include "SimLogging.h"
#include "Simulator.h"
#include "control/DeliveryRecorder.h"
#include "fleet/Fleet.h"
#include "fleet/PhoneReactor.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QUrlQuery>

namespace vestnik::sim {

namespace {

using Method = QHttpServerRequest::Method;
using Status = QHttpServerResponder::StatusCode;

QHttpServerResponse errorResponse(Status status, const QString &message)
{
    return QHttpServerResponse(QJsonObject{{QStringLiteral("error"), message}}, status);
}

Result<QJsonObject> jsonBody(const QHttpServerRequest &request)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the body must be a JSON object"));
    return document.object();
}

} // namespace

AdminServer::AdminServer(Simulator &simulator, QObject *parent)
    : QObject(parent), m_simulator(simulator), m_server(new QHttpServer(this))
{
    addRoutes();
}

AdminServer::~AdminServer() = default;

Result<void> AdminServer::listen(const QHostAddress &host, int port)
{
    const quint16 bound = m_server->listen(host, quint16(port));
    if (bound == 0)
        return makeError(ErrorCode::Io,
                         QStringLiteral("the admin endpoint cannot listen on %1:%2").arg(host.toString()).arg(port));
    m_url.setScheme(QStringLiteral("http"));
    m_url.setHost(host.toString());
    m_url.setPort(bound);
    return {};
}

void AdminServer::addRoutes()
{
    m_server->route(QStringLiteral("/admin/health"), Method::Get, [] {
        return QHttpServerResponse(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
    });
    m_server->route(QStringLiteral("/admin/status"), Method::Get,
                    [this] { return QHttpServerResponse(m_simulator.statusJson()); });
    m_server->route(QStringLiteral("/admin/behaviour"), Method::Get,
                    [this] { return QHttpServerResponse(m_simulator.behaviourJson()); });
    m_server->route(QStringLiteral("/admin/behaviour"), Method::Put | Method::Patch,
                    [this](const QHttpServerRequest &request) {
                        Result<QJsonObject> body = jsonBody(request);
                        if (!body)
                            return errorResponse(Status::BadRequest, body.error().message);
                        const bool replace = request.method() == Method::Put;
                        if (Result<void> applied = m_simulator.applyBehaviour(*body, replace); !applied)
                            return errorResponse(Status::BadRequest, applied.error().message);
                        qCInfo(lcSim).noquote()
                            << "behaviour" << (replace ? "replaced" : "updated") << "through the admin endpoint";
                        return QHttpServerResponse(m_simulator.behaviourJson());
                    });
    m_server->route(QStringLiteral("/admin/deliveries"), Method::Get, [this](const QHttpServerRequest &request) {
        const QUrlQuery query = request.query();
        return QHttpServerResponse(
            m_simulator.recorder().toJson(query.queryItemValue(QStringLiteral("service")),
                                          query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded)));
    });
    m_server->route(QStringLiteral("/admin/fleet"), Method::Get,
                    [this] { return QHttpServerResponse(m_simulator.fleet().toJson()); });
    m_server->route(QStringLiteral("/admin/reactions"), Method::Get,
                    [this] { return QHttpServerResponse(m_simulator.reactor().configuration()); });
    m_server->route(QStringLiteral("/admin/reactions"), Method::Put, [this](const QHttpServerRequest &request) {
        Result<QJsonObject> body = jsonBody(request);
        if (!body)
            return errorResponse(Status::BadRequest, body.error().message);
        if (Result<void> configured = m_simulator.reactor().configure(*body, m_simulator.seed()); !configured)
            return errorResponse(Status::BadRequest, configured.error().message);
        return QHttpServerResponse(m_simulator.reactor().configuration());
    });
    m_server->route(QStringLiteral("/admin/deliveries"), Method::Delete, [this] {
        m_simulator.recorder().clear();
        return QHttpServerResponse(Status::NoContent);
    });
}

} // namespace vestnik::sim
