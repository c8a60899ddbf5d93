#pragma once

#include "Page.h"

namespace vestnik {

/// Trigger rules: event type -> template, with condition, quiet hours, frequency cap and an enable switch.
class TriggersPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggersPage)

public:
    explicit TriggersPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
};

} // namespace vestnik
