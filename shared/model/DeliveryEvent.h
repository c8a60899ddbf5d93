#pragma once

#include "model/DeliveryStatus.h"

#include <QString>

namespace vestnik {

/// One entry of a delivery's status trail.
struct DeliveryEvent final {
    /// Increases in the order events were recorded. Entries read from the delivery row rather than stored
    /// (its 'queued' and a first 'sent' recorded in a batch) come first and have ids below 1.
    qint64 id = 0;
    QString notificationId;
    DeliveryStatus status = DeliveryStatus::Queued;
    qint64 atMs = 0;
    QString detail; ///< e.g. the provider's error reason or the clicked action

    friend bool operator==(const DeliveryEvent &, const DeliveryEvent &) = default;
};

} // namespace vestnik
