#pragma once

#include <QString>

namespace vestnik {

/// A problem with a template a marketer can act on: where it is (for syntax errors), which variable it
/// concerns (for render errors) and what is wrong, in English and Russian.
struct TemplateError {
    enum class Kind {
        Syntax,          ///< the text is not a well-formed template
        UnknownFilter,   ///< `{{x|nosuch}}`
        FilterArguments, ///< wrong number or shape of a filter's arguments
        Section,         ///< unbalanced or mismatched `{{#if}}` / `{{/if}}` / `{{else}}`
        MissingVariable, ///< a variable without a default has no value at render time
        WrongType,       ///< a value cannot be used as the filter needs (e.g. text for `number`)
        Locale,          ///< the locale is not known
    };

    TemplateError() = default;
    TemplateError(Kind k, int atLine, int atColumn, QString aboutVariable, QString english, QString russian)
        : kind(k),
          line(atLine),
          column(atColumn),
          variable(std::move(aboutVariable)),
          messageEn(std::move(english)),
          messageRu(std::move(russian))
    {}

    Kind kind = Kind::Syntax;
    int line = 0;     ///< 1-based; 0 when the error is not tied to a position
    int column = 0;   ///< 1-based, in characters (code points)
    QString variable; ///< the variable concerned, when there is one
    QString messageEn;
    QString messageRu;
    QString field; ///< where in a push template, e.g. "title" or "variants.en.buttons.0.label"

    /// The message in the given language ("ru" gives Russian, anything else English), with its field and
    /// position.
    QString message(const QString &language = QStringLiteral("en")) const;
    /// Stable machine name of the kind ("syntax", "missing_variable", ...).
    QString kindName() const;
};

} // namespace vestnik
