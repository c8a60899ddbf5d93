#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace vestnik {

/// Where a delivery (one notification to one device) stands.
enum class DeliveryStatus {
    Queued,         ///< accepted, waiting for a sender
    Sending,        ///< a sender has it in flight
    Sent,           ///< the provider accepted it
    RetryScheduled, ///< a retryable error; another attempt is due at next_attempt_at
    Failed,         ///< permanently failed (bad payload, TTL exceeded, retries exhausted)
    InvalidToken,   ///< the provider says the token is dead; the device was deactivated
    Delivered,      ///< the app reported it arrived
    Opened,
    Clicked,
    Dismissed,
    Converted, ///< a business event within the attribution window counted it as a conversion
};

/// Stable snake_case name ("retry_scheduled"), as stored and sent over the API.
QString deliveryStatusName(DeliveryStatus status);
/// The status of a stable name, or nothing for an unknown one.
std::optional<DeliveryStatus> deliveryStatusFromName(const QString &name);
/// Every status, in declaration order.
QList<DeliveryStatus> allDeliveryStatuses();

} // namespace vestnik
