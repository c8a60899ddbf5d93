#pragma once

#include "model/Delivery.h"
#include "model/Provider.h"

#include <QString>

namespace vestnik {

/// One request a sender made for a delivery: what the outcome recorder needs beside the provider's answer.
struct SendAttempt final {
    Delivery delivery; ///< as read or claimed before the attempt (its `attempts` counts earlier retries)
    Provider provider = Provider::Fcm;
    QString token;                     ///< the opened device token the request went to; never logged
    qint64 startedAtMs = 0;            ///< when the request went out
    qint64 expiresAtMs = 0;            ///< the notification's creation time + TTL: no retry starts at or after it
    bool credentialsRefreshed = false; ///< this request was the resend after a credentials refresh
};

} // namespace vestnik
