#include "template/TemplateCompiler.h"

#include "template/TemplateFilters_p.h"
#include "template/TemplateProgram_p.h"

#include <QChar>

#include <optional>
#include <unicode/errorcode.h>

namespace vestnik {

using detail::Op;
using detail::Program;

namespace {

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

bool isIdentifierStart(char32_t c)
{
    return c == U'_' || QChar::isLetter(c);
}

bool isIdentifierPart(char32_t c)
{
    if (isIdentifierStart(c) || QChar::isDigit(c))
        return true;
    const QChar::Category category = QChar::category(c);
    return category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining;
}

bool isSpace(char32_t c)
{
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r';
}

QString toQString(const std::u32string &s, std::size_t from, std::size_t to)
{
    return QString::fromUcs4(s.data() + from, qsizetype(to - from));
}

// One pass over the source, emitting the program as it goes.
class Parser final
{
public:
    Parser(const QString &source, Program &program) : m_program(program)
    {
        const QList<uint> ucs4 = source.toUcs4();
        m_src.assign(ucs4.cbegin(), ucs4.cend());
    }

    std::optional<TemplateError> run();

private:
    struct Section {
        enum Kind { If, Unless, Mustache, InvertedMustache } kind;
        QString name; ///< the variable (for Mustache closing tags)
        std::size_t offset;
        std::uint32_t branchOp;
        std::optional<std::uint32_t> elseJumpOp;
    };

    // position of an offset, 1-based
    std::pair<int, int> position(std::size_t offset) const
    {
        int line = 1;
        int column = 1;
        for (std::size_t i = 0; i < offset && i < m_src.size(); ++i) {
            if (m_src[i] == U'\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        return {line, column};
    }

    TemplateError error(TemplateError::Kind kind, std::size_t offset, QString en, QString ru) const
    {
        const auto [line, column] = position(offset);
        return TemplateError{kind, line, column, QString(), std::move(en), std::move(ru)};
    }

    char32_t at(std::size_t i) const { return i < m_src.size() ? m_src[i] : U'\0'; }

    void flushText();
    std::optional<TemplateError> parseTag();
    std::optional<TemplateError> parseExpression(std::size_t from, std::size_t to);
    std::optional<TemplateError> parsePath(std::size_t &i, std::size_t to, VariablePath &path, QString &name);
    std::optional<TemplateError> openSection(Section::Kind kind, std::size_t from, std::size_t to, std::size_t tag);
    std::optional<TemplateError> elseSection(std::size_t tag);
    std::optional<TemplateError> closeSection(std::size_t from, std::size_t to, std::size_t tag);
    std::uint32_t emit(Op::Kind kind, std::uint32_t index = 0)
    {
        m_program.ops.push_back(Op{kind, index, 0});
        return std::uint32_t(m_program.ops.size() - 1);
    }
    void noteVariable(const QString &name)
    {
        if (!m_program.variables.contains(name))
            m_program.variables.append(name);
    }

    Program &m_program;
    std::u32string m_src;
    std::size_t m_pos = 0;
    std::string m_text;
    std::vector<Section> m_sections;
};

void Parser::flushText()
{
    if (m_text.empty())
        return;
    std::string json;
    detail::appendJsonEscaped(json, m_text);
    m_program.texts.push_back(std::move(m_text));
    m_program.jsonTexts.push_back(std::move(json));
    emit(Op::Text, std::uint32_t(m_program.texts.size() - 1));
    m_text.clear();
}

std::optional<TemplateError> Parser::run()
{
    while (m_pos < m_src.size()) {
        const char32_t c = m_src[m_pos];
        if (c == U'\\' && (at(m_pos + 1) == U'{' || at(m_pos + 1) == U'}' || at(m_pos + 1) == U'\\')) {
            appendUtf8(m_text, at(m_pos + 1));
            m_pos += 2;
            continue;
        }
        if (c == U'{' && at(m_pos + 1) == U'{') {
            flushText();
            if (auto err = parseTag())
                return err;
            continue;
        }
        if (c == U'}' && at(m_pos + 1) == U'}') {
            return error(TemplateError::Kind::Syntax, m_pos,
                         QStringLiteral("'}}' without an opening '{{' (write \\}} for literal braces)"),
                         QStringLiteral("«}}» без открывающих «{{» (для обычных скобок пишите \\}})"));
        }
        appendUtf8(m_text, c);
        ++m_pos;
    }
    flushText();
    if (!m_sections.empty()) {
        const Section &open = m_sections.back();
        return error(TemplateError::Kind::Section, open.offset,
                     QStringLiteral("section '%1' is never closed").arg(open.name),
                     QStringLiteral("секция «%1» не закрыта").arg(open.name));
    }
    return std::nullopt;
}

std::optional<TemplateError> Parser::parseTag()
{
    const std::size_t tag = m_pos;
    const bool triple = at(m_pos + 2) == U'{';
    std::size_t i = m_pos + (triple ? 3 : 2);
    const std::size_t contentStart = i;
    bool inQuote = false;
    for (; i < m_src.size(); ++i) {
        const char32_t c = m_src[i];
        if (inQuote) {
            if (c == U'\\')
                ++i;
            else if (c == U'"')
                inQuote = false;
            continue;
        }
        if (c == U'"') {
            inQuote = true;
        } else if (c == U'}' && at(i + 1) == U'}') {
            break;
        } else if (c == U'{' && at(i + 1) == U'{') {
            i = m_src.size();
            break;
        }
    }
    if (i >= m_src.size()) {
        return error(TemplateError::Kind::Syntax, tag, QStringLiteral("tag is not closed: expected '}}'"),
                     QStringLiteral("тег не закрыт: ожидалось «}}»"));
    }
    const std::size_t contentEnd = i;
    m_pos = i + 2;
    if (triple) {
        if (at(m_pos) != U'}')
            return error(TemplateError::Kind::Syntax, tag, QStringLiteral("'{{{' must be closed with '}}}'"),
                         QStringLiteral("«{{{» нужно закрыть «}}}»"));
        ++m_pos;
    }

    std::size_t from = contentStart;
    std::size_t to = contentEnd;
    while (from < to && isSpace(m_src[from]))
        ++from;
    while (to > from && isSpace(m_src[to - 1]))
        --to;
    if (from == to) {
        return error(TemplateError::Kind::Syntax, tag, QStringLiteral("empty tag: write a variable name, e.g. {{имя}}"),
                     QStringLiteral("пустой тег: укажите имя переменной, например {{имя}}"));
    }
    const char32_t sigil = m_src[from];
    if (!triple) {
        switch (sigil) {
        case U'!': return std::nullopt; // comment
        case U'#': {
            std::size_t j = from + 1;
            const auto keyword = [&](std::u32string_view word) {
                const std::size_t end = j + word.size();
                return m_src.compare(j, word.size(), word) == 0 && (end >= to || isSpace(m_src[end]));
            };
            if (keyword(U"if"))
                return openSection(Section::If, j + 2, to, tag);
            if (keyword(U"unless"))
                return openSection(Section::Unless, j + 6, to, tag);
            return openSection(Section::Mustache, j, to, tag);
        }
        case U'^': return openSection(Section::InvertedMustache, from + 1, to, tag);
        case U'/': return closeSection(from + 1, to, tag);
        case U'&': return parseExpression(from + 1, to);
        default: break;
        }
        if (m_src.compare(from, to - from, U"else") == 0)
            return elseSection(tag);
    }
    return parseExpression(from, to);
}

std::optional<TemplateError> Parser::parsePath(std::size_t &i, std::size_t to, VariablePath &path, QString &name)
{
    while (i < to && isSpace(m_src[i]))
        ++i;
    const std::size_t start = i;
    for (;;) {
        if (i >= to || !isIdentifierStart(m_src[i])) {
            if (i < to && QChar::isDigit(m_src[i])) {
                return error(TemplateError::Kind::Syntax, i,
                             QStringLiteral("a variable name cannot start with a digit"),
                             QStringLiteral("имя переменной не может начинаться с цифры"));
            }
            return error(TemplateError::Kind::Syntax, i,
                         i < to ? QStringLiteral("expected a variable name, found '%1'").arg(toQString(m_src, i, i + 1))
                                : QStringLiteral("expected a variable name"),
                         i < to ? QStringLiteral("ожидалось имя переменной, а не «%1»").arg(toQString(m_src, i, i + 1))
                                : QStringLiteral("ожидалось имя переменной"));
        }
        std::string segment;
        while (i < to && isIdentifierPart(m_src[i]))
            appendUtf8(segment, m_src[i++]);
        path.push_back(std::move(segment));
        if (i < to && m_src[i] == U'.') {
            ++i;
            continue;
        }
        break;
    }
    name = toQString(m_src, start, i);
    return std::nullopt;
}

std::optional<TemplateError> Parser::parseExpression(std::size_t from, std::size_t to)
{
    detail::Expression expr;
    std::size_t i = from;
    if (auto err = parsePath(i, to, expr.path, expr.name))
        return err;
    std::tie(expr.line, expr.column) = position(from);
    while (i < to && isSpace(m_src[i]))
        ++i;
    while (i < to) {
        if (m_src[i] != U'|') {
            return error(TemplateError::Kind::Syntax, i,
                         QStringLiteral("unexpected '%1' after '%2' (filters are written {{%2|filter}})")
                             .arg(toQString(m_src, i, i + 1), expr.name),
                         QStringLiteral("лишний символ «%1» после «%2» (фильтры пишутся так: {{%2|фильтр}})")
                             .arg(toQString(m_src, i, i + 1), expr.name));
        }
        ++i;
        while (i < to && isSpace(m_src[i]))
            ++i;
        detail::FilterCall call;
        std::tie(call.line, call.column) = position(i);
        const std::size_t nameStart = i;
        while (i < to && (isIdentifierPart(m_src[i])))
            ++i;
        call.name = toQString(m_src, nameStart, i);
        if (call.name.isEmpty()) {
            return error(TemplateError::Kind::Syntax, nameStart, QStringLiteral("expected a filter name after '|'"),
                         QStringLiteral("после «|» ожидалось имя фильтра"));
        }
        while (i < to && isSpace(m_src[i]))
            ++i;
        if (i < to && m_src[i] == U':') {
            ++i;
            for (;;) {
                while (i < to && isSpace(m_src[i]))
                    ++i;
                const std::size_t argStart = i;
                QString argument;
                bool named = false;
                if (i < to && m_src[i] == U'"') {
                    ++i;
                    std::u32string unquoted;
                    while (i < to && m_src[i] != U'"') {
                        if (m_src[i] == U'\\' && i + 1 < to)
                            ++i;
                        unquoted += m_src[i++];
                    }
                    if (i >= to) {
                        return error(TemplateError::Kind::Syntax, argStart,
                                     QStringLiteral("quoted argument is not closed: expected '\"'"),
                                     QStringLiteral("аргумент в кавычках не закрыт: ожидалась «\"»"));
                    }
                    ++i;
                    argument = QString::fromUcs4(unquoted.data(), qsizetype(unquoted.size()));
                } else {
                    while (i < to && m_src[i] != U',' && m_src[i] != U'|')
                        ++i;
                    argument = toQString(m_src, argStart, i).trimmed();
                    // `one=товар` names a plural form; a quoted value may follow the '='
                    const qsizetype eq = argument.indexOf(QLatin1Char('='));
                    named = eq > 0;
                    if (argument.isEmpty()) {
                        return error(TemplateError::Kind::FilterArguments, argStart,
                                     QStringLiteral("empty argument for filter '%1'").arg(call.name),
                                     QStringLiteral("пустой аргумент у фильтра «%1»").arg(call.name));
                    }
                }
                call.arguments << argument;
                call.isNamed << named;
                while (i < to && isSpace(m_src[i]))
                    ++i;
                if (i < to && m_src[i] == U',') {
                    ++i;
                    continue;
                }
                break;
            }
        }
        Result<detail::Filter, TemplateError> filter = detail::compileFilter(call, m_program);
        if (!filter)
            return filter.error();
        if (filter->kind == detail::FilterKind::Default)
            expr.hasDefault = true;
        expr.filters.push_back(std::move(*filter));
        while (i < to && isSpace(m_src[i]))
            ++i;
    }
    noteVariable(expr.name);
    m_program.exprs.push_back(std::move(expr));
    emit(Op::Expr, std::uint32_t(m_program.exprs.size() - 1));
    return std::nullopt;
}

std::optional<TemplateError> Parser::openSection(Section::Kind kind, std::size_t from, std::size_t to, std::size_t tag)
{
    VariablePath path;
    QString name;
    std::size_t i = from;
    if (auto err = parsePath(i, to, path, name))
        return err;
    while (i < to && isSpace(m_src[i]))
        ++i;
    if (i < to) {
        return error(
            TemplateError::Kind::Syntax, i,
            QStringLiteral("a condition takes one variable; unexpected '%1'").arg(toQString(m_src, i, i + 1)),
            QStringLiteral("условие проверяет одну переменную; лишний символ «%1»").arg(toQString(m_src, i, i + 1)));
    }
    noteVariable(name);
    m_program.conditions.push_back(std::move(path));
    const auto index = std::uint32_t(m_program.conditions.size() - 1);
    const bool negate = kind == Section::Unless || kind == Section::InvertedMustache;
    const std::uint32_t op = emit(negate ? Op::JumpIfTrue : Op::JumpIfFalse, index);
    m_sections.push_back(Section{kind, name, tag, op, std::nullopt});
    return std::nullopt;
}

std::optional<TemplateError> Parser::elseSection(std::size_t tag)
{
    if (m_sections.empty()) {
        return error(TemplateError::Kind::Section, tag, QStringLiteral("{{else}} outside {{#if}}…{{/if}}"),
                     QStringLiteral("{{else}} вне {{#if}}…{{/if}}"));
    }
    Section &open = m_sections.back();
    if (open.elseJumpOp) {
        return error(TemplateError::Kind::Section, tag,
                     QStringLiteral("second {{else}} in section '%1'").arg(open.name),
                     QStringLiteral("второй {{else}} в секции «%1»").arg(open.name));
    }
    open.elseJumpOp = emit(Op::Jump);
    m_program.ops[open.branchOp].target = std::uint32_t(m_program.ops.size());
    return std::nullopt;
}

std::optional<TemplateError> Parser::closeSection(std::size_t from, std::size_t to, std::size_t tag)
{
    while (from < to && isSpace(m_src[from]))
        ++from;
    const QString closing = toQString(m_src, from, to);
    if (m_sections.empty()) {
        return error(TemplateError::Kind::Section, tag,
                     QStringLiteral("{{/%1}} closes a section that was never opened").arg(closing),
                     QStringLiteral("{{/%1}} закрывает секцию, которая не была открыта").arg(closing));
    }
    const Section open = m_sections.back();
    const QString expected = open.kind == Section::If       ? QStringLiteral("if")
                             : open.kind == Section::Unless ? QStringLiteral("unless")
                                                            : open.name;
    if (closing != expected) {
        const auto [line, column] = position(open.offset);
        return error(TemplateError::Kind::Section, tag,
                     QStringLiteral("{{/%1}} does not match the section opened at line %2, column %3; expected {{/%4}}")
                         .arg(closing)
                         .arg(line)
                         .arg(column)
                         .arg(expected),
                     QStringLiteral("{{/%1}} не соответствует секции, открытой в строке %2, столбце %3; "
                                    "ожидалось {{/%4}}")
                         .arg(closing)
                         .arg(line)
                         .arg(column)
                         .arg(expected));
    }
    const auto end = std::uint32_t(m_program.ops.size());
    if (open.elseJumpOp)
        m_program.ops[*open.elseJumpOp].target = end;
    else
        m_program.ops[open.branchOp].target = end;
    m_sections.pop_back();
    return std::nullopt;
}

} // namespace

Result<CompiledTemplate, TemplateError> TemplateCompiler::compile(const QString &source, const QString &locale)
{
    auto program = std::make_shared<Program>();
    program->localeName = locale;
    icu::ErrorCode status;
    program->locale = icu::Locale::forLanguageTag(locale.toStdString(), status);
    if (status.isFailure() || locale.isEmpty() || program->locale.isBogus()) {
        return TemplateError{
            TemplateError::Kind::Locale,
            0,
            0,
            QString(),
            QStringLiteral("unknown locale '%1' (use a BCP 47 tag such as ru or en-US)").arg(locale),
            QStringLiteral("неизвестная локаль «%1» (укажите тег BCP 47, например ru или en-US)").arg(locale)};
    }
    Parser parser(source, *program);
    if (std::optional<TemplateError> err = parser.run())
        return *err;
    return CompiledTemplate(std::move(program));
}

} // namespace vestnik
