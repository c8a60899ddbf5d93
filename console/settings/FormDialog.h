#pragma once

#include <QDialog>

class QDialogButtonBox;
class QFormLayout;
class QLabel;

namespace vestnik {

/// A small form in a dialog whose OK does not close it: it asks the subclass to submit(), which checks the
/// fields and emits its own signal for the tab to send; the tab closes the dialog when the worker agreed, or
/// shows the worker's refusal in it with showError() so nothing typed is lost. Opened with open(), never exec():
/// the console runs no nested event loops. Deletes itself when closed.
class FormDialog : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FormDialog)

public:
    explicit FormDialog(QWidget *parent = nullptr);

    /// Shows `text` under the form (empty hides it) and makes the form usable again.
    void showError(const QString &text);
    /// While a call is on its way the form cannot be submitted twice.
    void setBusy(bool busy);

protected:
    QFormLayout *form() const { return m_form; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    /// OK was pressed: check the fields (showError() when something is wrong) and emit the request.
    virtual void submit() = 0;

private:
    QFormLayout *m_form = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace vestnik
