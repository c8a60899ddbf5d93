#pragma once

#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/Dispatcher.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/RetryPolicy.h"
#include "delivery/RetryScanner.h"
#include "delivery/TokenBucket.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"

#include <QNetworkAccessManager>

#include <chrono>
#include <memory>
#include <optional>

namespace vestnik {

class Clock;
class Database;
class Sealer;

/// The delivery engine wired together on one database and clock: the repositories, the template catalog,
/// the device registry, each app's provider clients, circuits, retry policy, outcome recorder, optional rate
/// limits, the dispatcher and the retry scanner that hands it due retries. What a worker's sender runs, and
/// what tests and benchmarks build the same way. Everything lives on the creating thread.
struct DeliveryEngine final {
    struct Settings {
        ProviderClients::Settings providers;
        std::chrono::milliseconds circuitCoolDown{std::chrono::minutes(5)};
        std::optional<TokenBucket::Limit> rateLimit; ///< per app and provider; none: no limit
        Dispatcher::Settings dispatcher;
        RetryScanner::Settings scanner;
    };

    DeliveryEngine(const Database &database, const Sealer &sealer, const Clock &clock, Settings settings);
    Q_DISABLE_COPY_MOVE(DeliveryEngine)

    QNetworkAccessManager network; ///< control-plane calls (OAuth token fetches)
    AppRepository apps;
    DeviceRepository devices;
    UserRepository users;
    TemplateRepository templates;
    DeliveryRepository deliveries;
    TemplateCatalog catalog;
    RegistryDeviceDirectory directory;
    ProviderClients clients;
    CircuitBreaker circuits;
    RetryPolicy policy;
    OutcomeRecorder recorder;
    std::unique_ptr<TokenBucket> rateLimits;
    Dispatcher dispatcher;
    RetryScanner scanner;
};

} // namespace vestnik
