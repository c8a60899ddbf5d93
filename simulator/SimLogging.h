#pragma once

#include <QLoggingCategory>

// The simulator's own category (vestnik.sim); enable debug output with QT_LOGGING_RULES="vestnik.sim.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcSim)
