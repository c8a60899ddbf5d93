#include "provider/ClientCredentialsTokenSource.h"

#include "util/Clock.h"
#include "util/Logging.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <memory>

namespace vestnik {

namespace {

/// RFC 6749 5.1 only recommends expires_in; without it the token is renewed after this long.
constexpr qint64 kDefaultLifetimeSeconds = 300;

bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    return host == QStringLiteral("localhost") || QHostAddress(host).isLoopback();
}

} // namespace

ClientCredentialsTokenSource::ClientCredentialsTokenSource(Options options, QNetworkAccessManager &network,
                                                           const Clock &clock, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_network(network), m_clock(clock)
{}

ClientCredentialsTokenSource::~ClientCredentialsTokenSource()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

Result<void> ClientCredentialsTokenSource::validate(const Options &options)
{
    const QUrl &url = options.tokenEndpoint;
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QStringLiteral("https") && !(url.scheme() == QStringLiteral("http") && isLoopback(url))))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("the token endpoint must be an https URL (http only on loopback), not \"%1\"")
                             .arg(url.toString()));
    if (options.clientId.isEmpty())
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("the OAuth client id is empty"));
    if (options.clientSecret.isEmpty())
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("the OAuth client secret of %1 is empty").arg(options.clientId));
    return {};
}

QString ClientCredentialsTokenSource::describeEndpoint() const
{
    return m_options.tokenEndpoint.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
}

void ClientCredentialsTokenSource::token(Callback callback)
{
    const qint64 now = m_clock.nowMs();
    if (!m_token.isEmpty() && now < m_expiresAtMs) {
        const bool renew = now >= m_renewAtMs && !m_reply;
        callback(QByteArray(m_token));
        if (renew)
            fetch(); // in the background; the current token still serves
        return;
    }
    m_waiting.push_back(std::move(callback));
    if (!m_reply)
        fetch();
}

void ClientCredentialsTokenSource::invalidate(const QByteArray &token)
{
    // Only the token that was refused: a caller that held an older one must not throw away a fresh one.
    if (!token.isEmpty() && token == m_token) {
        m_token.clear();
        m_expiresAtMs = 0;
        m_renewAtMs = 0;
    }
}

void ClientCredentialsTokenSource::fetch()
{
    ++m_fetches;
    QNetworkRequest request(m_options.tokenEndpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader(QByteArrayLiteral("accept"), QByteArrayLiteral("application/json"));
    // RFC 6749 2.3.1: both parts form-urlencoded, then joined and base64-encoded.
    const QByteArray credentials =
        QUrl::toPercentEncoding(m_options.clientId) + ':' + QUrl::toPercentEncoding(m_options.clientSecret);
    request.setRawHeader(QByteArrayLiteral("authorization"), "Basic " + credentials.toBase64());
    // The credentials go to the configured endpoint only, never to wherever a redirect points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!m_options.caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(m_options.caCertificates);
        request.setSslConfiguration(ssl);
    }
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    if (!m_options.scope.isEmpty())
        form.addQueryItem(QStringLiteral("scope"), m_options.scope);

    QNetworkReply *reply = m_network.post(request, form.query(QUrl::FullyEncoded).toLatin1());
    m_reply = reply;
    auto timedOut = std::make_shared<bool>(false);
    QTimer::singleShot(m_options.timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, timedOut] { onReply(reply, *timedOut); });
}

void ClientCredentialsTokenSource::onReply(QNetworkReply *reply, bool timedOut)
{
    m_reply = nullptr;
    reply->deleteLater();
    const QString endpoint = describeEndpoint();
    if (timedOut) {
        finish(makeError(ErrorCode::Io, QStringLiteral("the token endpoint %1 did not answer within %2 ms")
                                            .arg(endpoint)
                                            .arg(m_options.timeout.count())));
        return;
    }
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid()) {
        finish(makeError(ErrorCode::Io,
                         QStringLiteral("cannot reach the token endpoint %1: %2").arg(endpoint, reply->errorString())));
        return;
    }
    const int status = statusAttribute.toInt();
    const QByteArray body = reply->readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject json = document.object();
    if (status != 200) {
        // RFC 6749 5.2: error and error_description in a JSON body.
        QString error = json.value(QStringLiteral("error")).toString();
        QString description = json.value(QStringLiteral("error_description")).toString();
        if (status == 401 && error.isEmpty()) {
            // QNetworkAccessManager keeps the body of a 401 with a Basic challenge to itself; RFC 6749 5.2 says
            // what it is.
            error = QStringLiteral("invalid_client");
            description = QStringLiteral("client authentication failed (unknown client, wrong secret or an "
                                         "authentication method the server does not accept)");
        }
        QString reason = error.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                         : QStringLiteral("%1 (HTTP %2)").arg(error).arg(status);
        if (!description.isEmpty())
            reason += QStringLiteral(": ") + description;
        finish(makeError(
            ErrorCode::Io,
            QStringLiteral("the token endpoint %1 refused client %2: %3").arg(endpoint, m_options.clientId, reason)));
        return;
    }
    const auto bad = [&](const QString &what) {
        finish(
            makeError(ErrorCode::Io,
                      QStringLiteral("the token endpoint %1 answered without a usable token: %2").arg(endpoint, what)));
    };
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return bad(QStringLiteral("the body is not a JSON object"));
    const QString accessToken = json.value(QStringLiteral("access_token")).toString();
    if (accessToken.isEmpty())
        return bad(QStringLiteral("access_token is missing"));
    const QString type = json.value(QStringLiteral("token_type")).toString();
    if (type.compare(QStringLiteral("bearer"), Qt::CaseInsensitive) != 0)
        return bad(QStringLiteral("token_type is \"%1\", not Bearer").arg(type));
    const QJsonValue expiresValue = json.value(QStringLiteral("expires_in"));
    if (!expiresValue.isUndefined() && (!expiresValue.isDouble() || expiresValue.toDouble() < 1))
        return bad(QStringLiteral("expires_in is not a positive number of seconds"));
    const qint64 lifetime = expiresValue.isUndefined() ? kDefaultLifetimeSeconds : qint64(expiresValue.toDouble());

    const qint64 now = m_clock.nowMs();
    const qint64 margin = std::min<qint64>(m_options.refreshMargin.count(), lifetime / 2);
    m_token = accessToken.toLatin1();
    m_expiresAtMs = now + lifetime * 1000;
    m_renewAtMs = m_expiresAtMs - margin * 1000;
    qCInfo(lcProvider).noquote() << "access token for client" << m_options.clientId << "from" << endpoint << "valid for"
                                 << lifetime << "s";
    finish(m_token);
}

void ClientCredentialsTokenSource::finish(const Result<QByteArray> &result)
{
    if (!result)
        qCWarning(lcProvider).noquote() << result.error().message;
    std::vector<Callback> waiting;
    waiting.swap(m_waiting);
    for (Callback &callback : waiting)
        callback(result);
}

} // namespace vestnik
