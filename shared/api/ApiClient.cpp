#include "api/ApiClient.h"

#include "util/Logging.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>

#include <algorithm>

namespace vestnik {

namespace {

/// Sessions are renewed this long before the access token expires, so a call never carries a stale one.
constexpr qint64 kRenewAheadMs = 60'000;
constexpr qint64 kShortestRenewMs = 5'000;

ApiFailure failureOfStatus(int status)
{
    if (status >= 200 && status < 300)
        return ApiFailure::None;
    switch (status) {
    case 400:
    case 422: return ApiFailure::Invalid;
    case 401: return ApiFailure::Unauthenticated;
    case 403: return ApiFailure::Forbidden;
    case 404: return ApiFailure::NotFound;
    case 409: return ApiFailure::Conflict;
    case 429: return ApiFailure::RateLimited;
    default: return status >= 400 && status < 500 ? ApiFailure::Invalid : ApiFailure::Server;
    }
}

/// The claims of a JWT, read without checking the signature: the console only shows them (the worker checks).
QJsonObject unverifiedClaims(const QString &token)
{
    const QList<QStringView> parts = QStringView(token).split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    const QByteArray json = QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding);
    return QJsonDocument::fromJson(json).object();
}

} // namespace

struct ApiClient::PendingCall {
    QByteArray method;
    QString path;
    QUrlQuery query;
    QJsonValue body;
    QPointer<QObject> context;
    Callback done;
    quint64 generation = 0;
    bool authenticated = true; ///< carries the access token (sign-in and renewal do not)
    bool renewedOnce = false;  ///< a 401 already led to a renewal: the next 401 is final
    QByteArray presentedSha256;
    bool pinMismatch = false;
};

ApiClient::ApiClient(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)), m_renewTimer(new QTimer(this))
{
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_renewTimer->setSingleShot(true);
    connect(m_renewTimer, &QTimer::timeout, this, &ApiClient::renewSession);
}

ApiClient::~ApiClient()
{
    m_destroying = true;
    cancelAll();
}

void ApiClient::setServer(const QUrl &baseUrl)
{
    if (baseUrl == m_server)
        return;
    const bool wasSignedIn = isSignedIn();
    cancelAll();
    m_accessToken.clear();
    m_refreshToken.clear();
    m_login.clear();
    m_role.clear();
    m_renewTimer->stop();
    m_server = baseUrl;
    m_network->clearConnectionCache();
    setState(ConnectionState::Disconnected);
    if (wasSignedIn)
        Q_EMIT sessionChanged();
}

void ApiClient::setCaCertificates(const QList<QSslCertificate> &certificates)
{
    m_caCertificates = certificates;
    m_network->clearConnectionCache();
}

void ApiClient::setPinnedCertificate(const QByteArray &sha256)
{
    m_pinnedSha256 = sha256;
    m_network->clearConnectionCache();
}

void ApiClient::call(const QByteArray &method, const QString &path, const QUrlQuery &query, const QJsonValue &body,
                     QObject *context, Callback done)
{
    auto pending = std::make_shared<PendingCall>();
    pending->method = method;
    pending->path = path;
    pending->query = query;
    pending->body = body;
    pending->context = context;
    pending->done = std::move(done);
    pending->generation = m_generation;
    if (m_renewing) {
        m_waitingForRenewal.append(pending);
        return;
    }
    start(pending);
}

void ApiClient::get(const QString &path, QObject *context, Callback done, const QUrlQuery &query)
{
    call("GET", path, query, QJsonValue(QJsonValue::Undefined), context, std::move(done));
}

void ApiClient::post(const QString &path, const QJsonValue &body, QObject *context, Callback done)
{
    call("POST", path, QUrlQuery(), body, context, std::move(done));
}

void ApiClient::put(const QString &path, const QJsonValue &body, QObject *context, Callback done)
{
    call("PUT", path, QUrlQuery(), body, context, std::move(done));
}

void ApiClient::patch(const QString &path, const QJsonValue &body, QObject *context, Callback done)
{
    call("PATCH", path, QUrlQuery(), body, context, std::move(done));
}

void ApiClient::remove(const QString &path, QObject *context, Callback done)
{
    call("DELETE", path, QUrlQuery(), QJsonValue(QJsonValue::Undefined), context, std::move(done));
}

void ApiClient::signIn(const QString &login, const QString &password, QObject *context, Callback done)
{
    auto pending = std::make_shared<PendingCall>();
    pending->method = "POST";
    pending->path = QStringLiteral("/v1/auth/login");
    pending->body = QJsonObject{{QStringLiteral("login"), login}, {QStringLiteral("password"), password}};
    pending->context = context;
    pending->authenticated = false;
    pending->generation = m_generation;
    pending->done = [this, done = std::move(done)](const ApiAnswer &answer) {
        ApiAnswer result = answer;
        if (answer.isOk() && !adoptTokens(answer.object())) {
            result.failure = ApiFailure::Server;
            result.message = tr("the worker's sign-in answer holds no usable token");
        }
        if (result.isOk())
            Q_EMIT sessionChanged();
        done(result);
    };
    start(pending);
}

void ApiClient::signOut()
{
    if (!isSignedIn())
        return;
    const QString refreshToken = m_refreshToken;
    cancelAll();
    m_accessToken.clear();
    m_refreshToken.clear();
    m_login.clear();
    m_role.clear();
    m_renewTimer->stop();
    if (!refreshToken.isEmpty()) {
        // Revoking is best effort: the tokens are gone from this process either way.
        auto pending = std::make_shared<PendingCall>();
        pending->method = "POST";
        pending->path = QStringLiteral("/v1/auth/logout");
        pending->body = QJsonObject{{QStringLiteral("refresh_token"), refreshToken}};
        pending->context = this;
        pending->authenticated = false;
        pending->generation = m_generation;
        pending->done = [](const ApiAnswer &answer) {
            if (!answer.isOk())
                qCWarning(lcConsole).noquote() << "the worker did not confirm the sign-out:" << answer.message;
        };
        start(pending);
    }
    setState(ConnectionState::Disconnected);
    Q_EMIT sessionChanged();
}

QString ApiClient::formatFingerprint(const QByteArray &sha256)
{
    return QString::fromLatin1(sha256.toHex(':').toUpper());
}

QString ApiClient::segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QNetworkRequest ApiClient::requestFor(const PendingCall &pending) const
{
    QUrl url = m_server;
    url.setPath(m_server.path().chopped(m_server.path().endsWith(QLatin1Char('/')) ? 1 : 0) + pending.path,
                QUrl::TolerantMode);
    if (!pending.query.isEmpty())
        url.setQuery(pending.query);
    QNetworkRequest request(url);
    request.setTransferTimeout(static_cast<int>(m_timeout.count()));
    request.setRawHeader("Accept", "application/json");
    if (!pending.body.isUndefined())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (pending.authenticated && !m_accessToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_accessToken.toLatin1());
    if (url.scheme() == QStringLiteral("https")) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        if (!m_caCertificates.isEmpty())
            tls.addCaCertificates(m_caCertificates);
        request.setSslConfiguration(tls);
    }
    return request;
}

void ApiClient::start(const std::shared_ptr<PendingCall> &pending)
{
    if (!m_server.isValid() || m_server.isEmpty()) {
        ApiAnswer answer;
        answer.failure = ApiFailure::Network;
        answer.message = tr("no server is chosen");
        QTimer::singleShot(0, this, [pending, answer] {
            if (pending->context)
                pending->done(answer);
        });
        return;
    }
    const QNetworkRequest request = requestFor(*pending);
    QByteArray payload;
    if (!pending->body.isUndefined())
        payload = pending->body.isArray() ? QJsonDocument(pending->body.toArray()).toJson(QJsonDocument::Compact)
                                          : QJsonDocument(pending->body.toObject()).toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_network->sendCustomRequest(request, pending->method, payload);
    m_inFlight.append(reply);
    if (m_state != ConnectionState::Connected)
        setState(ConnectionState::Connecting);
    // A pinned certificate is the trust anchor: it is accepted whatever the chain, and it is required even when
    // a CA vouches for another one.
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply, pending](const QList<QSslError> &) {
        pending->presentedSha256 = reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256);
        if (!m_pinnedSha256.isEmpty() && pending->presentedSha256 == m_pinnedSha256)
            reply->ignoreSslErrors();
    });
    connect(reply, &QNetworkReply::encrypted, this, [this, reply, pending] {
        pending->presentedSha256 = reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256);
        if (!m_pinnedSha256.isEmpty() && pending->presentedSha256 != m_pinnedSha256) {
            pending->pinMismatch = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, pending] { finish(reply, pending); });
}

ApiAnswer ApiClient::answerOf(QNetworkReply *reply, const PendingCall &pending) const
{
    ApiAnswer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.requestId = QString::fromLatin1(reply->rawHeader("X-Request-Id"));
    answer.retryAfterSeconds = reply->rawHeader("Retry-After").toInt();
    const QByteArray body = reply->readAll();
    if (!body.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error == QJsonParseError::NoError)
            answer.json = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    }
    if (pending.pinMismatch) {
        answer.failure = ApiFailure::UntrustedCertificate;
        answer.certificateSha256 = pending.presentedSha256;
        answer.message = tr("the server presented a different certificate than the one trusted before");
        return answer;
    }
    const QNetworkReply::NetworkError error = reply->error();
    if (answer.status == 0) {
        if (error == QNetworkReply::SslHandshakeFailedError && !pending.presentedSha256.isEmpty()) {
            answer.failure = ApiFailure::UntrustedCertificate;
            answer.certificateSha256 = pending.presentedSha256;
        } else if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
            answer.failure = ApiFailure::Timeout;
        } else {
            answer.failure = ApiFailure::Network;
        }
        answer.message = reply->errorString();
        return answer;
    }
    answer.failure = failureOfStatus(answer.status);
    if (!answer.isOk()) {
        const QJsonObject details = answer.object().value(QStringLiteral("error")).toObject();
        answer.errorCode = details.value(QStringLiteral("code")).toString();
        answer.message = details.value(QStringLiteral("message")).toString();
        // OAuth answers (RFC 6749 5.2) name their error differently.
        if (answer.errorCode.isEmpty())
            answer.errorCode = answer.object().value(QStringLiteral("error")).toString();
        if (answer.message.isEmpty())
            answer.message = answer.object().value(QStringLiteral("error_description")).toString();
        if (answer.message.isEmpty())
            answer.message = reply->errorString();
    } else if (!body.isEmpty() && answer.json.isUndefined()) {
        answer.failure = ApiFailure::Server;
        answer.message = tr("the worker's answer is not JSON");
    }
    return answer;
}

void ApiClient::finish(QNetworkReply *reply, const std::shared_ptr<PendingCall> &pending)
{
    m_inFlight.removeAll(reply);
    reply->deleteLater();
    if (pending->generation != m_generation) {
        // Cancelled by a sign-out or a new server.
        if (!m_destroying && pending->context) {
            ApiAnswer cancelled;
            cancelled.failure = ApiFailure::Cancelled;
            cancelled.message = tr("cancelled");
            pending->done(cancelled);
        }
        return;
    }
    ApiAnswer answer = answerOf(reply, *pending);
    if (answer.failure == ApiFailure::Network || answer.failure == ApiFailure::Timeout)
        setState(ConnectionState::Unreachable);
    else if (answer.failure != ApiFailure::UntrustedCertificate)
        setState(ConnectionState::Connected);

    if (answer.failure == ApiFailure::Unauthenticated && pending->authenticated && !pending->renewedOnce
        && !m_refreshToken.isEmpty()) {
        // The access token was refused (expired while the machine slept, or keys rotated): renew once, then call
        // again with the new one.
        pending->renewedOnce = true;
        m_waitingForRenewal.append(pending);
        renewSession();
        return;
    }
    if (pending->context)
        pending->done(answer);
}

void ApiClient::renewSession()
{
    if (m_renewing || m_refreshToken.isEmpty())
        return;
    m_renewing = true;
    m_renewTimer->stop();
    auto pending = std::make_shared<PendingCall>();
    pending->method = "POST";
    pending->path = QStringLiteral("/oauth/token");
    pending->context = this;
    pending->authenticated = false;
    pending->generation = m_generation;
    pending->done = [this](const ApiAnswer &answer) { renewalAnswered(answer); };
    // The token endpoint takes a form (RFC 6749 6).
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    form.addQueryItem(QStringLiteral("refresh_token"), m_refreshToken);
    QNetworkRequest request = requestFor(*pending);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *reply = m_network->post(request, form.toString(QUrl::FullyEncoded).toLatin1());
    m_inFlight.append(reply);
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError> &) {
        if (!m_pinnedSha256.isEmpty()
            && reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256) == m_pinnedSha256)
            reply->ignoreSslErrors();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, pending] { finish(reply, pending); });
}

void ApiClient::renewalAnswered(const ApiAnswer &answer)
{
    m_renewing = false;
    const QList<std::shared_ptr<PendingCall>> waiting = std::exchange(m_waitingForRenewal, {});
    if (answer.isOk() && adoptTokens(answer.object())) {
        Q_EMIT sessionRenewed();
        for (const std::shared_ptr<PendingCall> &pending : waiting)
            start(pending);
        return;
    }
    if (answer.failure == ApiFailure::Network || answer.failure == ApiFailure::Timeout) {
        // The worker is away, the session may still be good: try again shortly, tell the waiting calls.
        m_renewTimer->start(kShortestRenewMs);
        for (const std::shared_ptr<PendingCall> &pending : waiting)
            if (pending->context)
                pending->done(answer);
        return;
    }
    const QString reason = answer.message.isEmpty() ? answer.errorCode : answer.message;
    qCInfo(lcConsole).noquote() << "the session could not be renewed:" << reason;
    m_accessToken.clear();
    m_refreshToken.clear();
    ApiAnswer refused;
    refused.status = 401;
    refused.failure = ApiFailure::Unauthenticated;
    refused.errorCode = QStringLiteral("session_expired");
    refused.message = reason;
    for (const std::shared_ptr<PendingCall> &pending : waiting)
        if (pending->context)
            pending->done(refused);
    m_login.clear();
    m_role.clear();
    Q_EMIT sessionChanged();
    Q_EMIT sessionExpired(reason);
}

bool ApiClient::adoptTokens(const QJsonObject &tokens)
{
    const QString access = tokens.value(QStringLiteral("access_token")).toString();
    if (access.isEmpty())
        return false;
    const QJsonObject claims = unverifiedClaims(access);
    m_accessToken = access;
    const QString refresh = tokens.value(QStringLiteral("refresh_token")).toString();
    if (!refresh.isEmpty())
        m_refreshToken = refresh;
    m_login = claims.value(QStringLiteral("sub")).toString();
    m_role = claims.value(QStringLiteral("role")).toString();
    const qint64 lifetimeMs = tokens.value(QStringLiteral("expires_in")).toInteger() * 1000;
    if (!m_refreshToken.isEmpty() && lifetimeMs > 0)
        m_renewTimer->start(static_cast<int>(std::max(kShortestRenewMs, lifetimeMs - kRenewAheadMs)));
    return true;
}

void ApiClient::setState(ConnectionState state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT connectionStateChanged(state);
}

void ApiClient::cancelAll()
{
    ++m_generation;
    m_renewing = false;
    const QList<std::shared_ptr<PendingCall>> waiting = std::exchange(m_waitingForRenewal, {});
    const QList<QPointer<QNetworkReply>> inFlight = std::exchange(m_inFlight, {});
    for (const QPointer<QNetworkReply> &reply : inFlight)
        if (reply)
            reply->abort();
    ApiAnswer cancelled;
    cancelled.failure = ApiFailure::Cancelled;
    cancelled.message = tr("cancelled");
    for (const std::shared_ptr<PendingCall> &pending : waiting)
        if (!m_destroying && pending->context)
            pending->done(cancelled);
}

} // namespace vestnik
