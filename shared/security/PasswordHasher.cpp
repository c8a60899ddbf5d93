#include "security/PasswordHasher.h"

#include "security/SecureRandom.h"

#include <QRegularExpression>
#include <QScopeGuard>

#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

namespace vestnik {

namespace {

constexpr int kSaltSize = 16;
constexpr int kHashSize = 32;
constexpr int kMinimumSaltSize = 8;
constexpr int kMinimumHashSize = 16;
constexpr int kMaximumHashSize = 64;
constexpr qint64 kMaximumMemory = qint64(1) << 30; // 1 GiB
constexpr int kMaximumParallelism = 16;

struct KdfCtxDeleter {
    void operator()(EVP_KDF_CTX *ctx) const { EVP_KDF_CTX_free(ctx); }
};
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;

// Fetched once: an implicit fetch per derivation costs a provider lookup.
EVP_KDF *scryptKdf()
{
    static EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    return kdf;
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::OmitTrailingEquals));
}

// Strict: only the canonical unpadded encoding of some bytes is accepted, so one hash has one spelling.
std::optional<QByteArray> fromBase64(const QString &text)
{
    const QByteArray latin = text.toLatin1();
    QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(latin, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64(QByteArray::OmitTrailingEquals) != latin)
        return std::nullopt;
    return decoded.decoded;
}

struct Encoded {
    PasswordHasher::Parameters parameters;
    QByteArray salt;
    QByteArray hash;
};

Result<Encoded> decode(const QString &encoded)
{
    static const QRegularExpression format(
        QStringLiteral(R"(^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$)"));
    const QRegularExpressionMatch match = format.match(encoded);
    if (!match.hasMatch())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("not a $scrypt$ password hash"));
    Encoded result;
    result.parameters.costLog2 = match.captured(1).toInt();
    result.parameters.blockSize = match.captured(2).toInt();
    result.parameters.parallelism = match.captured(3).toInt();
    if (const QString problem = result.parameters.problem(); !problem.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("password hash parameters: ") + problem);
    const std::optional<QByteArray> salt = fromBase64(match.captured(4));
    const std::optional<QByteArray> hash = fromBase64(match.captured(5));
    if (!salt || !hash || salt->size() < kMinimumSaltSize || hash->size() < kMinimumHashSize
        || hash->size() > kMaximumHashSize)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("password hash has a malformed salt or hash"));
    result.salt = *salt;
    result.hash = *hash;
    return result;
}

} // namespace

qint64 PasswordHasher::Parameters::memoryBytes() const
{
    if (costLog2 < 1 || costLog2 > 40 || blockSize < 1 || parallelism < 1)
        return 0;
    return qint64(128) * blockSize * (qint64(1) << costLog2);
}

QString PasswordHasher::Parameters::problem() const
{
    if (costLog2 < 1 || costLog2 > 30)
        return QStringLiteral("ln must be between 1 and 30, is %1").arg(costLog2);
    if (blockSize < 1 || blockSize > 64)
        return QStringLiteral("r must be between 1 and 64, is %1").arg(blockSize);
    if (parallelism < 1 || parallelism > kMaximumParallelism)
        return QStringLiteral("p must be between 1 and %1, is %2").arg(kMaximumParallelism).arg(parallelism);
    if (memoryBytes() > kMaximumMemory)
        return QStringLiteral("ln=%1, r=%2 need %3 MiB, more than the 1024 MiB allowed")
            .arg(costLog2)
            .arg(blockSize)
            .arg(memoryBytes() >> 20);
    return {};
}

PasswordHasher::PasswordHasher() : PasswordHasher(Parameters{}) {}

PasswordHasher::PasswordHasher(const Parameters &parameters) : m_parameters(parameters) {}

Result<QByteArray> PasswordHasher::derive(const QString &password, const QByteArray &salt, const Parameters &parameters,
                                          int length) const
{
    ++m_derivations;
    // NFC: the same password typed on two systems that compose accents differently is the same password.
    QByteArray secret = password.normalized(QString::NormalizationForm_C).toUtf8();
    const auto wipe = qScopeGuard([&secret] { OPENSSL_cleanse(secret.data(), size_t(secret.size())); });
    uint64_t n = uint64_t(1) << parameters.costLog2;
    uint32_t r = uint32_t(parameters.blockSize);
    uint32_t p = uint32_t(parameters.parallelism);
    // OpenSSL refuses more than 32 MiB by default; allow what these parameters need (bounded by problem()).
    uint64_t maxMemory = uint64_t(parameters.memoryBytes()) + uint64_t(128) * r * (p + 2) + (uint64_t(1) << 20);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, secret.data(), size_t(secret.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char *>(salt.constData()),
                                          size_t(salt.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };
    KdfCtxPtr ctx(scryptKdf() ? EVP_KDF_CTX_new(scryptKdf()) : nullptr);
    QByteArray out(length, Qt::Uninitialized);
    if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), size_t(length), params) != 1) {
        ERR_clear_error();
        return makeError(ErrorCode::Crypto, QStringLiteral("scrypt failed (ln=%1, r=%2, p=%3)")
                                                .arg(parameters.costLog2)
                                                .arg(parameters.blockSize)
                                                .arg(parameters.parallelism));
    }
    return out;
}

Result<QString> PasswordHasher::hash(const QString &password) const
{
    if (const QString problem = m_parameters.problem(); !problem.isEmpty())
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("password hashing parameters: ") + problem);
    Result<QByteArray> salt = secureRandomBytes(kSaltSize);
    if (!salt)
        return salt.error();
    Result<QByteArray> derived = derive(password, *salt, m_parameters, kHashSize);
    if (!derived)
        return derived.error();
    return QStringLiteral("$scrypt$ln=%1,r=%2,p=%3$%4$%5")
        .arg(m_parameters.costLog2)
        .arg(m_parameters.blockSize)
        .arg(m_parameters.parallelism)
        .arg(base64(*salt), base64(*derived));
}

Result<bool> PasswordHasher::verify(const QString &password, const QString &encoded) const
{
    Result<Encoded> decoded = decode(encoded);
    if (!decoded)
        return decoded.error();
    Result<QByteArray> derived = derive(password, decoded->salt, decoded->parameters, int(decoded->hash.size()));
    if (!derived)
        return derived.error();
    return CRYPTO_memcmp(derived->constData(), decoded->hash.constData(), size_t(decoded->hash.size())) == 0;
}

bool PasswordHasher::needsRehash(const QString &encoded) const
{
    Result<Encoded> decoded = decode(encoded);
    return !decoded || !(decoded->parameters == m_parameters) || decoded->hash.size() != kHashSize
           || decoded->salt.size() != kSaltSize;
}

Result<PasswordHasher::Parameters> PasswordHasher::parametersOf(const QString &encoded)
{
    Result<Encoded> decoded = decode(encoded);
    if (!decoded)
        return decoded.error();
    return decoded->parameters;
}

} // namespace vestnik
