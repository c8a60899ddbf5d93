#include "apns/ApnsService.h"

#include "apns/ApnsConnectionState.h"
#include "apns/ApnsReason.h"
#include "apns/ApnsRequestValidator.h"
#include "control/DeliveryRecorder.h"
#include "control/FaultInjector.h"
#include "transport/HttpRequest.h"
#include "transport/ServerConnection.h"
#include "util/Clock.h"

#include <QUuid>

namespace vestnik::sim {

namespace {

QByteArray newApnsId()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

ApnsConnectionState &stateOf(ServerConnection &connection)
{
    if (!connection.state())
        connection.setState(std::make_unique<ApnsConnectionState>());
    return static_cast<ApnsConnectionState &>(*connection.state());
}

QByteArray escapeJson(const QString &text)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

ApnsService::ApnsService(const QString &environment, FaultInjector &faults, DeliveryRecorder &recorder,
                         const Clock &clock)
    : m_environment(environment), m_faults(faults), m_recorder(recorder), m_clock(clock), m_verifier(environment)
{}

void ApnsService::connectionOpened(ServerConnection &connection)
{
    ApnsConnectionState &state = stateOf(connection);
    state.certificate = ApnsCertificate::fromDer(connection.peerCertificate(), connection.isPeerCertificateTrusted());
    // Certificate trust is per connection: a good certificate opens the streams at once.
    if (state.certificate.isPresent && state.certificate.isTrusted
        && state.certificate.servesEnvironment(m_environment))
        raiseStreamLimit(connection);
}

void ApnsService::raiseStreamLimit(ServerConnection &connection)
{
    ApnsConnectionState &state = stateOf(connection);
    if (state.isStreamLimitRaised)
        return;
    state.isStreamLimitRaised = true;
    connection.setMaxConcurrentStreams(m_faults.behaviour().apnsMaxConcurrentStreams);
}

HttpResponse ApnsService::reject(const QString &reason, const QByteArray &apnsId, qint64 timestampMs,
                                 int retryAfterSeconds) const
{
    QByteArray body = "{\"reason\":\"" + escapeJson(reason) + '"';
    if (timestampMs >= 0)
        body += ",\"timestamp\":" + QByteArray::number(timestampMs);
    body += '}';
    HttpResponse response(ApnsReason::status(reason), std::move(body), QByteArrayLiteral("application/json"));
    response.addHeader(QByteArrayLiteral("apns-id"), apnsId.isEmpty() ? newApnsId() : apnsId);
    if (retryAfterSeconds >= 0)
        response.addHeader(QByteArrayLiteral("retry-after"), QByteArray::number(retryAfterSeconds));
    return response;
}

HttpResponse ApnsService::handle(HttpRequest &request, ServerConnection &connection)
{
    ApnsConnectionState &state = stateOf(connection);
    const qint64 nowMs = m_clock.nowMs();
    const bool usesCertificate = state.certificate.isPresent;
    const QByteArray *requestedId = request.header("apns-id");
    const QByteArray echoedId =
        requestedId && ApnsRequestValidator::isCanonicalUuid(*requestedId) ? *requestedId : QByteArray();

    // Everything below is answered after the injected latency, and counts towards GOAWAY-after-N.
    quint64 attempt = 0;
    std::string tokenKey;
    const auto finish = [&](HttpResponse response) {
        response.delay = m_faults.latency(PushService::Apns, tokenKey, attempt);
        m_faults.applyGoAwayRule(PushService::Apns, connection, request.streamId);
        return response;
    };
    if (std::optional<FaultInjector::Fault> outage = m_faults.outage(PushService::Apns))
        return finish(reject(outage->code, echoedId, -1, outage->retryAfterSeconds));

    ApnsRequest push;
    const bool needsTopic = !usesCertificate || state.certificate.isMultiTopic();
    if (const QString reason = ApnsRequestValidator::validate(request, needsTopic, state.certificate.bundleId, push);
        !reason.isEmpty())
        return finish(reject(reason, echoedId));
    tokenKey = push.deviceToken.toStdString();
    attempt = m_recorder.beginAttempt(PushService::Apns, tokenKey);
    const auto refuse = [&](const QString &reason, qint64 timestampMs = -1, int retryAfter = -1) {
        m_recorder.reject(PushService::Apns, tokenKey, ApnsReason::status(reason), reason, nowMs);
        return finish(reject(reason, push.apnsId, timestampMs, retryAfter));
    };

    const Behaviour::TokenRule *rule = m_faults.tokenRule(PushService::Apns, tokenKey);
    if (rule && (rule->state == QStringLiteral("unregistered") || rule->state == QStringLiteral("expired")))
        return refuse(rule->state == QStringLiteral("expired") ? QStringLiteral("ExpiredToken")
                                                               : QStringLiteral("Unregistered"),
                      rule->timestampMs > 0 ? rule->timestampMs : nowMs);
    QString registeredTopic = rule && rule->state == QStringLiteral("topic") ? rule->topic : QString();
    if (registeredTopic.isEmpty() && m_tokenTopic)
        registeredTopic = m_tokenTopic(tokenKey);
    // The token belongs to the app (bundle ID); the push type's topic suffix does not change that.
    if (!registeredTopic.isEmpty() && push.topic != registeredTopic
        && !push.topic.startsWith(registeredTopic + QLatin1Char('.')))
        return refuse(QStringLiteral("DeviceTokenNotForTopic"));

    if (usesCertificate) {
        if (!state.certificate.isTrusted)
            return refuse(QStringLiteral("BadCertificate"));
        if (!state.certificate.servesEnvironment(m_environment))
            return refuse(QStringLiteral("BadCertificateEnvironment"));
        if (push.pushType == QStringLiteral("location") || push.pushType == QStringLiteral("liveactivity"))
            return refuse(QStringLiteral("Forbidden")); // these push types need token authentication
        if (!state.certificate.allowsTopic(push.topic))
            return refuse(QStringLiteral("TopicDisallowed"));
    } else {
        const QString reason = m_verifier.check(request.header("authorization"), push.topic, state, nowMs / 1000);
        if (!reason.isEmpty())
            return refuse(reason);
        raiseStreamLimit(connection);
    }
    if (m_disallowedTopics.contains(push.topic))
        return refuse(QStringLiteral("TopicDisallowed"));
    if (rule && rule->state == QStringLiteral("invalid"))
        return refuse(QStringLiteral("BadDeviceToken"));

    if (request.bodySize == 0)
        return refuse(QStringLiteral("PayloadEmpty"));
    if (request.bodySize > (push.isVoip() ? kMaxVoipPayloadBytes : kMaxPayloadBytes))
        return refuse(QStringLiteral("PayloadTooLarge"));

    if (std::optional<FaultInjector::Fault> fault = m_faults.fault(PushService::Apns, tokenKey, attempt))
        return refuse(
            fault->code,
            fault->code == QStringLiteral("Unregistered") || fault->code == QStringLiteral("ExpiredToken") ? nowMs : -1,
            fault->retryAfterSeconds);

    const QByteArray apnsId = push.apnsId.isEmpty() ? newApnsId() : push.apnsId;
    m_recorder.accept(PushService::Apns, tokenKey, request.body, std::move(request.headers), push.collapseId, apnsId,
                      nowMs);
    HttpResponse response(200, QByteArray());
    response.addHeader(QByteArrayLiteral("apns-id"), apnsId);
    if (m_environment == QStringLiteral("development"))
        response.addHeader(QByteArrayLiteral("apns-unique-id"), newApnsId());
    return finish(std::move(response));
}

} // namespace vestnik::sim
