#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

class QSqlQuery;

namespace vestnik {

class Clock;
class Database;

/// Who did something: a console user, a service client, or the worker itself.
enum class AuditActorKind {
    User,
    Service,
    System,
};

/// "user" / "service" / "system".
QString auditActorKindName(AuditActorKind kind);
std::optional<AuditActorKind> auditActorKindFromName(QStringView name);

/// One line of the audit log: who did what to which thing, when and from where. `detail` never holds secrets.
struct AuditEntry {
    qint64 id = 0; ///< given by the store
    qint64 atMs = 0;
    QString actor; ///< login, client id or "system"
    AuditActorKind actorKind = AuditActorKind::System;
    QString action; ///< dotted, e.g. "user.create", "login.failed"
    QString target; ///< what was acted on, e.g. a login or a template id ("" when nothing in particular)
    QJsonObject detail;
    QString remoteAddress;
};

/// Which entries to read: every filter that is set must match (exact text; the time range is [from, to)).
struct AuditQuery {
    QString actor;
    QString action;
    QString target;
    std::optional<qint64> fromMs;
    std::optional<qint64> toMs;
    int limit = 50; ///< 1 to kMaxLimit
    QString after;  ///< AuditPage::nextCursor of the previous page; empty for the first page

    static constexpr int kMaxLimit = 500;
};

/// One page of entries, newest first.
struct AuditPage {
    QList<AuditEntry> entries;
    QString nextCursor; ///< opaque; empty when there is nothing older
};

/// The audit log: append-only, read newest first with keyset paging (stable while entries are appended).
class AuditLogRepository final
{
public:
    AuditLogRepository(const Database &database, const Clock &clock);

    /// Appends an entry (at now when `atMs` is 0) and returns its id.
    Result<qint64> append(const AuditEntry &entry) const;
    /// The entries matching `query`, newest first; InvalidArgument for a bad limit or cursor.
    Result<AuditPage> query(const AuditQuery &query) const;

private:
    static Result<AuditEntry> entryFrom(const QSqlQuery &query);

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
