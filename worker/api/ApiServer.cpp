#include "api/ApiServer.h"

#include "api/ApiListener.h"
#include "api/ApiLogging.h"
#include "api/ApiReply_p.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QHttpServerRequest>
#include <QRegularExpression>
#include <QTcpSocket>

#include <exception>

namespace vestnik {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put: return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete: return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post: return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head: return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options: return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch: return QByteArrayLiteral("PATCH");
    default: return QByteArrayLiteral("UNKNOWN");
    }
}

/// The client's own request id if it is a sane one (so logs across services line up), else a new one.
QString requestIdFor(const QByteArray &sent)
{
    static const QRegularExpression sane(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
    const QString id = QString::fromLatin1(sent);
    return sane.match(id).hasMatch() ? id : makeRequestId();
}

/// Whom an unauthenticated request is counted against: its address; an IPv6 client by its /64, which one
/// subscriber usually holds whole.
QString addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QStringLiteral("ip:") + QHostAddress(v4).toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QStringLiteral("ip:") + QHostAddress(bytes).toString() + QStringLiteral("/64");
}

/// RFC 6750 error_description: a quoted string of printable ASCII without quotes or backslashes.
QByteArray quotedDescription(const QString &text)
{
    QByteArray out;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        out += (u >= 0x20 && u < 0x7f && u != '"' && u != '\\') ? char(u) : '?';
    }
    return out;
}

} // namespace

ApiServer::Settings ApiServer::Settings::fromConfig(const Config &config)
{
    Settings settings;
    settings.limits.maxBodyBytes = config.integer(QStringLiteral("api.max_body_bytes"));
    settings.limits.requestTimeout =
        std::chrono::milliseconds(config.integer(QStringLiteral("api.request_timeout_ms")));
    settings.limits.idleTimeout = std::chrono::milliseconds(config.integer(QStringLiteral("api.idle_timeout_ms")));
    settings.maxConnections = int(config.integer(QStringLiteral("api.max_connections")));
    settings.ratePerSecond = double(config.integer(QStringLiteral("api.rate_per_second")));
    settings.rateBurst = double(config.integer(QStringLiteral("api.rate_burst")));
    return settings;
}

ApiServer::ApiServer(Settings settings, const Clock &clock, QObject *parent)
    : QAbstractHttpServer(parent),
      m_settings(std::move(settings)),
      m_clock(clock),
      m_authenticator(clock),
      m_rateLimiter(m_settings.ratePerSecond, m_settings.rateBurst)
{}

ApiServer::~ApiServer()
{
    // Connections (and the replies' sockets) go with the listeners, before the routes they might call.
    qDeleteAll(m_listeners);
    m_listeners.clear();
}

Result<void> ApiServer::addRoute(const QByteArray &method, const QString &pattern, Access access, Handler handler)
{
    if (!handler)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("route %1 has no handler").arg(pattern));
    Result<int> index = m_router.add(method, pattern);
    if (!index)
        return index.error();
    Q_ASSERT(*index == m_routes.size());
    m_routes.append(Route{RouteInfo{method, pattern, std::move(access)}, std::move(handler)});
    return {};
}

Result<void> ApiServer::addRoute(const QByteArray &method, const QString &pattern, Access access, SyncHandler handler)
{
    if (!handler)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("route %1 has no handler").arg(pattern));
    return addRoute(method, pattern, std::move(access),
                    Handler([handler = std::move(handler)](const ApiRequest &request, ApiReply reply) {
                        reply.send(handler(request));
                    }));
}

QList<ApiServer::RouteInfo> ApiServer::routes() const
{
    QList<RouteInfo> infos;
    infos.reserve(m_routes.size());
    for (const Route &route : m_routes)
        infos.append(route.info);
    return infos;
}

Result<QUrl> ApiServer::start(const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls)
{
    auto listener = std::make_unique<ApiListener>(m_settings.limits, m_settings.maxConnections, tls);
    if (!listener->listen(address, port))
        return makeError(ErrorCode::Io, QStringLiteral("cannot listen on %1:%2: %3")
                                            .arg(address.toString())
                                            .arg(port)
                                            .arg(listener->errorString()));
    connect(listener.get(), &ApiListener::connectionRefused, this, [this] { ++m_counters.refusedConnections; });
    connect(listener.get(), &ApiListener::guardRejected, this, [this] { ++m_counters.guardRejections; });
    connect(listener.get(), &ApiListener::pipelineRefused, this, [this] { ++m_counters.pipelined; });
    connect(listener.get(), &ApiListener::handshakeFailed, this, [this](const QString &reason) {
        ++m_counters.handshakeFailures;
        qCDebug(lcApi).noquote() << "TLS handshake failed:" << reason;
    });
    QUrl url;
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(address.toString());
    url.setPort(listener->serverPort());
    m_listeners.append(listener.get());
    bind(listener.release()); // parents it to this server
    return url;
}

int ApiServer::activeConnections() const
{
    int active = 0;
    for (const ApiListener *listener : m_listeners)
        active += listener->activeConnections();
    return active;
}

ApiRequest ApiServer::buildRequest(const QHttpServerRequest &request, const ConnectionGuard *guard,
                                   QTcpSocket *socket) const
{
    ApiRequest api;
    // The guard saw the request line as sent; QUrl would normalise what it can.
    const QByteArray target =
        guard ? guard->target() : request.url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    const qsizetype question = target.indexOf('?');
    api.method = guard ? guard->method() : methodName(request.method());
    api.path = QString::fromLatin1(question < 0 ? target : target.left(question));
    api.query = QUrlQuery(question < 0 ? QString() : QString::fromLatin1(target.mid(question + 1)));
    const QList<QPair<QByteArray, QByteArray>> headers = request.headers();
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        const auto existing = api.headers.find(lower);
        if (existing == api.headers.end())
            api.headers.insert(lower, value);
        else
            *existing += ", " + value;
    }
    api.body = request.body();
    api.remoteAddress = socket->peerAddress();
    api.requestId = requestIdFor(api.header("x-request-id"));
    return api;
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_counters.requests;
    ConnectionGuard *guard = ConnectionGuard::of(socket);
    if (guard)
        guard->requestDispatched();
    ApiRequest api = buildRequest(request, guard, socket);

    auto state = std::make_shared<ApiReply::State>();
    state->server = this;
    state->socket = socket;
    state->requestId = api.requestId;
    state->method = api.method;
    state->withBody = api.method != "HEAD";
    state->keepAlive = guard ? guard->keepAlive() : false;
    state->isHttp10 = guard && guard->isHttp10();
    state->started.start();
    const ApiReply reply(state);

    const Router::Match match = m_router.match(api.method, api.path);
    if (match.kind == Router::Match::Kind::Found) {
        api.routePattern = m_router.pattern(match.route);
        api.pathParams = match.params;
        state->routePattern = api.routePattern;
    }
    if (std::optional<ApiResponse> refusal = refuse(api, match)) {
        reply.send(*refusal);
        return true;
    }
    // A copy: a handler may add routes, which may move the stored ones.
    const Handler handler = m_routes.at(match.route).handler;
    try {
        handler(api, reply);
    } catch (const std::exception &e) {
        qCCritical(lcApi).noquote() << "handler of" << api.method << api.routePattern << "threw:" << e.what();
        reply.send(ApiResponse::error(500, QStringLiteral("internal"),
                                      QStringLiteral("the worker failed to handle the request")));
    }
    return true;
}

std::optional<ApiResponse> ApiServer::refuse(ApiRequest &request, const Router::Match &match)
{
    const Route *route = match.kind == Router::Match::Kind::Found ? &m_routes.at(match.route) : nullptr;
    std::optional<AuthFailure> authFailure;
    if (route && !route->info.access.isPublic()) {
        Result<Principal, AuthFailure> principal = m_authenticator.authenticate(request.header("authorization"));
        if (principal)
            request.principal = *principal;
        else
            authFailure = principal.error();
    }

    const QString key = request.principal ? QStringLiteral("sub:") + request.principal->issuer + QLatin1Char(' ')
                                                + request.principal->subject
                                          : addressKey(request.remoteAddress);
    if (const std::optional<qint64> waitMs = m_rateLimiter.acquire(key, m_clock.nowMs())) {
        ++m_counters.rateLimited;
        const qint64 seconds = std::max<qint64>(1, (*waitMs + 999) / 1000);
        ApiResponse response = ApiResponse::error(
            429, QStringLiteral("rate_limited"),
            QStringLiteral("too many requests; try again in %1 s (api.rate_per_second)").arg(seconds));
        response.setHeader("Retry-After", QByteArray::number(seconds));
        return response;
    }

    if (match.kind == Router::Match::Kind::NotFound)
        return ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("no such endpoint"));
    if (match.kind == Router::Match::Kind::MethodNotAllowed) {
        ApiResponse response =
            ApiResponse::error(405, QStringLiteral("method_not_allowed"),
                               QStringLiteral("%1 is not allowed here").arg(QString::fromLatin1(request.method)));
        response.setHeader("Allow", match.allowed.join(", "));
        return response;
    }
    if (authFailure) {
        ++m_counters.unauthenticated;
        const bool missing = authFailure->kind == AuthFailure::Kind::MissingCredentials;
        qCDebug(lcApi).noquote() << "401 on" << request.routePattern << ":" << authFailure->description;
        ApiResponse response =
            ApiResponse::error(401, missing ? QStringLiteral("unauthenticated") : QStringLiteral("invalid_token"),
                               authFailure->description);
        QByteArray challenge = QByteArrayLiteral("Bearer realm=\"vestnik\"");
        if (!missing)
            challenge +=
                ", error=\"invalid_token\", error_description=\"" + quotedDescription(authFailure->description) + '"';
        response.setHeader("WWW-Authenticate", challenge);
        return response;
    }
    if (request.principal) {
        const Access::Verdict verdict = route->info.access.check(*request.principal);
        if (verdict != Access::Verdict::Allowed) {
            ++m_counters.forbidden;
            const QString message = route->info.access.explain(verdict, *request.principal);
            if (verdict == Access::Verdict::ScopeMissing) {
                ApiResponse response = ApiResponse::error(403, QStringLiteral("insufficient_scope"), message);
                response.setHeader("WWW-Authenticate",
                                   "Bearer realm=\"vestnik\", error=\"insufficient_scope\", scope=\""
                                       + route->info.access.allowedScopes().join(QLatin1Char(' ')).toLatin1() + '"');
                return response;
            }
            return ApiResponse::error(403, QStringLiteral("forbidden"), message);
        }
    }
    return std::nullopt;
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest() takes every request; QHttpServer calls this only if that ever changes.
    Q_UNUSED(request)
    qCWarning(lcApi) << "QHttpServer found no handler for a request; closing the connection";
    socket->disconnectFromHost();
}

void ApiServer::deliver(ApiReply::State &state, const ApiResponse &response)
{
    QTcpSocket *socket = state.socket;
    ConnectionGuard *guard = ConnectionGuard::of(socket);
    if (!socket || socket->state() != QAbstractSocket::ConnectedState || (guard && guard->isClosing())) {
        ++m_counters.droppedAnswers;
        qCDebug(lcApi).noquote() << "the client of" << state.method << state.routePattern << "left before its"
                                 << response.status() << "answer";
        return;
    }
    const bool close = !state.keepAlive;
    socket->write(response.toHttp(state.requestId, state.withBody, close, state.isHttp10 && !close));
    ++m_counters.answered;
    if (guard)
        guard->answered(close);
    const qint64 elapsed = state.started.elapsed();
    qCDebug(lcApi).noquote() << state.method
                             << (state.routePattern.isEmpty() ? QStringLiteral("(no route)") : state.routePattern)
                             << response.status() << elapsed << "ms" << state.requestId;
    Q_EMIT answeredRequest(state.method, state.routePattern, response.status(), elapsed);
}

void ApiServer::deliverUnanswered(ApiReply::State &state)
{
    ++m_counters.unanswered;
    qCCritical(lcApi).noquote() << "the handler of" << state.method << state.routePattern
                                << "dropped its reply without answering (a bug); answering 500";
    state.sent = true;
    deliver(state, ApiResponse::error(500, QStringLiteral("internal"),
                                      QStringLiteral("the worker did not answer the request")));
}

} // namespace vestnik
