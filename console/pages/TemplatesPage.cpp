#include "TemplatesPage.h"

namespace vestnik {

TemplatesPage::TemplatesPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("templatesPage"));
}

QString TemplatesPage::title() const
{
    return tr("Templates");
}

bool TemplatesPage::isVisibleTo(const QString &role) const
{
    return !role.isEmpty();
}

} // namespace vestnik
