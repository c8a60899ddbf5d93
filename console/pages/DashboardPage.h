#pragma once

#include "Page.h"

namespace vestnik {

/// Live counters and per-minute charts of deliveries, overall or per template or trigger rule, and the delivery funnel.
class DashboardPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardPage)

public:
    explicit DashboardPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
};

} // namespace vestnik
