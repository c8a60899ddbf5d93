#pragma once

#include <QString>

#include <optional>

namespace vestnik::sim {

/// The push services the simulator stands in for.
enum class PushService { Fcm, Apns };

inline QString pushServiceName(PushService service)
{
    return service == PushService::Fcm ? QStringLiteral("fcm") : QStringLiteral("apns");
}

inline std::optional<PushService> pushServiceFromName(QStringView name)
{
    if (name == u"fcm")
        return PushService::Fcm;
    if (name == u"apns")
        return PushService::Apns;
    return std::nullopt;
}

} // namespace vestnik::sim
