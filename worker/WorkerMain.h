#pragma once

namespace vestnik {

/// Everything `vestnik-worker` does: command line, configuration, logging, start, run until SIGINT/SIGTERM.
/// `vestnik-worker rotate-keys` re-seals what is sealed with retired keys and exits.
/// Exit codes: 0 clean stop (or command done), 1 failed to start (or command failed), 2 bad command line or
/// configuration.
int runWorker(int argc, char **argv);

} // namespace vestnik
