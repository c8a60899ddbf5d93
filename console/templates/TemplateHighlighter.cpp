#include "TemplateHighlighter.h"

#include "TemplateSyntax.h"

namespace vestnik {

TemplateHighlighter::TemplateHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    // Mid-tone colours that read on the light and the dark theme alike.
    m_tag.setForeground(QColor(0x8a, 0x8f, 0x98));
    m_variable.setForeground(QColor(0x2f, 0x7c, 0xd6));
    m_variable.setFontWeight(QFont::DemiBold);
    m_section.setForeground(QColor(0xa0, 0x5c, 0xc8));
    m_section.setFontWeight(QFont::Bold);
    m_filter.setForeground(QColor(0xd0, 0x7a, 0x1c));
    m_argument.setForeground(QColor(0x3a, 0x9a, 0x4a));
    m_comment.setForeground(QColor(0x8a, 0x8f, 0x98));
    m_comment.setFontItalic(true);
}

void TemplateHighlighter::highlightBlock(const QString &text)
{
    using Kind = TemplateSyntax::Token::Kind;
    for (const TemplateSyntax::Token &token : TemplateSyntax::tokenize(text)) {
        const QTextCharFormat *format = nullptr;
        switch (token.kind) {
        case Kind::Tag: format = &m_tag; break;
        case Kind::Variable: format = &m_variable; break;
        case Kind::Section: format = &m_section; break;
        case Kind::Filter: format = &m_filter; break;
        case Kind::Argument: format = &m_argument; break;
        case Kind::Comment: format = &m_comment; break;
        }
        setFormat(token.start, token.length, *format);
    }
}

} // namespace vestnik
