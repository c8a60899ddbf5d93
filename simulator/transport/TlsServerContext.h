#pragma once

#include "util/Result.h"

#include <QString>

#include <memory>

struct ssl_ctx_st;

namespace vestnik::sim {

/// An OpenSSL server context for one listener: TLS 1.2+, the server certificate chain, ALPN that selects h2
/// (a client that offers only other protocols is refused with no_application_protocol), and optionally a
/// request for a client certificate that is checked against a CA but never fails the handshake (APNs answers
/// certificate problems per request, with a reason).
class TlsServerContext final
{
public:
    struct Options {
        QString certificateChainPath;
        QString keyPath;
        bool requestClientCertificate = false;
        QString clientCaPath; ///< CA bundle client certificates must chain to
    };

    ~TlsServerContext();
    static Result<std::shared_ptr<TlsServerContext>> create(const Options &options);

    ssl_ctx_st *handle() const { return m_ctx; }

private:
    TlsServerContext() = default;
    ssl_ctx_st *m_ctx = nullptr;
};

} // namespace vestnik::sim
