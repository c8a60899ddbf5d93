#pragma once

#include "model/DeliveryStatus.h"

#include <QString>

namespace vestnik {

/// One entry of a delivery's status trail.
struct DeliveryEvent final {
    qint64 id = 0; ///< increases in the order events were recorded
    QString notificationId;
    DeliveryStatus status = DeliveryStatus::Queued;
    qint64 atMs = 0;
    QString detail; ///< e.g. the provider's error reason or the clicked action

    friend bool operator==(const DeliveryEvent &, const DeliveryEvent &) = default;
};

} // namespace vestnik
