#include "security/SecureRandom.h"

#include "security/Jwt.h"

#include <openssl/err.h>
#include <openssl/rand.h>

namespace vestnik {

Result<QByteArray> secureRandomBytes(int count)
{
    if (count <= 0)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("asked for %1 random bytes").arg(count));
    QByteArray bytes(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), count) != 1) {
        ERR_clear_error();
        return makeError(ErrorCode::Crypto, QStringLiteral("the system random source failed"));
    }
    return bytes;
}

Result<QString> secureRandomToken(int count)
{
    Result<QByteArray> bytes = secureRandomBytes(count);
    if (!bytes)
        return bytes.error();
    return QString::fromLatin1(base64UrlEncode(*bytes));
}

} // namespace vestnik
