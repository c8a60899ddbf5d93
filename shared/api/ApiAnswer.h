#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace vestnik {

/// What went wrong with a call to the worker, in the classes a person can act on.
enum class ApiFailure {
    None,                 ///< a 2xx answer
    Network,              ///< the worker could not be reached, or the connection broke
    Timeout,              ///< no complete answer within the client's timeout
    UntrustedCertificate, ///< TLS: the certificate is neither trusted by a CA nor the pinned one
    Unauthenticated,      ///< 401: not signed in, or the session could not be renewed
    Forbidden,            ///< 403: the role may not do this
    NotFound,             ///< 404
    Conflict,             ///< 409: the change clashes with the current state
    Invalid,              ///< 400 or 422: the request was refused as wrong, `message` says why
    RateLimited,          ///< 429
    Server,               ///< 5xx or an answer that is not the JSON the API promises
    Cancelled,            ///< the client gave up on it (sign-out, server changed)
};

/// One answer of the worker's API as the console sees it: the status, the JSON body and, for a failure, its
/// class, the worker's stable error code and its human message.
struct ApiAnswer {
    int status = 0;
    ApiFailure failure = ApiFailure::None;
    QJsonValue json;   ///< the body, when it was JSON
    QString errorCode; ///< the worker's `error.code` (e.g. "template_in_use"), or empty
    QString message;   ///< the worker's `error.message`, or the transport's description
    QString requestId; ///< `X-Request-Id`, for the worker's log
    int retryAfterSeconds = 0;
    QByteArray certificateSha256; ///< UntrustedCertificate: the SHA-256 of the certificate the server presented

    bool isOk() const { return failure == ApiFailure::None; }
    QJsonObject object() const { return json.toObject(); }
    QJsonArray array(const QString &key) const { return json.toObject().value(key).toArray(); }
};

} // namespace vestnik
