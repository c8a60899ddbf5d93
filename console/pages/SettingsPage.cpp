#include "SettingsPage.h"

namespace vestnik {

SettingsPage::SettingsPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent)
    : Page(api, parent), m_settings(settings)
{
    setObjectName(QStringLiteral("settingsPage"));
}

QString SettingsPage::title() const
{
    return tr("Settings");
}

bool SettingsPage::isVisibleTo(const QString &role) const
{
    return role == QStringLiteral("admin");
}

} // namespace vestnik
