#include "KeyMaterial.h"

#include "security/Jwt.h"
#include "security/JwtKey.h"

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace vestnik::test {

QByteArray privateScalar(const JwtKey &key)
{
    const QByteArray pem = key.privateKeyPem();
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    BIGNUM *number = nullptr;
    if (!pkey || EVP_PKEY_get_bn_param(pkey.get(), OSSL_PKEY_PARAM_PRIV_KEY, &number) != 1)
        return {};
    QByteArray scalar(32, Qt::Uninitialized);
    BN_bn2binpad(number, reinterpret_cast<unsigned char *>(scalar.data()), int(scalar.size()));
    BN_free(number);
    return scalar;
}

QByteArrayList privateKeyForms(const JwtKey &key)
{
    const QByteArray pem = key.privateKeyPem();
    QByteArrayList forms{pem};
    QByteArray body;
    for (const QByteArray &line : pem.split('\n')) {
        if (line.startsWith("-----") || line.size() < 16)
            continue;
        forms << line;
        body += line;
    }
    forms << QByteArray::fromBase64(body);
    const QByteArray scalar = privateScalar(key);
    forms << scalar << scalar.toHex() << base64UrlEncode(scalar);
    return forms;
}

QByteArrayList secretForms(const QString &secret)
{
    QByteArrayList forms{secret.toUtf8()};
    if (Result<QByteArray> raw = base64UrlDecode(secret.toLatin1()); raw && raw->size() >= 16)
        forms << *raw;
    return forms;
}

} // namespace vestnik::test
