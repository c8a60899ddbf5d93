#include "api/TlsIdentity.h"

#include "api/ApiLogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace vestnik {

namespace {

template<typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

constexpr int kValidityDays = 825;

/// The last OpenSSL error as text (and the queue emptied).
QString opensslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QStringLiteral("unknown OpenSSL error");
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    return QString::fromLatin1(text);
}

Error cryptoError(const QString &what)
{
    return makeError(ErrorCode::Crypto, what + QStringLiteral(": ") + opensslError());
}

/// Never asks for a pass phrase (OpenSSL's default callback would prompt on the terminal).
int noPassword(char *, int, int, void *)
{
    return 0;
}

QByteArray bioText(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

Result<QByteArray> readFile(const QString &path, const QString &key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1: cannot read %2: %3").arg(key, path, file.errorString()));
    return file.readAll();
}

/// Writes `data` to `path` through a new file of mode `permissions` renamed over it.
Result<void> writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions)
{
    const QString temporary = path + QStringLiteral(".new");
    QFile::remove(temporary);
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions) || file.write(data) != data.size()
        || !file.flush()) {
        const QString reason = file.errorString();
        file.close();
        QFile::remove(temporary);
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, reason));
    }
    file.close();
    QFile::remove(path);
    if (!QFile::rename(temporary, path))
        return makeError(ErrorCode::Io, QStringLiteral("cannot rename %1 to %2").arg(temporary, path));
    return {};
}

bool addExtension(X509 *certificate, int nid, const QByteArray &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    const ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.constData()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

} // namespace

QString certificateFingerprint(const QSslCertificate &certificate)
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

QString TlsIdentity::fingerprint() const
{
    return certificateFingerprint(certificate());
}

Result<TlsIdentity> TlsIdentity::fromPem(const QByteArray &certificatePem, const QByteArray &keyPem,
                                         const QString &certificateName, const QString &keyName)
{
    TlsIdentity identity;
    identity.m_chain = QSslCertificate::fromData(certificatePem, QSsl::Pem);
    if (identity.m_chain.isEmpty())
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("%1 holds no PEM certificate").arg(certificateName));
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa}) {
        identity.m_key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!identity.m_key.isNull())
            break;
    }
    if (identity.m_key.isNull())
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1 holds no unencrypted PEM private key (EC or RSA)").arg(keyName));

    // QSslConfiguration does not check that the two belong together; a mismatch would only show as failed
    // handshakes.
    const BioPtr certificateBio(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
    const BioPtr keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    const X509Ptr x509(PEM_read_bio_X509(certificateBio.get(), nullptr, noPassword, nullptr));
    const PkeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassword, nullptr));
    if (!x509 || !key || X509_check_private_key(x509.get(), key.get()) != 1) {
        ERR_clear_error();
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("the private key in %1 does not belong to the "
                                                                  "certificate in %2")
                                                       .arg(keyName, certificateName));
    }
    identity.m_certificatePem = certificatePem;
    identity.m_keyPem = keyPem;
    return identity;
}

Result<TlsIdentity> TlsIdentity::fromFiles(const QString &certificateFile, const QString &keyFile)
{
    Result<QByteArray> certificate = readFile(certificateFile, QStringLiteral("api.cert_file"));
    if (!certificate)
        return certificate.error();
    Result<QByteArray> key = readFile(keyFile, QStringLiteral("api.key_file"));
    if (!key)
        return key.error();
    return fromPem(*certificate, *key, QStringLiteral("api.cert_file (%1)").arg(certificateFile),
                   QStringLiteral("api.key_file (%1)").arg(keyFile));
}

Result<TlsIdentity> TlsIdentity::generateSelfSigned(const QString &hostName, const QDateTime &now)
{
    const PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return cryptoError(QStringLiteral("cannot generate an EC P-256 key"));
    const X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
        return cryptoError(QStringLiteral("cannot create a certificate"));

    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof(serial)) != 1)
        return cryptoError(QStringLiteral("the system random source failed"));
    serial[0] &= 0x7f; // a positive serial number
    const BignumPtr serialNumber(BN_bin2bn(serial, sizeof(serial), nullptr));
    if (!serialNumber || !BN_to_ASN1_INTEGER(serialNumber.get(), X509_get_serialNumber(certificate.get())))
        return cryptoError(QStringLiteral("cannot set the serial number"));
    time_t notBefore = time_t(now.toSecsSinceEpoch() - 3600);
    time_t notAfter = time_t(now.toSecsSinceEpoch() + qint64(kValidityDays) * 86'400);
    if (!X509_time_adj_ex(X509_getm_notBefore(certificate.get()), 0, 0, &notBefore)
        || !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), 0, 0, &notAfter)
        || X509_set_pubkey(certificate.get(), key.get()) != 1)
        return cryptoError(QStringLiteral("cannot set the validity or the public key"));

    // Only a plain DNS name goes into the certificate; anything else would make the SAN list unparsable.
    static const QRegularExpression dnsName(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"));
    const bool hostIsUsable = dnsName.match(hostName).hasMatch() && hostName.toLower() != QStringLiteral("localhost");
    const QByteArray commonName = hostIsUsable ? hostName.toLatin1() : QByteArrayLiteral("localhost");
    X509_NAME *name = X509_get_subject_name(certificate.get());
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>("Vestnik worker"),
                                   -1, -1, 0)
            != 1
        || X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(commonName.constData()), -1, -1, 0)
               != 1
        || X509_set_issuer_name(certificate.get(), name) != 1)
        return cryptoError(QStringLiteral("cannot set the certificate's name"));

    QByteArray alternativeNames = QByteArrayLiteral("DNS:localhost,IP:127.0.0.1,IP:::1");
    if (hostIsUsable)
        alternativeNames += ",DNS:" + hostName.toLatin1();
    if (!addExtension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(certificate.get(), NID_key_usage, "critical,digitalSignature")
        || !addExtension(certificate.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(certificate.get(), NID_subject_key_identifier, "hash")
        || !addExtension(certificate.get(), NID_subject_alt_name, alternativeNames))
        return cryptoError(QStringLiteral("cannot add the certificate's extensions"));
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return cryptoError(QStringLiteral("cannot sign the certificate"));

    const BioPtr certificateBio(BIO_new(BIO_s_mem()));
    const BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certificateBio || !keyBio || PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return cryptoError(QStringLiteral("cannot encode the certificate and key as PEM"));
    Result<TlsIdentity> identity =
        fromPem(bioText(certificateBio.get()), bioText(keyBio.get()), QStringLiteral("the generated certificate"),
                QStringLiteral("the generated key"));
    if (identity)
        identity->m_generated = true;
    return identity;
}

Result<TlsIdentity> TlsIdentity::loadOrCreateSelfSigned(const QString &directory, const QString &hostName)
{
    const QDir dir(directory);
    const QString certificatePath = dir.absoluteFilePath(QString::fromLatin1(kCertificateFile));
    const QString keyPath = dir.absoluteFilePath(QString::fromLatin1(kKeyFile));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (QFile::exists(certificatePath) && QFile::exists(keyPath)) {
        Result<TlsIdentity> existing = fromFiles(certificatePath, keyPath);
        if (!existing)
            return makeError(existing.error().code,
                             existing.error().message
                                 + QStringLiteral(" (the worker made these files; delete both to get a new pair)"));
        if (existing->certificate().expiryDate() > now)
            return existing;
        qCWarning(lcApi).noquote() << "the self-signed API certificate" << certificatePath << "expired on"
                                   << existing->certificate().expiryDate().toString(Qt::ISODate)
                                   << "; making a new one (clients that pinned the old fingerprint must update)";
    }
    Result<TlsIdentity> identity = generateSelfSigned(hostName, now);
    if (!identity)
        return identity;
    if (!dir.mkpath(QStringLiteral(".")))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create %1").arg(directory));
    if (Result<void> written = writeFile(keyPath, identity->m_keyPem, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        !written)
        return written.error();
    if (Result<void> written = writeFile(certificatePath, identity->m_certificatePem,
                                         QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                             | QFileDevice::ReadOther);
        !written)
        return written.error();
    qCInfo(lcApi).noquote() << "made a self-signed API certificate" << certificatePath << "for"
                            << identity->certificate().subjectAlternativeNames().values().join(QStringLiteral(", "));
    return identity;
}

QSslConfiguration TlsIdentity::serverConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(m_chain);
    configuration.setPrivateKey(m_key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
    return configuration;
}

} // namespace vestnik
