#pragma once

#include "model/DeliveryStatus.h"
#include "model/Platform.h"

#include <QString>

#include <optional>

namespace vestnik {

/// One notification to one device and everything that happened to it since.
struct Delivery final {
    QString notificationId; ///< deterministic (source + user + device): a redelivered job finds its row
    QString userId;
    qint64 deviceId = 0;
    QString appId;
    Platform platform = Platform::Android;
    QString templateId; ///< empty when none
    std::optional<int> templateVersion;
    QString campaignId; ///< empty for event-driven pushes
    QString eventId;    ///< empty for campaign pushes
    QString ruleId;     ///< the trigger rule that made it (SendJob::ruleId); empty when none
    QString jobId;      ///< the send job it belongs to (SendJob::key()); empty when it was inserted without one
    std::optional<qint64> expiresAtMs; ///< no attempt starts at or after it (creation + TTL); unset: no bound stored
    DeliveryStatus status = DeliveryStatus::Queued;
    int attempts = 0; ///< retries scheduled so far
    std::optional<qint64> nextAttemptAtMs;
    QString providerMessageId;
    QString errorCode;
    QString errorMessage;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> sentAtMs; ///< each of these is the first time the status was reported
    std::optional<qint64> deliveredAtMs;
    std::optional<qint64> openedAtMs;
    std::optional<qint64> clickedAtMs;
    std::optional<qint64> convertedAtMs;
    std::optional<qint64> failedAtMs;

    friend bool operator==(const Delivery &, const Delivery &) = default;
};

} // namespace vestnik
