#pragma once

#include "model/Platform.h"

#include <QString>

#include <optional>

namespace vestnik {

/// One push token of a user in one app.
struct Device final {
    qint64 id = 0;
    QString userId;
    QString appId;
    Platform platform = Platform::Android;
    QString token;  ///< the opened token; only ever stored sealed (plus a hash for lookups)
    QString locale; ///< the device's locale, preferred over the user's when rendering
    bool isActive = true;
    qint64 registeredAtMs = 0; ///< when the app last registered the token (the APNs 410 rule compares to it)
    qint64 updatedAtMs = 0;
    std::optional<qint64> deactivatedAtMs;
    QString deactivationReason;

    friend bool operator==(const Device &, const Device &) = default;
};

} // namespace vestnik
