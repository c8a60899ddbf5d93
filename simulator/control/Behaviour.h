#pragma once

#include "control/LatencyDistribution.h"
#include "control/PushService.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace vestnik::sim {

/// Everything about how the simulated providers misbehave, set from the config file's "behaviour" object or the
/// admin endpoint (same JSON). A value type: FaultInjector applies it.
struct Behaviour {
    /// A device token (or every token with this prefix) in a given state.
    struct TokenRule {
        PushService service = PushService::Fcm;
        QString token;
        bool isPrefix = false;
        /// fcm: unregistered, invalid, sender_mismatch, third_party_auth_error;
        /// apns: unregistered, expired, invalid, topic (the token belongs to `topic` only)
        QString state;
        qint64 timestampMs = 0; ///< APNs 410 "timestamp": when the token was last confirmed invalid
        QString topic;
    };
    /// A share of otherwise valid requests answered with an error code.
    struct ErrorRate {
        PushService service = PushService::Fcm;
        QString code; ///< an FcmError errorCode or an APNs reason
        double rate = 0;
        int retryAfterSeconds = -1;
    };
    /// The next `remaining` valid requests are answered with `code` (429 by default).
    struct Burst {
        PushService service = PushService::Fcm;
        int remaining = 0;
        QString code;
        int retryAfterSeconds = -1;
    };
    /// After `afterStreams` streams a connection gets GOAWAY (the last of them is still answered).
    struct GoAwayRule {
        PushService service = PushService::Fcm;
        quint32 afterStreams = 0;
        quint32 errorCode = 0;
        QString reason;
    };
    /// Between start and end every request is answered 503 (FCM UNAVAILABLE, APNs ServiceUnavailable).
    struct Outage {
        PushService service = PushService::Fcm;
        qint64 startMs = 0;
        qint64 endMs = 0;
        int retryAfterSeconds = -1;
    };

    quint64 seed = 1;
    QList<TokenRule> tokens;
    QList<ErrorRate> errors;
    QList<Burst> bursts;
    LatencyDistribution fcmLatency;
    LatencyDistribution apnsLatency;
    QList<GoAwayRule> goAways;
    QList<Outage> outages;
    /// FCM messages per minute and project, refilled continuously (Google's default is 600,000); 0 = no quota.
    qint64 fcmQuotaPerMinute = 0;
    quint32 fcmMaxConcurrentStreams = 100;   ///< Google front ends announce 100
    quint32 apnsInitialStreams = 1;          ///< until the first valid provider token (PROVIDERS.md 3.1)
    quint32 apnsMaxConcurrentStreams = 1000; ///< after it; 500 and 1,500 have been observed

    /// Parses the JSON form; relative outage times ("start_in_ms") are resolved against `nowMs`. Keys that are
    /// absent keep the values of `base`, so a partial object updates only what it names.
    static Result<Behaviour> fromJson(const QJsonObject &json, qint64 nowMs, const Behaviour &base);
    QJsonObject toJson() const;
};

} // namespace vestnik::sim
