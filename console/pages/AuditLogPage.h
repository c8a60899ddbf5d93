#pragma once

#include "Page.h"

namespace vestnik {

/// The audit log: who did what when, with filters (administrators only).
class AuditLogPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditLogPage)

public:
    explicit AuditLogPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
};

} // namespace vestnik
