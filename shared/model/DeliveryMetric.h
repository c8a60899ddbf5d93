#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace vestnik {

/// What the delivery statistics count per minute (table delivery_stats_minute): each is a state change of a
/// delivery, counted once per delivery however often it is reported (a redelivered send job, a replayed
/// tracking report), except `Retry`, counted for every retry scheduled.
enum class DeliveryMetric {
    Queued,             ///< a delivery was created
    Sent,               ///< the provider accepted it (the first time)
    FailedInvalidToken, ///< it ended as 'invalid_token'
    FailedPermanent,    ///< it ended as 'failed' for any reason but the credentials
    FailedCredentials,  ///< it ended as 'failed' because the app's provider credentials did not work
    Retry,              ///< a retry was scheduled
    Delivered,          ///< the app reported it arrived (the first time)
    Opened,
    Clicked,
    Converted,
};

/// Stable snake_case name ("failed_invalid_token"), as stored and answered by the API.
QString deliveryMetricName(DeliveryMetric metric);
/// The metric of a stable name, or nothing for an unknown one.
std::optional<DeliveryMetric> deliveryMetricFromName(const QString &name);
/// Every metric, in declaration order.
QList<DeliveryMetric> allDeliveryMetrics();

/// How many metrics there are (for arrays indexed by metric).
inline constexpr int kDeliveryMetricCount = int(DeliveryMetric::Converted) + 1;

} // namespace vestnik
