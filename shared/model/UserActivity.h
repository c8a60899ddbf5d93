#pragma once

#include <QString>

namespace vestnik {

/// How often and when a user did one kind of thing (an event type such as "cart.added").
struct UserActivity final {
    QString userId;
    QString eventType;
    qint64 count = 0;
    qint64 firstAtMs = 0; ///< the earliest occurrence recorded, whatever the order events arrived in
    qint64 lastAtMs = 0;  ///< the latest occurrence recorded

    friend bool operator==(const UserActivity &, const UserActivity &) = default;
};

} // namespace vestnik
