#include "trigger/TriggerRule.h"

#include <QRegularExpression>

#include <algorithm>
#include <set>

namespace vestnik {

namespace {

const QRegularExpression &eventTypePattern()
{
    // Anchored with \A...\z: a "$" would also accept a trailing newline.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9._-]{1,100}")));
    return pattern;
}

Error invalid(const QString &message)
{
    return Error{ErrorCode::InvalidArgument, message};
}

constexpr int kMaxConditionDepth = 16;

Result<void> validateAt(const nlohmann::json &condition, const QString &where, int depth)
{
    if (depth > kMaxConditionDepth)
        return invalid(QStringLiteral("condition: %1 is nested more than %2 levels deep").arg(where).arg(depth - 1));
    if (!condition.is_object())
        return invalid(
            QStringLiteral("condition: %1 must be an object, not %2").arg(where, QLatin1String(condition.type_name())));
    if (condition.size() == 1 && (condition.contains("all") || condition.contains("any"))) {
        const char *const name = condition.contains("all") ? "all" : "any";
        const nlohmann::json &list = condition.at(name);
        if (!list.is_array() || list.empty())
            return invalid(
                QStringLiteral("condition: %1.%2 must be a non-empty array").arg(where, QLatin1String(name)));
        for (size_t i = 0; i < list.size(); ++i) {
            if (Result<void> inner =
                    validateAt(list[i], QStringLiteral("%1.%2[%3]").arg(where, QLatin1String(name)).arg(i), depth + 1);
                !inner)
                return inner;
        }
        return {};
    }
    if (condition.size() == 1 && condition.contains("not"))
        return validateAt(condition.at("not"), where + QStringLiteral(".not"), depth + 1);

    const auto path = condition.find("path");
    if (path == condition.end() || !path->is_string() || path->get<std::string>().empty())
        return invalid(QStringLiteral("condition: %1 needs \"all\", \"any\", \"not\" or a test with a \"path\" string")
                           .arg(where));
    const auto op = condition.find("op");
    if (op == condition.end() || !op->is_string())
        return invalid(QStringLiteral("condition: %1 needs an \"op\" string").arg(where));
    const std::string name = op->get<std::string>();
    static const std::set<std::string> comparisons{"eq", "ne", "gt", "gte", "lt", "lte", "in", "contains"};
    const bool hasValue = condition.contains("value");
    if (name == "exists") {
        if (hasValue)
            return invalid(QStringLiteral("condition: %1: \"exists\" takes no value").arg(where));
    } else if (comparisons.count(name) == 0) {
        return invalid(QStringLiteral("condition: %1: unknown op \"%2\" (eq, ne, gt, gte, lt, lte, in, contains, "
                                      "exists)")
                           .arg(where, QString::fromStdString(name)));
    } else if (!hasValue) {
        return invalid(
            QStringLiteral("condition: %1: \"%2\" needs a \"value\"").arg(where, QString::fromStdString(name)));
    } else if (name == "in" && !condition.at("value").is_array()) {
        return invalid(QStringLiteral("condition: %1: \"in\" needs an array value").arg(where));
    } else if ((name == "gt" || name == "gte" || name == "lt" || name == "lte") && !condition.at("value").is_number()
               && !condition.at("value").is_string()) {
        return invalid(QStringLiteral("condition: %1: \"%2\" compares numbers or strings")
                           .arg(where, QString::fromStdString(name)));
    }
    for (const auto &[key, value] : condition.items()) {
        if (key != "path" && key != "op" && key != "value")
            return invalid(QStringLiteral("condition: %1: unknown key \"%2\"").arg(where, QString::fromStdString(key)));
    }
    return {};
}

/// The value at a dotted path in `data`, or nullptr.
const nlohmann::json *lookUp(const nlohmann::json &data, const std::string &path)
{
    const nlohmann::json *current = &data;
    size_t begin = 0;
    while (begin <= path.size()) {
        const size_t dot = path.find('.', begin);
        const std::string part = path.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
        if (!current->is_object())
            return nullptr;
        const auto it = current->find(part);
        if (it == current->end())
            return nullptr;
        current = &*it;
        if (dot == std::string::npos)
            break;
        begin = dot + 1;
    }
    return current;
}

/// -1, 0, 1, or nothing when the two cannot be ordered (a number against a string).
std::optional<int> compare(const nlohmann::json &a, const nlohmann::json &b)
{
    if (a.is_number() && b.is_number())
        return a < b ? -1 : (b < a ? 1 : 0); // integers exactly, an integer and a float as doubles
    if (a.is_string() && b.is_string()) {
        const int c = a.get<std::string>().compare(b.get<std::string>());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return std::nullopt;
}

/// nlohmann compares two integers exactly (no rounding above 2^53) and an integer with a float as doubles
/// (1000 == 1000.0), also inside arrays and objects.
bool same(const nlohmann::json &a, const nlohmann::json &b)
{
    return a == b;
}

} // namespace

namespace trigger {

Result<void> validateCondition(const nlohmann::json &condition)
{
    if (condition.is_null() || (condition.is_object() && condition.empty()))
        return {};
    return validateAt(condition, QStringLiteral("the condition"), 1);
}

bool evaluate(const nlohmann::json &condition, const nlohmann::json &data)
{
    if (condition.is_null() || (condition.is_object() && condition.empty()))
        return true;
    if (const auto all = condition.find("all"); all != condition.end() && condition.size() == 1)
        return std::all_of(all->begin(), all->end(), [&data](const nlohmann::json &c) { return evaluate(c, data); });
    if (const auto any = condition.find("any"); any != condition.end() && condition.size() == 1)
        return std::any_of(any->begin(), any->end(), [&data](const nlohmann::json &c) { return evaluate(c, data); });
    if (const auto negated = condition.find("not"); negated != condition.end() && condition.size() == 1)
        return !evaluate(*negated, data);

    const nlohmann::json *actual = lookUp(data, condition.at("path").get<std::string>());
    const std::string op = condition.at("op").get<std::string>();
    if (op == "exists")
        return actual != nullptr && !actual->is_null();
    if (!actual)
        return op == "ne";
    const nlohmann::json &expected = condition.at("value");
    if (op == "eq")
        return same(*actual, expected);
    if (op == "ne")
        return !same(*actual, expected);
    if (op == "in")
        return std::any_of(expected.begin(), expected.end(),
                           [actual](const nlohmann::json &candidate) { return same(*actual, candidate); });
    if (op == "contains") {
        if (actual->is_string() && expected.is_string())
            return actual->get<std::string>().find(expected.get<std::string>()) != std::string::npos;
        if (actual->is_array())
            return std::any_of(actual->begin(), actual->end(),
                               [&expected](const nlohmann::json &item) { return same(item, expected); });
        return false;
    }
    const std::optional<int> order = compare(*actual, expected);
    if (!order)
        return false;
    if (op == "gt")
        return *order > 0;
    if (op == "gte")
        return *order >= 0;
    if (op == "lt")
        return *order < 0;
    return *order <= 0; // lte
}

bool isQuiet(const QuietHours &quiet, int localMinute)
{
    if (quiet.startMinute < quiet.endMinute)
        return localMinute >= quiet.startMinute && localMinute < quiet.endMinute;
    return localMinute >= quiet.startMinute || localMinute < quiet.endMinute; // wraps midnight
}

qint64 untilQuietEnds(const QuietHours &quiet, int localMinute, qint64 msIntoMinute)
{
    int minutes = quiet.endMinute - localMinute;
    if (minutes <= 0)
        minutes += 24 * 60;
    return qint64(minutes) * 60'000 - msIntoMinute;
}

} // namespace trigger

Result<void> TriggerRule::validate() const
{
    if (name.trimmed().isEmpty())
        return invalid(QStringLiteral("rule: a name is required"));
    if (!eventTypePattern().match(eventType).hasMatch())
        return invalid(
            QStringLiteral("rule: event type \"%1\" must be 1 to 100 characters from a-z, 0-9, '.', '_', '-'")
                .arg(eventType.left(100)));
    if (templateId.isEmpty())
        return invalid(QStringLiteral("rule: a template is required"));
    if (quietHours) {
        const auto inDay = [](int minute) { return minute >= 0 && minute < 24 * 60; };
        if (!inDay(quietHours->startMinute) || !inDay(quietHours->endMinute))
            return invalid(QStringLiteral("rule: quiet hours must be minutes 0 to 1439 after midnight"));
        if (quietHours->startMinute == quietHours->endMinute)
            return invalid(QStringLiteral("rule: quiet hours must not start and end at the same minute"));
    }
    if (capCount < 0)
        return invalid(QStringLiteral("rule: the frequency cap must be 0 (none) or more"));
    if (capCount > 0 && capWindowSeconds < 1)
        return invalid(QStringLiteral("rule: the frequency cap needs a window of at least one second"));
    if (capWindowSeconds > kMaxCapWindowSeconds)
        return invalid(QStringLiteral("rule: the frequency cap's window may be at most 366 days"));
    return trigger::validateCondition(condition);
}

bool TriggerRule::matches(const nlohmann::json &data) const
{
    return trigger::evaluate(condition, data);
}

} // namespace vestnik
