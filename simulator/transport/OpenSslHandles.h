#pragma once

#include <memory>
#include <nghttp2/nghttp2.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace vestnik::sim {

// RAII owners for the OpenSSL and nghttp2 handles the simulator holds.
template<auto Free>
struct CDeleter {
    template<typename T>
    void operator()(T *handle) const
    {
        Free(handle);
    }
};

using SslCtxPtr = std::unique_ptr<SSL_CTX, CDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, CDeleter<SSL_free>>;
using X509Ptr = std::unique_ptr<X509, CDeleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, CDeleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, CDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, CDeleter<BN_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, CDeleter<X509_EXTENSION_free>>;
using Nghttp2SessionPtr = std::unique_ptr<nghttp2_session, CDeleter<nghttp2_session_del>>;
using Nghttp2CallbacksPtr = std::unique_ptr<nghttp2_session_callbacks, CDeleter<nghttp2_session_callbacks_del>>;
using Nghttp2OptionPtr = std::unique_ptr<nghttp2_option, CDeleter<nghttp2_option_del>>;

} // namespace vestnik::sim
