#pragma once

#include "delivery/ProviderOutcome.h"
#include "provider/PushTransport.h"

#include <QString>

namespace vestnik {

/// Classifies a request that got no provider answer (the transport's TransportError). The reason code is
/// "network." + the error's name ("network.timeout", "network.refused_stream").
///
/// Every transport failure is Retry: the push may or may not have arrived (timeout, connection lost) or
/// certainly did not (refused stream, above a GOAWAY's last stream id, no connection), and the notification id
/// as collapse id makes a duplicate show once. A failed TLS handshake would be a CredentialsProblem (with
/// APNs certificates the refused client certificate shows up exactly there, and nothing about a certificate
/// heals by retrying), but the transport reports it inside `Connect`, together with DNS and TCP failures
/// that do heal; so `Connect` stays Retry until the transport tells the two apart.
class TransportOutcomeClassifier final
{
public:
    /// `detail` is the transport's text (HttpResponse::errorText) for the message.
    static ProviderOutcome classify(TransportError error, const QString &detail);
};

} // namespace vestnik
