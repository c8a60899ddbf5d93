#pragma once

#include "model/UserActivity.h"
#include "util/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// What users did, per event type: counts and first/last times, for segments and conversions.
class UserActivityRepository final
{
public:
    UserActivityRepository(const Database &database, const Clock &clock);

    /// Adds `count` occurrences of `eventType` at `atMs` (count += n, first = min, last = max; events
    /// may arrive out of order). A user seen here for the first time is created bare, so activity that
    /// arrives before the user's profile is not lost. Returns the activity after the update.
    Result<UserActivity> record(const QString &userId, const QString &eventType, qint64 atMs, qint64 count = 1) const;
    /// One user's activity of one type, or nothing when there is none.
    Result<std::optional<UserActivity>> find(const QString &userId, const QString &eventType) const;
    /// All of a user's activity, by event type.
    Result<QList<UserActivity>> forUser(const QString &userId) const;

private:
    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
