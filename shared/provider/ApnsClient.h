#pragma once

#include "provider/Http2Endpoint.h"
#include "provider/PayloadBuilder.h"
#include "provider/PushTransport.h"

#include <QString>

namespace vestnik {

class ApnsProviderToken;

/// Sends to APNs: `POST /3/device/<token>` with the payload and apns-* headers, authenticated by a provider
/// token (token-based auth) or by the transport's TLS client certificate (certificate-based auth, no token).
/// An ExpiredProviderToken answer marks the token for renewal (within ApnsProviderToken's rules).
class ApnsClient final
{
public:
    /// `providerToken` may be null for certificate-based authentication.
    ApnsClient(PushTransport &transport, ApnsProviderToken *providerToken);

    static Http2Endpoint productionEndpoint();
    static Http2Endpoint sandboxEndpoint();

    void send(const QString &deviceToken, const ApnsRequest &request, ResponseHandler handler,
              std::chrono::milliseconds timeout = std::chrono::seconds(15));

private:
    PushTransport &m_transport;
    ApnsProviderToken *m_providerToken;
};

} // namespace vestnik
