#include "SettingsPage.h"

#include "settings/AppsTab.h"
#include "settings/ClientsTab.h"
#include "settings/InterfaceTab.h"
#include "settings/UsersTab.h"

#include <QTabWidget>
#include <QVBoxLayout>

namespace vestnik {

SettingsPage::SettingsPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent)
    : Page(api, parent), m_settings(settings)
{
    setObjectName(QStringLiteral("settingsPage"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("settingsTabs"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    addTab(new AppsTab(api, m_tabs));
    addTab(new UsersTab(api, m_tabs));
    addTab(new ClientsTab(api, m_tabs));
    auto *interfaceTab = new InterfaceTab(api, m_settings, m_tabs);
    connect(interfaceTab, &InterfaceTab::languageChangeRequested, this, &SettingsPage::languageChangeRequested);
    addTab(interfaceTab);
}

void SettingsPage::addTab(SettingsTab *tab)
{
    m_tabList.append(tab);
    m_tabs->addTab(tab, tab->title());
    connect(tab, &SettingsTab::failed, this, &Page::failed);
    connect(tab, &SettingsTab::notice, this, &Page::notice);
}

QString SettingsPage::title() const
{
    return tr("Settings");
}

bool SettingsPage::isVisibleTo(const QString &role) const
{
    return role == QStringLiteral("admin");
}

void SettingsPage::activate()
{
    // Three small lists, bounded by the server: loading all keeps every tab current when switched to.
    for (SettingsTab *tab : std::as_const(m_tabList))
        tab->reload();
}

} // namespace vestnik
