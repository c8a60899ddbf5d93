#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace vestnik {

/// `count` bytes from the operating system's CSPRNG (through OpenSSL's RAND_bytes).
Result<QByteArray> secureRandomBytes(int count);
/// `count` random bytes as base64url without padding: ids, secrets and opaque tokens.
Result<QString> secureRandomToken(int count);

} // namespace vestnik
