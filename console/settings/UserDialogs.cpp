#include "settings/UserDialogs.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>

namespace vestnik {

namespace {

/// The worker's own rule (IdentityService); checked here too so that a typo costs no round trip.
constexpr int kMinimumPasswordLength = 10;

QLineEdit *passwordEdit(const QString &objectName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setEchoMode(QLineEdit::Password);
    return edit;
}

/// Why the two typed passwords cannot be used, or an empty string.
QString passwordProblem(const QString &password, const QString &repeated)
{
    if (password.toUcs4().size() < kMinimumPasswordLength)
        return UserDialog::tr("A password needs at least %n character(s).", nullptr, kMinimumPasswordLength);
    if (password != repeated)
        return UserDialog::tr("The two passwords differ.");
    return QString();
}

} // namespace

void addRoles(QComboBox *combo)
{
    for (const QString &role : {QStringLiteral("admin"), QStringLiteral("marketer"), QStringLiteral("analyst")})
        combo->addItem(roleDisplayName(role), role);
}

QString roleDisplayName(const QString &role)
{
    if (role == QStringLiteral("admin"))
        return UserDialog::tr("Administrator");
    if (role == QStringLiteral("marketer"))
        return UserDialog::tr("Marketer");
    if (role == QStringLiteral("analyst"))
        return UserDialog::tr("Analyst");
    return role;
}

UserDialog::UserDialog(QWidget *parent) : FormDialog(parent)
{
    setObjectName(QStringLiteral("userDialog"));
    setWindowTitle(tr("New console user"));
    m_loginEdit = new QLineEdit(this);
    m_loginEdit->setObjectName(QStringLiteral("userLoginEdit"));
    m_roleCombo = new QComboBox(this);
    m_roleCombo->setObjectName(QStringLiteral("userRoleCombo"));
    addRoles(m_roleCombo);
    m_roleCombo->setCurrentIndex(m_roleCombo->findData(QStringLiteral("marketer")));
    m_roleCombo->setToolTip(tr("Administrators manage apps, users and API clients; marketers edit templates and "
                               "trigger rules; analysts only read."));
    m_passwordEdit = passwordEdit(QStringLiteral("userPasswordEdit"), this);
    m_repeatEdit = passwordEdit(QStringLiteral("userPasswordRepeatEdit"), this);
    form()->addRow(tr("&Login:"), m_loginEdit);
    form()->addRow(tr("&Role:"), m_roleCombo);
    form()->addRow(tr("Initial &password:"), m_passwordEdit);
    form()->addRow(tr("Re&peat it:"), m_repeatEdit);
}

void UserDialog::submit()
{
    const QString login = m_loginEdit->text().trimmed();
    if (login.isEmpty()) {
        showError(tr("Enter the login."));
        return;
    }
    if (const QString problem = passwordProblem(m_passwordEdit->text(), m_repeatEdit->text()); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    setBusy(true);
    Q_EMIT submitted(login, m_roleCombo->currentData().toString(), m_passwordEdit->text());
}

PasswordDialog::PasswordDialog(const QString &login, QWidget *parent) : FormDialog(parent)
{
    setObjectName(QStringLiteral("passwordDialog"));
    setWindowTitle(tr("New password for %1").arg(login));
    m_passwordEdit = passwordEdit(QStringLiteral("newPasswordEdit"), this);
    m_repeatEdit = passwordEdit(QStringLiteral("newPasswordRepeatEdit"), this);
    form()->addRow(tr("New &password:"), m_passwordEdit);
    form()->addRow(tr("Re&peat it:"), m_repeatEdit);
}

void PasswordDialog::submit()
{
    if (const QString problem = passwordProblem(m_passwordEdit->text(), m_repeatEdit->text()); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    setBusy(true);
    Q_EMIT submitted(m_passwordEdit->text());
}

} // namespace vestnik
