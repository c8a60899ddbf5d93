#pragma once

#include <QJsonObject>
#include <QWidget>

class QTableWidget;
class QPushButton;

namespace vestnik {

class TemplateTextEdit;

/// The texts of a template in one language (one locale tab): title, body, image URL, deep link, up to three
/// buttons and the data fields, as the `title`, `body`, `image_url`, `deep_link`, `buttons` and `data` of the
/// template JSON (docs/api/endpoints-content.md). Every text is template text.
class LocaleEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocaleEditor)

public:
    explicit LocaleEditor(const QString &locale, QWidget *parent = nullptr);

    QString locale() const { return m_locale; }
    /// The non-empty fields, as the template JSON holds them.
    QJsonObject content() const;
    void setContent(const QJsonObject &content);
    /// Every text of the tab, for finding the variables it uses.
    QString allText() const;

    /// The editor of a template field ("title", "body", "image_url", "deep_link"), or null.
    TemplateTextEdit *textEdit(const QString &field) const;
    /// Selects the cell of "buttons.N.label"-like fields; false when `field` is not one of them.
    bool selectTableField(const QString &field);
    void clearErrors();
    void setVariableNames(const QStringList &names);
    void setReadOnly(bool readOnly);

Q_SIGNALS:
    void changed();

private:
    QTableWidget *makeTable(const QStringList &headers, const QString &name);
    QWidget *tableWithButtons(QTableWidget *table, const QString &name, int maxRows);

    QString m_locale;
    TemplateTextEdit *m_title = nullptr;
    TemplateTextEdit *m_body = nullptr;
    TemplateTextEdit *m_imageUrl = nullptr;
    TemplateTextEdit *m_deepLink = nullptr;
    QTableWidget *m_buttons = nullptr;
    QTableWidget *m_data = nullptr;
    QList<QPushButton *> m_tableButtons;
};

} // namespace vestnik
