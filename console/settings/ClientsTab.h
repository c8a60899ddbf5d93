#pragma once

#include "settings/SettingsTab.h"

class QLabel;
class QTableWidget;

namespace vestnik {

/// The API clients of the company's services (OAuth client credentials): id, name, scopes, state. A new
/// client's secret is shown once, in a dialog, and never again.
class ClientsTab final : public SettingsTab
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientsTab)

public:
    explicit ClientsTab(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    void reload() override;

private:
    void show(const QJsonArray &clients);
    void addClient();

    QTableWidget *m_table = nullptr;
    QLabel *m_countLabel = nullptr;
};

} // namespace vestnik
