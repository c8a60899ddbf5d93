#include "AuditLogPage.h"

namespace vestnik {

AuditLogPage::AuditLogPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("auditLogPage"));
}

QString AuditLogPage::title() const
{
    return tr("Audit log");
}

bool AuditLogPage::isVisibleTo(const QString &role) const
{
    return role == QStringLiteral("admin");
}

} // namespace vestnik
