#include "settings/UsersTab.h"

#include "LocalTime.h"
#include "api/ApiClient.h"
#include "settings/UserDialogs.h"

#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

namespace vestnik {

namespace {

enum Column { LoginColumn, RoleColumn, StatusColumn, CreatedColumn, ColumnCount };

/// The whole user as the worker sent it, kept on the login cell.
constexpr int kUserRole = Qt::UserRole + 1;

} // namespace

UsersTab::UsersTab(ApiClient &api, QWidget *parent) : SettingsTab(api, parent)
{
    setObjectName(QStringLiteral("usersTab"));
    m_table = makeListTable(QStringLiteral("userTable"), {tr("Login"), tr("Role"), tr("Status"), tr("Created")});

    auto *add = new QPushButton(tr("&New user…"), this);
    add->setObjectName(QStringLiteral("addUserButton"));
    m_roleCombo = new QComboBox(this);
    m_roleCombo->setObjectName(QStringLiteral("changeRoleCombo"));
    addRoles(m_roleCombo);
    m_roleButton = new QPushButton(tr("Set &role"), this);
    m_roleButton->setObjectName(QStringLiteral("changeRoleButton"));
    m_disableButton = new QPushButton(tr("&Disable"), this);
    m_disableButton->setObjectName(QStringLiteral("disableUserButton"));
    m_passwordButton = new QPushButton(tr("New &password…"), this);
    m_passwordButton->setObjectName(QStringLiteral("resetPasswordButton"));
    m_countLabel = layOutList({add, nullptr, m_roleCombo, m_roleButton, m_disableButton, m_passwordButton},
                              QStringLiteral("userCountLabel"), m_table);

    connect(add, &QPushButton::clicked, this, &UsersTab::addUser);
    connect(m_roleButton, &QPushButton::clicked, this, &UsersTab::changeRole);
    connect(m_disableButton, &QPushButton::clicked, this, &UsersTab::toggleDisabled);
    connect(m_passwordButton, &QPushButton::clicked, this, &UsersTab::resetPassword);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &UsersTab::selectionChanged);
    selectionChanged();
}

QString UsersTab::title() const
{
    return tr("Console users");
}

void UsersTab::reload()
{
    loadList(QStringLiteral("/v1/admin/users"), QStringLiteral("users"), tr("Loading the console users"),
             [this](const QJsonArray &users) { show(users); });
}

void UsersTab::show(const QJsonArray &users)
{
    const QString selected = selectedUser().value(QStringLiteral("login")).toString();
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    m_table->setRowCount(int(users.size()));
    for (int row = 0; row < users.size(); ++row) {
        const QJsonObject user = users.at(row).toObject();
        const bool disabled = user.value(QStringLiteral("disabled")).toBool();
        const QStringList texts{user.value(QStringLiteral("login")).toString(),
                                roleDisplayName(user.value(QStringLiteral("role")).toString()),
                                disabled ? tr("disabled") : tr("active"),
                                localTimeText(user.value(QStringLiteral("created_at")).toInteger())};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(texts.at(column));
            item->setData(kUserRole, user);
            if (disabled)
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
            m_table->setItem(row, column, item);
        }
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, LoginColumn)->text() == selected)
            m_table->selectRow(row);
    }
    m_countLabel->setText(tr("%n user(s)", nullptr, int(users.size())));
    selectionChanged();
}

QJsonObject UsersTab::selectedUser() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? QJsonObject() : items.first()->data(kUserRole).toJsonObject();
}

void UsersTab::selectionChanged()
{
    const QJsonObject user = selectedUser();
    const bool any = !user.isEmpty();
    const bool self = any && user.value(QStringLiteral("login")).toString() == api().login();
    const bool disabled = user.value(QStringLiteral("disabled")).toBool();
    if (any)
        m_roleCombo->setCurrentIndex(m_roleCombo->findData(user.value(QStringLiteral("role")).toString()));
    m_roleCombo->setEnabled(any && !self);
    m_roleButton->setEnabled(any && !self);
    m_disableButton->setEnabled(any && !self);
    m_disableButton->setText(disabled ? tr("&Enable") : tr("&Disable"));
    m_passwordButton->setEnabled(any);
    const QString why =
        self ? tr("You cannot change your own role or disable yourself; ask another administrator.") : QString();
    m_roleButton->setToolTip(why);
    m_disableButton->setToolTip(why);
}

void UsersTab::addUser()
{
    auto *dialog = new UserDialog(this);
    connect(dialog, &UserDialog::submitted, this,
            [this, dialog](const QString &login, const QString &role, const QString &password) {
                submitFrom(dialog, "POST", QStringLiteral("/v1/admin/users"),
                           QJsonObject{{QStringLiteral("login"), login},
                                       {QStringLiteral("role"), role},
                                       {QStringLiteral("password"), password}},
                           tr("Adding the user"), [this](const ApiAnswer &answer) {
                               Q_EMIT notice(
                                   tr("User %1 added as %2")
                                       .arg(answer.object().value(QStringLiteral("login")).toString(),
                                            roleDisplayName(answer.object().value(QStringLiteral("role")).toString())));
                           });
            });
    dialog->open();
}

void UsersTab::patchUser(const QString &login, const QJsonObject &change, const QString &action, const QString &done)
{
    // PATCH /v1/admin/users/{login} takes any of role, disabled and password; a worker without the route
    // answers with an error, which is shown like any other.
    api().patch(QStringLiteral("/v1/admin/users/") + ApiClient::segment(login), change, this,
                [this, action, done](const ApiAnswer &answer) {
                    if (!answer.isOk()) {
                        reportFailure(answer, action);
                        return;
                    }
                    Q_EMIT notice(done);
                    reload();
                });
}

void UsersTab::changeRole()
{
    const QString login = selectedUser().value(QStringLiteral("login")).toString();
    const QString role = m_roleCombo->currentData().toString();
    if (login.isEmpty() || role == selectedUser().value(QStringLiteral("role")).toString())
        return;
    patchUser(login, QJsonObject{{QStringLiteral("role"), role}}, tr("Changing the role of %1").arg(login),
              tr("%1 is now %2").arg(login, roleDisplayName(role)));
}

void UsersTab::toggleDisabled()
{
    const QJsonObject user = selectedUser();
    const QString login = user.value(QStringLiteral("login")).toString();
    if (login.isEmpty())
        return;
    const bool disable = !user.value(QStringLiteral("disabled")).toBool();
    patchUser(login, QJsonObject{{QStringLiteral("disabled"), disable}},
              disable ? tr("Disabling %1").arg(login) : tr("Enabling %1").arg(login),
              disable ? tr("%1 can no longer sign in").arg(login) : tr("%1 can sign in again").arg(login));
}

void UsersTab::resetPassword()
{
    const QString login = selectedUser().value(QStringLiteral("login")).toString();
    if (login.isEmpty())
        return;
    auto *dialog = new PasswordDialog(login, this);
    connect(dialog, &PasswordDialog::submitted, this, [this, dialog, login](const QString &password) {
        submitFrom(dialog, "PATCH", QStringLiteral("/v1/admin/users/") + ApiClient::segment(login),
                   QJsonObject{{QStringLiteral("password"), password}}, tr("Setting the password of %1").arg(login),
                   [this, login](const ApiAnswer &) { Q_EMIT notice(tr("%1 has a new password").arg(login)); });
    });
    dialog->open();
}

} // namespace vestnik
