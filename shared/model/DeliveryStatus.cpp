#include "model/DeliveryStatus.h"

namespace vestnik {

QString deliveryStatusName(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::Queued: return QStringLiteral("queued");
    case DeliveryStatus::Sending: return QStringLiteral("sending");
    case DeliveryStatus::Sent: return QStringLiteral("sent");
    case DeliveryStatus::RetryScheduled: return QStringLiteral("retry_scheduled");
    case DeliveryStatus::Failed: return QStringLiteral("failed");
    case DeliveryStatus::InvalidToken: return QStringLiteral("invalid_token");
    case DeliveryStatus::Delivered: return QStringLiteral("delivered");
    case DeliveryStatus::Opened: return QStringLiteral("opened");
    case DeliveryStatus::Clicked: return QStringLiteral("clicked");
    case DeliveryStatus::Dismissed: return QStringLiteral("dismissed");
    case DeliveryStatus::Converted: return QStringLiteral("converted");
    }
    return QString();
}

QList<DeliveryStatus> allDeliveryStatuses()
{
    return {DeliveryStatus::Queued,         DeliveryStatus::Sending,  DeliveryStatus::Sent,
            DeliveryStatus::RetryScheduled, DeliveryStatus::Failed,   DeliveryStatus::InvalidToken,
            DeliveryStatus::Delivered,      DeliveryStatus::Opened,   DeliveryStatus::Clicked,
            DeliveryStatus::Dismissed,      DeliveryStatus::Converted};
}

std::optional<DeliveryStatus> deliveryStatusFromName(const QString &name)
{
    const QList<DeliveryStatus> statuses = allDeliveryStatuses();
    for (DeliveryStatus status : statuses) {
        if (deliveryStatusName(status) == name)
            return status;
    }
    return std::nullopt;
}

} // namespace vestnik
