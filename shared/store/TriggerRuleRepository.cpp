#include "store/TriggerRuleRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

#include <QSqlQuery>

namespace vestnik {

namespace {

const QString kColumns = QStringLiteral("id, name, event_type, condition, template_id, app_id, enabled,"
                                        " quiet_start_minute, quiet_end_minute, cap_count, cap_window_seconds,"
                                        " created_at, updated_at");

Result<TriggerRule> ruleFrom(const QSqlQuery &q)
{
    TriggerRule rule;
    rule.id = q.value(0).toLongLong();
    rule.name = q.value(1).toString();
    rule.eventType = q.value(2).toString();
    if (const QString condition = q.value(3).toString(); !condition.isEmpty()) {
        try {
            rule.condition = nlohmann::json::parse(condition.toStdString());
        } catch (const nlohmann::json::exception &) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("rule %1: the stored condition is not JSON").arg(rule.id));
        }
    }
    rule.templateId = q.value(4).toString();
    rule.appId = q.value(5).toString();
    rule.enabled = q.value(6).toBool();
    const std::optional<int> start = sqlvalues::optionalInt(q.value(7));
    const std::optional<int> end = sqlvalues::optionalInt(q.value(8));
    if (start && end)
        rule.quietHours = QuietHours{*start, *end};
    rule.capCount = q.value(9).toInt();
    rule.capWindowSeconds = q.value(10).toLongLong();
    rule.createdAtMs = q.value(11).toLongLong();
    rule.updatedAtMs = q.value(12).toLongLong();
    return rule;
}

QString conditionText(const TriggerRule &rule)
{
    if (rule.condition.is_null() || (rule.condition.is_object() && rule.condition.empty()))
        return QString();
    return QString::fromStdString(rule.condition.dump());
}

QVariantList values(const TriggerRule &rule)
{
    return {rule.name,
            rule.eventType,
            sqlvalues::text(conditionText(rule)),
            rule.templateId,
            sqlvalues::text(rule.appId),
            rule.enabled,
            rule.quietHours ? QVariant(rule.quietHours->startMinute) : QVariant(QMetaType(QMetaType::Int)),
            rule.quietHours ? QVariant(rule.quietHours->endMinute) : QVariant(QMetaType(QMetaType::Int)),
            rule.capCount,
            rule.capWindowSeconds};
}

} // namespace

TriggerRuleRepository::TriggerRuleRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

Result<void> TriggerRuleRepository::check(const TriggerRule &rule) const
{
    if (Result<void> valid = rule.validate(); !valid)
        return valid;
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT archived_at FROM templates WHERE id = ?"), {rule.templateId},
                       QStringLiteral("cannot look template %1 up").arg(rule.templateId));
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::NotFound, QStringLiteral("rule: no template %1").arg(rule.templateId));
    if (!q->value(0).isNull())
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("rule: template %1 was deleted (save it again to use it)").arg(rule.templateId));
    if (!rule.appId.isEmpty()) {
        Result<QSqlQuery> app = m_database.run(QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), {rule.appId},
                                               QStringLiteral("cannot look app %1 up").arg(rule.appId));
        if (!app)
            return app.error();
        if (!app->next())
            return makeError(ErrorCode::NotFound, QStringLiteral("rule: no app %1").arg(rule.appId));
    }
    return {};
}

Result<qint64> TriggerRuleRepository::create(const TriggerRule &rule) const
{
    if (Result<void> ok = check(rule); !ok)
        return ok.error();
    const qint64 now = m_clock.nowMs();
    QVariantList bound = values(rule);
    bound << now << now;
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO trigger_rules (name, event_type, condition, template_id, app_id, enabled,"
                       " quiet_start_minute, quiet_end_minute, cap_count, cap_window_seconds, created_at, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        bound, QStringLiteral("cannot save rule %1").arg(rule.name));
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Internal, QStringLiteral("saving rule %1 returned no id").arg(rule.name));
    return q->value(0).toLongLong();
}

Result<void> TriggerRuleRepository::update(const TriggerRule &rule) const
{
    if (Result<void> ok = check(rule); !ok)
        return ok;
    QVariantList bound = values(rule);
    const qint64 now = m_clock.nowMs();
    bound << now << now << rule.id;
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE trigger_rules SET name = ?, event_type = ?, condition = ?, template_id = ?, app_id = ?,"
                       " enabled = ?, quiet_start_minute = ?, quiet_end_minute = ?, cap_count = ?,"
                       " cap_window_seconds = ?,"
                       // Strictly increasing, so that revision() sees two changes within one millisecond.
                       " updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ?"),
        bound, QStringLiteral("cannot update rule %1").arg(rule.id));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorCode::NotFound, QStringLiteral("no rule %1").arg(rule.id));
    return {};
}

Result<void> TriggerRuleRepository::setEnabled(qint64 id, bool enabled) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE trigger_rules SET enabled = ?,"
                       " updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ?"),
        {enabled, m_clock.nowMs(), m_clock.nowMs(), id}, QStringLiteral("cannot switch rule %1").arg(id));
    if (!q)
        return q.error();
    if (q->numRowsAffected() == 0)
        return makeError(ErrorCode::NotFound, QStringLiteral("no rule %1").arg(id));
    return {};
}

Result<bool> TriggerRuleRepository::remove(qint64 id) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("DELETE FROM trigger_rules WHERE id = ?"), {id},
                                         QStringLiteral("cannot delete rule %1").arg(id));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<std::optional<TriggerRule>> TriggerRuleRepository::find(qint64 id) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM trigger_rules WHERE id = ?"), {id},
                       QStringLiteral("cannot read rule %1").arg(id));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<TriggerRule>();
    Result<TriggerRule> rule = ruleFrom(*q);
    if (!rule)
        return rule.error();
    return std::optional<TriggerRule>(std::move(*rule));
}

Result<QList<TriggerRule>> TriggerRuleRepository::all() const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM trigger_rules ORDER BY id"), {},
                       QStringLiteral("cannot read the trigger rules"));
    if (!q)
        return q.error();
    QList<TriggerRule> rules;
    while (q->next()) {
        Result<TriggerRule> rule = ruleFrom(*q);
        if (!rule)
            return rule.error();
        rules.append(std::move(*rule));
    }
    return rules;
}

Result<QString> TriggerRuleRepository::revision() const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT COUNT(*), COALESCE(SUM(updated_at), 0), COALESCE(SUM(id), 0) FROM trigger_rules"), {},
        QStringLiteral("cannot read the trigger rules' revision"));
    if (!q)
        return q.error();
    if (!q->next())
        return QString();
    return QStringLiteral("%1/%2/%3")
        .arg(q->value(0).toLongLong())
        .arg(q->value(1).toLongLong())
        .arg(q->value(2).toLongLong());
}

} // namespace vestnik
