#include "delivery/ApnsOutcomeClassifier.h"

#include "delivery/HeaderValue.h"
#include "util/Logging.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik {

namespace {

struct ReasonRule {
    OutcomeClass outcomeClass;
    const char *meaning;
};

// Every reason PROVIDERS.md lists (3.4), channel API reasons included.
const QHash<QString, ReasonRule> &rules()
{
    using C = OutcomeClass;
    static const QHash<QString, ReasonRule> table{
        // 400
        {QStringLiteral("BadCollapseId"), {C::PermanentFailure, "apns-collapse-id is longer than 64 bytes"}},
        {QStringLiteral("BadDeviceToken"),
         {C::InvalidToken, "the device token is invalid (often a sandbox/production mismatch)"}},
        {QStringLiteral("BadExpirationDate"), {C::PermanentFailure, "apns-expiration is bad"}},
        {QStringLiteral("BadMessageId"), {C::PermanentFailure, "apns-id is not a UUID"}},
        {QStringLiteral("BadPriority"), {C::PermanentFailure, "apns-priority is bad"}},
        {QStringLiteral("BadTopic"), {C::PermanentFailure, "apns-topic is bad"}},
        {QStringLiteral("DeviceTokenNotForTopic"), {C::InvalidToken, "the device token is not for this topic"}},
        {QStringLiteral("DuplicateHeaders"), {C::PermanentFailure, "a header was repeated"}},
        // The connection sat idle too long; nothing is wrong with the push.
        {QStringLiteral("IdleTimeout"), {C::Retry, "idle timeout"}},
        {QStringLiteral("InvalidPushType"), {C::PermanentFailure, "apns-push-type is bad"}},
        {QStringLiteral("MissingDeviceToken"), {C::PermanentFailure, "no device token in the path"}},
        {QStringLiteral("MissingTopic"), {C::PermanentFailure, "apns-topic is required"}},
        {QStringLiteral("PayloadEmpty"), {C::PermanentFailure, "the payload is empty"}},
        {QStringLiteral("TopicDisallowed"), {C::PermanentFailure, "pushing to this topic is not allowed"}},
        // 403: every credentials fault is ours to fix for the whole app; Forbidden names none and Apple lists
        // it with the per-request errors never to retry.
        {QStringLiteral("BadCertificate"), {C::CredentialsProblem, "the certificate is bad"}},
        {QStringLiteral("BadCertificateEnvironment"),
         {C::CredentialsProblem, "the certificate is for the other environment"}},
        {QStringLiteral("ExpiredProviderToken"), {C::CredentialsProblem, "the provider token is stale"}},
        {QStringLiteral("Forbidden"), {C::PermanentFailure, "the action is not allowed"}},
        {QStringLiteral("InvalidProviderToken"),
         {C::CredentialsProblem, "the provider token is invalid (key, team or signature)"}},
        {QStringLiteral("MissingProviderToken"), {C::CredentialsProblem, "no provider token and no certificate"}},
        {QStringLiteral("UnrelatedKeyIdInToken"),
         {C::CredentialsProblem, "the key id does not belong to the team bound to this connection"}},
        {QStringLiteral("BadEnvironmentKeyIdInToken"), {C::CredentialsProblem, "the key is for the other environment"}},
        // 404, 405, 410, 413
        {QStringLiteral("BadPath"), {C::PermanentFailure, "the request path is bad"}},
        {QStringLiteral("MethodNotAllowed"), {C::PermanentFailure, "only POST is allowed"}},
        {QStringLiteral("ExpiredToken"), {C::InvalidToken, "the device token has expired"}},
        {QStringLiteral("Unregistered"), {C::InvalidToken, "the device token is no longer active for the topic"}},
        {QStringLiteral("PayloadTooLarge"), {C::PermanentFailure, "the payload is too large"}},
        // 429
        {QStringLiteral("TooManyProviderTokenUpdates"),
         {C::Retry, "the provider token was replaced sooner than 20 minutes after the last one: a sender bug"}},
        {QStringLiteral("TooManyRequests"), {C::Retry, "too many pushes to this device token"}},
        // 500, 503
        {QStringLiteral("InternalServerError"), {C::Retry, "internal server error"}},
        {QStringLiteral("ServiceUnavailable"), {C::Retry, "the service is unavailable"}},
        {QStringLiteral("Shutdown"), {C::Retry, "the server is shutting down"}},
        // Broadcast/channel API only: a plain push never sees these, and none is a fault of the device.
        {QStringLiteral("FeatureNotEnabled"), {C::PermanentFailure, "broadcast is not enabled"}},
        {QStringLiteral("MissingChannelId"), {C::PermanentFailure, "no channel id"}},
        {QStringLiteral("BadChannelId"), {C::PermanentFailure, "the channel id is bad"}},
        {QStringLiteral("ChannelNotRegistered"), {C::PermanentFailure, "the channel is not registered"}},
        {QStringLiteral("BadRequestParams"), {C::PermanentFailure, "bad request parameters"}},
        {QStringLiteral("BadRequestPayload"), {C::PermanentFailure, "bad request payload"}},
        {QStringLiteral("MissingPushType"), {C::PermanentFailure, "apns-push-type is required"}},
        {QStringLiteral("CannotCreateChannelConfig"), {C::PermanentFailure, "the channel cannot be created"}},
        {QStringLiteral("TopicMismatch"), {C::PermanentFailure, "the topic does not match the channel"}},
    };
    return table;
}

OutcomeClass classByHttpStatus(int httpStatus)
{
    switch (httpStatus) {
    case 403: return OutcomeClass::CredentialsProblem;
    case 410: return OutcomeClass::InvalidToken;
    case 429: return OutcomeClass::Retry;
    default: return httpStatus >= 500 ? OutcomeClass::Retry : OutcomeClass::PermanentFailure;
    }
}

std::optional<qint64> timestampOf(const QJsonValue &value)
{
    if (value.isDouble())
        return qint64(value.toDouble());
    if (value.isString()) {
        bool ok = false;
        const qint64 ms = value.toString().toLongLong(&ok);
        if (ok)
            return ms;
    }
    return std::nullopt;
}

} // namespace

ProviderOutcome ApnsOutcomeClassifier::classify(int httpStatus, const HttpHeaders &headers, const QByteArray &body)
{
    ProviderOutcome outcome;
    outcome.httpStatus = httpStatus;
    outcome.providerMessageId = QString::fromLatin1(headerValue(headers, "apns-id"));
    if (const QByteArray retryAfter = headerValue(headers, "retry-after"); !retryAfter.isNull())
        outcome.retryAfter = RetryAfter::parse(retryAfter);

    if (httpStatus == 200) {
        outcome.outcomeClass = OutcomeClass::Accepted;
        outcome.reason = QStringLiteral("apns.accepted");
        return outcome;
    }

    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QString reason = json.value(QLatin1String("reason")).toString();
    const auto rule = rules().constFind(reason);
    if (rule != rules().cend()) {
        outcome.outcomeClass = rule->outcomeClass;
        outcome.reason = QStringLiteral("apns.") + reason;
        outcome.message = QStringLiteral("APNs %1 %2: %3").arg(httpStatus).arg(reason, QLatin1String(rule->meaning));
    } else {
        outcome.outcomeClass = classByHttpStatus(httpStatus);
        outcome.reason =
            reason.isEmpty() ? QStringLiteral("apns.http_%1").arg(httpStatus) : QStringLiteral("apns.") + reason;
        outcome.message =
            reason.isEmpty()
                ? QStringLiteral("APNs %1 without a reason").arg(httpStatus)
                : QStringLiteral("APNs %1 %2 (a reason this build does not know)").arg(httpStatus).arg(reason);
    }
    if (outcome.outcomeClass == OutcomeClass::InvalidToken)
        outcome.invalidatedAtMs = timestampOf(json.value(QLatin1String("timestamp")));
    if (httpStatus >= 500 && reason != QLatin1String("Shutdown"))
        outcome.minimumRetryDelay = kServerErrorMinimumDelay;
    if (reason == QLatin1String("TooManyProviderTokenUpdates"))
        qCWarning(lcDelivery) << "APNs refused a provider token replaced too soon; the token source must keep each"
                                 " token at least 20 minutes";
    return outcome;
}

} // namespace vestnik
