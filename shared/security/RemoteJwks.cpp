#include "security/RemoteJwks.h"

#include "util/Clock.h"
#include "util/Logging.h"

#include <QHostAddress>
#include <QMutexLocker>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

#include <memory>

namespace vestnik {

RemoteJwks::RemoteJwks(Options options, QNetworkAccessManager &network, const Clock &clock, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_network(network), m_clock(clock)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RemoteJwks::refresh);
}

RemoteJwks::~RemoteJwks()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

Result<void> RemoteJwks::validate(const Options &options)
{
    const QUrl &url = options.url;
    const bool loopback = url.host() == QStringLiteral("localhost") || QHostAddress(url.host()).isLoopback();
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QStringLiteral("https") && !(url.scheme() == QStringLiteral("http") && loopback)))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("the JWKS URL must be an https URL (http only on loopback), not \"%1\"")
                             .arg(url.toString()));
    if (options.refreshInterval.count() < 1 || options.retryInterval.count() < 1 || options.timeout.count() < 1)
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("the JWKS refresh, retry and timeout intervals must "
                                                                  "be positive"));
    return {};
}

void RemoteJwks::start()
{
    refresh();
}

bool RemoteJwks::requestKey(const QString &keyId)
{
    {
        const QMutexLocker lock(&m_mutex);
        if (!keyId.isEmpty() && m_keys.find(keyId))
            return false; // a fetch brought it meanwhile
        const qint64 now = m_clock.nowMs();
        if (now - m_lastOnDemandMs < m_options.unknownKeyInterval.count())
            return false;
        m_lastOnDemandMs = now;
    }
    qCInfo(lcSecurity).noquote() << "a token names key" << keyId << "which the JWK Set of"
                                 << m_options.url.toString(QUrl::RemoveUserInfo) << "lacks; fetching it again";
    // On this object's thread: directly when called on it, queued from another one.
    QMetaObject::invokeMethod(this, &RemoteJwks::refresh);
    return true;
}

void RemoteJwks::refresh()
{
    if (m_reply)
        return;
    ++m_fetches;
    m_timer.stop();
    QNetworkRequest request(m_options.url);
    request.setRawHeader(QByteArrayLiteral("accept"), QByteArrayLiteral("application/json"));
    // Keys come from the configured URL only, never from wherever a redirect points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!m_options.caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(m_options.caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply *reply = m_network.get(request);
    m_reply = reply;
    auto timedOut = std::make_shared<bool>(false);
    QTimer::singleShot(m_options.timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, timedOut] { onReply(reply, *timedOut); });
}

void RemoteJwks::onReply(QNetworkReply *reply, bool timedOut)
{
    m_reply = nullptr;
    reply->deleteLater();
    if (timedOut)
        return fail(QStringLiteral("no answer within %1 ms").arg(m_options.timeout.count()));
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return fail(reply->errorString());
    if (status.toInt() != 200)
        return fail(QStringLiteral("HTTP %1").arg(status.toInt()));
    const QByteArray body = reply->read(m_options.maxBytes + 1);
    if (body.size() > m_options.maxBytes)
        return fail(QStringLiteral("the answer is larger than %1 bytes").arg(m_options.maxBytes));
    Result<JwtKeySet> keys = JwtKeySet::fromJson(body);
    if (!keys)
        return fail(keys.error().message);

    bool changed = false;
    {
        const QMutexLocker lock(&m_mutex);
        changed = m_keys.toJson() != keys->toJson();
        m_keys = std::move(*keys);
        m_lastError.clear();
    }
    m_timer.start(m_options.refreshInterval);
    if (changed) {
        QStringList ids;
        const JwtKeySet current = this->keys();
        for (const JwtKey &key : current.keys())
            ids << key.keyId();
        qCInfo(lcSecurity).noquote() << "JWK Set of" << m_options.url.toString(QUrl::RemoveUserInfo)
                                     << "loaded:" << ids.size() << "keys (" << ids.join(QStringLiteral(", ")) << ")";
        Q_EMIT keysChanged();
    }
    Q_EMIT fetched();
}

void RemoteJwks::fail(const QString &reason)
{
    int kept = 0;
    {
        const QMutexLocker lock(&m_mutex);
        m_lastError = QStringLiteral("cannot fetch the JWK Set from %1: %2")
                          .arg(m_options.url.toString(QUrl::RemoveUserInfo), reason);
        kept = int(m_keys.keys().size());
    }
    const QString message = lastError();
    qCWarning(lcSecurity).noquote() << message << "- keeping the last" << kept << "keys";
    m_timer.start(std::min(m_options.retryInterval, m_options.refreshInterval));
    Q_EMIT fetchFailed(message);
}

JwtKeySet RemoteJwks::keys() const
{
    const QMutexLocker lock(&m_mutex);
    return m_keys;
}

bool RemoteJwks::hasKeys() const
{
    const QMutexLocker lock(&m_mutex);
    return !m_keys.isEmpty();
}

QString RemoteJwks::lastError() const
{
    const QMutexLocker lock(&m_mutex);
    return m_lastError;
}

int RemoteJwks::fetchCount() const
{
    return m_fetches;
}

} // namespace vestnik
