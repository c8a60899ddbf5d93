#include "TriggersPage.h"

namespace vestnik {

TriggersPage::TriggersPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("triggersPage"));
}

QString TriggersPage::title() const
{
    return tr("Triggers");
}

bool TriggersPage::isVisibleTo(const QString &role) const
{
    return !role.isEmpty();
}

} // namespace vestnik
