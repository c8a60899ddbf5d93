#pragma once

#include <QString>

#include <optional>

namespace vestnik {

/// The kind of device a push token belongs to.
enum class Platform { Android, Ios, Web };

/// Stable lower-case name ("android", "ios", "web"), as stored and sent over the API.
QString platformName(Platform platform);
/// The platform of a stable name, or nothing for an unknown one.
std::optional<Platform> platformFromName(const QString &name);

} // namespace vestnik
