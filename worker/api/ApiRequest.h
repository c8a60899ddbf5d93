#pragma once

#include "api/Principal.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace vestnik {

/// One API request as a handler sees it: what the client sent, what the router found in the path and who
/// the token says the caller is.
struct ApiRequest final {
    QByteArray method;                  ///< "GET", "POST", ...
    QString path;                       ///< as sent, percent-encoded, without the query
    QString routePattern;               ///< the pattern that matched, e.g. "/v1/devices/{id}"
    QHash<QString, QString> pathParams; ///< decoded values of the pattern's {name} segments
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case; repeated headers joined with ", "
    QByteArray body;
    QHostAddress remoteAddress;
    QString requestId;                  ///< also in the X-Request-Id of the answer
    std::optional<Principal> principal; ///< set on every route that is not public

    /// A path parameter's decoded value (empty if the pattern has no such name).
    QString pathParam(const QString &name) const { return pathParams.value(name); }
    /// A header by its lower-case name, or empty.
    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    /// The body as a JSON object; InvalidArgument with a message for the client ("the body is not valid JSON:
    /// ... at byte N", "the body must be a JSON object, not an array", ...) otherwise.
    Result<QJsonObject> jsonObject() const;
};

/// A fresh request id: 16 random hex digits.
QString makeRequestId();

} // namespace vestnik
