#pragma once

#include "util/Result.h"

#include <QString>

#include <nlohmann/json.hpp>
#include <optional>

namespace vestnik {

/// Local hours in which a rule sends nothing: from `startMinute` to `endMinute` after the user's local
/// midnight (the user's time zone, else the worker's default). A window that wraps midnight (22:00-08:00)
/// has start > end. A push that falls inside waits for the window's end.
struct QuietHours final {
    int startMinute = 0; ///< 0..1439
    int endMinute = 0;   ///< 0..1439, not equal to startMinute

    friend bool operator==(const QuietHours &, const QuietHours &) = default;
};

/// An event-driven push: when an event of `eventType` arrives whose data matches `condition`, the event's
/// user gets `templateId` (only on `appId`'s devices when set), unless the rule is disabled, the user is in
/// the rule's quiet hours (then the push waits) or already had `capCount` pushes of this rule within
/// `capWindowSeconds`.
///
/// A condition is JSON: `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}`, or a test
/// `{"path": "товар.цена", "op": "gte", "value": 1000}` on the event's `data` (a dotted path; keys in any
/// script). Ops: eq, ne, gt, gte, lt, lte (numbers or strings), in (value is an array), contains (string or
/// array), exists (no value). An empty or null condition matches every event of the type.
struct TriggerRule final {
    qint64 id = 0;
    QString name;
    QString eventType;
    nlohmann::json condition; ///< null: always
    QString templateId;
    QString appId;
    bool enabled = true;
    std::optional<QuietHours> quietHours;
    static constexpr qint64 kMaxCapWindowSeconds = 366 * 86'400;

    int capCount = 0; ///< 0: no cap
    qint64 capWindowSeconds = 86'400;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;

    /// Everything a rule needs before it is saved; InvalidArgument naming the field and the problem.
    Result<void> validate() const;
    /// Whether the event's data satisfies the condition (the condition must have passed validate()).
    bool matches(const nlohmann::json &data) const;

    friend bool operator==(const TriggerRule &a, const TriggerRule &b) = default;
};

namespace trigger {

/// Checks a condition's shape; the error says where in it the problem is.
Result<void> validateCondition(const nlohmann::json &condition);
/// Evaluates a valid condition against an event's data.
bool evaluate(const nlohmann::json &condition, const nlohmann::json &data);
/// Whether `localMinute` (minutes after local midnight) falls inside the quiet hours.
bool isQuiet(const QuietHours &quiet, int localMinute);
/// Milliseconds from `localMinute` (and `localSecondMs` within it) to the end of the quiet hours.
qint64 untilQuietEnds(const QuietHours &quiet, int localMinute, qint64 msIntoMinute);

} // namespace trigger

} // namespace vestnik
