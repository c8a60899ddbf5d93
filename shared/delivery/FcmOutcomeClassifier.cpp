#include "delivery/FcmOutcomeClassifier.h"

#include "delivery/HeaderValue.h"
#include "util/Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace vestnik {

namespace {

// What a JSON error body says, with every detail type PROVIDERS.md lists picked out.
struct FcmError {
    QString errorCode; ///< from the FcmError detail
    QString status;    ///< google.rpc.Status `status`
    QString message;
    QStringList violatedFields; ///< google.rpc.BadRequest fieldViolations[].field
    QStringList details;        ///< human notes from the other detail types
};

// `type` starts with '/': "type.googleapis.com/google.firebase.fcm.v1.FcmError" is matched by its path, the
// host part is not worth comparing.
bool hasType(const QJsonObject &detail, QLatin1String type)
{
    return detail.value(QLatin1String("@type")).toString().endsWith(type);
}

std::optional<FcmError> parseError(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object().value(QLatin1String("error")).toObject();
    if (error.isEmpty())
        return std::nullopt;
    FcmError e;
    e.status = error.value(QLatin1String("status")).toString();
    e.message = error.value(QLatin1String("message")).toString();
    const QJsonArray details = error.value(QLatin1String("details")).toArray();
    for (const QJsonValue &value : details) {
        const QJsonObject detail = value.toObject();
        if (hasType(detail, QLatin1String("/google.firebase.fcm.v1.FcmError"))) {
            e.errorCode = detail.value(QLatin1String("errorCode")).toString();
        } else if (hasType(detail, QLatin1String("/google.rpc.BadRequest"))) {
            const QJsonArray violations = detail.value(QLatin1String("fieldViolations")).toArray();
            for (const QJsonValue &violation : violations) {
                const QJsonObject v = violation.toObject();
                const QString field = v.value(QLatin1String("field")).toString();
                e.violatedFields << field;
                e.details
                    << QStringLiteral("field %1: %2").arg(field, v.value(QLatin1String("description")).toString());
            }
        } else if (hasType(detail, QLatin1String("/google.firebase.fcm.v1.ApnsError"))) {
            e.details << QStringLiteral("APNs answered %1 %2")
                             .arg(detail.value(QLatin1String("status_code")).toInt())
                             .arg(detail.value(QLatin1String("reason")).toString());
        } else if (hasType(detail, QLatin1String("/google.rpc.QuotaFailure"))) {
            const QJsonArray violations = detail.value(QLatin1String("violations")).toArray();
            for (const QJsonValue &violation : violations) {
                const QJsonObject v = violation.toObject();
                e.details << QStringLiteral("quota %1: %2")
                                 .arg(v.value(QLatin1String("subject")).toString(),
                                      v.value(QLatin1String("description")).toString());
            }
        }
    }
    // The old name of THIRD_PARTY_AUTH_ERROR; one reason code for both keeps metrics and alerts together.
    if (e.errorCode == QLatin1String("APNS_AUTH_ERROR"))
        e.errorCode = QStringLiteral("THIRD_PARTY_AUTH_ERROR");
    return e;
}

// For an answer that names no code we know: what its HTTP status means on Google's front end.
OutcomeClass classByHttpStatus(int httpStatus)
{
    if (httpStatus == 401 || httpStatus == 403)
        return OutcomeClass::CredentialsProblem;
    if (httpStatus == 408 || httpStatus == 429 || httpStatus >= 500)
        return OutcomeClass::Retry;
    return OutcomeClass::PermanentFailure;
}

OutcomeClass classByCode(const QString &code, const FcmError &error, int httpStatus)
{
    if (code == QLatin1String("UNREGISTERED") || code == QLatin1String("SENDER_ID_MISMATCH"))
        return OutcomeClass::InvalidToken;
    if (code == QLatin1String("INVALID_ARGUMENT")) {
        // A malformed token is INVALID_ARGUMENT with a BadRequest violation on the token field; it can never
        // become valid, so the device goes. Any other bad argument is our payload's fault, not the device's.
        return error.violatedFields.contains(QLatin1String("message.token")) ? OutcomeClass::InvalidToken
                                                                             : OutcomeClass::PermanentFailure;
    }
    if (code == QLatin1String("THIRD_PARTY_AUTH_ERROR") || code == QLatin1String("UNAUTHENTICATED")
        || code == QLatin1String("PERMISSION_DENIED"))
        return OutcomeClass::CredentialsProblem;
    if (code == QLatin1String("QUOTA_EXCEEDED") || code == QLatin1String("RESOURCE_EXHAUSTED")
        || code == QLatin1String("INTERNAL") || code == QLatin1String("UNAVAILABLE")
        || code == QLatin1String("DEADLINE_EXCEEDED") || code == QLatin1String("ABORTED"))
        return OutcomeClass::Retry;
    if (code == QLatin1String("NOT_FOUND")) {
        // NOT_FOUND without the FcmError UNREGISTERED is the URL's fault (an unknown project), not the
        // token's: deactivating devices on it could wipe an app's whole registry.
        return OutcomeClass::PermanentFailure;
    }
    // UNSPECIFIED_ERROR carries no information, and codes we do not know carry none we can use: the rest of
    // the answer decides.
    if (code != error.status && !error.status.isEmpty())
        return classByCode(error.status, error, httpStatus);
    return classByHttpStatus(httpStatus);
}

} // namespace

ProviderOutcome FcmOutcomeClassifier::classify(int httpStatus, const HttpHeaders &headers, const QByteArray &body)
{
    ProviderOutcome outcome;
    outcome.httpStatus = httpStatus;
    if (const QByteArray retryAfter = headerValue(headers, "retry-after"); !retryAfter.isNull())
        outcome.retryAfter = RetryAfter::parse(retryAfter);

    if (httpStatus >= 200 && httpStatus < 300) {
        outcome.outcomeClass = OutcomeClass::Accepted;
        outcome.reason = QStringLiteral("fcm.accepted");
        // "projects/{project_id}/messages/{message_id}"
        outcome.providerMessageId = QJsonDocument::fromJson(body).object().value(QLatin1String("name")).toString();
        if (outcome.providerMessageId.isEmpty())
            qCWarning(lcDelivery) << "FCM accepted a message but named no message id; HTTP" << httpStatus;
        return outcome;
    }

    const std::optional<FcmError> error = parseError(body);
    if (!error) {
        // 502 is a Google HTML page, and proxies answer with their own bodies: the status is all there is.
        outcome.outcomeClass = classByHttpStatus(httpStatus);
        outcome.reason = QStringLiteral("fcm.http_%1").arg(httpStatus);
        outcome.message = QStringLiteral("HTTP %1 without an FCM error body").arg(httpStatus);
    } else {
        const QString code = !error->errorCode.isEmpty() ? error->errorCode : error->status;
        outcome.outcomeClass = code.isEmpty() ? classByHttpStatus(httpStatus) : classByCode(code, *error, httpStatus);
        outcome.reason = code.isEmpty() ? QStringLiteral("fcm.http_%1").arg(httpStatus) : QStringLiteral("fcm.") + code;
        outcome.message = error->message;
        if (!error->details.isEmpty())
            outcome.message += QStringLiteral(" (") + error->details.join(QStringLiteral("; ")) + QLatin1Char(')');
    }
    if (outcome.outcomeClass == OutcomeClass::Retry
        && (httpStatus == 429 || outcome.reason == QLatin1String("fcm.QUOTA_EXCEEDED")
            || outcome.reason == QLatin1String("fcm.RESOURCE_EXHAUSTED")))
        outcome.minimumRetryDelay = kQuotaMinimumDelay;
    return outcome;
}

} // namespace vestnik
