#pragma once

#include "Page.h"

namespace vestnik {

class ConsoleSettings;

/// Administration: apps and their provider credentials (uploaded, never shown again), console users and their
/// roles, API clients; and the interface language and theme.
class SettingsPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPage)

public:
    SettingsPage(ApiClient &api, ConsoleSettings &settings, QWidget *parent = nullptr);

    QString title() const override;
    bool isVisibleTo(const QString &role) const override;

Q_SIGNALS:
    void languageChangeRequested(const QString &code);

private:
    ConsoleSettings &m_settings;
};

} // namespace vestnik
