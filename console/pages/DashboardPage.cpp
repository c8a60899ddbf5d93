#include "DashboardPage.h"

namespace vestnik {

DashboardPage::DashboardPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("dashboardPage"));
}

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

bool DashboardPage::isVisibleTo(const QString &role) const
{
    return !role.isEmpty();
}

} // namespace vestnik
