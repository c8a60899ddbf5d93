#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace vestnik {

/// Seals secrets at rest (device tokens, provider keys) with AES-256-GCM. A sealed value carries the id
/// of the key that sealed it, so old values still open after the current key is rotated.
/// Layout: "VS1" | key id length (1 byte) | key id | 12-byte nonce | ciphertext | 16-byte tag.
class Sealer final
{
public:
    /// A sealer whose current key is `key` (32 bytes).
    static Result<Sealer> fromKey(const QByteArray &key);
    /// Reads a 32-byte key (raw or 64 hex digits) from `path`, creating a random one (mode 0600) if the
    /// file does not exist.
    static Result<Sealer> loadOrCreate(const QString &path);
    /// Reads a 32-byte key (raw or 64 hex digits) from an existing file; the error names the file, never the key.
    static Result<QByteArray> readKeyFile(const QString &path);

    /// Keeps an older key so values sealed with it can still be opened.
    Result<void> addRetiredKey(const QByteArray &key);

    /// Seals `plaintext`; `context` (e.g. the column name) is authenticated but not stored, so a value
    /// moved to another column does not open.
    Result<QByteArray> seal(const QByteArray &plaintext, const QByteArray &context = {}) const;
    /// Opens a sealed value; fails on a wrong key, a wrong context or any tampering.
    Result<QByteArray> open(const QByteArray &sealed, const QByteArray &context = {}) const;

    /// Id of the current key: the first 8 bytes of SHA-256 over it, in hex.
    QString keyId() const { return m_currentId; }
    /// Ids of the retired keys, sorted.
    QStringList retiredKeyIds() const;
    /// Id of the key a sealed value names in its header, or an empty string when it is not a sealed value.
    static QString keyIdOf(const QByteArray &sealed);

    /// A key derived from a sealing key for another purpose, with an id of its own.
    struct DerivedKey {
        QString id;     ///< first 4 bytes of SHA-256 over the derived key, in hex: names it without revealing it
        QByteArray key; ///< 32 bytes
    };
    /// HKDF-SHA256 of every loaded key with `purpose` as the info, the current key's first: other secrets
    /// (tracking tokens) follow the sealing keys' distribution and rotation without revealing them.
    Result<QList<DerivedKey>> derivedKeys(const QByteArray &purpose) const;

    /// SHA-256 of a device token, for lookups without opening every sealed token.
    static QByteArray tokenHash(const QByteArray &token);

private:
    Sealer() = default;
    static QString idOf(const QByteArray &key);

    QHash<QString, QByteArray> m_keys;
    QString m_currentId;
};

} // namespace vestnik
