#pragma once

#include "settings/SettingsTab.h"

class QComboBox;

namespace vestnik {

class ConsoleSettings;

/// This console's own choices, kept in ConsoleSettings: the interface language (the system's, Russian or
/// English; a change rebuilds the window) and the theme (applied at once).
class InterfaceTab final : public SettingsTab
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InterfaceTab)

public:
    InterfaceTab(ApiClient &api, ConsoleSettings &settings, QWidget *parent = nullptr);

    QString title() const override;
    /// Shows the current choices (the View menu may have changed the theme meanwhile).
    void reload() override;

Q_SIGNALS:
    /// "ru", "en", or empty for the system's language.
    void languageChangeRequested(const QString &code);

private:
    void languageChosen(int index);
    void themeChosen(int index);

    ConsoleSettings &m_settings;
    QComboBox *m_languageCombo = nullptr;
    QComboBox *m_themeCombo = nullptr;
};

} // namespace vestnik
