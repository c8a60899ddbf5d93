#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace vestnik {

class Sealer;

/// Why a tracking token was refused; the endpoint answers each with its own error code.
enum class TrackingTokenFailure {
    Malformed,         ///< not a token of this format (bad encoding, version, lengths)
    UnknownKey,        ///< names a key that is not loaded (retired and removed, or never ours)
    BadSignature,      ///< the HMAC does not match: forged or altered
    WrongNotification, ///< genuine, but issued for another notification
    WrongDevice,       ///< genuine, but issued for another device
    Expired,           ///< genuine and for this notification and device, but past its expiry
};

/// A refused tracking token: the reason and a human message (which never quotes the token).
struct TrackingTokenError {
    TrackingTokenFailure failure = TrackingTokenFailure::Malformed;
    QString message;
};

/// The HMAC token the worker puts into every push payload so that the app's `POST /v1/track` calls for that
/// notification on that device are authenticated without a user login.
///
/// Token: base64url (no padding) of version (1 byte) | key id length (1) | key id | device id (8, big-endian)
/// | expiry (8, seconds since the epoch, big-endian) | notification id length (1) | notification id (UTF-8)
/// | HMAC-SHA256 over everything before it (32). The ids ride in the token so a genuine token presented for
/// another notification or device is told apart from a forgery; verification checks the signature (in
/// constant time) before it believes anything the token says, then the binding, then the expiry.
///
/// Keys: by default HKDF-SHA256 of the sealing keys (info "vestnik tracking token v1"), so every worker that
/// can open the database issues and verifies the same tokens with no extra secret to distribute, and rotating
/// the sealing key rotates this one: tokens name their key, and retired sealing keys still verify theirs.
///
/// Replay: a token stays valid until it expires, so the same event reported twice carries a valid token both
/// times. Rejecting the repeat is the tracking endpoint's job, by what it stores (one delivered / opened /
/// dismissed per notification and device, one click per action), not this class's.
class TrackingToken final
{
public:
    /// A signing key; the first of a list issues tokens, all of them verify.
    struct Key {
        QString id;     ///< 1-32 ASCII characters, carried in tokens
        QByteArray key; ///< at least 32 bytes
    };

    static constexpr int kVersion = 1;

    /// Keys derived from the sealer's: its current key issues, its retired keys still verify.
    static Result<TrackingToken> fromSealer(const Sealer &sealer);
    /// Dedicated keys (tests, or a deployment that keeps tracking apart from sealing).
    static Result<TrackingToken> fromKeys(QList<Key> keys);

    /// A token for `notificationId` on `deviceId`, valid until `expiresAt` (exclusive, whole seconds).
    Result<QString> issue(const QString &notificationId, qint64 deviceId, const QDateTime &expiresAt) const;
    /// Whether `token` was issued by one of the keys for this notification and device and is unexpired at `now`.
    Result<void, TrackingTokenError> verify(const QString &token, const QString &notificationId, qint64 deviceId,
                                            const QDateTime &now) const;

    /// The longest token any key can issue for a notification id of `notificationIdBytes` UTF-8 bytes (what a
    /// payload must leave room for).
    static int maxLength(int notificationIdBytes);

    /// Id of the key that issues tokens.
    QString keyId() const { return m_keys.constFirst().id; }

private:
    explicit TrackingToken(QList<Key> keys) : m_keys(std::move(keys)) {}

    QList<Key> m_keys;
};

/// Stable lower-case name of a failure ("bad_signature"), for API error codes and metrics.
QString trackingTokenFailureName(TrackingTokenFailure failure);

} // namespace vestnik
