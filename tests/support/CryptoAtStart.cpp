// Compiled into every test executable: the test process starts OpenSSL the way the programs do (see
// security/CryptoLibrary.h), before main() and whatever the test touches first.
#include "security/CryptoLibrary.h"

namespace {

const bool kCryptoStarted = (vestnik::initCryptoLibrary(), true);

} // namespace
