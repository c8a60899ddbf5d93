#pragma once

#include "delivery/ProviderOutcome.h"
#include "provider/PushTransport.h"

#include <QByteArray>

namespace vestnik {

/// Classifies an FCM HTTP v1 `messages:send` response (../shared/docs/PROVIDERS.md, 1.4-1.6).
///
/// The error code is the FcmError detail's `errorCode`, found by `@type` (the order of `details` varies),
/// else `error.status`, else the HTTP status, as the Admin SDKs do. The reason code is "fcm." + that code
/// ("fcm.UNREGISTERED", "fcm.UNAUTHENTICATED", "fcm.http_502" for a response without a JSON error).
class FcmOutcomeClassifier final
{
public:
    /// One minute: Google's minimum initial backoff after QUOTA_EXCEEDED.
    static constexpr std::chrono::seconds kQuotaMinimumDelay{60};

    static ProviderOutcome classify(int httpStatus, const HttpHeaders &headers, const QByteArray &body);
};

} // namespace vestnik
