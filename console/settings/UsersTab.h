#pragma once

#include "settings/SettingsTab.h"

#include <QJsonObject>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace vestnik {

/// The people who may sign in to the console: their login, role and whether they are disabled. An
/// administrator adds people, changes their role, disables and enables them and sets a new password; nobody
/// changes their own role or disables themselves here, so an administrator cannot lock everyone out by a click.
class UsersTab final : public SettingsTab
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersTab)

public:
    explicit UsersTab(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    void reload() override;

private:
    void show(const QJsonArray &users);
    QJsonObject selectedUser() const;
    void selectionChanged();
    void addUser();
    void changeRole();
    void toggleDisabled();
    void resetPassword();
    /// PATCH /v1/admin/users/{login} with `change`.
    void patchUser(const QString &login, const QJsonObject &change, const QString &action, const QString &done);

    QTableWidget *m_table = nullptr;
    QLabel *m_countLabel = nullptr;
    QComboBox *m_roleCombo = nullptr;
    QPushButton *m_roleButton = nullptr;
    QPushButton *m_disableButton = nullptr;
    QPushButton *m_passwordButton = nullptr;
};

} // namespace vestnik
