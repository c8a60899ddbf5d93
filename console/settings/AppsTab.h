#pragma once

#include "settings/SettingsTab.h"

#include <QJsonArray>

class QLabel;
class QPushButton;
class QTableWidget;

namespace vestnik {

/// The apps the worker sends for and, per app, which providers have a credential with the facts that identify
/// it (project and service account, or bundle, team and key id, and when it was set), never the secret. Apps
/// are created and renamed here, and credentials uploaded (write-only).
class AppsTab final : public SettingsTab
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppsTab)

public:
    explicit AppsTab(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    void reload() override;

private:
    void show(const QJsonArray &apps);
    void selectionChanged();
    QString selectedId() const;
    void addApp();
    void editApp();
    void uploadCredential();

    QTableWidget *m_table = nullptr;
    QLabel *m_countLabel = nullptr;
    QPushButton *m_editButton = nullptr;
    QPushButton *m_credentialButton = nullptr;
    QJsonArray m_apps;
};

} // namespace vestnik
