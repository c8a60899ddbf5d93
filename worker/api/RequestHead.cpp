#include "api/RequestHead.h"

#include <QList>

namespace vestnik {

namespace {

HeadRefusal badRequest(QString message)
{
    return HeadRefusal{400, QStringLiteral("bad_request"), std::move(message)};
}

/// RFC 9110 token characters (method and field names).
bool isTokenChar(char c)
{
    static const QByteArray extra = QByteArrayLiteral("!#$%&'*+-.^_`|~");
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || extra.contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

/// Field values: visible characters, spaces, tabs and obs-text; no other control characters.
bool isFieldValue(QByteArrayView text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u == '\t' || (u >= 0x20 && u != 0x7f);
    });
}

/// Whether a comma-separated header value lists `token` (case-insensitive).
bool listsToken(const QByteArray &value, QByteArrayView token)
{
    const QList<QByteArray> items = value.split(',');
    return std::any_of(items.begin(), items.end(), [token](const QByteArray &item) {
        return item.trimmed().compare(token, Qt::CaseInsensitive) == 0;
    });
}

} // namespace

Result<RequestHead, HeadRefusal> RequestHead::parse(const QByteArray &head, qint64 maxBodyBytes)
{
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    while (!lines.isEmpty() && lines.constFirst().isEmpty())
        lines.removeFirst();
    if (lines.isEmpty())
        return badRequest(QStringLiteral("the request has no request line"));

    RequestHead result;
    const QList<QByteArray> parts = lines.constFirst().split(' ');
    if (parts.size() != 3)
        return badRequest(QStringLiteral("the request line must be: METHOD /path HTTP/1.1"));
    result.method = parts.at(0);
    static const QList<QByteArray> methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    if (!isToken(result.method))
        return badRequest(QStringLiteral("the method is not a token"));
    if (!methods.contains(result.method))
        return HeadRefusal{501, QStringLiteral("not_implemented"),
                           QStringLiteral("method %1 is not supported").arg(QString::fromLatin1(result.method))};
    const QByteArray &target = parts.at(1);
    const bool targetIsClean = std::all_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
    if (!target.startsWith('/') || !targetIsClean)
        return badRequest(QStringLiteral("the request target must be an absolute path of visible ASCII"));
    result.target = target;
    if (parts.at(2) == "HTTP/1.0")
        result.isHttp10 = true;
    else if (parts.at(2) != "HTTP/1.1")
        return badRequest(QStringLiteral("only HTTP/1.1 and HTTP/1.0 are spoken here"));

    bool hasLength = false;
    QByteArray connection;
    bool hasUpgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return badRequest(QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return badRequest(QStringLiteral("header line %1 is not \"Name: value\"").arg(i));
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (!isFieldValue(value))
            return badRequest(QStringLiteral("header %1 has control characters").arg(QString::fromLatin1(name)));
        if (name == "content-length") {
            if (hasLength)
                return badRequest(QStringLiteral("Content-Length is given more than once"));
            hasLength = true;
            const bool digits = !value.isEmpty() && value.size() <= 18
                                && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!digits)
                return badRequest(QStringLiteral("Content-Length must be a decimal number"));
            result.contentLength = value.toLongLong();
        } else if (name == "transfer-encoding") {
            return HeadRefusal{411, QStringLiteral("length_required"),
                               QStringLiteral("send the body with a Content-Length; Transfer-Encoding (chunked) is "
                                              "not accepted")};
        } else if (name == "connection") {
            connection += (connection.isEmpty() ? QByteArray() : QByteArrayLiteral(",")) + value;
        } else if (name == "upgrade") {
            hasUpgrade = true;
        } else if (name == "expect") {
            if (value.compare("100-continue", Qt::CaseInsensitive) != 0)
                return HeadRefusal{417, QStringLiteral("expectation_failed"),
                                   QStringLiteral("only Expect: 100-continue is understood")};
            result.expectContinue = true;
        }
    }
    // QHttpServer 6.4 treats an upgrade as a WebSocket hand-over and drops the connection otherwise.
    if (hasUpgrade || listsToken(connection, "upgrade"))
        return badRequest(QStringLiteral("protocol upgrades are not supported"));
    if (result.contentLength > maxBodyBytes)
        return HeadRefusal{413, QStringLiteral("payload_too_large"),
                           QStringLiteral("the body of %1 bytes is larger than the %2 bytes accepted")
                               .arg(result.contentLength)
                               .arg(maxBodyBytes)};
    result.keepAlive = result.isHttp10 ? listsToken(connection, "keep-alive") : !listsToken(connection, "close");
    return result;
}

} // namespace vestnik
