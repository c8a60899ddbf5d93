#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

class QJsonArray;
class QJsonObject;

namespace vestnik {

struct Error;

/// One HTTP answer of the API: status, body with its content type, extra headers. Errors carry a stable code
/// and a human message and are rendered as `{"error":{"code":..,"message":..,"request_id":..}}` when sent.
/// Every response also gets X-Request-Id, Cache-Control: no-store and X-Content-Type-Options: nosniff.
class ApiResponse final
{
public:
    explicit ApiResponse(int status = 200);

    static ApiResponse json(const QJsonObject &body, int status = 200);
    static ApiResponse json(const QJsonArray &body, int status = 200);
    static ApiResponse raw(QByteArray body, QByteArray contentType, int status = 200);
    static ApiResponse noContent() { return ApiResponse(204); }
    /// An error answer; `code` is one of the stable codes of docs/api/README.md.
    static ApiResponse error(int status, QString code, QString message);
    /// The answer for a module's error: InvalidArgument 400 invalid_request, NotFound 404 not_found, Conflict
    /// 409 conflict, anything else 500 internal (logged; its message is not shown to the client).
    static ApiResponse fromError(const Error &error);
    /// 400 invalid_json with the message of ApiRequest::jsonObject()'s error.
    static ApiResponse invalidJson(const Error &error);

    /// Sets (replaces) a header. Names and values with CR, LF or NUL are refused (logged, nothing set).
    ApiResponse &setHeader(const QByteArray &name, const QByteArray &value);

    int status() const { return m_status; }
    const QByteArray &body() const { return m_body; }
    const QByteArray &contentType() const { return m_contentType; }
    /// A header set with setHeader() (case-insensitive name), or empty.
    QByteArray header(const QByteArray &name) const;
    bool isError() const { return !m_errorCode.isEmpty(); }
    const QString &errorCode() const { return m_errorCode; }
    const QString &errorMessage() const { return m_errorMessage; }

    /// The response as it goes on the wire. `withBody` false (HEAD) keeps Content-Length but sends no body;
    /// `close` adds Connection: close; `keepAlive` (HTTP/1.0 clients that asked for it) Connection: keep-alive.
    QByteArray toHttp(const QString &requestId, bool withBody, bool close, bool keepAlive = false) const;

    /// "Not Found" for 404, ...
    static QByteArray reasonPhrase(int status);

private:
    int m_status;
    QByteArray m_body;
    QByteArray m_contentType;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QString m_errorCode;
    QString m_errorMessage;
};

} // namespace vestnik
