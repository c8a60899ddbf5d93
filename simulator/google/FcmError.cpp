#include "google/FcmError.h"

#include <nlohmann/json.hpp>

namespace vestnik::sim {

namespace {

struct CodeInfo {
    const char *errorCode;
    int httpStatus;
    const char *status;
    const char *message;
};

// PROVIDERS.md 1.5; messages are the observed ones where known. UNSPECIFIED_ERROR has no documented status:
// the simulator answers it as google.rpc UNKNOWN, which maps to HTTP 500.
constexpr CodeInfo kCodes[] = {
    {"INVALID_ARGUMENT", 400, "INVALID_ARGUMENT", "Request contains an invalid argument."},
    {"THIRD_PARTY_AUTH_ERROR", 401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"},
    {"SENDER_ID_MISMATCH", 403, "PERMISSION_DENIED", "SenderId mismatch"},
    {"UNREGISTERED", 404, "NOT_FOUND", "Requested entity was not found."},
    {"QUOTA_EXCEEDED", 429, "RESOURCE_EXHAUSTED",
     "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute' of service "
     "'fcm.googleapis.com'."},
    {"INTERNAL", 500, "INTERNAL", "Internal error encountered."},
    {"UNAVAILABLE", 503, "UNAVAILABLE", "The service is currently unavailable."},
    {"UNSPECIFIED_ERROR", 500, "UNKNOWN", "Unknown Error."},
};

const CodeInfo *find(const QString &errorCode)
{
    for (const CodeInfo &info : kCodes) {
        if (errorCode == QLatin1String(info.errorCode))
            return &info;
    }
    return nullptr;
}

} // namespace

bool FcmError::isKnownCode(const QString &errorCode)
{
    return find(errorCode) != nullptr;
}

FcmError FcmError::fromCode(const QString &errorCode)
{
    const CodeInfo *info = find(errorCode);
    if (!info)
        info = find(QStringLiteral("UNSPECIFIED_ERROR"));
    FcmError error;
    error.httpStatus = info->httpStatus;
    error.status = QLatin1String(info->status);
    error.message = QLatin1String(info->message);
    error.errorCode = QLatin1String(info->errorCode);
    return error;
}

FcmError FcmError::invalidArgument(const QString &message, const QString &field, const QString &description)
{
    FcmError error = fromCode(QStringLiteral("INVALID_ARGUMENT"));
    error.message = message;
    error.violations.push_back({field, description});
    return error;
}

FcmError FcmError::invalidJson(const QString &message, const QString &field)
{
    FcmError error;
    error.httpStatus = 400;
    error.status = QStringLiteral("INVALID_ARGUMENT");
    error.message = message;
    error.violations.push_back({field, message});
    return error;
}

HttpResponse FcmError::toResponse() const
{
    using Json = nlohmann::ordered_json;
    Json inner = Json::object();
    inner["code"] = httpStatus;
    inner["message"] = message.toStdString();
    inner["status"] = status.toStdString();
    Json details = Json::array();
    if (!errorCode.isEmpty())
        details.push_back(
            {{"@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError"}, {"errorCode", errorCode.toStdString()}});
    if (!violations.empty()) {
        Json list = Json::array();
        for (const FieldViolation &violation : violations) {
            Json item = Json::object();
            if (!violation.field.isEmpty())
                item["field"] = violation.field.toStdString();
            item["description"] = violation.description.toStdString();
            list.push_back(std::move(item));
        }
        details.push_back(
            {{"@type", "type.googleapis.com/google.rpc.BadRequest"}, {"fieldViolations", std::move(list)}});
    }
    if (!quotaSubject.isEmpty())
        details.push_back({{"@type", "type.googleapis.com/google.rpc.QuotaFailure"},
                           {"violations", Json::array({{{"subject", quotaSubject.toStdString()},
                                                        {"description", message.toStdString()}}})}});
    if (!details.empty())
        inner["details"] = std::move(details);
    const Json body = {{"error", std::move(inner)}};
    HttpResponse response(httpStatus, QByteArray::fromStdString(body.dump()));
    if (retryAfterSeconds >= 0)
        response.addHeader(QByteArrayLiteral("retry-after"), QByteArray::number(retryAfterSeconds));
    return response;
}

} // namespace vestnik::sim
