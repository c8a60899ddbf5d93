#include "security/TrackingToken.h"

#include "security/Sealer.h"

#include <QMessageAuthenticationCode>
#include <QSet>
#include <QtEndian>

#include <algorithm>
#include <openssl/crypto.h>

namespace vestnik {

namespace {

constexpr int kMacSize = 32;
constexpr int kMinKeySize = 32;
constexpr int kMaxKeyIdSize = 32;
constexpr int kMaxNotificationIdSize = 255;
// version + key id + device id + expiry + notification id + MAC, at their longest
constexpr int kMaxTokenBytes = 1 + 1 + kMaxKeyIdSize + 8 + 8 + 1 + kMaxNotificationIdSize + kMacSize;
constexpr int kMaxTokenChars = (kMaxTokenBytes * 4 + 2) / 3;
const QByteArray kDerivationInfo = QByteArrayLiteral("vestnik tracking token v1");

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Result<void, TrackingTokenError> refuse(TrackingTokenFailure failure, const QString &message)
{
    return TrackingTokenError{failure, message};
}

bool isValidKeyId(const QString &id)
{
    if (id.isEmpty() || id.size() > kMaxKeyIdSize)
        return false;
    return std::all_of(id.cbegin(), id.cend(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

void appendInt64(QByteArray &out, qint64 value)
{
    char bytes[8];
    qToBigEndian(value, bytes);
    out.append(bytes, 8);
}

QByteArray mac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

/// What a token says, once its layout has been checked (nothing is believed before the MAC is).
struct Parsed {
    QString keyId;
    qint64 deviceId = 0;
    qint64 expiresAtSecs = 0;
    QByteArray notificationId;
    QByteArray signedPart;
    QByteArray mac;
};

Result<Parsed, TrackingTokenError> parse(const QString &token)
{
    const auto malformed = [](const QString &why) {
        return TrackingTokenError{TrackingTokenFailure::Malformed, QStringLiteral("malformed tracking token: ") + why};
    };
    if (token.isEmpty())
        return malformed(QStringLiteral("empty"));
    if (token.size() > kMaxTokenChars)
        return malformed(QStringLiteral("longer than any token this worker issues"));
    const QByteArray text = token.toLatin1();
    const QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(text, kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    // Only the one canonical spelling is accepted: a token has exactly one text form.
    if (!decoded || decoded.decoded.toBase64(kBase64Url) != text)
        return malformed(QStringLiteral("not base64url"));
    const QByteArray &bytes = decoded.decoded;
    if (bytes.size() < 2 + 8 + 8 + 1 + kMacSize)
        return malformed(QStringLiteral("too short"));
    if (bytes.at(0) != char(TrackingToken::kVersion))
        return malformed(QStringLiteral("unsupported version %1").arg(static_cast<unsigned char>(bytes.at(0))));
    qsizetype at = 1;
    const int keyIdSize = static_cast<unsigned char>(bytes.at(at++));
    if (keyIdSize == 0 || keyIdSize > kMaxKeyIdSize || bytes.size() < at + keyIdSize + 8 + 8 + 1 + kMacSize)
        return malformed(QStringLiteral("bad key id length"));
    Parsed parsed;
    parsed.keyId = QString::fromLatin1(bytes.mid(at, keyIdSize));
    at += keyIdSize;
    parsed.deviceId = qFromBigEndian<qint64>(bytes.constData() + at);
    at += 8;
    parsed.expiresAtSecs = qFromBigEndian<qint64>(bytes.constData() + at);
    at += 8;
    const int notificationIdSize = static_cast<unsigned char>(bytes.at(at++));
    if (notificationIdSize == 0 || bytes.size() != at + notificationIdSize + kMacSize)
        return malformed(QStringLiteral("bad notification id length"));
    parsed.notificationId = bytes.mid(at, notificationIdSize);
    at += notificationIdSize;
    parsed.signedPart = bytes.left(at);
    parsed.mac = bytes.mid(at);
    return parsed;
}

} // namespace

QString trackingTokenFailureName(TrackingTokenFailure failure)
{
    switch (failure) {
    case TrackingTokenFailure::Malformed: return QStringLiteral("malformed");
    case TrackingTokenFailure::UnknownKey: return QStringLiteral("unknown_key");
    case TrackingTokenFailure::BadSignature: return QStringLiteral("bad_signature");
    case TrackingTokenFailure::WrongNotification: return QStringLiteral("wrong_notification");
    case TrackingTokenFailure::WrongDevice: return QStringLiteral("wrong_device");
    case TrackingTokenFailure::Expired: return QStringLiteral("expired");
    }
    return QStringLiteral("malformed");
}

Result<TrackingToken> TrackingToken::fromSealer(const Sealer &sealer)
{
    Result<QList<Sealer::DerivedKey>> derived = sealer.derivedKeys(kDerivationInfo);
    if (!derived)
        return derived.error();
    QList<Key> keys;
    for (const Sealer::DerivedKey &key : std::as_const(*derived))
        keys.append(Key{key.id, key.key});
    return fromKeys(std::move(keys));
}

Result<TrackingToken> TrackingToken::fromKeys(QList<Key> keys)
{
    if (keys.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("tracking tokens need at least one key"));
    QSet<QString> ids;
    for (const Key &key : std::as_const(keys)) {
        if (!isValidKeyId(key.id))
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("tracking key id '%1' must be 1-%2 printable ASCII characters")
                                 .arg(key.id)
                                 .arg(kMaxKeyIdSize));
        if (key.key.size() < kMinKeySize)
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("tracking key %1 is shorter than %2 bytes").arg(key.id).arg(kMinKeySize));
        if (ids.contains(key.id))
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("tracking key id %1 is used twice").arg(key.id));
        ids.insert(key.id);
    }
    return TrackingToken(std::move(keys));
}

int TrackingToken::maxLength(int notificationIdBytes)
{
    const int bytes = 1 + 1 + kMaxKeyIdSize + 8 + 8 + 1 + notificationIdBytes + kMacSize;
    return (bytes * 4 + 2) / 3; // base64url without padding
}

Result<QString> TrackingToken::issue(const QString &notificationId, qint64 deviceId, const QDateTime &expiresAt) const
{
    const QByteArray id = notificationId.toUtf8();
    if (id.isEmpty() || id.size() > kMaxNotificationIdSize)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a tracking token needs a notification id of 1-%1 bytes, got %2")
                             .arg(kMaxNotificationIdSize)
                             .arg(id.size()));
    if (!expiresAt.isValid() || expiresAt.toSecsSinceEpoch() < 0)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a tracking token needs a valid expiry"));
    const Key &key = m_keys.constFirst();
    const QByteArray keyId = key.id.toLatin1();
    QByteArray bytes;
    bytes.reserve(1 + 1 + keyId.size() + 8 + 8 + 1 + id.size() + kMacSize);
    bytes.append(char(kVersion));
    bytes.append(char(keyId.size()));
    bytes.append(keyId);
    appendInt64(bytes, deviceId);
    appendInt64(bytes, expiresAt.toSecsSinceEpoch());
    bytes.append(char(id.size()));
    bytes.append(id);
    bytes.append(mac(key.key, bytes));
    return QString::fromLatin1(bytes.toBase64(kBase64Url));
}

Result<void, TrackingTokenError> TrackingToken::verify(const QString &token, const QString &notificationId,
                                                       qint64 deviceId, const QDateTime &now) const
{
    Result<Parsed, TrackingTokenError> parsed = parse(token);
    if (!parsed)
        return parsed.error();
    const auto key = std::find_if(m_keys.cbegin(), m_keys.cend(), [&](const Key &k) { return k.id == parsed->keyId; });
    if (key == m_keys.cend())
        return refuse(TrackingTokenFailure::UnknownKey,
                      QStringLiteral("tracking token signed with key %1, which is not loaded").arg(parsed->keyId));
    const QByteArray expected = mac(key->key, parsed->signedPart);
    if (CRYPTO_memcmp(expected.constData(), parsed->mac.constData(), size_t(kMacSize)) != 0)
        return refuse(TrackingTokenFailure::BadSignature, QStringLiteral("tracking token signature does not match"));
    if (parsed->notificationId != notificationId.toUtf8())
        return refuse(TrackingTokenFailure::WrongNotification,
                      QStringLiteral("tracking token was issued for another notification"));
    if (parsed->deviceId != deviceId)
        return refuse(TrackingTokenFailure::WrongDevice,
                      QStringLiteral("tracking token was issued for another device"));
    // An invalid clock reading fails closed.
    if (!now.isValid() || now.toSecsSinceEpoch() >= parsed->expiresAtSecs)
        return refuse(TrackingTokenFailure::Expired,
                      QStringLiteral("tracking token expired at %1")
                          .arg(QDateTime::fromSecsSinceEpoch(parsed->expiresAtSecs, Qt::UTC).toString(Qt::ISODate)));
    return {};
}

} // namespace vestnik
