#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace vestnik {

/// Why a request head is refused, as the answer the guard sends: 400, 411, 413, 501.
struct HeadRefusal final {
    int status = 400;
    QString code;    ///< stable error code, e.g. "length_required"
    QString message; ///< for the client
};

/// What the connection guard needs from a request head (request line and header fields up to the empty
/// line): where the request ends and how the connection goes on. It is at least as strict as QHttpServer's
/// parser on everything that decides the message's length, so both always agree on where a request ends.
struct RequestHead final {
    QByteArray method;
    QByteArray target; ///< origin-form as sent: percent-encoded path, then "?query" if any
    bool isHttp10 = false;
    qint64 contentLength = 0;
    bool keepAlive = true;       ///< HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
    bool expectContinue = false; ///< "Expect: 100-continue"

    /// Parses and checks `head` (CRLF or LF line ends, the final empty line included). Refuses: methods
    /// other than GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (501); targets that are not origin-form, other
    /// versions than HTTP/1.0 and 1.1, malformed or folded header lines, bad or repeated Content-Length,
    /// protocol upgrades (400); any Transfer-Encoding (411); a Content-Length above `maxBodyBytes` (413).
    static Result<RequestHead, HeadRefusal> parse(const QByteArray &head, qint64 maxBodyBytes);
};

} // namespace vestnik
