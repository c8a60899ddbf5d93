#include "delivery/DeliveryEngine.h"

#include "util/Logging.h"

namespace vestnik {

namespace {

std::unique_ptr<TrackingToken> trackingTokens(const Sealer &sealer)
{
    Result<TrackingToken> tokens = TrackingToken::fromSealer(sealer);
    if (!tokens) {
        qCWarning(lcDelivery).noquote() << "pushes go without tracking tokens:" << tokens.error().toString();
        return nullptr;
    }
    return std::make_unique<TrackingToken>(std::move(*tokens));
}

} // namespace

DeliveryEngine::DeliveryEngine(const Database &database, const Sealer &sealer, const Clock &clock, Settings settings)
    : apps(database, clock, sealer),
      devices(database, clock, sealer),
      users(database, clock),
      templates(database, clock),
      deliveries(database, clock),
      catalog(templates),
      directory(devices),
      externalDirectory(settings.directory ? settings.directory(network, directory) : nullptr),
      clients(apps, std::move(settings.providers), network, clock),
      circuits(clock, settings.circuitCoolDown),
      policy(clock),
      recorder(deliveries, devices, policy, circuits, clock),
      rateLimits(settings.rateLimit ? std::make_unique<TokenBucket>(*settings.rateLimit) : nullptr),
      tracking(trackingTokens(sealer)),
      dispatcher(
          Dispatcher::Dependencies{deliveries, users, catalog,
                                   externalDirectory ? *externalDirectory : static_cast<DeviceDirectory &>(directory),
                                   clients, recorder, circuits, rateLimits.get(), clock, tracking.get()},
          std::move(settings.dispatcher)),
      scanner(deliveries, clock, std::move(settings.scanner),
              [this](QList<Delivery> claimed) { dispatcher.redispatch(std::move(claimed)); })
{}

} // namespace vestnik
