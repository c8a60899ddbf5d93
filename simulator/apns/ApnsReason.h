#pragma once

#include <QString>

namespace vestnik::sim {

/// The APNs reason codes of PROVIDERS.md 3.4 with their HTTP statuses.
class ApnsReason final
{
public:
    /// HTTP status for a reason, or 0 when the reason is unknown.
    static int status(const QString &reason);
    static bool isKnown(const QString &reason) { return status(reason) != 0; }
};

} // namespace vestnik::sim
