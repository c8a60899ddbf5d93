#pragma once

namespace vestnik {

/// Everything `vestnik-worker` does: command line, configuration, logging, start, run until SIGINT/SIGTERM.
/// Exit codes: 0 clean stop, 1 failed to start, 2 bad command line or configuration.
int runWorker(int argc, char **argv);

} // namespace vestnik
