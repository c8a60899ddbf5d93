#include "TemplateSyntax.h"

namespace vestnik {

namespace {

bool isNameCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('.') || c.isMark();
}

/// Where the tag that opens at `open` ("{{") closes: the index after "}}" (or "}}}"), or the line's end.
int tagEnd(const QString &line, int open)
{
    const int close = int(line.indexOf(QStringLiteral("}}"), open + 2));
    if (close < 0)
        return int(line.size());
    int end = close + 2;
    if (end < line.size() && line.at(end) == QLatin1Char('}'))
        ++end;
    return end;
}

/// Tokens inside one tag's braces: [begin, end) of the inner text.
void tokenizeInner(const QString &line, int begin, int end, QList<TemplateSyntax::Token> &tokens)
{
    using Kind = TemplateSyntax::Token::Kind;
    int i = begin;
    while (i < end && line.at(i).isSpace())
        ++i;
    if (i < end && line.at(i) == QLatin1Char('!')) {
        tokens.append({Kind::Comment, i, end - i});
        return;
    }
    if (i < end && QStringLiteral("#/^&").contains(line.at(i))) {
        int word = i + 1;
        while (word < end && (line.at(word).isLetter()))
            ++word;
        const QString keyword = line.mid(i + 1, word - i - 1);
        const bool isKeyword = keyword == QStringLiteral("if") || keyword == QStringLiteral("unless");
        if (line.at(i) != QLatin1Char('&'))
            tokens.append({Kind::Section, i, isKeyword ? word - i : 1});
        i = isKeyword ? word : i + 1;
    }
    while (i < end && line.at(i).isSpace())
        ++i;
    int nameEnd = i;
    while (nameEnd < end && isNameCharacter(line.at(nameEnd)))
        ++nameEnd;
    if (nameEnd > i) {
        const bool isElse = line.mid(i, nameEnd - i) == QStringLiteral("else");
        tokens.append({isElse ? Kind::Section : Kind::Variable, i, nameEnd - i});
    }
    // Filters: "| name : arguments" up to the next '|' outside quotes.
    int at = nameEnd;
    bool quoted = false;
    while (at < end) {
        const QChar c = line.at(at);
        if (c == QLatin1Char('\\')) {
            at += 2;
            continue;
        }
        if (c == QLatin1Char('"'))
            quoted = !quoted;
        if (c == QLatin1Char('|') && !quoted) {
            int name = at + 1;
            while (name < end && line.at(name).isSpace())
                ++name;
            int nameStop = name;
            while (nameStop < end && isNameCharacter(line.at(nameStop)))
                ++nameStop;
            if (nameStop > name)
                tokens.append({Kind::Filter, name, nameStop - name});
            int colon = nameStop;
            while (colon < end && line.at(colon).isSpace())
                ++colon;
            if (colon < end && line.at(colon) == QLatin1Char(':')) {
                int stop = colon + 1;
                bool inQuotes = false;
                while (stop < end && (inQuotes || line.at(stop) != QLatin1Char('|'))) {
                    if (line.at(stop) == QLatin1Char('\\'))
                        ++stop;
                    else if (line.at(stop) == QLatin1Char('"'))
                        inQuotes = !inQuotes;
                    ++stop;
                }
                stop = qMin(stop, end);
                tokens.append({Kind::Argument, colon + 1, stop - colon - 1});
                at = stop;
                continue;
            }
            at = nameStop;
            continue;
        }
        ++at;
    }
}

} // namespace

QList<TemplateSyntax::Token> TemplateSyntax::tokenize(const QString &line)
{
    QList<Token> tokens;
    int i = 0;
    while (i < line.size()) {
        if (line.at(i) == QLatin1Char('\\')) {
            i += 2; // \{{ \}} \\ are literal text
            continue;
        }
        if (line.at(i) != QLatin1Char('{') || i + 1 >= line.size() || line.at(i + 1) != QLatin1Char('{')) {
            ++i;
            continue;
        }
        const int end = tagEnd(line, i);
        tokens.append({Token::Kind::Tag, i, end - i});
        int innerBegin = i + 2;
        if (innerBegin < line.size() && line.at(innerBegin) == QLatin1Char('{'))
            ++innerBegin;
        int innerEnd = end;
        if (line.mid(end - 2, 2) == QStringLiteral("}}")) {
            innerEnd = end - 2;
            if (end - i >= 7 && line.at(innerEnd - 1) == QLatin1Char('}'))
                --innerEnd;
        }
        tokenizeInner(line, innerBegin, qMax(innerBegin, innerEnd), tokens);
        i = end;
    }
    return tokens;
}

QStringList TemplateSyntax::variablesIn(const QString &text)
{
    QStringList names;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        for (const Token &token : tokenize(line)) {
            if (token.kind != Token::Kind::Variable)
                continue;
            const QString name = line.mid(token.start, token.length);
            if (!name.isEmpty() && !name.at(0).isDigit() && !names.contains(name))
                names.append(name);
        }
    }
    return names;
}

int TemplateSyntax::completionStart(const QString &line, int position)
{
    const int open = int(line.lastIndexOf(QStringLiteral("{{"), position - 2 < 0 ? 0 : position - 2));
    if (open < 0 || open + 2 > position || (open > 0 && line.at(open - 1) == QLatin1Char('\\')))
        return -1;
    if (line.indexOf(QStringLiteral("}}"), open) >= 0 && line.indexOf(QStringLiteral("}}"), open) < position)
        return -1;
    int start = open + 2;
    while (start < position
           && (line.at(start) == QLatin1Char('{') || line.at(start) == QLatin1Char('&')
               || line.at(start) == QLatin1Char('#') || line.at(start) == QLatin1Char('^')))
        ++start;
    for (const QString &keyword : {QStringLiteral("if "), QStringLiteral("unless ")}) {
        if (line.mid(start, keyword.size()) == keyword && start + keyword.size() <= position)
            start += int(keyword.size());
    }
    while (start < position && line.at(start).isSpace())
        ++start;
    for (int i = start; i < position; ++i) {
        if (!isNameCharacter(line.at(i)))
            return -1;
    }
    return start;
}

int TemplateSyntax::offsetOfColumn(const QString &line, int column)
{
    int offset = 0;
    for (int codePoint = 1; codePoint < column && offset < line.size(); ++codePoint)
        offset += (line.at(offset).isHighSurrogate() && offset + 1 < line.size()) ? 2 : 1;
    return qMin(offset, int(line.size()));
}

} // namespace vestnik
