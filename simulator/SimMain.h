#pragma once

namespace vestnik::sim {

/// vestnik-sim's main(): command line, configuration, start, readiness line, stop on SIGINT/SIGTERM.
int runSimulator(int argc, char **argv);

} // namespace vestnik::sim
