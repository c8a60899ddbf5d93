#include "DevicesPage.h"

namespace vestnik {

DevicesPage::DevicesPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("devicesPage"));
}

QString DevicesPage::title() const
{
    return tr("Devices");
}

bool DevicesPage::isVisibleTo(const QString &role) const
{
    return role == QStringLiteral("admin") || role == QStringLiteral("marketer");
}

} // namespace vestnik
