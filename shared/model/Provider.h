#pragma once

#include <QString>

#include <optional>

namespace vestnik {

/// A push provider an app holds credentials for.
enum class Provider { Fcm, Apns };

/// Stable lower-case name ("fcm", "apns"), as stored and sent over the API.
QString providerName(Provider provider);
/// The provider of a stable name, or nothing for an unknown one.
std::optional<Provider> providerFromName(const QString &name);

} // namespace vestnik
