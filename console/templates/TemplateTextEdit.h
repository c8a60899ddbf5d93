#pragma once

#include <QPlainTextEdit>

class QCompleter;
class QStringListModel;

namespace vestnik {

class TemplateHighlighter;

/// An editor for one template text (title, body, image URL, deep link): tags highlighted as you type, variable
/// names completed after `{{`, and the error the worker reported underlined at its line and column.
/// In single-line mode it looks and behaves like a line edit (Enter does not break the line).
class TemplateTextEdit final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplateTextEdit)

public:
    explicit TemplateTextEdit(bool singleLine, QWidget *parent = nullptr);

    /// The names offered after `{{`.
    void setVariableNames(const QStringList &names);
    QStringList variableNames() const;
    QCompleter *completer() const { return m_completer; }

    /// Underlines the spot of a 1-based line and column (in code points, as the engine counts) with a red
    /// wave up to the end of the tag there; the tooltip says `message`.
    void markError(int line, int column, const QString &message);
    void clearError();
    /// The position (UTF-16, in the document) of the marked error, or -1.
    int errorPosition() const { return m_errorPosition; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;

private:
    void updateCompletion();
    void insertCompletion(const QString &name);

    bool m_singleLine;
    TemplateHighlighter *m_highlighter = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_names = nullptr;
    int m_errorPosition = -1;
};

} // namespace vestnik
