#include "TemplateTextEdit.h"

#include "TemplateHighlighter.h"
#include "TemplateSyntax.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QScrollBar>
#include <QStringListModel>
#include <QTextBlock>

namespace vestnik {

TemplateTextEdit::TemplateTextEdit(bool singleLine, QWidget *parent)
    : QPlainTextEdit(parent),
      m_singleLine(singleLine),
      m_highlighter(new TemplateHighlighter(document())),
      m_completer(new QCompleter(this)),
      m_names(new QStringListModel(this))
{
    m_completer->setModel(m_names);
    m_completer->setWidget(this);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchStartsWith);
    m_completer->popup()->setObjectName(QStringLiteral("variableCompletionList"));
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &TemplateTextEdit::insertCompletion);
    setTabChangesFocus(true);
    if (m_singleLine) {
        setLineWrapMode(QPlainTextEdit::NoWrap);
        setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        setFixedHeight(sizeHint().height());
    }
    // An edit moves the text under an old underline: the next check (preview) marks it again if still wrong.
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (m_errorPosition >= 0)
            clearError();
    });
}

void TemplateTextEdit::setVariableNames(const QStringList &names)
{
    m_names->setStringList(names);
}

QStringList TemplateTextEdit::variableNames() const
{
    return m_names->stringList();
}

void TemplateTextEdit::markError(int line, int column, const QString &message)
{
    const QTextBlock block = document()->findBlockByNumber(qMax(0, line - 1));
    if (!block.isValid())
        return;
    const QString text = block.text();
    int offset = TemplateSyntax::offsetOfColumn(text, qMax(1, column));
    // Up to the end of the tag at the spot (or of the line), at least one character.
    int end = int(text.indexOf(QStringLiteral("}}"), offset));
    end = end < 0 ? int(text.size()) : end + 2;
    if (offset >= text.size() && offset > 0)
        --offset;
    end = qMax(end, offset + 1);

    QTextEdit::ExtraSelection selection;
    selection.format.setUnderlineStyle(QTextCharFormat::SpellCheckUnderline);
    selection.format.setUnderlineColor(QColor(0xd3, 0x2f, 0x2f));
    selection.format.setToolTip(message);
    selection.cursor = QTextCursor(document());
    selection.cursor.setPosition(block.position() + offset);
    selection.cursor.setPosition(qMin(block.position() + end, document()->characterCount() - 1),
                                 QTextCursor::KeepAnchor);
    m_errorPosition = block.position() + offset;
    setExtraSelections({selection});
    setToolTip(message);
}

void TemplateTextEdit::clearError()
{
    m_errorPosition = -1;
    setExtraSelections({});
    setToolTip(QString());
}

QSize TemplateTextEdit::sizeHint() const
{
    if (!m_singleLine)
        return QPlainTextEdit::sizeHint();
    const int frame = 2 * (frameWidth() + int(document()->documentMargin())) + 2;
    return QSize(QPlainTextEdit::sizeHint().width(), fontMetrics().lineSpacing() + frame);
}

QSize TemplateTextEdit::minimumSizeHint() const
{
    return m_singleLine ? QSize(80, sizeHint().height()) : QPlainTextEdit::minimumSizeHint();
}

void TemplateTextEdit::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        // The popup handles choosing; these keys go to it, not into the text.
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab: event->ignore(); return;
        default: break;
        }
    }
    if (m_singleLine && (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter)) {
        event->ignore();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
    if (!isReadOnly() && !event->text().isEmpty())
        updateCompletion();
}

void TemplateTextEdit::focusInEvent(QFocusEvent *event)
{
    m_completer->setWidget(this);
    QPlainTextEdit::focusInEvent(event);
}

void TemplateTextEdit::updateCompletion()
{
    const QTextCursor cursor = textCursor();
    const QString line = cursor.block().text();
    const int position = cursor.positionInBlock();
    const int start = TemplateSyntax::completionStart(line, position);
    if (start < 0 || m_names->rowCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    const QString prefix = line.mid(start, position - start);
    if (prefix != m_completer->completionPrefix()) {
        m_completer->setCompletionPrefix(prefix);
        m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    }
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0)
                  + m_completer->popup()->verticalScrollBar()->sizeHint().width());
    m_completer->complete(rect);
}

void TemplateTextEdit::insertCompletion(const QString &name)
{
    QTextCursor cursor = textCursor();
    const QString line = cursor.block().text();
    const int position = cursor.positionInBlock();
    const int start = TemplateSyntax::completionStart(line, position);
    if (start < 0)
        return;
    cursor.setPosition(cursor.block().position() + start);
    cursor.setPosition(cursor.block().position() + position, QTextCursor::KeepAnchor);
    // Close the tag unless it already is.
    const QString rest = line.mid(position);
    const bool closed = rest.trimmed().startsWith(QStringLiteral("}}")) || rest.trimmed().startsWith(QLatin1Char('|'));
    cursor.insertText(closed ? name : name + QStringLiteral("}}"));
    setTextCursor(cursor);
}

} // namespace vestnik
