#pragma once

#include "trigger/TriggerRule.h"
#include "util/Result.h"

#include <QList>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// Trigger rules. A rule is checked when it is saved (its fields, its condition, that its template exists),
/// so a rule that could never work is refused instead of failing event after event.
class TriggerRuleRepository final
{
public:
    TriggerRuleRepository(const Database &database, const Clock &clock);

    /// Stores a new rule and returns its id; InvalidArgument for a bad rule, NotFound for an unknown template.
    Result<qint64> create(const TriggerRule &rule) const;
    /// Replaces the rule `rule.id`; NotFound when there is none.
    Result<void> update(const TriggerRule &rule) const;
    Result<void> setEnabled(qint64 id, bool enabled) const;
    /// Whether there was such a rule.
    Result<bool> remove(qint64 id) const;
    Result<std::optional<TriggerRule>> find(qint64 id) const;
    /// Every rule, by id.
    Result<QList<TriggerRule>> all() const;
    /// A fingerprint that changes whenever a rule is created, changed or removed: the trigger role reloads
    /// its rules when it does.
    Result<QString> revision() const;

private:
    Result<void> check(const TriggerRule &rule) const;

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
