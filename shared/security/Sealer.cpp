#include "security/Sealer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <memory>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

namespace vestnik {

namespace {

constexpr int kKeySize = 32;
constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;
const QByteArray kMagic = QByteArrayLiteral("VS1");

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

struct PkeyCtxDeleter {
    void operator()(EVP_PKEY_CTX *ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

Error cryptoError(const QString &what)
{
    return makeError(ErrorCode::Crypto, what);
}

} // namespace

QString Sealer::idOf(const QByteArray &key)
{
    return QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).left(8).toHex());
}

Result<Sealer> Sealer::fromKey(const QByteArray &key)
{
    if (key.size() != kKeySize)
        return cryptoError(QStringLiteral("a sealing key must be %1 bytes, got %2").arg(kKeySize).arg(key.size()));
    Sealer sealer;
    sealer.m_currentId = idOf(key);
    sealer.m_keys.insert(sealer.m_currentId, key);
    return sealer;
}

Result<Sealer> Sealer::loadOrCreate(const QString &path)
{
    QFile file(path);
    if (!file.exists()) {
        QByteArray key(kKeySize, Qt::Uninitialized);
        if (RAND_bytes(reinterpret_cast<unsigned char *>(key.data()), kKeySize) != 1)
            return cryptoError(QStringLiteral("the system random source failed"));
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return makeError(ErrorCode::Io,
                             QStringLiteral("cannot create sealing key file %1: %2").arg(path, file.errorString()));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        file.write(key.toHex() + '\n');
        file.close();
        return fromKey(key);
    }
    Result<QByteArray> key = readKeyFile(path);
    if (!key)
        return key.error();
    return fromKey(*key);
}

Result<QByteArray> Sealer::readKeyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot read sealing key file %1: %2").arg(path, file.errorString()));
    const QByteArray content = file.readAll();
    const QByteArray trimmed = content.trimmed();
    if (trimmed.size() == 2 * kKeySize) {
        const QByteArray key = QByteArray::fromHex(trimmed);
        if (key.size() == kKeySize)
            return key;
    }
    if (content.size() == kKeySize)
        return content;
    return cryptoError(QStringLiteral("sealing key file %1 must hold 32 raw bytes or 64 hex digits").arg(path));
}

Result<void> Sealer::addRetiredKey(const QByteArray &key)
{
    if (key.size() != kKeySize)
        return cryptoError(QStringLiteral("a sealing key must be %1 bytes, got %2").arg(kKeySize).arg(key.size()));
    m_keys.insert(idOf(key), key);
    return {};
}

Result<QByteArray> Sealer::seal(const QByteArray &plaintext, const QByteArray &context) const
{
    const QByteArray &key = m_keys.value(m_currentId);
    const QByteArray id = m_currentId.toLatin1();
    QByteArray out = kMagic;
    out.append(char(id.size()));
    out.append(id);
    QByteArray nonce(kNonceSize, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(nonce.data()), kNonceSize) != 1)
        return cryptoError(QStringLiteral("the system random source failed"));
    out.append(nonce);

    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    QByteArray cipher(plaintext.size(), Qt::Uninitialized);
    const auto *k = reinterpret_cast<const unsigned char *>(key.constData());
    const auto *n = reinterpret_cast<const unsigned char *>(nonce.constData());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1
        || (!context.isEmpty()
            && EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(context.constData()),
                                 int(context.size()))
                   != 1)
        || EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(cipher.data()), &len,
                             reinterpret_cast<const unsigned char *>(plaintext.constData()), int(plaintext.size()))
               != 1
        || EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) != 1)
        return cryptoError(QStringLiteral("AES-256-GCM encryption failed"));
    QByteArray tag(kTagSize, Qt::Uninitialized);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, tag.data()) != 1)
        return cryptoError(QStringLiteral("AES-256-GCM tag computation failed"));
    out.append(cipher);
    out.append(tag);
    return out;
}

Result<QByteArray> Sealer::open(const QByteArray &sealed, const QByteArray &context) const
{
    if (!sealed.startsWith(kMagic) || sealed.size() < kMagic.size() + 1)
        return cryptoError(QStringLiteral("not a sealed value"));
    const int idSize = static_cast<unsigned char>(sealed.at(kMagic.size()));
    const qsizetype header = kMagic.size() + 1 + idSize;
    if (sealed.size() < header + kNonceSize + kTagSize)
        return cryptoError(QStringLiteral("sealed value is truncated"));
    const QString id = QString::fromLatin1(sealed.mid(kMagic.size() + 1, idSize));
    const auto it = m_keys.constFind(id);
    if (it == m_keys.constEnd())
        return cryptoError(QStringLiteral("sealed with key %1, which is not loaded").arg(id));
    const QByteArray nonce = sealed.mid(header, kNonceSize);
    const QByteArray cipher = sealed.mid(header + kNonceSize, sealed.size() - header - kNonceSize - kTagSize);
    QByteArray tag = sealed.right(kTagSize);

    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    QByteArray plain(cipher.size(), Qt::Uninitialized);
    const auto *k = reinterpret_cast<const unsigned char *>(it->constData());
    const auto *n = reinterpret_cast<const unsigned char *>(nonce.constData());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, n) != 1
        || (!context.isEmpty()
            && EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char *>(context.constData()),
                                 int(context.size()))
                   != 1)
        || EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(plain.data()), &len,
                             reinterpret_cast<const unsigned char *>(cipher.constData()), int(cipher.size()))
               != 1
        || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1
        || EVP_DecryptFinal_ex(ctx.get(), nullptr, &len) != 1)
        return cryptoError(QStringLiteral("sealed value does not open: wrong key, wrong context or tampered"));
    return plain;
}

QStringList Sealer::retiredKeyIds() const
{
    QStringList ids;
    for (auto it = m_keys.constBegin(); it != m_keys.constEnd(); ++it) {
        if (it.key() != m_currentId)
            ids.append(it.key());
    }
    ids.sort();
    return ids;
}

QString Sealer::keyIdOf(const QByteArray &sealed)
{
    if (!sealed.startsWith(kMagic) || sealed.size() < kMagic.size() + 1)
        return QString();
    const int idSize = static_cast<unsigned char>(sealed.at(kMagic.size()));
    if (sealed.size() < kMagic.size() + 1 + idSize + kNonceSize + kTagSize)
        return QString();
    return QString::fromLatin1(sealed.mid(kMagic.size() + 1, idSize));
}

Result<QList<Sealer::DerivedKey>> Sealer::derivedKeys(const QByteArray &purpose) const
{
    QList<DerivedKey> derived;
    QStringList ids = retiredKeyIds();
    ids.prepend(m_currentId);
    for (const QString &id : std::as_const(ids)) {
        const QByteArray key = m_keys.value(id);
        QByteArray out(kKeySize, Qt::Uninitialized);
        size_t outSize = size_t(out.size());
        const PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
        // HKDF-SHA256 without salt (RFC 5869 2.2: the input is already a uniformly random key).
        const bool ok =
            ctx && EVP_PKEY_derive_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1
            && EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char *>(key.constData()),
                                          int(key.size()))
                   == 1
            && EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char *>(purpose.constData()),
                                           int(purpose.size()))
                   == 1
            && EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &outSize) == 1
            && outSize == size_t(kKeySize);
        if (!ok)
            return cryptoError(QStringLiteral("HKDF-SHA256 key derivation failed"));
        const QString derivedId =
            QString::fromLatin1(QCryptographicHash::hash(out, QCryptographicHash::Sha256).left(4).toHex());
        derived.append(DerivedKey{derivedId, out});
    }
    return derived;
}

QByteArray Sealer::tokenHash(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

} // namespace vestnik
