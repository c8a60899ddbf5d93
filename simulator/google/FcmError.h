#pragma once

#include "transport/HttpResponse.h"

#include <QString>

#include <vector>

namespace vestnik::sim {

/// An FCM HTTP v1 error as Google sends it: a google.rpc.Status wrapped in `error`, with an FcmError detail
/// carrying the errorCode, and BadRequest / QuotaFailure details where Google adds them (PROVIDERS.md 1.5).
struct FcmError {
    struct FieldViolation {
        QString field; ///< empty: no field member (the violation is about the whole request)
        QString description;
    };

    int httpStatus = 400;
    QString status; ///< google.rpc code name: INVALID_ARGUMENT, NOT_FOUND, ...
    QString message;
    QString errorCode; ///< FcmError.errorCode; empty: no FcmError detail (JSON syntax errors, oversize, auth)
    std::vector<FieldViolation> violations; ///< a BadRequest detail when not empty
    QString quotaSubject;                   ///< a QuotaFailure detail when not empty
    int retryAfterSeconds = -1;             ///< a Retry-After header when >= 0

    /// The FcmError codes of PROVIDERS.md, each with its HTTP status, rpc status and message.
    static FcmError fromCode(const QString &errorCode);
    /// Whether `errorCode` is one fromCode() knows.
    static bool isKnownCode(const QString &errorCode);

    /// 400 INVALID_ARGUMENT with an FcmError detail and one field violation.
    static FcmError invalidArgument(const QString &message, const QString &field, const QString &description);
    /// 400 INVALID_ARGUMENT for a body that does not fit the Message schema: BadRequest detail only.
    static FcmError invalidJson(const QString &message, const QString &field);

    HttpResponse toResponse() const;
};

} // namespace vestnik::sim
