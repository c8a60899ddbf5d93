#include "store/AuditLogRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

#include <QRegularExpression>

namespace vestnik {

namespace {

// The cursor is the (at, id) of the last entry of a page: the next page starts strictly below it.
QString cursorOf(const AuditEntry &entry)
{
    return QStringLiteral("%1.%2").arg(entry.atMs).arg(entry.id);
}

std::optional<std::pair<qint64, qint64>> parseCursor(const QString &cursor)
{
    static const QRegularExpression format(QStringLiteral(R"(^(-?\d{1,18})\.(\d{1,18})$)"));
    const QRegularExpressionMatch match = format.match(cursor);
    if (!match.hasMatch())
        return std::nullopt;
    return std::make_pair(match.captured(1).toLongLong(), match.captured(2).toLongLong());
}

} // namespace

QString auditActorKindName(AuditActorKind kind)
{
    switch (kind) {
    case AuditActorKind::User: return QStringLiteral("user");
    case AuditActorKind::Service: return QStringLiteral("service");
    case AuditActorKind::System: return QStringLiteral("system");
    }
    return QStringLiteral("system");
}

std::optional<AuditActorKind> auditActorKindFromName(QStringView name)
{
    for (AuditActorKind kind : {AuditActorKind::User, AuditActorKind::Service, AuditActorKind::System}) {
        if (name == auditActorKindName(kind))
            return kind;
    }
    return std::nullopt;
}

AuditLogRepository::AuditLogRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<AuditEntry> AuditLogRepository::entryFrom(const QSqlQuery &q)
{
    AuditEntry entry;
    entry.id = q.value(0).toLongLong();
    entry.atMs = q.value(1).toLongLong();
    entry.actor = q.value(2).toString();
    const std::optional<AuditActorKind> kind = auditActorKindFromName(q.value(3).toString());
    if (!kind)
        return makeError(
            ErrorCode::Database,
            QStringLiteral("audit entry %1 has an unknown actor kind '%2'").arg(entry.id).arg(q.value(3).toString()));
    entry.actorKind = *kind;
    entry.action = q.value(4).toString();
    entry.target = q.value(5).toString();
    Result<QJsonObject> detail = sqlvalues::jsonObject(q.value(6), QStringLiteral("audit entry %1").arg(entry.id));
    if (!detail)
        return detail.error();
    entry.detail = *detail;
    entry.remoteAddress = q.value(7).toString();
    return entry;
}

Result<qint64> AuditLogRepository::append(const AuditEntry &entry) const
{
    if (entry.actor.isEmpty() || entry.action.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an audit entry needs an actor and an action"));
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO audit_log (at, actor, actor_kind, action, target, detail, remote_address)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {entry.atMs != 0 ? entry.atMs : m_clock.nowMs(), entry.actor, auditActorKindName(entry.actorKind), entry.action,
         sqlvalues::text(entry.target), sqlvalues::jsonText(entry.detail), sqlvalues::text(entry.remoteAddress)},
        QStringLiteral("cannot append %1 by %2 to the audit log").arg(entry.action, entry.actor));
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Internal, QStringLiteral("the audit log returned no id"));
    return q->value(0).toLongLong();
}

Result<AuditPage> AuditLogRepository::query(const AuditQuery &query) const
{
    if (query.limit < 1 || query.limit > AuditQuery::kMaxLimit)
        return makeError(
            ErrorCode::InvalidArgument,
            QStringLiteral("an audit page holds 1 to %1 entries, not %2").arg(AuditQuery::kMaxLimit).arg(query.limit));
    QStringList conditions;
    QVariantList values;
    const auto match = [&](const char *column, const QString &value) {
        if (!value.isEmpty()) {
            conditions << QLatin1String(column) + QStringLiteral(" = ?");
            values << value;
        }
    };
    match("actor", query.actor);
    match("action", query.action);
    match("target", query.target);
    if (query.fromMs) {
        conditions << QStringLiteral("at >= ?");
        values << *query.fromMs;
    }
    if (query.toMs) {
        conditions << QStringLiteral("at < ?");
        values << *query.toMs;
    }
    if (!query.after.isEmpty()) {
        const std::optional<std::pair<qint64, qint64>> cursor = parseCursor(query.after);
        if (!cursor)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("the audit page cursor is malformed"));
        conditions << QStringLiteral("(at < ? OR (at = ? AND id < ?))");
        values << cursor->first << cursor->first << cursor->second;
    }
    QString sql = QStringLiteral("SELECT id, at, actor, actor_kind, action, target, detail, remote_address"
                                 " FROM audit_log");
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    // One more than asked for says whether another page follows.
    sql += QStringLiteral(" ORDER BY at DESC, id DESC LIMIT ?");
    values << query.limit + 1;

    Result<QSqlQuery> q = m_database.run(sql, values, QStringLiteral("cannot read the audit log"));
    if (!q)
        return q.error();
    AuditPage page;
    while (q->next()) {
        if (page.entries.size() == query.limit) {
            page.nextCursor = cursorOf(page.entries.constLast());
            break;
        }
        Result<AuditEntry> entry = entryFrom(*q);
        if (!entry)
            return entry.error();
        page.entries.append(std::move(*entry));
    }
    return page;
}

} // namespace vestnik
