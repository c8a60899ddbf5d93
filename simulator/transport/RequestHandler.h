#pragma once

#include "transport/HttpResponse.h"

namespace vestnik::sim {

struct HttpRequest;
class ServerConnection;

/// A service behind a listener: answers each complete request (synchronously; delays are part of the answer).
class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    /// Called once per connection after the TLS handshake, before any request.
    virtual void connectionOpened(ServerConnection &connection) { Q_UNUSED(connection) }
    /// Answers a request; the handler may take (move out) the request's body and headers.
    virtual HttpResponse handle(HttpRequest &request, ServerConnection &connection) = 0;
};

} // namespace vestnik::sim
