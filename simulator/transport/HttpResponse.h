#pragma once

#include <QByteArray>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

namespace vestnik::sim {

/// What a handler answers: a status, headers and a body, optionally after a delay (injected latency), or a
/// stream reset instead of any response.
struct HttpResponse {
    int status = 200;
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    std::chrono::milliseconds delay{0};
    std::optional<quint32> resetCode; ///< answer with RST_STREAM(code) instead

    HttpResponse() = default;
    HttpResponse(int code, QByteArray content,
                 QByteArray contentType = QByteArrayLiteral("application/json; charset=UTF-8"))
        : status(code), body(std::move(content))
    {
        if (!body.isEmpty())
            headers.emplace_back(QByteArrayLiteral("content-type"), std::move(contentType));
    }
    void addHeader(QByteArray name, QByteArray value) { headers.emplace_back(std::move(name), std::move(value)); }
};

} // namespace vestnik::sim
