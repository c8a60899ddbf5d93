#include "template/TemplateFilters_p.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>

#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <unicode/datefmt.h>
#include <unicode/errorcode.h>
#include <unicode/timezone.h>
#include <unicode/uchar.h>
#include <unicode/ucurr.h>
#include <unicode/unistr.h>

namespace vestnik::detail {

namespace {

const char *const kCategoryNames[CategoryCount] = {"zero", "one", "two", "few", "many", "other"};

TemplateError filterError(const FilterCall &call, TemplateError::Kind kind, QString en, QString ru)
{
    return TemplateError{kind, call.line, call.column, QString(), std::move(en), std::move(ru)};
}

TemplateError argumentCountError(const FilterCall &call, const QString &expectedEn, const QString &expectedRu)
{
    return filterError(
        call, TemplateError::Kind::FilterArguments,
        QStringLiteral("filter '%1' takes %2, got %3").arg(call.name, expectedEn).arg(call.arguments.size()),
        QStringLiteral("фильтр «%1» принимает %2, передано: %3").arg(call.name, expectedRu).arg(call.arguments.size()));
}

// Which plural categories integers fall into, per locale (computed once per locale).
struct LocalePlurals {
    std::shared_ptr<const icu::PluralRules> rules;
    std::array<bool, CategoryCount> integer{};
    std::array<bool, CategoryCount> any{};
};

int categoryIndex(const icu::UnicodeString &keyword)
{
    for (int i = 0; i < CategoryCount; ++i) {
        if (keyword == icu::UnicodeString(kCategoryNames[i], -1, US_INV))
            return i;
    }
    return Other;
}

std::optional<LocalePlurals> pluralsFor(const icu::Locale &locale)
{
    static QMutex mutex;
    static std::map<std::string, LocalePlurals> cache;
    QMutexLocker locker(&mutex);
    const std::string key = locale.getName();
    if (const auto it = cache.find(key); it != cache.end())
        return it->second;
    icu::ErrorCode status;
    std::shared_ptr<const icu::PluralRules> rules(icu::PluralRules::forLocale(locale, status));
    if (status.isFailure() || !rules)
        return std::nullopt;
    LocalePlurals plurals;
    plurals.rules = rules;
    std::unique_ptr<icu::StringEnumeration> keywords(rules->getKeywords(status));
    if (keywords) {
        while (const icu::UnicodeString *keyword = keywords->snext(status))
            plurals.any[categoryIndex(*keyword)] = true;
    }
    // Every rule CLDR has distinguishes integers below 1,000 already.
    for (int n = 0; n <= 1000; ++n)
        plurals.integer[categoryIndex(rules->select(double(n)))] = true;
    cache.emplace(key, plurals);
    return plurals;
}

QString categoryList(const std::array<bool, CategoryCount> &set,
                     const std::array<bool, CategoryCount> *exclude = nullptr)
{
    QStringList names;
    for (int i = 0; i < CategoryCount; ++i) {
        if (set[i] && !(exclude && (*exclude)[i]))
            names << QString::fromLatin1(kCategoryNames[i]);
    }
    return names.join(QStringLiteral(", "));
}

Result<Filter, TemplateError> compilePlural(const FilterCall &call, const Program &program)
{
    std::optional<LocalePlurals> plurals = pluralsFor(program.locale);
    if (!plurals) {
        return filterError(call, TemplateError::Kind::Locale,
                           QStringLiteral("no plural rules for locale '%1'").arg(program.localeName),
                           QStringLiteral("нет правил множественного числа для локали «%1»").arg(program.localeName));
    }
    auto forms = std::make_shared<PluralForms>();
    forms->rules = plurals->rules;
    std::array<int, CategoryCount> order{};
    int integerCount = 0;
    int extraCount = 0;
    for (int i = 0; i < CategoryCount; ++i) {
        if (plurals->integer[i])
            order[integerCount++] = i;
    }
    for (int i = 0; i < CategoryCount; ++i) {
        if (plurals->any[i] && !plurals->integer[i])
            order[integerCount + extraCount++] = i;
    }
    const QString integerNames = categoryList(plurals->integer);
    const QString extraNames = categoryList(plurals->any, &plurals->integer);
    const QString expectedEn =
        QStringLiteral("%1 form(s) for locale '%2' (%3)%4")
            .arg(integerCount)
            .arg(program.localeName, integerNames,
                 extraCount ? QStringLiteral(", optionally followed by %1 for fractions").arg(extraNames) : QString());
    const QString expectedRu =
        QStringLiteral("форм для локали «%2»: %1 (%3)%4")
            .arg(integerCount)
            .arg(program.localeName, integerNames,
                 extraCount ? QStringLiteral(", и при желании %1 для дробных чисел").arg(extraNames) : QString());

    const bool named = !call.arguments.isEmpty() && call.isNamed.value(0);
    for (qsizetype i = 0; i < call.arguments.size(); ++i) {
        if (call.isNamed.value(i) != named) {
            return filterError(call, TemplateError::Kind::FilterArguments,
                               QStringLiteral("plural forms are either all named (one=…) or all positional"),
                               QStringLiteral("формы plural либо все с именами (one=…), либо все без имён"));
        }
        QString form = call.arguments.at(i);
        int category = -1;
        if (named) {
            const qsizetype eq = form.indexOf(QLatin1Char('='));
            const QString name = form.left(eq).trimmed();
            form = form.mid(eq + 1).trimmed();
            if (form.size() >= 2 && form.startsWith(QLatin1Char('"')) && form.endsWith(QLatin1Char('"')))
                form = form.mid(1, form.size() - 2);
            for (int c = 0; c < CategoryCount; ++c) {
                if (name == QLatin1String(kCategoryNames[c]) && plurals->any[c])
                    category = c;
            }
            if (category < 0) {
                return filterError(call, TemplateError::Kind::FilterArguments,
                                   QStringLiteral("'%1' is not a plural category of locale '%2' (%3)")
                                       .arg(name, program.localeName, categoryList(plurals->any)),
                                   QStringLiteral("«%1» — не категория множественного числа локали «%2» (%3)")
                                       .arg(name, program.localeName, categoryList(plurals->any)));
            }
        } else if (i < integerCount + extraCount) {
            category = order[i];
        } else {
            return argumentCountError(call, expectedEn, expectedRu);
        }
        forms->forms[category] = form.toStdString();
        forms->present[category] = true;
        forms->needsNumber = forms->needsNumber || form.contains(QLatin1Char('#'));
    }
    for (int c = 0; c < CategoryCount; ++c) {
        if (plurals->integer[c] && !forms->present[c])
            return argumentCountError(call, expectedEn, expectedRu);
    }
    // A fraction whose category has no form takes "other" if given, else the last integer form.
    forms->fallback = std::uint8_t(forms->present[Other] ? Other : order[integerCount - 1]);

    Filter filter;
    filter.kind = FilterKind::Plural;
    filter.plural = forms;
    filter.formatter = std::make_shared<icu::number::LocalizedNumberFormatter>(
        icu::number::NumberFormatter::withLocale(program.locale));
    return filter;
}

std::optional<int> wholeNumber(const QString &text, int min, int max)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < min || n > max)
        return std::nullopt;
    return n;
}

std::optional<icu::DateFormat::EStyle> dateStyle(const QString &name)
{
    if (name == QStringLiteral("short"))
        return icu::DateFormat::kShort;
    if (name == QStringLiteral("medium"))
        return icu::DateFormat::kMedium;
    if (name == QStringLiteral("long"))
        return icu::DateFormat::kLong;
    if (name == QStringLiteral("full"))
        return icu::DateFormat::kFull;
    return std::nullopt;
}

// ---- rendering helpers

TemplateError wrongType(const Expression &expression, const QString &filter, const QString &expectedEn,
                        const QString &expectedRu, std::string_view got)
{
    const QString value = QString::fromUtf8(got.data(), qsizetype(got.size())).left(40);
    return TemplateError{TemplateError::Kind::WrongType,
                         0,
                         0,
                         expression.name,
                         QStringLiteral("variable '%1' must be %2 for filter '%3', got '%4'")
                             .arg(expression.name, expectedEn, filter, value),
                         QStringLiteral("переменная «%1» должна быть %2 для фильтра «%3», а получено «%4»")
                             .arg(expression.name, expectedRu, filter, value)};
}

void appendNumberText(std::string &out, const nlohmann::json &value)
{
    char buffer[64];
    std::to_chars_result r{};
    if (value.is_number_integer())
        r = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::int64_t>());
    else if (value.is_number_unsigned())
        r = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::uint64_t>());
    else
        r = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
    out.append(buffer, r.ptr);
}

// The value as text; numbers are converted into `value.text`.
std::string_view textOf(FilterValue &value)
{
    if (value.isText)
        return value.text;
    if (value.json->is_string())
        return value.json->get_ref<const std::string &>();
    std::string text;
    if (value.json->is_number())
        appendNumberText(text, *value.json);
    else if (value.json->is_boolean())
        text = value.json->get<bool>() ? "true" : "false";
    value.text = std::move(text);
    value.isText = true;
    return value.text;
}

struct Number {
    double value = 0;
    std::optional<std::int64_t> integer;
};

std::optional<Number> numberOf(FilterValue &value)
{
    if (!value.isText && value.json->is_number_integer())
        return Number{double(value.json->get<std::int64_t>()), value.json->get<std::int64_t>()};
    if (!value.isText && value.json->is_number())
        return Number{value.json->get<double>(), std::nullopt};
    if (!value.isText && !value.json->is_string())
        return std::nullopt;
    const std::string_view text = textOf(value);
    std::int64_t integer = 0;
    const auto [intEnd, intErr] = std::from_chars(text.data(), text.data() + text.size(), integer);
    if (intErr == std::errc() && intEnd == text.data() + text.size() && !text.empty())
        return Number{double(integer), integer};
    double d = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (err != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return Number{d, std::nullopt};
}

void setText(FilterValue &value, const icu::UnicodeString &text)
{
    std::string out;
    text.toUTF8String(out);
    value.text = std::move(out);
    value.isText = true;
}

void formatNumber(const icu::number::LocalizedNumberFormatter &formatter, const Number &number, std::string &out)
{
    icu::ErrorCode status;
    const icu::number::FormattedNumber formatted =
        number.integer ? formatter.formatInt(*number.integer, status) : formatter.formatDouble(number.value, status);
    formatted.toString(status).toUTF8String(out);
}

// The locale numbers and dates are formatted in: the recipient's, when it speaks the template's language.
const icu::Locale &formatLocale(const Program &program, std::string_view recipient)
{
    if (recipient.empty())
        return program.locale;
    thread_local std::map<std::string, icu::Locale, std::less<>> parsed;
    auto it = parsed.find(recipient);
    if (it == parsed.end()) {
        icu::ErrorCode status;
        icu::Locale locale = icu::Locale::forLanguageTag(std::string(recipient), status);
        if (status.isFailure() || locale.isBogus())
            locale = icu::Locale();
        it = parsed.emplace(std::string(recipient), locale).first;
    }
    if (std::strcmp(it->second.getLanguage(), program.locale.getLanguage()) != 0)
        return program.locale;
    return it->second;
}

// The filter's formatter, re-localized for `locale` when that is not the template's (cached per thread).
const icu::number::LocalizedNumberFormatter &numberFormatter(const Filter &filter, const Program &program,
                                                             const icu::Locale &locale)
{
    if (locale == program.locale)
        return *filter.formatter;
    thread_local std::map<std::string, icu::number::LocalizedNumberFormatter> cache;
    icu::ErrorCode status;
    const icu::UnicodeString skeleton = filter.formatter->toSkeleton(status);
    std::string key = locale.getName();
    key += '|';
    skeleton.toUTF8String(key);
    auto it = cache.find(key);
    if (it == cache.end()) {
        icu::ErrorCode parseStatus;
        icu::number::LocalizedNumberFormatter localized =
            icu::number::NumberFormatter::forSkeleton(skeleton, parseStatus).locale(locale);
        if (parseStatus.isFailure())
            return *filter.formatter;
        it = cache.emplace(std::move(key), std::move(localized)).first;
    }
    return it->second;
}

// Date formatters are not thread-safe; each thread keeps its own, per locale, style and zone.
icu::DateFormat *dateFormatter(const icu::Locale &locale, int style, bool withTime, std::string_view zone)
{
    thread_local std::map<std::string, std::unique_ptr<icu::DateFormat>> cache;
    std::string key = std::string(locale.getName()) + '|' + char('0' + style) + (withTime ? "t|" : "d|");
    key.append(zone);
    auto it = cache.find(key);
    if (it == cache.end()) {
        const auto s = icu::DateFormat::EStyle(style);
        std::unique_ptr<icu::DateFormat> format(withTime ? icu::DateFormat::createDateTimeInstance(s, s, locale)
                                                         : icu::DateFormat::createDateInstance(s, locale));
        if (!format)
            return nullptr;
        const std::string zoneName = zone.empty() ? std::string("UTC") : std::string(zone);
        format->adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zoneName)));
        it = cache.emplace(std::move(key), std::move(format)).first;
    }
    return it->second.get();
}

} // namespace

void appendJsonEscaped(std::string &out, std::string_view text)
{
    static const char hex[] = "0123456789abcdef";
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(text.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(text.data() + run, text.size() - run);
}

QString filterNames()
{
    return QStringLiteral("default, upper, lower, capitalize, truncate, number, currency, date, datetime, plural");
}

Result<Filter, TemplateError> compileFilter(const FilterCall &call, const Program &program)
{
    const qsizetype n = call.arguments.size();
    Filter filter;
    const QString &name = call.name;
    if (name == QStringLiteral("default")) {
        if (n != 1)
            return argumentCountError(call, QStringLiteral("1 argument (the text to use instead)"),
                                      QStringLiteral("1 аргумент (текст на замену)"));
        filter.kind = FilterKind::Default;
        filter.text = call.arguments.at(0).toStdString();
        return filter;
    }
    if (name == QStringLiteral("upper") || name == QStringLiteral("lower") || name == QStringLiteral("capitalize")) {
        if (n != 0)
            return argumentCountError(call, QStringLiteral("no arguments"), QStringLiteral("0 аргументов"));
        filter.kind = name == QStringLiteral("upper")   ? FilterKind::Upper
                      : name == QStringLiteral("lower") ? FilterKind::Lower
                                                        : FilterKind::Capitalize;
        return filter;
    }
    if (name == QStringLiteral("truncate")) {
        if (n != 1)
            return argumentCountError(call, QStringLiteral("1 argument (the length)"),
                                      QStringLiteral("1 аргумент (длину)"));
        const std::optional<int> length = wholeNumber(call.arguments.at(0), 1, 10000);
        if (!length)
            return filterError(
                call, TemplateError::Kind::FilterArguments,
                QStringLiteral("truncate's length must be a whole number from 1 to 10000, not '%1'")
                    .arg(call.arguments.at(0)),
                QStringLiteral("длина в truncate — целое число от 1 до 10000, а не «%1»").arg(call.arguments.at(0)));
        filter.kind = FilterKind::Truncate;
        filter.count = *length;
        return filter;
    }
    if (name == QStringLiteral("number")) {
        if (n > 1)
            return argumentCountError(call, QStringLiteral("0 or 1 argument (decimal places)"),
                                      QStringLiteral("0 или 1 аргумент (знаков после запятой)"));
        filter.kind = FilterKind::Number;
        icu::number::LocalizedNumberFormatter formatter = icu::number::NumberFormatter::withLocale(program.locale);
        if (n == 1) {
            const std::optional<int> decimals = wholeNumber(call.arguments.at(0), 0, 6);
            if (!decimals)
                return filterError(
                    call, TemplateError::Kind::FilterArguments,
                    QStringLiteral("number's decimal places must be 0 to 6, not '%1'").arg(call.arguments.at(0)),
                    QStringLiteral("знаков после запятой в number — от 0 до 6, а не «%1»").arg(call.arguments.at(0)));
            formatter = formatter.precision(icu::number::Precision::fixedFraction(*decimals));
        }
        filter.formatter = std::make_shared<icu::number::LocalizedNumberFormatter>(std::move(formatter));
        return filter;
    }
    if (name == QStringLiteral("currency")) {
        if (n != 1)
            return argumentCountError(call, QStringLiteral("1 argument (an ISO 4217 code such as RUB)"),
                                      QStringLiteral("1 аргумент (код ISO 4217, например RUB)"));
        const QString code = call.arguments.at(0);
        std::u16string code16 = code.toStdU16String();
        UErrorCode ustatus = U_ZERO_ERROR;
        const bool known =
            code.size() == 3 && code == code.toUpper()
            && ucurr_isAvailable(reinterpret_cast<const UChar *>(code16.c_str()), U_DATE_MIN, U_DATE_MAX, &ustatus);
        if (!known)
            return filterError(call, TemplateError::Kind::FilterArguments,
                               QStringLiteral("'%1' is not an ISO 4217 currency code (e.g. RUB, USD, EUR)").arg(code),
                               QStringLiteral("«%1» — не код валюты ISO 4217 (например RUB, USD, EUR)").arg(code));
        icu::ErrorCode status;
        icu::CurrencyUnit unit(code16.c_str(), status);
        filter.kind = FilterKind::Currency;
        filter.formatter = std::make_shared<icu::number::LocalizedNumberFormatter>(
            icu::number::NumberFormatter::withLocale(program.locale).unit(unit));
        return filter;
    }
    if (name == QStringLiteral("date") || name == QStringLiteral("datetime")) {
        if (n > 1)
            return argumentCountError(call, QStringLiteral("0 or 1 argument (short, medium, long or full)"),
                                      QStringLiteral("0 или 1 аргумент (short, medium, long или full)"));
        const QString styleName = n ? call.arguments.at(0) : QStringLiteral("medium");
        const std::optional<icu::DateFormat::EStyle> style = dateStyle(styleName);
        if (!style)
            return filterError(
                call, TemplateError::Kind::FilterArguments,
                QStringLiteral("date style must be short, medium, long or full, not '%1'").arg(styleName),
                QStringLiteral("стиль даты — short, medium, long или full, а не «%1»").arg(styleName));
        filter.kind = name == QStringLiteral("date") ? FilterKind::Date : FilterKind::DateTime;
        filter.count = int(*style);
        return filter;
    }
    if (name == QStringLiteral("plural")) {
        if (n == 0)
            return argumentCountError(call, QStringLiteral("the word forms, e.g. plural:товар,товара,товаров"),
                                      QStringLiteral("формы слова, например plural:товар,товара,товаров"));
        return compilePlural(call, program);
    }
    return filterError(call, TemplateError::Kind::UnknownFilter,
                       QStringLiteral("unknown filter '%1'; known filters: %2").arg(name, filterNames()),
                       QStringLiteral("неизвестный фильтр «%1»; доступны: %2").arg(name, filterNames()));
}

TemplateError missingVariable(const Expression &expression)
{
    return TemplateError{TemplateError::Kind::MissingVariable,
                         0,
                         0,
                         expression.name,
                         QStringLiteral("variable '%1' has no value (give it one, or a default: {{%1|default:\"…\"}})")
                             .arg(expression.name),
                         QStringLiteral("у переменной «%1» нет значения (задайте его или значение по умолчанию: "
                                        "{{%1|default:\"…\"}})")
                             .arg(expression.name)};
}

Result<void, TemplateError> appendPlain(std::string &out, const nlohmann::json &value, const Expression &expression)
{
    switch (value.type()) {
    case nlohmann::json::value_t::string: out += value.get_ref<const std::string &>(); return {};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: appendNumberText(out, value); return {};
    case nlohmann::json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return {};
    default: break;
    }
    const bool isList = value.is_array();
    return TemplateError{TemplateError::Kind::WrongType,
                         0,
                         0,
                         expression.name,
                         QStringLiteral("variable '%1' is %2, not text")
                             .arg(expression.name, isList ? QStringLiteral("a list") : QStringLiteral("an object")),
                         QStringLiteral("переменная «%1» — %2, а не текст")
                             .arg(expression.name, isList ? QStringLiteral("список") : QStringLiteral("объект"))};
}

Result<void, TemplateError> applyFilter(const Filter &filter, FilterValue &value, const Expression &expression,
                                        const Program &program, const CompiledTemplate::RenderOptions &options)
{
    if (filter.kind == FilterKind::Default) {
        if (value.isMissing() || textOf(value).empty()) {
            value.text = filter.text;
            value.isText = true;
        }
        return {};
    }
    if (value.isMissing())
        return missingVariable(expression);

    switch (filter.kind) {
    case FilterKind::Default: break;
    case FilterKind::Upper:
    case FilterKind::Lower:
    case FilterKind::Capitalize: {
        icu::UnicodeString text = icu::UnicodeString::fromUTF8(textOf(value));
        if (filter.kind == FilterKind::Upper) {
            text.toUpper(program.locale);
        } else if (filter.kind == FilterKind::Lower) {
            text.toLower(program.locale);
        } else if (!text.isEmpty()) {
            const int32_t length = U16_LENGTH(text.char32At(0));
            icu::UnicodeString first = text.tempSubString(0, length);
            first.toUpper(program.locale);
            text.replace(0, length, first);
        }
        setText(value, text);
        break;
    }
    case FilterKind::Truncate: {
        const std::string_view text = textOf(value);
        std::size_t codePoints = 0;
        std::size_t cut = text.size();
        for (std::size_t i = 0; i < text.size(); ++i) {
            if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
                continue;
            if (codePoints == std::size_t(filter.count - 1))
                cut = i;
            ++codePoints;
        }
        if (codePoints > std::size_t(filter.count)) {
            std::string shortened(text.substr(0, cut));
            shortened += "\u2026";
            value.text = std::move(shortened);
            value.isText = true;
        }
        break;
    }
    case FilterKind::Number:
    case FilterKind::Currency: {
        const std::optional<Number> number = numberOf(value);
        if (!number)
            return wrongType(expression,
                             filter.kind == FilterKind::Number ? QStringLiteral("number") : QStringLiteral("currency"),
                             QStringLiteral("a number"), QStringLiteral("числом"), textOf(value));
        std::string out;
        formatNumber(numberFormatter(filter, program, formatLocale(program, options.locale)), *number, out);
        value.text = std::move(out);
        value.isText = true;
        break;
    }
    case FilterKind::Date:
    case FilterKind::DateTime: {
        UDate when = 0;
        bool dateOnly = false;
        if (!value.isText && value.json->is_number()) {
            when = value.json->get<double>();
        } else {
            const std::string_view text = textOf(value);
            const QString iso = QString::fromUtf8(text.data(), qsizetype(text.size()));
            QDateTime parsed = QDateTime::fromString(iso, Qt::ISODateWithMs);
            if (!parsed.isValid()) {
                const QDate date = QDate::fromString(iso, Qt::ISODate);
                dateOnly = date.isValid();
                parsed = date.startOfDay(Qt::UTC);
            }
            if (!parsed.isValid())
                return wrongType(expression, QStringLiteral("date"),
                                 QStringLiteral("a date (ISO 8601 or milliseconds since 1970)"),
                                 QStringLiteral("датой (ISO 8601 или миллисекунды с 1970 года)"), text);
            when = UDate(parsed.toMSecsSinceEpoch());
        }
        icu::DateFormat *format =
            dateFormatter(formatLocale(program, options.locale), filter.count, filter.kind == FilterKind::DateTime,
                          dateOnly ? std::string_view() : options.timeZone);
        if (!format)
            return wrongType(expression, QStringLiteral("date"), QStringLiteral("a date"), QStringLiteral("датой"),
                             "?");
        icu::UnicodeString text;
        format->format(when, text);
        setText(value, text);
        break;
    }
    case FilterKind::Plural: {
        const std::optional<Number> number = numberOf(value);
        if (!number)
            return wrongType(expression, QStringLiteral("plural"), QStringLiteral("a number"), QStringLiteral("числом"),
                             textOf(value));
        const PluralForms &forms = *filter.plural;
        const int category = categoryIndex(forms.rules->select(number->value));
        const std::string &form = forms.forms[forms.present[category] ? category : forms.fallback];
        if (!forms.needsNumber) {
            value.text = form;
        } else {
            std::string formatted;
            formatNumber(numberFormatter(filter, program, formatLocale(program, options.locale)), *number, formatted);
            std::string out;
            for (const char c : form) {
                if (c == '#')
                    out += formatted;
                else
                    out += c;
            }
            value.text = std::move(out);
        }
        value.isText = true;
        break;
    }
    }
    return {};
}

} // namespace vestnik::detail
