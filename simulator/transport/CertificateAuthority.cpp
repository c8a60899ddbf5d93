#include "transport/CertificateAuthority.h"

#include "SimLogging.h"
#include "transport/OpenSslHandles.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QSaveFile>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace vestnik::sim {

namespace {

constexpr long kCaValidityDays = 3650;
constexpr long kServerValidityDays = 825;
constexpr int kSecondsPerDay = 86400;

Error tlsError(const QString &what)
{
    ERR_clear_error();
    return makeError(ErrorCode::Crypto, what);
}

PkeyPtr generateKey()
{
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

bool addExtension(X509 *certificate, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, certificate, nullptr, nullptr, 0);
    X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

// A certificate with a random serial, valid from an hour ago (clock skew) for `days`.
X509Ptr newCertificate(EVP_PKEY *key, const char *commonName, long days)
{
    X509Ptr certificate(X509_new());
    BignumPtr serial(BN_new());
    if (!certificate || !serial || X509_set_version(certificate.get(), 2) != 1
        || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return nullptr;
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), days * kSecondsPerDay);
    X509_set_pubkey(certificate.get(), key);
    X509_NAME *subject = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("Vestnik simulator"),
                               -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName), -1, -1,
                               0);
    return certificate;
}

QByteArray pemOf(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

QByteArray pemOf(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

Result<void> writeFile(const QString &path, const QByteArray &content, bool isSecret)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (isSecret)
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(content);
    if (!file.commit())
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Result<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

X509Ptr readCertificate(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr readKey(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

bool covers(X509 *certificate, const QString &name)
{
    const QByteArray ascii = name.toLatin1();
    if (QHostAddress address; address.setAddress(name))
        return X509_check_ip_asc(certificate, ascii.constData(), 0) == 1;
    return X509_check_host(certificate, ascii.constData(), size_t(ascii.size()), 0, nullptr) == 1;
}

} // namespace

CertificateAuthority::~CertificateAuthority() = default;
CertificateAuthority::CertificateAuthority(CertificateAuthority &&other) noexcept = default;
CertificateAuthority &CertificateAuthority::operator=(CertificateAuthority &&other) noexcept = default;

QString CertificateAuthority::certificatePath() const
{
    return QDir(m_directory).filePath(QStringLiteral("ca.pem"));
}

QString CertificateAuthority::keyPath() const
{
    return QDir(m_directory).filePath(QStringLiteral("ca.key"));
}

QString CertificateAuthority::serverCertificatePath() const
{
    return QDir(m_directory).filePath(QStringLiteral("server.pem"));
}

QString CertificateAuthority::serverKeyPath() const
{
    return QDir(m_directory).filePath(QStringLiteral("server.key"));
}

Result<CertificateAuthority> CertificateAuthority::loadOrCreate(const QString &directory)
{
    if (!QDir().mkpath(directory))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create the data directory %1").arg(directory));
    CertificateAuthority ca;
    ca.m_directory = directory;
    auto adopt = [&ca](PkeyPtr key, X509Ptr certificate) {
        ca.m_key = {key.release(), [](evp_pkey_st *k) { EVP_PKEY_free(k); }};
        ca.m_certificate = {certificate.release(), [](x509_st *c) { X509_free(c); }};
    };

    if (QFile::exists(ca.certificatePath()) && QFile::exists(ca.keyPath())) {
        Result<QByteArray> certificatePem = readFile(ca.certificatePath());
        Result<QByteArray> keyPem = readFile(ca.keyPath());
        if (!certificatePem || !keyPem)
            return !certificatePem ? certificatePem.error() : keyPem.error();
        X509Ptr certificate = readCertificate(*certificatePem);
        PkeyPtr key = readKey(*keyPem);
        if (!certificate || !key || X509_check_private_key(certificate.get(), key.get()) != 1)
            return tlsError(QStringLiteral("%1 and %2 are not a matching certificate and key; delete both to get a "
                                           "new CA")
                                .arg(ca.certificatePath(), ca.keyPath()));
        adopt(std::move(key), std::move(certificate));
        return ca;
    }

    PkeyPtr key = generateKey();
    X509Ptr certificate = key ? newCertificate(key.get(), "Vestnik simulator CA", kCaValidityDays) : nullptr;
    if (!certificate)
        return tlsError(QStringLiteral("cannot create the CA certificate"));
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
    if (!addExtension(certificate.get(), certificate.get(), NID_basic_constraints, "critical,CA:TRUE")
        || !addExtension(certificate.get(), certificate.get(), NID_key_usage, "critical,keyCertSign,cRLSign")
        || !addExtension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash")
        || X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return tlsError(QStringLiteral("cannot sign the CA certificate"));
    if (Result<void> written = writeFile(ca.keyPath(), pemOf(key.get()), true); !written)
        return written.error();
    if (Result<void> written = writeFile(ca.certificatePath(), pemOf(certificate.get()), false); !written)
        return written.error();
    qCInfo(lcSim).noquote() << "created a throw-away CA in" << ca.certificatePath();
    adopt(std::move(key), std::move(certificate));
    return ca;
}

Result<void> CertificateAuthority::ensureServerCertificate(const QStringList &names) const
{
    if (QFile::exists(serverCertificatePath()) && QFile::exists(serverKeyPath())) {
        Result<QByteArray> certificatePem = readFile(serverCertificatePath());
        Result<QByteArray> keyPem = readFile(serverKeyPath());
        X509Ptr certificate = certificatePem ? readCertificate(*certificatePem) : nullptr;
        PkeyPtr key = keyPem ? readKey(*keyPem) : nullptr;
        const bool usable = certificate && key && X509_check_private_key(certificate.get(), key.get()) == 1
                            && X509_verify(certificate.get(), m_key.get()) == 1
                            && X509_cmp_time(X509_get0_notAfter(certificate.get()), nullptr) > 0
                            && std::all_of(names.begin(), names.end(),
                                           [&](const QString &name) { return covers(certificate.get(), name); });
        ERR_clear_error();
        if (usable) {
            time_t tomorrow = time(nullptr) + kSecondsPerDay;
            if (X509_cmp_time(X509_get0_notAfter(certificate.get()), &tomorrow) > 0)
                return {};
        }
    }

    PkeyPtr key = generateKey();
    X509Ptr certificate = key ? newCertificate(key.get(), "Vestnik simulator", kServerValidityDays) : nullptr;
    if (!certificate)
        return tlsError(QStringLiteral("cannot create the server certificate"));
    X509_set_issuer_name(certificate.get(), X509_get_subject_name(m_certificate.get()));
    QStringList alternatives;
    for (const QString &name : names) {
        QHostAddress address;
        alternatives << (address.setAddress(name) ? QStringLiteral("IP:") : QStringLiteral("DNS:")) + name;
    }
    const QByteArray san = alternatives.join(QLatin1Char(',')).toLatin1();
    if (!addExtension(certificate.get(), m_certificate.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(certificate.get(), m_certificate.get(), NID_key_usage, "critical,digitalSignature")
        || !addExtension(certificate.get(), m_certificate.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(certificate.get(), m_certificate.get(), NID_subject_key_identifier, "hash")
        || !addExtension(certificate.get(), m_certificate.get(), NID_authority_key_identifier, "keyid:always")
        || (!san.isEmpty()
            && !addExtension(certificate.get(), m_certificate.get(), NID_subject_alt_name, san.constData()))
        || X509_sign(certificate.get(), m_key.get(), EVP_sha256()) <= 0)
        return tlsError(
            QStringLiteral("cannot issue the server certificate for %1").arg(names.join(QStringLiteral(", "))));
    if (Result<void> written = writeFile(serverKeyPath(), pemOf(key.get()), true); !written)
        return written;
    return writeFile(serverCertificatePath(), pemOf(certificate.get()) + pemOf(m_certificate.get()), false);
}

} // namespace vestnik::sim
