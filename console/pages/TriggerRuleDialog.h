#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTimeEdit;

namespace vestnik {

/// Edits one trigger rule: name, event type, template, app, condition (one test built from fields, or any
/// condition as JSON), quiet hours, frequency cap and the enable switch. It only checks shape; the worker
/// checks the rest when the rule is saved and its message is shown here.
class TriggerRuleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerRuleDialog)

public:
    TriggerRuleDialog(const QStringList &templateIds, const QStringList &eventTypes, QWidget *parent = nullptr);

    /// Fills the form from a rule as the API answers it.
    void setRule(const QJsonObject &rule);
    /// The rule as the API takes it; empty when the form is not complete (error() says why).
    QJsonObject rule() const;
    QString error() const { return m_error; }
    /// Shows the worker's refusal and keeps the dialog open.
    void showError(const QString &text);

Q_SIGNALS:
    /// Save was pressed and the form is complete: the page sends rule() and closes the dialog on success.
    void saveRequested();

private:
    void accept() override;
    void conditionModeChanged();
    QJsonValue condition() const;

    QLineEdit *m_nameEdit = nullptr;
    QComboBox *m_eventTypeCombo = nullptr;
    QComboBox *m_templateCombo = nullptr;
    QLineEdit *m_appEdit = nullptr;
    QComboBox *m_conditionModeCombo = nullptr;
    QLineEdit *m_conditionPathEdit = nullptr;
    QComboBox *m_conditionOpCombo = nullptr;
    QLineEdit *m_conditionValueEdit = nullptr;
    QPlainTextEdit *m_conditionJsonEdit = nullptr;
    QCheckBox *m_quietHoursCheck = nullptr;
    QTimeEdit *m_quietStartEdit = nullptr;
    QTimeEdit *m_quietEndEdit = nullptr;
    QSpinBox *m_capCountSpin = nullptr;
    QSpinBox *m_capHoursSpin = nullptr;
    QCheckBox *m_enabledCheck = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    mutable QString m_error;
};

} // namespace vestnik
