#include "model/Platform.h"

namespace vestnik {

QString platformName(Platform platform)
{
    switch (platform) {
    case Platform::Android: return QStringLiteral("android");
    case Platform::Ios: return QStringLiteral("ios");
    case Platform::Web: return QStringLiteral("web");
    }
    return QString();
}

std::optional<Platform> platformFromName(const QString &name)
{
    for (Platform platform : {Platform::Android, Platform::Ios, Platform::Web}) {
        if (platformName(platform) == name)
            return platform;
    }
    return std::nullopt;
}

} // namespace vestnik
