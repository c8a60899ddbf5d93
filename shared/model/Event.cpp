#include "model/Event.h"

#include <QDate>

#include <cstdio>
#include <optional>
#include <string_view>

namespace vestnik {

namespace {

constexpr qint64 kMsPerDay = 86'400'000;
constexpr qint64 kEpochJulianDay = 2'440'588;            // 1970-01-01
constexpr qint64 kMaxOccurredAtMs = 253'402'300'799'999; // 9999-12-31T23:59:59.999Z: four-digit years only
constexpr qsizetype kMaxQuotedLength = 40;

Error invalid(const QString &message)
{
    return Error{ErrorCode::InvalidArgument, QStringLiteral("event: ") + message};
}

QString field(const char *name)
{
    return QLatin1Char('\'') + QLatin1String(name) + QLatin1Char('\'');
}

QString utf8(const std::string &text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

/// A value for a message, in double quotes, cut so that a huge value does not become a huge reason.
QString shown(const std::string &text)
{
    const QString value = utf8(text);
    return QLatin1Char('"')
           + (value.size() > kMaxQuotedLength ? value.left(kMaxQuotedLength) + QStringLiteral("…") : value)
           + QLatin1Char('"');
}

/// The member `name` as a string; a missing or null member is "required".
Result<std::string> requiredString(const nlohmann::json &object, const char *name)
{
    const auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return invalid(field(name) + QStringLiteral(" is required"));
    if (!it->is_string())
        return invalid(field(name) + QStringLiteral(" must be a string, not ") + QLatin1String(it->type_name()));
    return it->get<std::string>();
}

/// `id` and `user_id`: any non-empty text up to kMaxIdBytes.
Result<QString> identifier(const nlohmann::json &object, const char *name)
{
    Result<std::string> text = requiredString(object, name);
    if (!text)
        return text.error();
    if (text->empty())
        return invalid(field(name) + QStringLiteral(" must not be empty"));
    if (text->size() > std::size_t(Event::kMaxIdBytes))
        return invalid(
            field(name)
            + QStringLiteral(" is %1 bytes, more than the limit of %2").arg(text->size()).arg(Event::kMaxIdBytes));
    return utf8(*text);
}

Result<QString> eventType(const nlohmann::json &object)
{
    Result<std::string> text = requiredString(object, "type");
    if (!text)
        return text.error();
    if (text->empty())
        return invalid(QStringLiteral("'type' must not be empty"));
    if (text->size() > std::size_t(Event::kMaxTypeLength))
        return invalid(QStringLiteral("'type' is %1 characters, more than the limit of %2")
                           .arg(text->size())
                           .arg(Event::kMaxTypeLength));
    for (const char c : *text) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return invalid(QStringLiteral("'type' ") + shown(*text)
                           + QStringLiteral(" may contain only lower-case ASCII letters, digits, '.', '_' and '-'"));
    }
    return utf8(*text);
}

Result<QString> localeTag(const nlohmann::json &object)
{
    const auto it = object.find("locale");
    if (it == object.end() || it->is_null())
        return QString();
    if (!it->is_string())
        return invalid(QStringLiteral("'locale' must be a string, not ") + QLatin1String(it->type_name()));
    const auto &text = it->get_ref<const std::string &>();
    if (text.size() > std::size_t(Event::kMaxLocaleLength))
        return invalid(QStringLiteral("'locale' is %1 characters, more than the limit of %2")
                           .arg(text.size())
                           .arg(Event::kMaxLocaleLength));
    for (const char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return invalid(QStringLiteral("'locale' ") + shown(text)
                           + QStringLiteral(" may contain only ASCII letters, digits and '-' (BCP 47, e.g. ru-RU)"));
    }
    return utf8(text);
}

/// Reads `count` decimal digits at `at`.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count)
{
    if (at + count > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool isAt(std::string_view text, std::size_t at, char c)
{
    return at < text.size() && text[at] == c;
}

/// RFC 3339 date-time ("2026-03-08T12:30:00Z", "2026-03-08T15:30:00.123456+03:00") to milliseconds UTC. The
/// offset is required: a time without one would be read in whatever zone the worker runs in.
Result<qint64> rfc3339Ms(const std::string &value)
{
    const std::string_view text(value);
    const QString example = QStringLiteral(" is not an RFC 3339 time such as 2026-03-08T12:30:00Z or "
                                           "2026-03-08T15:30:00.250+03:00");
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2);
    const auto minute = digits(text, 14, 2);
    const auto second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || !isAt(text, 4, '-') || !isAt(text, 7, '-')
        || !(isAt(text, 10, 'T') || isAt(text, 10, 't')) || !isAt(text, 13, ':') || !isAt(text, 16, ':'))
        return invalid(QStringLiteral("'occurred_at' ") + shown(value) + example);
    std::size_t at = 19;
    int millis = 0;
    if (isAt(text, at, '.')) {
        ++at;
        const std::size_t fractionStart = at;
        for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
            if (at - fractionStart < 3)
                millis = millis * 10 + (text[at] - '0');
        }
        if (at == fractionStart)
            return invalid(QStringLiteral("'occurred_at' ") + shown(value) + example);
        for (std::size_t read = at - fractionStart; read < 3; ++read)
            millis *= 10;
    }
    int offsetMinutes = 0;
    if (at == text.size())
        return invalid(QStringLiteral("'occurred_at' ") + shown(value)
                       + QStringLiteral(" has no offset: add Z for UTC or the offset, e.g. +03:00"));
    if (isAt(text, at, 'Z') || isAt(text, at, 'z')) {
        ++at;
    } else if (isAt(text, at, '+') || isAt(text, at, '-')) {
        const auto offsetHour = digits(text, at + 1, 2);
        const auto offsetMinute = digits(text, at + 4, 2);
        if (!offsetHour || !offsetMinute || !isAt(text, at + 3, ':') || *offsetHour > 23 || *offsetMinute > 59)
            return invalid(QStringLiteral("'occurred_at' ") + shown(value) + example);
        offsetMinutes = (*offsetHour * 60 + *offsetMinute) * (text[at] == '-' ? -1 : 1);
        at += 6;
    }
    if (at != text.size())
        return invalid(QStringLiteral("'occurred_at' ") + shown(value) + example);
    const QDate date(*year, *month, *day);
    // RFC 3339 allows a leap second (:60); Qt, the database and the rest of Vestnik do not count them.
    if (!date.isValid() || *hour > 23 || *minute > 59 || *second > 59)
        return invalid(QStringLiteral("'occurred_at' ") + shown(value)
                       + QStringLiteral(" is not a valid date and time"));
    const qint64 localMs = (date.toJulianDay() - kEpochJulianDay) * kMsPerDay
                           + ((qint64(*hour) * 60 + *minute) * 60 + *second) * 1000 + millis;
    return localMs - qint64(offsetMinutes) * 60'000;
}

Result<qint64> occurredAt(const nlohmann::json &object)
{
    const auto it = object.find("occurred_at");
    if (it == object.end() || it->is_null())
        return invalid(QStringLiteral("'occurred_at' is required"));
    qint64 ms = 0;
    if (it->is_number_unsigned()) {
        if (it->get<std::uint64_t>() > std::uint64_t(kMaxOccurredAtMs))
            return invalid(
                QStringLiteral("'occurred_at' is %1 ms, after 9999-12-31T23:59:59.999Z").arg(it->get<std::uint64_t>()));
        ms = it->get<qint64>();
    } else if (it->is_number_integer()) {
        ms = it->get<qint64>();
    } else if (it->is_string()) {
        Result<qint64> parsed = rfc3339Ms(it->get_ref<const std::string &>());
        if (!parsed)
            return parsed.error();
        ms = *parsed;
    } else if (it->is_number_float()) {
        return invalid(QStringLiteral("'occurred_at' must be whole milliseconds since the epoch, not a fraction"));
    } else {
        return invalid(QStringLiteral("'occurred_at' must be an RFC 3339 time or milliseconds since the epoch, not ")
                       + QLatin1String(it->type_name()));
    }
    if (ms < 0)
        return invalid(QStringLiteral("'occurred_at' is before 1970-01-01T00:00:00Z"));
    if (ms > kMaxOccurredAtMs)
        return invalid(QStringLiteral("'occurred_at' is after 9999-12-31T23:59:59.999Z"));
    return ms;
}

std::string rfc3339(qint64 ms)
{
    // Floor division, so that a (refused, never read) negative time would still print as a real date.
    const qint64 days = ms / kMsPerDay - (ms % kMsPerDay < 0 ? 1 : 0);
    const qint64 inDay = ms - days * kMsPerDay;
    const QDate date = QDate::fromJulianDay(kEpochJulianDay + days);
    char text[40];
    const int length =
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year(), date.month(), date.day(),
                      int(inDay / 3'600'000), int(inDay / 60'000 % 60), int(inDay / 1000 % 60), int(inDay % 1000));
    return std::string(text, std::size_t(length));
}

} // namespace

QByteArray Event::toJson() const
{
    nlohmann::json json = nlohmann::json::object();
    json["id"] = id.toStdString();
    json["type"] = type.toStdString();
    json["user_id"] = userId.toStdString();
    json["occurred_at"] = rfc3339(occurredAtMs);
    json["data"] = data.is_object() ? data : nlohmann::json::object();
    if (!locale.isEmpty())
        json["locale"] = locale.toStdString();
    if (attributes.is_object() && !attributes.empty())
        json["attributes"] = attributes;
    const std::string dumped = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return QByteArray(dumped.data(), qsizetype(dumped.size()));
}

Result<Event> Event::fromJson(const QByteArray &bytes)
{
    if (bytes.size() > kMaxBytes)
        return invalid(
            QStringLiteral("the message is %1 bytes, more than the limit of %2").arg(bytes.size()).arg(kMaxBytes));

    // The parser itself does not recurse, but copying, printing and rendering do: deeper nesting is noted here
    // (and its contents dropped) so that it is refused instead of crashing the worker later.
    std::string tooDeepField;
    std::string topLevelKey;
    const nlohmann::json::parser_callback_t limitDepth = [&](int depth, nlohmann::json::parse_event_t event,
                                                             nlohmann::json &parsed) {
        if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string())
            topLevelKey = parsed.get<std::string>();
        if ((event == nlohmann::json::parse_event_t::object_start
             || event == nlohmann::json::parse_event_t::array_start)
            && depth > kMaxDepth) {
            if (tooDeepField.empty())
                tooDeepField = topLevelKey;
            return false;
        }
        return true;
    };
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(bytes.begin(), bytes.end(), limitDepth);
    } catch (const nlohmann::json::parse_error &error) {
        return invalid(QStringLiteral("not valid JSON (error at byte %1)").arg(error.byte));
    } catch (const nlohmann::json::exception &) {
        // out_of_range: a number too large for a double (1e400)
        return invalid(QStringLiteral("not valid JSON (a number is out of range)"));
    }
    if (!json.is_object())
        return invalid(QStringLiteral("not a JSON object (the top level is ") + QLatin1String(json.type_name())
                       + QLatin1Char(')'));
    if (!tooDeepField.empty())
        return invalid(QLatin1Char('\'') + utf8(tooDeepField)
                       + QStringLiteral("' is nested more than %1 levels deep").arg(kMaxDepth));

    Event event;
    Result<QString> id = identifier(json, "id");
    if (!id)
        return id.error();
    event.id = std::move(*id);
    Result<QString> type = eventType(json);
    if (!type)
        return type.error();
    event.type = std::move(*type);
    Result<QString> userId = identifier(json, "user_id");
    if (!userId)
        return userId.error();
    event.userId = std::move(*userId);
    Result<qint64> at = occurredAt(json);
    if (!at)
        return at.error();
    event.occurredAtMs = *at;
    if (const auto it = json.find("data"); it != json.end() && !it->is_null()) {
        if (!it->is_object())
            return invalid(QStringLiteral("'data' must be an object, not ") + QLatin1String(it->type_name()));
        event.data = std::move(*it);
    }
    if (const auto it = json.find("attributes"); it != json.end() && !it->is_null()) {
        if (!it->is_object())
            return invalid(QStringLiteral("'attributes' must be an object, not ") + QLatin1String(it->type_name()));
        event.attributes = std::move(*it);
    }
    Result<QString> tag = localeTag(json);
    if (!tag)
        return tag.error();
    event.locale = std::move(*tag);
    return event;
}

} // namespace vestnik
