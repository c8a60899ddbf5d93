#pragma once

#include "apns/ApnsCertificate.h"
#include "transport/ConnectionState.h"

#include <QByteArray>
#include <QString>

namespace vestnik::sim {

/// What an APNs connection remembers: its client certificate, the team and key the first valid provider token
/// bound it to, the token in use (verified once, then compared) and whether its stream limit was raised.
class ApnsConnectionState final : public ConnectionState
{
public:
    ApnsCertificate certificate;
    QString boundTeam;
    QString boundKeyId;
    QByteArray currentToken;
    qint64 currentIssuedAt = 0; ///< iat of currentToken, seconds
    bool isStreamLimitRaised = false;
};

} // namespace vestnik::sim
