#pragma once

#include "model/Device.h"
#include "model/User.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

class QSqlQuery;

namespace vestnik {

class Clock;
class Database;
class Sealer;

/// The device registry: push tokens per user and app. Tokens are stored sealed, with a SHA-256 hash
/// for lookups; they are opened only when read back for sending.
class DeviceRepository final
{
public:
    DeviceRepository(const Database &database, const Clock &clock, const Sealer &sealer);

    /// What a device's sealed token is bound to (authenticated, not stored): a value copied into another
    /// app's row does not open.
    static QByteArray tokenContext(const QString &appId);

    /// Registers a token and returns the device id. Registering a token the app already knows moves it
    /// to `userId`, reactivates it and refreshes its registration time, keeping the id. A user seen for
    /// the first time is created bare; an unknown app is NotFound.
    Result<qint64> registerDevice(const QString &userId, const QString &appId, Platform platform, const QString &token,
                                  const QString &locale = QString()) const;
    /// The user's active devices with their opened tokens, by id.
    Result<QList<Device>> activeForUser(const QString &userId) const;
    /// The active devices of several users in one query per 100 users, by user id (users without any are
    /// absent), each user's by id.
    Result<QHash<QString, QList<Device>>> activeForUsers(const QStringList &userIds) const;
    /// What activeWithUsers() reads.
    struct DevicesAndUsers {
        QHash<QString, QList<Device>> devices; ///< as activeForUsers() answers
        QHash<QString, User> users;            ///< the rows of the users in `devices`, by id
    };
    /// activeForUsers() and the rows of the users that have active devices, together: one query per 100 users
    /// instead of two, which a sender's look-up per batch is.
    Result<DevicesAndUsers> activeWithUsers(const QStringList &userIds) const;
    /// The device with this id, or nothing.
    Result<std::optional<Device>> find(qint64 deviceId) const;
    /// The device of an app's token (active or not), or nothing.
    Result<std::optional<Device>> findByToken(const QString &appId, const QString &token) const;

    /// All devices of the user, active or not, with their opened tokens, by id.
    Result<QList<Device>> forUser(const QString &userId) const;
    /// Changes a device's locale and/or (after the app's token refresh) its token, keeping the id; a new token is
    /// sealed and hashed as at registration and reactivates the device with a fresh registration time. NotFound
    /// for an unknown id, Conflict when the app already has the new token on another device, InvalidArgument for
    /// an empty token. Returns the device as it is now.
    Result<Device> update(qint64 deviceId, const std::optional<QString> &locale,
                          const std::optional<QString> &token) const;

    /// Deactivates a device (e.g. FCM UNREGISTERED); returns false when it already was inactive, NotFound
    /// for an unknown id.
    Result<bool> deactivate(qint64 deviceId, const QString &reason) const;
    /// The APNs 410 rule: deactivates the app's token only if the provider found it invalid after it was
    /// last registered (a token re-registered since then stays active). Returns whether it deactivated.
    Result<bool> deactivateIfRegisteredBefore(const QString &appId, const QString &token, qint64 invalidatedAtMs,
                                              const QString &reason) const;

private:
    Result<Device> deviceFrom(const QSqlQuery &query) const;
    /// Every device `where` (an SQL condition, with ORDER BY) selects.
    Result<QList<Device>> selectMany(const QString &where, const QVariantList &values, const QString &what) const;
    Result<std::optional<Device>> findOne(const QString &where, const QVariantList &values, const QString &what) const;

    const Database &m_database;
    const Clock &m_clock;
    const Sealer &m_sealer;
};

} // namespace vestnik
