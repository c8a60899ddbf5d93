#include "security/CryptoLibrary.h"

#include <openssl/crypto.h>

namespace vestnik {

void initCryptoLibrary()
{
    // Only the first OPENSSL_init_crypto() of a process decides whether the handler is registered; a later call with
    // the flag is ignored, so this has to come before any other OpenSSL call.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
}

} // namespace vestnik
