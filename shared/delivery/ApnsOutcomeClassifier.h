#pragma once

#include "delivery/ProviderOutcome.h"
#include "provider/PushTransport.h"

#include <QByteArray>

namespace vestnik {

/// Classifies an APNs provider API response (../shared/docs/PROVIDERS.md, 3.4): the reason of the JSON body
/// decides, the HTTP status where the reason is missing or unknown. The reason code is "apns." + the
/// reason ("apns.BadDeviceToken"), or "apns.http_<status>" without one.
class ApnsOutcomeClassifier final
{
public:
    /// Apple: retry 5xx after 15 minutes (longer backoff allowed). Shutdown is exempt: it is one server
    /// going away, and a new connection reaches another.
    static constexpr std::chrono::seconds kServerErrorMinimumDelay{15 * 60};

    static ProviderOutcome classify(int httpStatus, const HttpHeaders &headers, const QByteArray &body);
};

} // namespace vestnik
