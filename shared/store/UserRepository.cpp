#include "store/UserRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

#include <QJsonObject>
#include <QSet>

namespace vestnik {

namespace {

Error missingId()
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("a user needs an id"));
}

} // namespace

UserRepository::UserRepository(const Database &database, const Clock &clock) : m_database(database), m_clock(clock) {}

Result<void> UserRepository::upsert(const User &user) const
{
    if (user.id.isEmpty())
        return missingId();
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO users (id, locale, timezone, attributes, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (id) DO UPDATE SET locale = excluded.locale, timezone = excluded.timezone,"
                       " attributes = excluded.attributes, updated_at = excluded.updated_at"),
        {user.id, sqlvalues::text(user.locale), sqlvalues::text(user.timezone), sqlvalues::jsonText(user.attributes),
         now, now},
        QStringLiteral("cannot save user %1").arg(user.id));
    if (!q)
        return q.error();
    return {};
}

Result<void> UserRepository::ensureExists(const QString &id) const
{
    if (id.isEmpty())
        return missingId();
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("INSERT INTO users (id, created_at, updated_at) VALUES (?, ?, ?)"
                                      " ON CONFLICT (id) DO NOTHING"),
                       {id, now, now}, QStringLiteral("cannot create user %1").arg(id));
    if (!q)
        return q.error();
    return {};
}

namespace {

const QString kUserColumns = QStringLiteral("id, locale, timezone, attributes, created_at, updated_at");

} // namespace

QString UserRepository::columns(const QString &alias)
{
    return alias.isEmpty() ? kUserColumns : sqlvalues::qualified(kUserColumns, alias);
}

Result<User> UserRepository::fromRow(const QSqlQuery &q, int first)
{
    const QString id = q.value(first).toString();
    Result<QJsonObject> attributes = sqlvalues::jsonObject(q.value(first + 3), QStringLiteral("user %1").arg(id));
    if (!attributes)
        return attributes.error();
    User user;
    user.id = id;
    user.locale = q.value(first + 1).toString();
    user.timezone = q.value(first + 2).toString();
    user.attributes = *attributes;
    user.createdAtMs = q.value(first + 4).toLongLong();
    user.updatedAtMs = q.value(first + 5).toLongLong();
    return user;
}

Result<std::optional<User>> UserRepository::find(const QString &id) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE id = ?"), {id},
                       QStringLiteral("cannot read user %1").arg(id));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<User>();
    Result<User> user = fromRow(*q);
    if (!user)
        return user.error();
    return std::optional<User>(std::move(*user));
}

Result<QHash<QString, User>> UserRepository::findMany(const QStringList &ids) const
{
    QHash<QString, User> users;
    Result<void> read = m_database.selectByKeys(
        QStringLiteral("SELECT ") + kUserColumns + QStringLiteral(" FROM users WHERE id IN "), ids, QString(),
        QStringLiteral("cannot read %1 users").arg(ids.size()), [&users](const QSqlQuery &q) -> Result<void> {
            Result<User> user = fromRow(q);
            if (!user)
                return user.error();
            users.insert(user->id, std::move(*user));
            return {};
        });
    if (!read)
        return read.error();
    return users;
}

Result<bool> UserRepository::remove(const QString &id) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("DELETE FROM users WHERE id = ?"), {id},
                                         QStringLiteral("cannot delete user %1").arg(id));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<UserRepository::Forgotten> UserRepository::forget(const QString &id) const
{
    if (id.isEmpty())
        return missingId();
    const QString what = QStringLiteral("cannot forget user %1").arg(id);
    WriteTransaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    Forgotten forgotten;
    // Children first: the trail before its deliveries, devices and activity before the user (whether or not the
    // connection enforces the foreign keys' cascades).
    const QList<std::pair<QString, int *>> statements{
        {QStringLiteral("DELETE FROM delivery_events WHERE notification_id IN"
                        " (SELECT notification_id FROM deliveries WHERE user_id = ?)"),
         &forgotten.deliveryEvents},
        {QStringLiteral("DELETE FROM tracking_reports WHERE notification_id IN"
                        " (SELECT notification_id FROM deliveries WHERE user_id = ?)"),
         &forgotten.trackingReports},
        {QStringLiteral("DELETE FROM deliveries WHERE user_id = ?"), &forgotten.deliveries},
        {QStringLiteral("DELETE FROM send_jobs WHERE user_id = ?"), &forgotten.sendJobs},
        {QStringLiteral("DELETE FROM scheduled_sends WHERE user_id = ?"), &forgotten.scheduledSends},
        {QStringLiteral("DELETE FROM trigger_fires WHERE user_id = ?"), &forgotten.triggerFires},
        {QStringLiteral("DELETE FROM user_activity WHERE user_id = ?"), &forgotten.activity},
        {QStringLiteral("DELETE FROM devices WHERE user_id = ?"), &forgotten.devices},
    };
    for (const auto &[sql, count] : statements) {
        Result<QSqlQuery> q = m_database.run(sql, {id}, what);
        if (!q)
            return q.error();
        *count = q->numRowsAffected();
        q->finish();
    }
    Result<QSqlQuery> user = m_database.run(QStringLiteral("DELETE FROM users WHERE id = ?"), {id}, what);
    if (!user)
        return user.error();
    forgotten.user = user->numRowsAffected() > 0;
    user->finish();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return forgotten;
}

namespace {

constexpr int kMaxAttributeDepth = 4;

void collectKeys(const QJsonObject &object, const QString &prefix, int depth, QSet<QString> &keys)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString path = prefix + it.key();
        if (it->isObject() && !it->toObject().isEmpty() && depth < kMaxAttributeDepth)
            collectKeys(it->toObject(), path + QLatin1Char('.'), depth + 1, keys);
        else
            keys.insert(path);
    }
}

} // namespace

Result<QStringList> UserRepository::attributeKeys(int sampleSize) const
{
    const QString what = QStringLiteral("cannot read the attribute keys of the users");
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT id, attributes FROM users ORDER BY updated_at DESC LIMIT ?"), {sampleSize}, what);
    if (!q)
        return q.error();
    QSet<QString> keys;
    while (q->next()) {
        Result<QJsonObject> attributes =
            sqlvalues::jsonObject(q->value(1), QStringLiteral("user %1").arg(q->value(0).toString()));
        if (!attributes)
            return attributes.error();
        collectKeys(*attributes, QString(), 1, keys);
    }
    QStringList sorted(keys.cbegin(), keys.cend());
    sorted.sort();
    return sorted;
}

} // namespace vestnik
