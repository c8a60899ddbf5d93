#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;

namespace vestnik {

class LocaleEditor;
class PlatformOptionsEditor;

/// The whole template being edited: its id and name, one tab per locale (`localeTabs`; the first is the default
/// locale's texts, the others its `variants`; `addLocaleButton` adds one) and the delivery options. Produces the
/// template JSON the worker's `PUT /v1/templates/{id}` and preview take, and shows the worker's errors where
/// they are.
class TemplateEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplateEditor)

public:
    explicit TemplateEditor(QWidget *parent = nullptr);

    /// An empty template: Russian default texts and an English variant.
    void startNew();
    /// A stored template: its id and the content of a version.
    void load(const QString &templateId, const QJsonObject &content);

    QString templateId() const;
    bool isNew() const { return m_isNew; }
    /// The template JSON as the worker takes it (without the id).
    QJsonObject draft() const;
    /// The locale of the tab shown.
    QString currentLocale() const;
    /// The variables the texts of every locale use.
    QStringList usedVariables() const;

    /// Underlines the errors of a 422 `invalid_template` (`error.details`) in their fields, shows the current
    /// locale's first; the message of each in the field's tooltip.
    void markErrors(const QJsonArray &details);
    void clearErrors();
    void setVariableNames(const QStringList &names);
    void setReadOnly(bool readOnly);
    LocaleEditor *localeEditor(const QString &locale) const;

Q_SIGNALS:
    /// Any text or option changed (not when a template is loaded).
    void changed();
    /// Another locale tab is shown.
    void currentLocaleChanged();

private:
    LocaleEditor *addLocale(const QString &locale);
    void addLocaleFromEdit();
    void removeLocale(int index);

    QLineEdit *m_id = nullptr;
    QLineEdit *m_name = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_newLocale = nullptr;
    QPushButton *m_addLocale = nullptr;
    QLabel *m_localeMessage = nullptr;
    PlatformOptionsEditor *m_options = nullptr;
    QStringList m_variableNames;
    bool m_isNew = true;
    bool m_readOnly = false;
};

} // namespace vestnik
