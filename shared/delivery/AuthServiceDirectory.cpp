#include "delivery/AuthServiceDirectory.h"

#include "provider/AccessTokenSource.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QTimer>
#include <QtEndian>

#include <algorithm>

namespace vestnik {

namespace {

/// The directory's one circuit (the breaker keeps circuits by app and provider; this one guards a service).
const AppProvider kCircuit{QStringLiteral("auth-service"), Provider::Fcm};

QString challengeOf(const QNetworkReply *reply, const QByteArray &body)
{
    // RFC 6750 3: the reason is in the challenge; services also put it in the body.
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    QString reason = json.value(QStringLiteral("error")).toString();
    const QString description = json.value(QStringLiteral("error_description")).toString();
    if (!description.isEmpty())
        reason += (reason.isEmpty() ? QString() : QStringLiteral(": ")) + description;
    if (reason.isEmpty())
        reason = QString::fromLatin1(reply->rawHeader(QByteArrayLiteral("www-authenticate")));
    return reason;
}

} // namespace

struct AuthServiceDirectory::Lookup {
    QString userId;
    std::vector<AnswerCallback> waiters;
    QByteArray token;       ///< the bearer token of the latest attempt
    bool retried = false;   ///< its one retry is used
    bool holdsSlot = false; ///< counts toward the requests in flight
};

AuthServiceDirectory::AuthServiceDirectory(Settings settings, AccessTokenSource &tokens, QNetworkAccessManager &network,
                                           const Clock &clock, QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_tokens(tokens),
      m_network(network),
      m_clock(clock),
      m_circuit(clock, m_settings.circuitCoolDown,
                QStringLiteral("the Auth Service at %1").arg(m_settings.baseUrl.toString(QUrl::RemoveUserInfo)))
{}

AuthServiceDirectory::~AuthServiceDirectory()
{
    for (QNetworkReply *reply : std::as_const(m_replies)) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

Result<void> AuthServiceDirectory::validate(const Settings &settings)
{
    const QUrl &url = settings.baseUrl;
    const bool loopback = url.host() == QStringLiteral("localhost") || QHostAddress(url.host()).isLoopback();
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QStringLiteral("https") && !(url.scheme() == QStringLiteral("http") && loopback)))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("the Auth Service URL must be an https URL (http only on loopback), not \"%1\"")
                             .arg(url.toString()));
    if (settings.maxConcurrentRequests < 1 || settings.timeout.count() < 1 || settings.cacheTtl.count() < 0)
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("the Auth Service directory needs at least one request in flight, a positive "
                                        "timeout and a cache time of 0 or more"));
    return {};
}

qint64 AuthServiceDirectory::deviceIdFor(const QString &appId, const QString &token)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(appId.toUtf8());
    hash.addData(QByteArrayView("\x1f", 1));
    hash.addData(token.toUtf8());
    const quint64 bits = qFromBigEndian<quint64>(hash.result().constData()) & 0x7fff'ffff'ffff'ffffULL;
    return -qint64(bits) - 1;
}

CircuitBreaker::State AuthServiceDirectory::circuitState() const
{
    return m_circuit.state(kCircuit, m_clock.nowMs());
}

void AuthServiceDirectory::activeDevices(const QStringList &userIds, DevicesCallback callback)
{
    users(userIds, [callback = std::move(callback)](Result<Users> users) {
        if (!users) {
            callback(users.error());
            return;
        }
        Devices active;
        for (auto it = users->cbegin(); it != users->cend(); ++it) {
            QList<Device> devices;
            std::copy_if(it->cbegin(), it->cend(), std::back_inserter(devices),
                         [](const Device &device) { return device.isActive; });
            if (!devices.isEmpty())
                active.insert(it.key(), std::move(devices));
        }
        callback(std::move(active));
    });
}

void AuthServiceDirectory::device(const QString &userId, qint64 deviceId, DeviceCallback callback)
{
    lookUp(userId, [deviceId, callback = std::move(callback)](const Answer &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        if (answer->has_value()) {
            for (const Device &device : **answer) {
                if (device.id == deviceId) {
                    callback(std::optional<Device>(device));
                    return;
                }
            }
        }
        callback(std::optional<Device>());
    });
}

void AuthServiceDirectory::users(const QStringList &userIds, UsersCallback callback)
{
    struct Batch {
        Users users;
        qsizetype remaining = 0;
        qsizetype total = 0;
        int failed = 0;
        QString firstFailure;
        UsersCallback callback;
    };
    QStringList unique;
    QSet<QString> seen;
    for (const QString &id : userIds) {
        if (!seen.contains(id)) {
            seen.insert(id);
            unique.append(id);
        }
    }
    if (unique.isEmpty()) {
        callback(Users());
        return;
    }
    auto batch = std::make_shared<Batch>();
    batch->remaining = batch->total = unique.size();
    batch->callback = std::move(callback);
    for (const QString &id : std::as_const(unique)) {
        lookUp(id, [batch, id](const Answer &answer) {
            if (!answer) {
                if (batch->failed++ == 0)
                    batch->firstFailure = answer.error().message;
            } else if (answer->has_value()) {
                batch->users.insert(id, **answer);
            }
            if (--batch->remaining > 0)
                return;
            if (batch->failed == 0) {
                batch->callback(std::move(batch->users));
                return;
            }
            // One user without an answer fails the batch: answering for the others would drop that user's
            // pushes. Those that were answered are cached, so the batch's next attempt is cheap.
            batch->callback(makeError(ErrorCode::Io, batch->total == 1
                                                         ? batch->firstFailure
                                                         : QStringLiteral("%1 of %2 users could not be looked up; %3")
                                                               .arg(batch->failed)
                                                               .arg(batch->total)
                                                               .arg(batch->firstFailure)));
        });
    }
}

void AuthServiceDirectory::lookUp(const QString &userId, AnswerCallback callback)
{
    if (userId.isEmpty()) {
        callback(makeError(ErrorCode::InvalidArgument, QStringLiteral("a device look-up needs a user id")));
        return;
    }
    if (const auto cached = m_cache.find(userId); cached != m_cache.end()) {
        if (m_clock.nowMs() < cached->expiresAtMs) {
            ++m_counters.cacheHits;
            callback(Answer(cached->devices));
            return;
        }
        m_cache.erase(cached);
    }
    if (const auto pending = m_lookups.constFind(userId); pending != m_lookups.cend()) {
        (*pending)->waiters.push_back(std::move(callback));
        return;
    }
    auto lookup = std::make_shared<Lookup>();
    lookup->userId = userId;
    lookup->waiters.push_back(std::move(callback));
    m_lookups.insert(userId, lookup);
    m_queue.push_back(std::move(lookup));
    pump();
}

void AuthServiceDirectory::pump()
{
    // Not re-entered: a look-up that ends at once (open circuit) calls back, and its callbacks may ask for
    // more users; the loop here takes those too instead of recursing once per queued user.
    if (m_pumping)
        return;
    m_pumping = true;
    while (m_inFlight < m_settings.maxConcurrentRequests && !m_queue.empty()) {
        std::shared_ptr<Lookup> lookup = std::move(m_queue.front());
        m_queue.pop_front();
        start(lookup);
    }
    m_pumping = false;
}

void AuthServiceDirectory::start(const std::shared_ptr<Lookup> &lookup)
{
    // A retry belongs to its first attempt: in half-open state that attempt was the probe.
    if (!lookup->retried) {
        if (m_probe) {
            // The probe decides for everyone: the others wait for it rather than fail while it is out.
            m_heldForProbe.push_back(lookup);
            return;
        }
        const qint64 now = m_clock.nowMs();
        const bool probing = m_circuit.state(kCircuit, now) != CircuitBreaker::State::Closed;
        if (!m_circuit.allows(kCircuit, now)) {
            ++m_counters.fastFailures;
            complete(lookup, makeError(ErrorCode::Io, circuitMessage()));
            return;
        }
        if (probing)
            m_probe = lookup;
    }
    if (!lookup->holdsSlot) {
        lookup->holdsSlot = true;
        ++m_inFlight;
        m_counters.peakInFlight = std::max(m_counters.peakInFlight, m_inFlight);
    }
    QPointer<AuthServiceDirectory> self(this);
    m_tokens.token([self, lookup](Result<QByteArray> token) {
        if (!self)
            return;
        if (!token) {
            self->serviceFailed(lookup, QStringLiteral("no access token: ") + token.error().message, false);
            return;
        }
        self->send(lookup, *token);
    });
}

QUrl AuthServiceDirectory::urlFor(const QString &userId) const
{
    QUrl url = m_settings.baseUrl;
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    path += QStringLiteral("/v1/users/") + QString::fromLatin1(QUrl::toPercentEncoding(userId))
            + QStringLiteral("/devices");
    url.setPath(path, QUrl::TolerantMode);
    url.setQuery(QString());
    return url;
}

void AuthServiceDirectory::send(const std::shared_ptr<Lookup> &lookup, const QByteArray &token)
{
    lookup->token = token;
    QNetworkRequest request(urlFor(lookup->userId));
    request.setRawHeader(QByteArrayLiteral("authorization"), "Bearer " + token);
    request.setRawHeader(QByteArrayLiteral("accept"), QByteArrayLiteral("application/json"));
    // The bearer token goes to the configured service only, never to wherever a redirect points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!m_settings.caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(m_settings.caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply *reply = m_network.get(request);
    ++m_counters.requests;
    m_replies.append(reply);
    auto timedOut = std::make_shared<bool>(false);
    QTimer::singleShot(m_settings.timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, lookup, reply, timedOut] { onReply(lookup, reply, *timedOut); });
}

void AuthServiceDirectory::onReply(const std::shared_ptr<Lookup> &lookup, QNetworkReply *reply, bool timedOut)
{
    m_replies.removeOne(reply);
    reply->deleteLater();
    if (timedOut) {
        serviceFailed(lookup, QStringLiteral("no answer within %1 ms").arg(m_settings.timeout.count()), false);
        return;
    }
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!statusAttribute.isValid()) {
        serviceFailed(lookup, reply->errorString(), false);
        return;
    }
    const int status = statusAttribute.toInt();
    const QByteArray body = reply->readAll();
    switch (status) {
    case 200: {
        Result<QList<Device>> devices = parseUser(lookup->userId, body);
        if (!devices) {
            serviceFailed(lookup, devices.error().message, false);
            return;
        }
        m_circuit.recordSuccess(kCircuit);
        remember(lookup->userId, *devices);
        complete(lookup, Answer(std::optional<QList<Device>>(std::move(*devices))));
        return;
    }
    case 404:
        m_circuit.recordSuccess(kCircuit);
        ++m_counters.unknownUsers;
        remember(lookup->userId, std::nullopt);
        complete(lookup, Answer(std::optional<QList<Device>>()));
        return;
    case 401:
        serviceFailed(lookup, QStringLiteral("the token was refused (%1)").arg(challengeOf(reply, body)), true);
        return;
    case 403:
        // A fresh token has the same scopes: no retry, and the circuit stops the useless requests.
        lookup->retried = true;
        serviceFailed(lookup,
                      QStringLiteral("the client may not read devices (%1); grant it the scope devices:read")
                          .arg(challengeOf(reply, body)),
                      false);
        return;
    default: break;
    }
    if (status == 408 || status == 429 || status >= 500) {
        serviceFailed(lookup, QStringLiteral("HTTP %1").arg(status), false);
        return;
    }
    // The service works but refuses this request (a user id it does not accept, ...).
    complete(lookup, makeError(ErrorCode::Io, QStringLiteral("the Auth Service answered HTTP %1 for user %2 (%3)")
                                                  .arg(status)
                                                  .arg(lookup->userId, challengeOf(reply, body))));
}

void AuthServiceDirectory::serviceFailed(const std::shared_ptr<Lookup> &lookup, const QString &reason,
                                         bool tokenRefused)
{
    m_lastFailure = reason;
    const CircuitBreaker::Verdict verdict = m_circuit.recordCredentialsProblem(kCircuit, lookup->retried, reason);
    if (verdict == CircuitBreaker::Verdict::RefreshCredentials) {
        lookup->retried = true;
        if (tokenRefused) {
            ++m_counters.tokenRefreshes;
            m_tokens.invalidate(lookup->token);
        }
        start(lookup);
        return;
    }
    complete(lookup, makeError(ErrorCode::Io,
                               QStringLiteral("cannot look up the devices of user %1 at %2: %3")
                                   .arg(lookup->userId, m_settings.baseUrl.toString(QUrl::RemoveUserInfo), reason)));
}

void AuthServiceDirectory::complete(const std::shared_ptr<Lookup> &lookup, const Answer &answer)
{
    if (lookup->holdsSlot) {
        lookup->holdsSlot = false;
        --m_inFlight;
    }
    if (const auto it = m_lookups.find(lookup->userId); it != m_lookups.end() && *it == lookup)
        m_lookups.erase(it);
    if (lookup == m_probe) {
        // Closed again: the held look-ups go; open again: they fail at once.
        m_probe.reset();
        while (!m_heldForProbe.empty()) {
            m_queue.push_front(std::move(m_heldForProbe.back()));
            m_heldForProbe.pop_back();
        }
    }
    if (!answer)
        ++m_counters.failures;
    std::vector<AnswerCallback> waiters;
    waiters.swap(lookup->waiters);
    for (AnswerCallback &waiter : waiters)
        waiter(answer);
    pump();
}

Result<QList<Device>> AuthServiceDirectory::parseUser(const QString &userId, const QByteArray &body) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorCode::Io, QStringLiteral("the answer for user %1 is not a JSON object").arg(userId));
    const QJsonObject user = document.object();
    const QString answeredFor = user.value(QStringLiteral("user_id")).toString(userId);
    if (answeredFor != userId)
        return makeError(ErrorCode::Io,
                         QStringLiteral("the answer for user %1 is about user %2").arg(userId, answeredFor));
    const QJsonValue list = user.value(QStringLiteral("devices"));
    if (!list.isArray())
        return makeError(ErrorCode::Io, QStringLiteral("the answer for user %1 has no \"devices\" array").arg(userId));
    const QString userLocale = user.value(QStringLiteral("locale")).toString();
    QList<Device> devices;
    QSet<qint64> ids;
    const QJsonArray items = list.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QString platformName = item.value(QStringLiteral("platform")).toString();
        const std::optional<Platform> platform = platformFromName(platformName);
        Device device;
        device.token = item.value(QStringLiteral("token")).toString();
        device.appId = item.value(QStringLiteral("app")).toString();
        // One device the worker cannot use does not make the others useless: it is skipped, and said so.
        if (!platform || device.token.isEmpty() || device.appId.isEmpty()) {
            qCWarning(lcDelivery).noquote()
                << "the Auth Service lists device" << i << "of user" << userId
                << "without a known platform, a token and an app (platform" << platformName << "); it is skipped";
            continue;
        }
        device.platform = *platform;
        device.id = deviceIdFor(device.appId, device.token);
        if (ids.contains(device.id))
            continue;
        ids.insert(device.id);
        device.userId = userId;
        device.locale = item.value(QStringLiteral("locale")).toString(userLocale);
        device.isActive = item.value(QStringLiteral("active")).toBool(true);
        devices.append(std::move(device));
    }
    return devices;
}

void AuthServiceDirectory::remember(const QString &userId, const std::optional<QList<Device>> &devices)
{
    if (m_settings.cacheTtl.count() <= 0)
        return;
    const qint64 now = m_clock.nowMs();
    if (m_cache.size() >= m_settings.maxCachedUsers) {
        m_cache.removeIf([now](const auto &entry) { return entry.value().expiresAtMs <= now; });
        if (m_cache.size() >= m_settings.maxCachedUsers)
            m_cache.clear(); // all fresh: a burst of new users; they are asked again after their TTL anyway
    }
    m_cache.insert(userId, CacheEntry{now + m_settings.cacheTtl.count(), devices});
}

QString AuthServiceDirectory::circuitMessage() const
{
    const qint64 left = std::max<qint64>(0, m_circuit.openUntilMs(kCircuit).value_or(0) - m_clock.nowMs());
    return QStringLiteral("the Auth Service at %1 is not asked: its circuit is open after repeated failures (last: "
                          "%2); the next probe goes in %3 s")
        .arg(m_settings.baseUrl.toString(QUrl::RemoveUserInfo), m_lastFailure)
        .arg((left + 999) / 1000);
}

} // namespace vestnik
