#pragma once

#include "model/User.h"
#include "util/Result.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

class QSqlQuery;

namespace vestnik {

class Clock;
class Database;

/// Users: their locale, timezone and attributes.
class UserRepository final
{
public:
    /// What forget() removed, row counts per table.
    struct Forgotten {
        bool user = false; ///< whether there was a user row
        int devices = 0;
        int activity = 0;       ///< user_activity rows
        int triggerFires = 0;   ///< the rules' firings counted for frequency caps
        int scheduledSends = 0; ///< send jobs deferred past quiet hours
        int deliveries = 0;     ///< delivery rows (their status trails go with them)
        int deliveryEvents = 0;
        int trackingReports = 0; ///< the apps' reports about the deliveries
        int sendJobs = 0;
    };

    UserRepository(const Database &database, const Clock &clock);

    /// The columns fromRow() reads, each qualified by `alias` unless it is empty (for a join).
    static QString columns(const QString &alias = QString());
    /// The user in the columns() of `query` that begin at column `first`.
    static Result<User> fromRow(const QSqlQuery &query, int first = 0);

    /// Creates the user or replaces locale, timezone and attributes; keeps the creation time.
    Result<void> upsert(const User &user) const;
    /// Creates a bare user (no locale, timezone or attributes) unless one exists; used where a user
    /// appears first through an event or a device registration.
    Result<void> ensureExists(const QString &id) const;
    /// The user, or nothing when there is none.
    Result<std::optional<User>> find(const QString &id) const;
    /// The users among `ids` that exist, by id (one query per 100 ids).
    Result<QHash<QString, User>> findMany(const QStringList &ids) const;
    /// Deletes the user with their activity and devices; returns whether there was one.
    Result<bool> remove(const QString &id) const;
    /// The right to be forgotten: deletes, in one transaction, everything stored about the user: the user row,
    /// their devices (rows, not deactivation), activity, trigger firings and deferred sends, their deliveries
    /// with the status trails, and the stored send jobs. A user that never existed is no error (all zero).
    Result<Forgotten> forget(const QString &id) const;
    /// The attribute keys (dotted paths to values that are not objects, as templates name them) of the
    /// `sampleSize` most recently updated users, sorted: what the console offers as variables. Served by the
    /// users_by_update index, so it costs the sample, not the table.
    Result<QStringList> attributeKeys(int sampleSize) const;

private:
    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
