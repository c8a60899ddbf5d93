#include "transport/TlsServerContext.h"

#include "transport/OpenSslHandles.h"

#include <openssl/err.h>

namespace vestnik::sim {

namespace {

Error tlsError(const QString &what)
{
    unsigned long code = ERR_get_error();
    char text[256] = {};
    if (code != 0)
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return makeError(ErrorCode::Crypto, code != 0 ? what + QStringLiteral(": ") + QString::fromLatin1(text) : what);
}

int selectAlpn(SSL *, const unsigned char **out, unsigned char *outLength, const unsigned char *in,
               unsigned int inLength, void *)
{
    static const unsigned char h2[] = {2, 'h', '2'};
    if (SSL_select_next_proto(const_cast<unsigned char **>(out), outLength, h2, sizeof h2, in, inLength)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

// The verdict on a client certificate is the service's (APNs answers BadCertificate per request), so the
// handshake goes on whatever the chain check says; SSL_get_verify_result() keeps the verdict.
int acceptAnyClientCertificate(int, X509_STORE_CTX *)
{
    return 1;
}

} // namespace

TlsServerContext::~TlsServerContext()
{
    SSL_CTX_free(m_ctx);
}

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::create(const Options &options)
{
    std::shared_ptr<TlsServerContext> context(new TlsServerContext);
    context->m_ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *ctx = context->m_ctx;
    if (!ctx)
        return tlsError(QStringLiteral("cannot create a TLS context"));
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx,
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    const QByteArray chain = options.certificateChainPath.toLocal8Bit();
    const QByteArray key = options.keyPath.toLocal8Bit();
    if (SSL_CTX_use_certificate_chain_file(ctx, chain.constData()) != 1)
        return tlsError(QStringLiteral("cannot load the server certificate %1").arg(options.certificateChainPath));
    if (SSL_CTX_use_PrivateKey_file(ctx, key.constData(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        return tlsError(QStringLiteral("cannot load the server key %1 (or it does not match the certificate)")
                            .arg(options.keyPath));
    SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);
    if (options.requestClientCertificate) {
        const QByteArray ca = options.clientCaPath.toLocal8Bit();
        if (SSL_CTX_load_verify_locations(ctx, ca.constData(), nullptr) != 1)
            return tlsError(QStringLiteral("cannot load the client CA %1").arg(options.clientCaPath));
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, acceptAnyClientCertificate);
        static const unsigned char sessionContext[] = "vestnik-sim";
        SSL_CTX_set_session_id_context(ctx, sessionContext, sizeof sessionContext - 1);
    }
    return context;
}

} // namespace vestnik::sim
