#pragma once

// Private to shared/template: the compiled, immutable form of a template. Not part of the public headers so
// that ICU stays out of everything that includes them.

#include "template/VariableLookup.h"

#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/plurrule.h>
#include <vector>

namespace vestnik::detail {

enum class FilterKind : std::uint8_t {
    Default,
    Upper,
    Lower,
    Capitalize,
    Truncate,
    Number,
    Currency,
    Date,
    DateTime,
    Plural,
};

/// CLDR plural categories in canonical order.
enum PluralCategory : std::uint8_t { Zero, One, Two, Few, Many, Other, CategoryCount };

struct PluralForms {
    std::shared_ptr<const icu::PluralRules> rules;
    std::array<std::string, CategoryCount> forms;
    std::array<bool, CategoryCount> present{};
    std::uint8_t fallback = Other; ///< used for a category that has no form (fractions without "other")
    bool needsNumber = false;      ///< some form contains '#'
};

struct Filter {
    FilterKind kind = FilterKind::Default;
    std::string text;                                                       ///< default's text
    int count = 0;                                                          ///< truncate's length; date style
    std::shared_ptr<const icu::number::LocalizedNumberFormatter> formatter; ///< number, currency, plural's '#'
    std::shared_ptr<const PluralForms> plural;
};

struct Expression {
    VariablePath path;
    QString name; ///< as written, for messages
    std::vector<Filter> filters;
    bool hasDefault = false;
    int line = 0;
    int column = 0;
};

struct Op {
    enum Kind : std::uint8_t { Text, Expr, JumpIfFalse, JumpIfTrue, Jump };
    Kind kind = Text;
    std::uint32_t index = 0;  ///< into texts, exprs or conditions
    std::uint32_t target = 0; ///< for jumps: the op to continue at
};

struct Program {
    QString localeName;
    icu::Locale locale;
    std::vector<Op> ops;
    std::vector<std::string> texts;     ///< literal text as written
    std::vector<std::string> jsonTexts; ///< the same, escaped for a JSON string
    std::vector<Expression> exprs;
    std::vector<VariablePath> conditions;
    QStringList variables; ///< every variable the template reads, once each
};

/// Appends `text` escaped as JSON string content (quotes, backslashes, control characters).
void appendJsonEscaped(std::string &out, std::string_view text);

} // namespace vestnik::detail
