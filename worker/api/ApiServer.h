#pragma once

#include "api/Access.h"
#include "api/ApiReply.h"
#include "api/ApiRequest.h"
#include "api/ApiResponse.h"
#include "api/Authenticator.h"
#include "api/ConnectionGuard.h"
#include "api/RateLimiter.h"
#include "api/Router.h"
#include "util/Result.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QList>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

namespace vestnik {

class ApiListener;
class Clock;
class Config;

/// The worker's REST API server: QtHttpServer 6.4's QAbstractHttpServer (HTTP/1.1 parsing) under our own
/// router, access checks, per-client rate limits and a connection guard that 6.4 lacks (size limits,
/// timeouts, connection cap, TLS-only hand-over). Handlers may answer at once or later; every answer carries
/// X-Request-Id and Cache-Control: no-store, and errors are `{"error":{"code","message","request_id"}}`
/// (docs/api/README.md lists the codes).
class ApiServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    /// Answers through `reply`, now or later.
    using Handler = std::function<void(const ApiRequest &request, ApiReply reply)>;
    /// Answers at once.
    using SyncHandler = std::function<ApiResponse(const ApiRequest &request)>;

    /// A route as added: what docs/api/openapi.json must describe (api_openapi_test compares them).
    struct RouteInfo {
        QByteArray method;
        QString pattern;
        Access access;
    };

    struct Settings {
        ConnectionGuard::Limits limits;
        int maxConnections = 1000;
        double ratePerSecond = 100; ///< per client; 0: no limit
        double rateBurst = 200;

        /// From the `api.*` keys (the config is validated already).
        static Settings fromConfig(const Config &config);
    };

    /// What happened so far (for /metrics and tests).
    struct Counters {
        quint64 requests = 0;           ///< requests QHttpServer handed over
        quint64 answered = 0;           ///< answers written to a connected client
        quint64 droppedAnswers = 0;     ///< answers for clients that had gone (nothing written)
        quint64 unanswered = 0;         ///< requests whose handler dropped its reply (answered 500)
        quint64 rateLimited = 0;        ///< 429
        quint64 unauthenticated = 0;    ///< 401
        quint64 forbidden = 0;          ///< 403
        quint64 guardRejections = 0;    ///< answered and closed by the connection guard (400/408/411/413/431/501)
        quint64 pipelined = 0;          ///< requests sent before the previous answer (not handled; closed)
        quint64 refusedConnections = 0; ///< beyond api.max_connections
        quint64 handshakeFailures = 0;  ///< TLS handshakes that failed or timed out
    };

    ApiServer(Settings settings, const Clock &clock, QObject *parent = nullptr);
    ~ApiServer() override;

    /// Routes `method` on `pattern` ("/v1/devices/{id}") to `handler` for whom `access` admits.
    /// InvalidArgument for a malformed pattern or a route that exists already.
    Result<void> addRoute(const QByteArray &method, const QString &pattern, Access access, Handler handler);
    Result<void> addRoute(const QByteArray &method, const QString &pattern, Access access, SyncHandler handler);
    /// Every route added so far, in the order added.
    QList<RouteInfo> routes() const;

    /// The trusted token issuers (add them before requests arrive, or any time later).
    Authenticator &authenticator() { return m_authenticator; }

    /// Listens on `address`:`port` (0: any free port); with `tls`, connections must complete a TLS handshake
    /// first. The URL clients use (https or http); Io error when the port is taken.
    Result<QUrl> start(const QHostAddress &address, quint16 port, const std::optional<QSslConfiguration> &tls);
    const Counters &counters() const { return m_counters; }
    int activeConnections() const;

Q_SIGNALS:
    /// An answer written by a handler (or the router, authentication, rate limit): for metrics.
    void answeredRequest(const QByteArray &method, const QString &routePattern, int status, qint64 durationMs);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    friend class ApiReply;
    struct Route {
        RouteInfo info;
        Handler handler;
    };

    ApiRequest buildRequest(const QHttpServerRequest &request, const ConnectionGuard *guard, QTcpSocket *socket) const;
    /// The answer that stops the request before its handler (404, 405, 401, 403, 429), or nothing.
    std::optional<ApiResponse> refuse(ApiRequest &request, const Router::Match &match);
    void deliver(ApiReply::State &state, const ApiResponse &response);
    void deliverUnanswered(ApiReply::State &state);

    const Settings m_settings;
    const Clock &m_clock;
    Router m_router;
    QList<Route> m_routes; ///< by the router's index
    Authenticator m_authenticator;
    RateLimiter m_rateLimiter;
    QList<ApiListener *> m_listeners; ///< children of the server (QAbstractHttpServer::bind parents them)
    Counters m_counters;
};

} // namespace vestnik
