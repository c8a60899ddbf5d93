#include "store/TemplateRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

Template templateFrom(const QSqlQuery &q)
{
    Template t{q.value(0).toString(),   q.value(1).toString(),   q.value(2).toInt(),
               q.value(3).toLongLong(), q.value(4).toLongLong(), std::nullopt};
    if (!q.value(5).isNull())
        t.archivedAtMs = q.value(5).toLongLong();
    return t;
}

} // namespace

TemplateRepository::TemplateRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<int> TemplateRepository::saveVersion(const QString &templateId, const QString &name, const QJsonObject &content,
                                            const QString &createdBy) const
{
    const QString what = QStringLiteral("cannot save a version of template %1").arg(templateId);
    if (templateId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a template needs an id"));
    const qint64 now = m_clock.nowMs();
    Transaction tx(m_database);
    if (!tx.isActive())
        return tx.error();
    // The row lock this upsert takes (PostgreSQL) or the write lock (SQLite) serialises concurrent savers
    // until commit, so each reads the counter the previous one left.
    Result<QSqlQuery> counter = m_database.run(
        QStringLiteral("INSERT INTO templates (id, name, latest_version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)"
                       " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                       " latest_version = templates.latest_version + 1, updated_at = excluded.updated_at,"
                       " archived_at = NULL"
                       " RETURNING latest_version"),
        {templateId, sqlvalues::text(name), now, now}, what);
    if (!counter)
        return counter.error();
    if (!counter->next())
        return makeError(ErrorCode::Internal, what + QStringLiteral(": no version number returned"));
    const int version = counter->value(0).toInt();
    counter->finish();
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("INSERT INTO template_versions"
                                      " (template_id, version, content, created_by, created_at)"
                                      " VALUES (?, ?, ?, ?, ?)"),
                       {templateId, version, sqlvalues::jsonText(content), sqlvalues::text(createdBy), now}, what);
    if (!q)
        return q.error();
    if (Result<void> done = tx.commit(); !done)
        return done.error();
    return version;
}

Result<std::optional<Template>> TemplateRepository::find(const QString &templateId) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT id, name, latest_version, created_at, updated_at,"
                                                        " archived_at FROM templates WHERE id = ?"),
                                         {templateId}, QStringLiteral("cannot read template %1").arg(templateId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Template>();
    return std::optional<Template>(templateFrom(*q));
}

Result<QList<Template>> TemplateRepository::list(bool withArchived) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT id, name, latest_version, created_at, updated_at, archived_at"
                                      " FROM templates")
                           + (withArchived ? QString() : QStringLiteral(" WHERE archived_at IS NULL"))
                           + QStringLiteral(" ORDER BY name, id"),
                       {}, QStringLiteral("cannot list templates"));
    if (!q)
        return q.error();
    QList<Template> templates;
    while (q->next())
        templates.append(templateFrom(*q));
    return templates;
}

Result<bool> TemplateRepository::archive(const QString &templateId) const
{
    const qint64 now = m_clock.nowMs();
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE templates SET archived_at = COALESCE(archived_at, ?), updated_at = ? WHERE id = ?"),
        {now, now, templateId}, QStringLiteral("cannot archive template %1").arg(templateId));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<QList<TemplateVersion>> TemplateRepository::selectVersions(const QString &where, const QVariantList &values,
                                                                  const QString &what) const
{
    // Kept prepared for the next read of the same kind (the senders resolve versions all the time).
    StatementCache statements(m_database);
    Result<QSqlQuery> q = statements.run(QStringLiteral("SELECT template_id, version, content, created_by, created_at"
                                                        " FROM template_versions WHERE ")
                                             + where,
                                         values, what);
    if (!q)
        return q.error();
    QList<TemplateVersion> versions;
    while (q->next()) {
        TemplateVersion v;
        v.templateId = q->value(0).toString();
        v.version = q->value(1).toInt();
        Result<QJsonObject> content = sqlvalues::jsonObject(
            q->value(2), QStringLiteral("version %1 of template %2").arg(v.version).arg(v.templateId));
        if (!content)
            return content.error();
        v.content = *content;
        v.createdBy = q->value(3).toString();
        v.createdAtMs = q->value(4).toLongLong();
        versions.append(std::move(v));
    }
    return versions;
}

Result<std::optional<TemplateVersion>> TemplateRepository::latest(const QString &templateId) const
{
    Result<QList<TemplateVersion>> found =
        selectVersions(QStringLiteral("template_id = ? ORDER BY version DESC LIMIT 1"), {templateId},
                       QStringLiteral("cannot read the latest version of template %1").arg(templateId));
    if (!found)
        return found.error();
    if (found->isEmpty())
        return std::optional<TemplateVersion>();
    return std::optional<TemplateVersion>(found->constFirst());
}

Result<std::optional<int>> TemplateRepository::latestVersionNumber(const QString &templateId) const
{
    StatementCache statements(m_database);
    Result<QSqlQuery> q = statements.run(
        QStringLiteral("SELECT version FROM template_versions WHERE template_id = ? ORDER BY version DESC LIMIT 1"),
        {templateId}, QStringLiteral("cannot read the latest version number of template %1").arg(templateId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<int>();
    return std::optional<int>(q->value(0).toInt());
}

Result<std::optional<TemplateVersion>> TemplateRepository::version(const QString &templateId, int version) const
{
    Result<QList<TemplateVersion>> found =
        selectVersions(QStringLiteral("template_id = ? AND version = ?"), {templateId, version},
                       QStringLiteral("cannot read version %1 of template %2").arg(version).arg(templateId));
    if (!found)
        return found.error();
    if (found->isEmpty())
        return std::optional<TemplateVersion>();
    return std::optional<TemplateVersion>(found->constFirst());
}

Result<QList<TemplateVersion>> TemplateRepository::versions(const QString &templateId) const
{
    return selectVersions(QStringLiteral("template_id = ? ORDER BY version"), {templateId},
                          QStringLiteral("cannot read the versions of template %1").arg(templateId));
}

} // namespace vestnik
