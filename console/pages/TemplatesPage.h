#pragma once

#include "Page.h"

namespace vestnik {

/// The template studio: list with search, editor with locale tabs and variable highlighting, live preview on phone lock
/// screens, versions, test sends.
class TemplatesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplatesPage)

public:
    explicit TemplatesPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;
};

} // namespace vestnik
