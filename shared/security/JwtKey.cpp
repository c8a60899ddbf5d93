#include "security/JwtKey.h"

#include "security/Jwt.h"

#include <QFile>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace vestnik {

namespace {

constexpr int kEcCoordinateSize = 32;
constexpr int kMinimumRsaBits = 2048;

struct BioDeleter {
    void operator()(BIO *bio) const { BIO_free(bio); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX *ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct X509Deleter {
    void operator()(X509 *certificate) const { X509_free(certificate); }
};
struct BignumDeleter {
    void operator()(BIGNUM *number) const { BN_free(number); }
};
struct EcdsaSigDeleter {
    void operator()(ECDSA_SIG *signature) const { ECDSA_SIG_free(signature); }
};
struct ParamBuildDeleter {
    void operator()(OSSL_PARAM_BLD *builder) const { OSSL_PARAM_BLD_free(builder); }
};
struct ParamDeleter {
    void operator()(OSSL_PARAM *params) const { OSSL_PARAM_free(params); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBuildDeleter>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamDeleter>;

// OpenSSL keeps a per-thread error queue; a failure left in it would confuse the next TLS call's
// SSL_get_error() on the same thread, so every failure path here empties it.
Error cryptoError(const QString &what)
{
    ERR_clear_error();
    return makeError(ErrorCode::Crypto, what);
}

// Fetched once: the implicit fetch behind EVP_sha256() costs a provider lookup per signature.
const EVP_MD *sha256()
{
    static EVP_MD *md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

BioPtr memoryBio(const QByteArray &data)
{
    return BioPtr(BIO_new_mem_buf(data.constData(), int(data.size())));
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

// Refuses to prompt on the terminal for an encrypted PEM: the caller gets an error instead.
int noPassword(char *, int, int, void *)
{
    return 0;
}

QString checkFits(EVP_PKEY *key, JwtAlgorithm algorithm)
{
    switch (algorithm) {
    case JwtAlgorithm::ES256: {
        if (!EVP_PKEY_is_a(key, "EC"))
            return QStringLiteral("ES256 needs an EC P-256 key, this is not an EC key");
        char group[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1
            || (qstrcmp(group, "prime256v1") != 0 && qstrcmp(group, "P-256") != 0))
            return QStringLiteral("ES256 needs an EC key on curve P-256, this one is on %1")
                .arg(QString::fromLatin1(group));
        return {};
    }
    case JwtAlgorithm::RS256:
        if (!EVP_PKEY_is_a(key, "RSA"))
            return QStringLiteral("RS256 needs an RSA key, this is not an RSA key");
        if (EVP_PKEY_get_bits(key) < kMinimumRsaBits)
            return QStringLiteral("RS256 needs an RSA key of at least %1 bits, this one has %2")
                .arg(kMinimumRsaBits)
                .arg(EVP_PKEY_get_bits(key));
        return {};
    }
    return QStringLiteral("unknown algorithm");
}

QByteArray bignumBytes(const BIGNUM *number)
{
    QByteArray bytes(BN_num_bytes(number), Qt::Uninitialized);
    BN_bn2bin(number, reinterpret_cast<unsigned char *>(bytes.data()));
    return bytes;
}

Result<QByteArray> jwkBytes(const QJsonObject &jwk, const QString &member)
{
    Result<QByteArray> bytes = base64UrlDecode(jwk.value(member).toString().toLatin1());
    if (!bytes || bytes->isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("JWK member '%1' is missing or not base64url").arg(member));
    return bytes;
}

} // namespace

QString jwtAlgorithmName(JwtAlgorithm algorithm)
{
    return algorithm == JwtAlgorithm::ES256 ? QStringLiteral("ES256") : QStringLiteral("RS256");
}

std::optional<JwtAlgorithm> jwtAlgorithmFromName(QStringView name)
{
    if (name == u"ES256")
        return JwtAlgorithm::ES256;
    if (name == u"RS256")
        return JwtAlgorithm::RS256;
    return std::nullopt;
}

JwtKey::JwtKey() = default;
JwtKey::~JwtKey() = default;
JwtKey::JwtKey(const JwtKey &other) = default;
JwtKey &JwtKey::operator=(const JwtKey &other) = default;
JwtKey::JwtKey(JwtKey &&other) noexcept = default;
JwtKey &JwtKey::operator=(JwtKey &&other) noexcept = default;

JwtKey::JwtKey(std::shared_ptr<evp_pkey_st> key, JwtAlgorithm algorithm, bool hasPrivate)
    : m_key(std::move(key)), m_algorithm(algorithm), m_hasPrivate(hasPrivate)
{}

Result<JwtKey> JwtKey::adopt(evp_pkey_st *key, JwtAlgorithm algorithm, bool hasPrivate)
{
    PkeyPtr owned(key);
    if (const QString problem = checkFits(key, algorithm); !problem.isEmpty())
        return cryptoError(problem);
    return JwtKey(std::shared_ptr<evp_pkey_st>(owned.release(), PkeyDeleter()), algorithm, hasPrivate);
}

Result<JwtKey> JwtKey::generate(JwtAlgorithm algorithm)
{
    EVP_PKEY *key = algorithm == JwtAlgorithm::ES256 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                                     : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
    if (!key)
        return cryptoError(QStringLiteral("cannot generate a %1 key").arg(jwtAlgorithmName(algorithm)));
    return adopt(key, algorithm, true);
}

Result<JwtKey> JwtKey::fromPem(const QByteArray &pem, JwtAlgorithm algorithm)
{
    if (BioPtr bio = memoryBio(pem); EVP_PKEY *key = PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassword, nullptr))
        return adopt(key, algorithm, true);
    if (BioPtr bio = memoryBio(pem); EVP_PKEY *key = PEM_read_bio_PUBKEY(bio.get(), nullptr, noPassword, nullptr))
        return adopt(key, algorithm, false);
    if (BioPtr bio = memoryBio(pem); X509 *raw = PEM_read_bio_X509(bio.get(), nullptr, noPassword, nullptr)) {
        X509Ptr certificate(raw);
        if (EVP_PKEY *key = X509_get_pubkey(certificate.get()))
            return adopt(key, algorithm, false);
    }
    return cryptoError(QStringLiteral("no unencrypted PEM private key, public key or certificate found"));
}

Result<JwtKey> JwtKey::fromPemFile(const QString &path, JwtAlgorithm algorithm)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("cannot read key file %1: %2").arg(path, file.errorString()));
    Result<JwtKey> key = fromPem(file.readAll(), algorithm);
    if (!key)
        return makeError(key.error().code, QStringLiteral("key file %1: %2").arg(path, key.error().message));
    return key;
}

Result<JwtKey> JwtKey::fromJwk(const QJsonObject &jwk)
{
    const QString type = jwk.value(QStringLiteral("kty")).toString();
    const QString alg = jwk.value(QStringLiteral("alg")).toString();
    const std::optional<JwtAlgorithm> named = jwtAlgorithmFromName(alg);
    if (!alg.isEmpty() && !named)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("JWK algorithm '%1' is not supported").arg(alg));

    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    JwtAlgorithm algorithm = JwtAlgorithm::ES256;
    const char *typeName = nullptr;
    QByteArray point;
    BignumPtr modulus;
    BignumPtr exponent;
    if (type == QStringLiteral("EC")) {
        if (jwk.value(QStringLiteral("crv")).toString() != QStringLiteral("P-256"))
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("EC JWK must be on curve P-256"));
        Result<QByteArray> x = jwkBytes(jwk, QStringLiteral("x"));
        Result<QByteArray> y = jwkBytes(jwk, QStringLiteral("y"));
        if (!x || !y)
            return !x ? x.error() : y.error();
        if (x->size() != kEcCoordinateSize || y->size() != kEcCoordinateSize)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("EC JWK coordinates must be 32 bytes"));
        point = QByteArray(1, '\x04') + *x + *y;
        typeName = "EC";
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(),
                                         size_t(point.size()));
    } else if (type == QStringLiteral("RSA")) {
        Result<QByteArray> n = jwkBytes(jwk, QStringLiteral("n"));
        Result<QByteArray> e = jwkBytes(jwk, QStringLiteral("e"));
        if (!n || !e)
            return !n ? n.error() : e.error();
        algorithm = JwtAlgorithm::RS256;
        typeName = "RSA";
        modulus.reset(BN_bin2bn(reinterpret_cast<const unsigned char *>(n->constData()), int(n->size()), nullptr));
        exponent.reset(BN_bin2bn(reinterpret_cast<const unsigned char *>(e->constData()), int(e->size()), nullptr));
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get());
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get());
    } else {
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("JWK key type '%1' is not supported").arg(type));
    }
    if (named && *named != algorithm)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("JWK algorithm %1 does not fit key type %2").arg(alg, type));

    ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, typeName, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return cryptoError(QStringLiteral("the JWK does not describe a valid %1 public key").arg(type));
    Result<JwtKey> result = adopt(key, algorithm, false);
    if (result)
        result->setKeyId(jwk.value(QStringLiteral("kid")).toString());
    return result;
}

JwtKey JwtKey::publicKey() const
{
    if (!m_key || !m_hasPrivate)
        return *this;
    unsigned char *der = nullptr;
    const int length = i2d_PUBKEY(m_key.get(), &der);
    const unsigned char *cursor = der;
    EVP_PKEY *pub = length > 0 ? d2i_PUBKEY(nullptr, &cursor, length) : nullptr;
    OPENSSL_free(der);
    if (!pub) {
        ERR_clear_error();
        return {};
    }
    JwtKey key(std::shared_ptr<evp_pkey_st>(pub, PkeyDeleter()), m_algorithm, false);
    key.setKeyId(m_keyId);
    return key;
}

QJsonObject JwtKey::toJwk() const
{
    QJsonObject jwk;
    if (!m_key)
        return jwk;
    if (m_algorithm == JwtAlgorithm::ES256) {
        unsigned char point[1 + 2 * kEcCoordinateSize] = {};
        size_t length = 0;
        if (EVP_PKEY_get_octet_string_param(m_key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1
            || length != sizeof point) {
            ERR_clear_error();
            return jwk;
        }
        const QByteArray bytes(reinterpret_cast<const char *>(point), qsizetype(length));
        jwk.insert(QStringLiteral("kty"), QStringLiteral("EC"));
        jwk.insert(QStringLiteral("crv"), QStringLiteral("P-256"));
        jwk.insert(QStringLiteral("x"), QString::fromLatin1(base64UrlEncode(bytes.mid(1, kEcCoordinateSize))));
        jwk.insert(QStringLiteral("y"), QString::fromLatin1(base64UrlEncode(bytes.mid(1 + kEcCoordinateSize))));
    } else {
        BIGNUM *n = nullptr;
        BIGNUM *e = nullptr;
        EVP_PKEY_get_bn_param(m_key.get(), OSSL_PKEY_PARAM_RSA_N, &n);
        EVP_PKEY_get_bn_param(m_key.get(), OSSL_PKEY_PARAM_RSA_E, &e);
        const BignumPtr modulus(n);
        const BignumPtr exponent(e);
        if (!n || !e) {
            ERR_clear_error();
            return jwk;
        }
        jwk.insert(QStringLiteral("kty"), QStringLiteral("RSA"));
        jwk.insert(QStringLiteral("n"), QString::fromLatin1(base64UrlEncode(bignumBytes(n))));
        jwk.insert(QStringLiteral("e"), QString::fromLatin1(base64UrlEncode(bignumBytes(e))));
    }
    jwk.insert(QStringLiteral("alg"), jwtAlgorithmName(m_algorithm));
    jwk.insert(QStringLiteral("use"), QStringLiteral("sig"));
    if (!m_keyId.isEmpty())
        jwk.insert(QStringLiteral("kid"), m_keyId);
    return jwk;
}

QByteArray JwtKey::publicKeyPem() const
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!m_key || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
        ERR_clear_error();
        return {};
    }
    return bioContents(bio.get());
}

QByteArray JwtKey::privateKeyPem() const
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!m_key || !m_hasPrivate
        || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return bioContents(bio.get());
}

Result<QByteArray> JwtKey::sign(const QByteArray &signingInput) const
{
    if (!m_key || !m_hasPrivate)
        return makeError(ErrorCode::Crypto, QStringLiteral("signing needs a private key"));
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t length = 0;
    const auto *input = reinterpret_cast<const unsigned char *>(signingInput.constData());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, sha256(), nullptr, m_key.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, input, size_t(signingInput.size())) != 1)
        return cryptoError(QStringLiteral("%1 signing failed").arg(jwtAlgorithmName(m_algorithm)));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, input,
                       size_t(signingInput.size()))
        != 1)
        return cryptoError(QStringLiteral("%1 signing failed").arg(jwtAlgorithmName(m_algorithm)));
    signature.truncate(qsizetype(length));
    if (m_algorithm == JwtAlgorithm::RS256)
        return signature;

    // JWS wants ES256 signatures as raw r||s, OpenSSL produces DER.
    const auto *der = reinterpret_cast<const unsigned char *>(signature.constData());
    EcdsaSigPtr parsed(d2i_ECDSA_SIG(nullptr, &der, long(signature.size())));
    if (!parsed)
        return cryptoError(QStringLiteral("ES256 signing produced an unreadable signature"));
    const BIGNUM *r = nullptr;
    const BIGNUM *s = nullptr;
    ECDSA_SIG_get0(parsed.get(), &r, &s);
    QByteArray raw(2 * kEcCoordinateSize, Qt::Uninitialized);
    auto *out = reinterpret_cast<unsigned char *>(raw.data());
    if (BN_bn2binpad(r, out, kEcCoordinateSize) != kEcCoordinateSize
        || BN_bn2binpad(s, out + kEcCoordinateSize, kEcCoordinateSize) != kEcCoordinateSize)
        return cryptoError(QStringLiteral("ES256 signature does not fit 64 bytes"));
    return raw;
}

bool JwtKey::verify(const QByteArray &signingInput, const QByteArray &signature) const
{
    if (!m_key)
        return false;
    QByteArray der;
    const QByteArray *checked = &signature;
    if (m_algorithm == JwtAlgorithm::ES256) {
        if (signature.size() != 2 * kEcCoordinateSize)
            return false;
        const auto *raw = reinterpret_cast<const unsigned char *>(signature.constData());
        EcdsaSigPtr parsed(ECDSA_SIG_new());
        BIGNUM *r = BN_bin2bn(raw, kEcCoordinateSize, nullptr);
        BIGNUM *s = BN_bin2bn(raw + kEcCoordinateSize, kEcCoordinateSize, nullptr);
        if (!parsed || !r || !s || ECDSA_SIG_set0(parsed.get(), r, s) != 1) {
            BN_free(r);
            BN_free(s);
            ERR_clear_error();
            return false;
        }
        const int length = i2d_ECDSA_SIG(parsed.get(), nullptr);
        der.resize(length);
        auto *out = reinterpret_cast<unsigned char *>(der.data());
        i2d_ECDSA_SIG(parsed.get(), &out);
        checked = &der;
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    const bool ok =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, sha256(), nullptr, m_key.get()) == 1
        && EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(checked->constData()),
                            size_t(checked->size()), reinterpret_cast<const unsigned char *>(signingInput.constData()),
                            size_t(signingInput.size()))
               == 1;
    if (!ok)
        ERR_clear_error();
    return ok;
}

} // namespace vestnik
