#pragma once

#include "ConsoleSettings.h"

class QApplication;

namespace vestnik {

/// Applies a theme to the whole application: the platform's own look (System), or the Fusion style with a
/// light or dark palette that looks the same on every desktop.
void applyTheme(QApplication &application, ConsoleSettings::Theme theme);

/// A person chose `theme` (View menu or Settings): keeps it, which tells every control offering it, and
/// applies it to the running application.
void chooseTheme(ConsoleSettings &settings, ConsoleSettings::Theme theme);

} // namespace vestnik
