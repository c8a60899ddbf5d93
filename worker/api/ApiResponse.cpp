#include "api/ApiResponse.h"

#include "api/ApiLogging.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik {

namespace {

const QByteArray kJson = QByteArrayLiteral("application/json");

bool isSafeHeaderText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

} // namespace

ApiResponse::ApiResponse(int status) : m_status(status) {}

ApiResponse ApiResponse::json(const QJsonObject &body, int status)
{
    return raw(QJsonDocument(body).toJson(QJsonDocument::Compact), kJson, status);
}

ApiResponse ApiResponse::json(const QJsonArray &body, int status)
{
    return raw(QJsonDocument(body).toJson(QJsonDocument::Compact), kJson, status);
}

ApiResponse ApiResponse::raw(QByteArray body, QByteArray contentType, int status)
{
    ApiResponse response(status);
    response.m_body = std::move(body);
    response.m_contentType = std::move(contentType);
    return response;
}

ApiResponse ApiResponse::error(int status, QString code, QString message)
{
    ApiResponse response(status);
    response.m_contentType = kJson;
    response.m_errorCode = std::move(code);
    response.m_errorMessage = std::move(message);
    return response;
}

ApiResponse ApiResponse::fromError(const Error &error)
{
    switch (error.code) {
    case ErrorCode::InvalidArgument: return ApiResponse::error(400, QStringLiteral("invalid_request"), error.message);
    case ErrorCode::NotFound: return ApiResponse::error(404, QStringLiteral("not_found"), error.message);
    case ErrorCode::Conflict: return ApiResponse::error(409, QStringLiteral("conflict"), error.message);
    default: break;
    }
    // Database and I/O messages name internals (tables, paths): the log gets them, the client does not.
    qCWarning(lcApi).noquote() << "internal error answered with 500:" << error.toString();
    return ApiResponse::error(500, QStringLiteral("internal"),
                              QStringLiteral("the worker failed to handle the request; its log has the details"));
}

ApiResponse ApiResponse::invalidJson(const Error &error)
{
    return ApiResponse::error(400, QStringLiteral("invalid_json"), error.message);
}

ApiResponse &ApiResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    if (name.isEmpty() || !isSafeHeaderText(name) || name.contains(':') || !isSafeHeaderText(value)) {
        qCWarning(lcApi) << "refused to set a response header with a line break or NUL in it:" << name;
        return *this;
    }
    for (auto &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0) {
            header.second = value;
            return *this;
        }
    }
    m_headers.append({name, value});
    return *this;
}

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &header : m_headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return QByteArray();
}

QByteArray ApiResponse::toHttp(const QString &requestId, bool withBody, bool close, bool keepAlive) const
{
    QByteArray body = m_body;
    if (isError()) {
        const QJsonObject error{{QStringLiteral("code"), m_errorCode},
                                {QStringLiteral("message"), m_errorMessage},
                                {QStringLiteral("request_id"), requestId}};
        body = QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
    }
    QByteArray out;
    out.reserve(256 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(m_status) + ' ' + reasonPhrase(m_status) + "\r\n";
    // 204 and 304 never carry a body, nor a length (RFC 9110 section 8.6).
    const bool mayHaveBody = m_status != 204 && m_status != 304 && m_status >= 200;
    if (mayHaveBody) {
        if (!m_contentType.isEmpty() || !body.isEmpty())
            out += "Content-Type: "
                   + (m_contentType.isEmpty() ? QByteArrayLiteral("application/octet-stream") : m_contentType) + "\r\n";
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    out += "X-Request-Id: " + requestId.toLatin1() + "\r\n";
    out += "Cache-Control: no-store\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    for (const auto &header : m_headers)
        out += header.first + ": " + header.second + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    else if (keepAlive)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (withBody && mayHaveBody)
        out += body;
    return out;
}

QByteArray ApiResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100: return QByteArrayLiteral("Continue");
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 202: return QByteArrayLiteral("Accepted");
    case 204: return QByteArrayLiteral("No Content");
    case 304: return QByteArrayLiteral("Not Modified");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 409: return QByteArrayLiteral("Conflict");
    case 410: return QByteArrayLiteral("Gone");
    case 411: return QByteArrayLiteral("Length Required");
    case 412: return QByteArrayLiteral("Precondition Failed");
    case 413: return QByteArrayLiteral("Content Too Large");
    case 417: return QByteArrayLiteral("Expectation Failed");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 422: return QByteArrayLiteral("Unprocessable Content");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 501: return QByteArrayLiteral("Not Implemented");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    default: return QByteArrayLiteral("Status");
    }
}

} // namespace vestnik
