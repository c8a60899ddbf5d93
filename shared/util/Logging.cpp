#include "util/Logging.h"

Q_LOGGING_CATEGORY(lcConfig, "vestnik.config")
Q_LOGGING_CATEGORY(lcStore, "vestnik.store")
Q_LOGGING_CATEGORY(lcBus, "vestnik.bus")
Q_LOGGING_CATEGORY(lcSecurity, "vestnik.security")
Q_LOGGING_CATEGORY(lcDelivery, "vestnik.delivery")
Q_LOGGING_CATEGORY(lcProvider, "vestnik.provider")
Q_LOGGING_CATEGORY(lcWorker, "vestnik.worker")
Q_LOGGING_CATEGORY(lcConsole, "vestnik.console")
