#pragma once

#include "delivery/ProviderOutcome.h"
#include "model/Provider.h"

#include <chrono>

namespace vestnik {

/// Told about every answer a provider gave to a push (metrics). Called on the dispatcher's thread for each
/// answer, so it must be cheap; answers the dispatcher made up itself (an open circuit, missing credentials) are
/// not provider answers and are not reported.
class DeliveryObserver
{
public:
    virtual ~DeliveryObserver() = default;

    /// `latency`: from the request's hand-over to the provider client to its answer (or the transport's failure).
    virtual void providerAnswered(Provider provider, const ProviderOutcome &outcome,
                                  std::chrono::microseconds latency) = 0;
};

} // namespace vestnik
