#pragma once

#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/Dispatcher.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/RetryPolicy.h"
#include "delivery/RetryScanner.h"
#include "delivery/TokenBucket.h"
#include "security/TrackingToken.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"

#include <QNetworkAccessManager>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace vestnik {

class Clock;
class Database;
class Sealer;

/// The delivery engine wired together on one database and clock: the repositories, the template catalog,
/// the device registry (or another directory), each app's provider clients, circuits, retry policy, outcome recorder,
/// optional rate limits, the dispatcher and the retry scanner that hands it due retries. What a worker's sender runs,
/// and what tests and benchmarks build the same way. Everything lives on the creating thread.
struct DeliveryEngine final {
    /// Makes the directory the dispatcher asks instead of the registry (the company's Auth Service), given the
    /// engine's network access and its registry directory.
    using DirectoryFactory =
        std::function<std::unique_ptr<DeviceDirectory>(QNetworkAccessManager &network, DeviceDirectory &registry)>;

    struct Settings {
        ProviderClients::Settings providers;
        std::chrono::milliseconds circuitCoolDown{std::chrono::minutes(5)};
        std::optional<TokenBucket::Limit> rateLimit; ///< per app and provider; none: no limit
        Dispatcher::Settings dispatcher;
        RetryScanner::Settings scanner;
        DirectoryFactory directory; ///< none: the registry
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
    std::unique_ptr<DeviceDirectory> externalDirectory; ///< from Settings::directory; null: the registry is asked
    ProviderClients clients;
    CircuitBreaker circuits;
    RetryPolicy policy;
    OutcomeRecorder recorder;
    std::unique_ptr<TokenBucket> rateLimits;
    std::unique_ptr<TrackingToken> tracking; ///< the pushes' tracking tokens, keyed from the sealer
    Dispatcher dispatcher;
    RetryScanner scanner;
};

} // namespace vestnik
