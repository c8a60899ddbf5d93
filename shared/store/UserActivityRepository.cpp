#include "store/UserActivityRepository.h"

#include "store/Database.h"
#include "store/UserRepository.h"

namespace vestnik {

namespace {

UserActivity activityFrom(const QSqlQuery &q)
{
    return UserActivity{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toLongLong(),
                        q.value(4).toLongLong()};
}

} // namespace

UserActivityRepository::UserActivityRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<UserActivity> UserActivityRepository::record(const QString &userId, const QString &eventType, qint64 atMs,
                                                    qint64 count) const
{
    if (eventType.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("activity needs an event type"));
    if (count < 1)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("activity count must be at least 1, got %1").arg(count));
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    if (Result<void> user = UserRepository(m_database, m_clock).ensureExists(userId); !user)
        return user.error();
    // CASE instead of LEAST/GREATEST (PostgreSQL) or two-argument MIN/MAX (SQLite): the same SQL for both.
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral(
            "INSERT INTO user_activity (user_id, event_type, count, first_at, last_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id, event_type) DO UPDATE SET"
            " count = user_activity.count + excluded.count,"
            " first_at = CASE WHEN excluded.first_at < user_activity.first_at"
            " THEN excluded.first_at ELSE user_activity.first_at END,"
            " last_at = CASE WHEN excluded.last_at > user_activity.last_at"
            " THEN excluded.last_at ELSE user_activity.last_at END"
            " RETURNING user_id, event_type, count, first_at, last_at"),
        {userId, eventType, count, atMs, atMs},
        QStringLiteral("cannot record activity %1 of user %2").arg(eventType, userId));
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Internal, QStringLiteral("recording activity returned no row"));
    const UserActivity activity = activityFrom(*q);
    q->finish();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return activity;
}

Result<std::optional<UserActivity>> UserActivityRepository::find(const QString &userId, const QString &eventType) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT user_id, event_type, count, first_at, last_at"
                                                        " FROM user_activity WHERE user_id = ? AND event_type = ?"),
                                         {userId, eventType},
                                         QStringLiteral("cannot read activity %1 of user %2").arg(eventType, userId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<UserActivity>();
    return std::optional<UserActivity>(activityFrom(*q));
}

Result<QList<UserActivity>> UserActivityRepository::forUser(const QString &userId) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT user_id, event_type, count, first_at, last_at"
                                                        " FROM user_activity WHERE user_id = ? ORDER BY event_type"),
                                         {userId}, QStringLiteral("cannot read the activity of user %1").arg(userId));
    if (!q)
        return q.error();
    QList<UserActivity> activities;
    while (q->next())
        activities.append(activityFrom(*q));
    return activities;
}

} // namespace vestnik
