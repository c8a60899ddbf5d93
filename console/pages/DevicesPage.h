#pragma once

#include "Page.h"

namespace vestnik {

/// Looks up a user: attributes, devices with masked tokens, recent deliveries with their status trail.
class DevicesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevicesPage)

public:
    explicit DevicesPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
};

} // namespace vestnik
