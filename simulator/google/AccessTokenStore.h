#pragma once

#include "control/TokenHash.h"

#include <QByteArray>
#include <QStringList>

#include <string>
#include <unordered_map>

namespace vestnik::sim {

/// The OAuth2 access tokens the simulated Google endpoint has issued, with what each one grants.
class AccessTokenStore final
{
public:
    struct Grant {
        QByteArray clientEmail;
        QByteArray projectId;
        QByteArray projectNumber;
        QStringList scopes;
        qint64 expiresAtMs = 0;
        bool canSendFcm = false; ///< one of the FCM scopes was granted
    };

    /// A new opaque token ("ya29." + 128 random bits) for `grant`; expired tokens are forgotten on the way.
    QByteArray issue(const Grant &grant, qint64 nowMs);
    /// The grant of a token, or nullptr when it was never issued (expiry is the caller's check).
    const Grant *find(std::string_view token) const;
    std::size_t size() const { return m_grants.size(); }

private:
    std::unordered_map<std::string, Grant, TokenHash, std::equal_to<>> m_grants;
    qint64 m_lastSweepMs = 0;
};

} // namespace vestnik::sim
