#pragma once

#include "settings/FormDialog.h"

class QComboBox;
class QLineEdit;

namespace vestnik {

/// A new console user: login, role and an initial password (typed twice), which the person changes later.
class UserDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserDialog)

public:
    explicit UserDialog(QWidget *parent = nullptr);

Q_SIGNALS:
    void submitted(const QString &login, const QString &role, const QString &password);

protected:
    void submit() override;

private:
    QLineEdit *m_loginEdit = nullptr;
    QComboBox *m_roleCombo = nullptr;
    QLineEdit *m_passwordEdit = nullptr;
    QLineEdit *m_repeatEdit = nullptr;
};

/// A new password for a console user (an administrator resetting a forgotten one).
class PasswordDialog final : public FormDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PasswordDialog)

public:
    explicit PasswordDialog(const QString &login, QWidget *parent = nullptr);

Q_SIGNALS:
    void submitted(const QString &password);

protected:
    void submit() override;

private:
    QLineEdit *m_passwordEdit = nullptr;
    QLineEdit *m_repeatEdit = nullptr;
};

/// Fills `combo` with the console roles in the user's language, their API names as item data.
void addRoles(QComboBox *combo);
/// A role's name in the user's language.
QString roleDisplayName(const QString &role);

} // namespace vestnik
