#pragma once

#include <QByteArray>
#include <QString>

#include <chrono>
#include <functional>
#include <utility>
#include <vector>

namespace vestnik {

using HttpHeaders = std::vector<std::pair<QByteArray, QByteArray>>;

/// One HTTP request to a push provider.
struct HttpRequest {
    QByteArray method = QByteArrayLiteral("POST");
    QByteArray path; ///< e.g. "/v1/projects/shop/messages:send"
    HttpHeaders headers;
    QByteArray body;
    std::chrono::milliseconds timeout{15'000};
};

/// Why a request got no HTTP answer. `Refused` and `Unprocessed` are never seen by callers of a pool: such
/// requests were provably not processed and are sent again on another connection.
enum class TransportError {
    None,
    Timeout,        ///< no answer within the request's timeout (it may or may not have been processed)
    ConnectionLost, ///< the connection failed with the request in flight (may or may not have been processed)
    Connect,        ///< no connection could be made (DNS, TCP, TLS handshake, no h2 in ALPN)
    Refused,        ///< RST_STREAM REFUSED_STREAM: not processed
    Unprocessed,    ///< above a GOAWAY's last stream id: not processed
    Protocol,       ///< the peer broke HTTP/2
    Credentials,    ///< not sent: no access or provider token could be had (bad key, token endpoint refused)
};

QString transportErrorName(TransportError error);

/// The provider's answer, or the transport failure that prevented one.
struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    QByteArray body;
    TransportError error = TransportError::None;
    QString errorText;

    bool hasAnswer() const { return error == TransportError::None; }
    /// The first header with this (lower-case) name, or an empty array.
    QByteArray header(const QByteArray &name) const;
};

using ResponseHandler = std::function<void(HttpResponse &&)>;

/// Sends requests to one provider endpoint. Every request's handler is called exactly once, on the
/// transport's thread, with the answer or a TransportError; never twice, never not at all.
class PushTransport
{
public:
    virtual ~PushTransport() = default;
    virtual void send(HttpRequest request, ResponseHandler handler) = 0;
    /// Requests accepted and not yet answered.
    virtual int pendingCount() const = 0;
};

} // namespace vestnik
