#pragma once

#include "Page.h"

#include <QList>

class QTabWidget;

namespace vestnik {

class ConsoleSettings;
class SettingsTab;

/// Administration: apps and their provider credentials (uploaded, never shown again), console users and their
/// roles, API clients; and the interface language and theme. One tab each (console/settings/).
class SettingsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPage)

public:
    SettingsPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
    void activate() override;

Q_SIGNALS:
    void languageChangeRequested(const QString &code);

private:
    void addTab(SettingsTab *tab);

    ConsoleSettings &m_settings;
    QTabWidget *m_tabs = nullptr;
    QList<SettingsTab *> m_tabList;
};

} // namespace vestnik
