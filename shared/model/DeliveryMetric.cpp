#include "model/DeliveryMetric.h"

namespace vestnik {

QString deliveryMetricName(DeliveryMetric metric)
{
    switch (metric) {
    case DeliveryMetric::Queued: return QStringLiteral("queued");
    case DeliveryMetric::Sent: return QStringLiteral("sent");
    case DeliveryMetric::FailedInvalidToken: return QStringLiteral("failed_invalid_token");
    case DeliveryMetric::FailedPermanent: return QStringLiteral("failed_permanent");
    case DeliveryMetric::FailedCredentials: return QStringLiteral("failed_credentials");
    case DeliveryMetric::Retry: return QStringLiteral("retry");
    case DeliveryMetric::Delivered: return QStringLiteral("delivered");
    case DeliveryMetric::Opened: return QStringLiteral("opened");
    case DeliveryMetric::Clicked: return QStringLiteral("clicked");
    case DeliveryMetric::Converted: return QStringLiteral("converted");
    }
    return QString();
}

QList<DeliveryMetric> allDeliveryMetrics()
{
    QList<DeliveryMetric> metrics;
    metrics.reserve(kDeliveryMetricCount);
    for (int i = 0; i < kDeliveryMetricCount; ++i)
        metrics.append(DeliveryMetric(i));
    return metrics;
}

std::optional<DeliveryMetric> deliveryMetricFromName(const QString &name)
{
    for (int i = 0; i < kDeliveryMetricCount; ++i) {
        if (deliveryMetricName(DeliveryMetric(i)) == name)
            return DeliveryMetric(i);
    }
    return std::nullopt;
}

} // namespace vestnik
