#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace vestnik {

/// Colours template tags as the marketer types: `{{`/`}}`, variable names, section keywords, filters and their
/// arguments (plural forms), comments. Reads the text with TemplateSyntax; never blocks or calls the server.
class TemplateHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplateHighlighter)

public:
    explicit TemplateHighlighter(QTextDocument *document);

    /// The format a variable name gets (tests read it back from the document's layout).
    const QTextCharFormat &variableFormat() const { return m_variable; }

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_tag;
    QTextCharFormat m_variable;
    QTextCharFormat m_section;
    QTextCharFormat m_filter;
    QTextCharFormat m_argument;
    QTextCharFormat m_comment;
};

} // namespace vestnik
