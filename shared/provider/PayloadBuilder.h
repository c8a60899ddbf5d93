#pragma once

#include "template/CompiledPushTemplate.h"
#include "template/PushTemplate.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace vestnik {

/// An APNs request without its device token: the JSON payload and the apns-* headers.
struct ApnsRequest {
    QByteArray payload;
    std::vector<std::pair<QByteArray, QByteArray>> headers;
};

/// Builds provider payloads from a rendered push and its template's options (docs/PROVIDERS facts:
/// FCM HTTP v1 `message`, APNs `aps` + custom keys and `apns-*` headers).
///
/// Conventions the apps rely on: the notification id travels as `vestnik_nid` (FCM data) or
/// `vestnik.nid` (APNs), the tracking token the app's `POST /v1/track` reports carry as `vestnik_track` /
/// `vestnik.track` (when the sender issues one), the deep link as `vestnik_link` / `vestnik.link`, the action buttons
/// as a JSON list in `vestnik_actions` / `vestnik.actions`; the image is FCM's `notification.image` and APNs'
/// `vestnik.image` with `mutable-content: 1` for the Notification Service Extension.
class PayloadBuilder final
{
public:
    static constexpr int kFcmPayloadLimit = 4096;  ///< bytes of message content (keys and values count)
    static constexpr int kApnsPayloadLimit = 4096; ///< bytes of the JSON payload
    static constexpr int kApnsCollapseIdLimit = 64;

    /// When a push created at `createdAtSeconds` stops being worth delivering on that platform (its TTL).
    static qint64 expiresAtSeconds(const PushTemplate &options, bool apns, qint64 createdAtSeconds);

    /// The FCM `message` object without its target (`token`). With `expiresAtSeconds` (a retry), the TTL sent is
    /// what is left of the push's lifetime at `nowSeconds`, not a fresh one.
    static nlohmann::json fcmMessage(const RenderedPush &push, const PushTemplate &options,
                                     const QString &notificationId, qint64 nowSeconds = 0,
                                     std::optional<qint64> expiresAtSeconds = std::nullopt,
                                     const QString &trackingToken = QString());
    /// The request body `{"message":{...,"token":...}}`.
    static QByteArray fcmRequestBody(nlohmann::json message, const QString &token);
    /// The bytes FCM counts against its 4096-byte limit: the message content without the target. How FCM
    /// counts exactly is not documented; counting the serialized content is the conservative reading.
    static int fcmCountedSize(const nlohmann::json &message);

    /// The APNs payload and headers; apns-expiration is `expiresAtSeconds` when given (a retry keeps the push's
    /// original deadline), else `nowSeconds` + the TTL.
    static ApnsRequest apnsRequest(const RenderedPush &push, const PushTemplate &options, const QString &notificationId,
                                   const QString &topic, qint64 nowSeconds,
                                   std::optional<qint64> expiresAtSeconds = std::nullopt,
                                   const QString &trackingToken = QString());

    /// The data keys FCM refuses (`from`, `message_type`, anything starting with `google` or `gcm`).
    static bool isReservedFcmDataKey(const QString &key);
};

} // namespace vestnik
