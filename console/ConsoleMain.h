#pragma once

namespace vestnik {

/// Everything `vestnik-console` does: command line, translations, the main window.
int runConsole(int argc, char **argv);

} // namespace vestnik
