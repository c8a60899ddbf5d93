#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace vestnik {

/// What the console needs to know about template text without compiling it (the worker does that): where the
/// tags are and which variables they name, for highlighting and completion as the marketer types. The syntax is
/// docs/templates.md; anything this reads wrongly only colours wrongly, the worker's check decides.
class TemplateSyntax final
{
public:
    /// One part of a line, for highlighting.
    struct Token {
        enum class Kind {
            Tag,      ///< the braces and separators of `{{...}}`
            Variable, ///< a variable's name or dotted path
            Section,  ///< `#if`, `/if`, `else`, `#name`, `^name`, `#unless`
            Filter,   ///< a filter's name after `|`
            Argument, ///< a filter's arguments (plural forms, lengths, currencies)
            Comment,  ///< `{{! ... }}`
        };
        Kind kind = Kind::Tag;
        int start = 0; ///< in UTF-16 units of the line
        int length = 0;
    };

    /// The tokens of one line (tags do not span lines in push texts).
    static QList<Token> tokenize(const QString &line);
    /// The variables `text` names, each once, in order of appearance ("имя", "товар.название").
    static QStringList variablesIn(const QString &text);
    /// When the cursor at `position` of `line` is inside an open tag's name (`{{им|`), the part typed so far
    /// (possibly empty) and where it starts; otherwise a negative start.
    static int completionStart(const QString &line, int position);
    /// A UTF-16 offset in `line` for a 1-based column counted in code points (as the engine reports errors).
    static int offsetOfColumn(const QString &line, int column);
};

} // namespace vestnik
