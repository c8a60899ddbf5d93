#include "store/DeviceRepository.h"

#include "security/Sealer.h"
#include "store/Database.h"
#include "store/SqlValues.h"
#include "store/UserRepository.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

const QString kColumns = QStringLiteral("id, user_id, app_id, platform, token_sealed, locale, active, registered_at,"
                                        " updated_at, deactivated_at, deactivation_reason");

} // namespace

QByteArray DeviceRepository::tokenContext(const QString &appId)
{
    return (QStringLiteral("devices.token:") + appId).toUtf8();
}

DeviceRepository::DeviceRepository(const Database &database, const Clock &clock, const Sealer &sealer)
    : m_database(database), m_clock(clock), m_sealer(sealer)
{}

Result<qint64> DeviceRepository::registerDevice(const QString &userId, const QString &appId, Platform platform,
                                                const QString &token, const QString &locale) const
{
    const QString what = QStringLiteral("cannot register a device of user %1 in app %2").arg(userId, appId);
    if (token.isEmpty())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": the token is empty"));
    Result<QByteArray> sealed = m_sealer.seal(token.toUtf8(), tokenContext(appId));
    if (!sealed)
        return makeError(sealed.error().code, what + QStringLiteral(": ") + sealed.error().message);

    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    // A write first: SQLite then takes its write lock at once instead of upgrading a read lock later.
    if (Result<void> user = UserRepository(m_database, m_clock).ensureExists(userId); !user)
        return user.error();
    Result<QSqlQuery> app = m_database.run(QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), {appId}, what);
    if (!app)
        return app.error();
    if (!app->next())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such app"));
    app->finish();

    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO devices (user_id, app_id, platform, token_sealed, token_hash, locale, active,"
                       " registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)"
                       " ON CONFLICT (app_id, token_hash) DO UPDATE SET user_id = excluded.user_id,"
                       " platform = excluded.platform, token_sealed = excluded.token_sealed,"
                       " locale = excluded.locale, active = TRUE, registered_at = excluded.registered_at,"
                       " updated_at = excluded.updated_at, deactivated_at = NULL, deactivation_reason = NULL"
                       " RETURNING id"),
        {userId, appId, platformName(platform), *sealed, Sealer::tokenHash(token.toUtf8()), sqlvalues::text(locale),
         now, now},
        what);
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Internal, what + QStringLiteral(": no id returned"));
    const qint64 id = q->value(0).toLongLong();
    q->finish();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return id;
}

Result<Device> DeviceRepository::deviceFrom(const QSqlQuery &q) const
{
    Device device;
    device.id = q.value(0).toLongLong();
    device.userId = q.value(1).toString();
    device.appId = q.value(2).toString();
    const std::optional<Platform> platform = platformFromName(q.value(3).toString());
    if (!platform)
        return makeError(
            ErrorCode::Database,
            QStringLiteral("device %1 has an unknown platform '%2'").arg(device.id).arg(q.value(3).toString()));
    device.platform = *platform;
    Result<QByteArray> token = m_sealer.open(q.value(4).toByteArray(), tokenContext(device.appId));
    if (!token)
        return makeError(
            token.error().code,
            QStringLiteral("cannot open the token of device %1: %2").arg(device.id).arg(token.error().message));
    device.token = QString::fromUtf8(*token);
    device.locale = q.value(5).toString();
    device.isActive = q.value(6).toBool();
    device.registeredAtMs = q.value(7).toLongLong();
    device.updatedAtMs = q.value(8).toLongLong();
    device.deactivatedAtMs = sqlvalues::optionalInt64(q.value(9));
    device.deactivationReason = q.value(10).toString();
    return device;
}

Result<QList<Device>> DeviceRepository::selectMany(const QString &where, const QVariantList &values,
                                                   const QString &what) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM devices WHERE ") + where, values, what);
    if (!q)
        return q.error();
    QList<Device> devices;
    while (q->next()) {
        Result<Device> device = deviceFrom(*q);
        if (!device)
            return device.error();
        devices.append(std::move(*device));
    }
    return devices;
}

Result<QList<Device>> DeviceRepository::activeForUser(const QString &userId) const
{
    return selectMany(QStringLiteral("user_id = ? AND active ORDER BY id"), {userId},
                      QStringLiteral("cannot read the devices of user %1").arg(userId));
}

Result<QHash<QString, QList<Device>>> DeviceRepository::activeForUsers(const QStringList &userIds) const
{
    QHash<QString, QList<Device>> devices;
    Result<void> read = m_database.selectByKeys(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM devices WHERE active AND user_id IN "), userIds,
        QStringLiteral(" ORDER BY id"), QStringLiteral("cannot read the devices of %1 users").arg(userIds.size()),
        [this, &devices](const QSqlQuery &q) -> Result<void> {
            Result<Device> device = deviceFrom(q);
            if (!device)
                return device.error();
            devices[device->userId].append(std::move(*device));
            return {};
        });
    if (!read)
        return read.error();
    return devices;
}

Result<DeviceRepository::DevicesAndUsers> DeviceRepository::activeWithUsers(const QStringList &userIds) const
{
    // The user columns follow the device's; a device of a user without a row (none is registered so) has nulls
    // there.
    static const QString head = QStringLiteral("SELECT ") + sqlvalues::qualified(kColumns, QStringLiteral("d"))
                                + QStringLiteral(", ") + UserRepository::columns(QStringLiteral("u"))
                                + QStringLiteral(" FROM devices d LEFT JOIN users u ON u.id = d.user_id"
                                                 " WHERE d.active AND d.user_id IN ");
    static const int kFirstUserColumn = int(kColumns.count(QLatin1Char(','))) + 1;
    DevicesAndUsers found;
    Result<void> read =
        m_database.selectByKeys(head, userIds, QStringLiteral(" ORDER BY d.id"),
                                QStringLiteral("cannot read the devices and rows of %1 users").arg(userIds.size()),
                                [this, &found](const QSqlQuery &q) -> Result<void> {
                                    Result<Device> device = deviceFrom(q);
                                    if (!device)
                                        return device.error();
                                    if (!q.isNull(kFirstUserColumn) && !found.users.contains(device->userId)) {
                                        Result<User> user = UserRepository::fromRow(q, kFirstUserColumn);
                                        if (!user)
                                            return user.error();
                                        found.users.insert(device->userId, std::move(*user));
                                    }
                                    found.devices[device->userId].append(std::move(*device));
                                    return {};
                                });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<Device>> DeviceRepository::findOne(const QString &where, const QVariantList &values,
                                                        const QString &what) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM devices WHERE ") + where, values, what);
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Device>();
    Result<Device> device = deviceFrom(*q);
    if (!device)
        return device.error();
    return std::optional<Device>(std::move(*device));
}

Result<std::optional<Device>> DeviceRepository::find(qint64 deviceId) const
{
    return findOne(QStringLiteral("id = ?"), {deviceId}, QStringLiteral("cannot read device %1").arg(deviceId));
}

Result<std::optional<Device>> DeviceRepository::findByToken(const QString &appId, const QString &token) const
{
    return findOne(QStringLiteral("app_id = ? AND token_hash = ?"), {appId, Sealer::tokenHash(token.toUtf8())},
                   QStringLiteral("cannot look up a token of app %1").arg(appId));
}

Result<QList<Device>> DeviceRepository::forUser(const QString &userId) const
{
    return selectMany(QStringLiteral("user_id = ? ORDER BY id"), {userId},
                      QStringLiteral("cannot read the devices of user %1").arg(userId));
}

Result<Device> DeviceRepository::update(qint64 deviceId, const std::optional<QString> &locale,
                                        const std::optional<QString> &token) const
{
    const QString what = QStringLiteral("cannot update device %1").arg(deviceId);
    if (token && token->isEmpty())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": the token is empty"));
    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    Result<QSqlQuery> found =
        m_database.run(QStringLiteral("SELECT app_id FROM devices WHERE id = ?"), {deviceId}, what);
    if (!found)
        return found.error();
    if (!found->next())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such device"));
    const QString appId = found->value(0).toString();
    found->finish();

    const qint64 now = m_clock.nowMs();
    QStringList assignments{QStringLiteral("updated_at = ?")};
    QVariantList values{now};
    if (locale) {
        assignments << QStringLiteral("locale = ?");
        values << sqlvalues::text(*locale);
    }
    if (token) {
        const QByteArray hash = Sealer::tokenHash(token->toUtf8());
        Result<QSqlQuery> taken =
            m_database.run(QStringLiteral("SELECT 1 FROM devices WHERE app_id = ? AND token_hash = ? AND id <> ?"),
                           {appId, hash, deviceId}, what);
        if (!taken)
            return taken.error();
        if (taken->next())
            return makeError(ErrorCode::Conflict,
                             what + QStringLiteral(": app %1 has this token on another device").arg(appId));
        taken->finish();
        Result<QByteArray> sealed = m_sealer.seal(token->toUtf8(), tokenContext(appId));
        if (!sealed)
            return makeError(sealed.error().code, what + QStringLiteral(": ") + sealed.error().message);
        assignments << QStringLiteral("token_sealed = ?") << QStringLiteral("token_hash = ?")
                    << QStringLiteral("active = TRUE") << QStringLiteral("registered_at = ?")
                    << QStringLiteral("deactivated_at = NULL") << QStringLiteral("deactivation_reason = NULL");
        values << *sealed << hash << now;
    }
    values << deviceId;
    Result<QSqlQuery> updated =
        m_database.run(QStringLiteral("UPDATE devices SET ") + assignments.join(QStringLiteral(", "))
                           + QStringLiteral(" WHERE id = ?"),
                       values, what);
    if (!updated)
        return updated.error();
    updated->finish();
    Result<std::optional<Device>> device = find(deviceId);
    if (!device)
        return device.error();
    if (!device->has_value())
        return makeError(ErrorCode::Internal, what + QStringLiteral(": the device vanished"));
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return std::move(**device);
}

Result<bool> DeviceRepository::deactivate(qint64 deviceId, const QString &reason) const
{
    const QString what = QStringLiteral("cannot deactivate device %1").arg(deviceId);
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(QStringLiteral("UPDATE devices SET active = FALSE, deactivated_at = ?,"
                                                        " deactivation_reason = ?, updated_at = ?"
                                                        " WHERE id = ? AND active"),
                                         {now, sqlvalues::text(reason), now, deviceId}, what);
    if (!q)
        return q.error();
    if (q->numRowsAffected() > 0)
        return true;
    Result<QSqlQuery> exists = m_database.run(QStringLiteral("SELECT 1 FROM devices WHERE id = ?"), {deviceId}, what);
    if (!exists)
        return exists.error();
    if (!exists->next())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such device"));
    return false;
}

Result<bool> DeviceRepository::deactivateIfRegisteredBefore(const QString &appId, const QString &token,
                                                            qint64 invalidatedAtMs, const QString &reason) const
{
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE devices SET active = FALSE, deactivated_at = ?, deactivation_reason = ?, updated_at = ?"
                       " WHERE app_id = ? AND token_hash = ? AND active AND registered_at < ?"),
        {now, sqlvalues::text(reason), now, appId, Sealer::tokenHash(token.toUtf8()), invalidatedAtMs},
        QStringLiteral("cannot deactivate a token of app %1").arg(appId));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

} // namespace vestnik
