#include "provider/PayloadBuilder.h"

#include <algorithm>

namespace vestnik {

namespace {

constexpr qint64 kDefaultTtlSeconds = 2'419'200;

// Platform value if set, else the template-wide one.
QString pick(const QString &platform, const QString &common)
{
    return platform.isEmpty() ? common : platform;
}

nlohmann::json actionsJson(const RenderedPush &push)
{
    nlohmann::json actions = nlohmann::json::array();
    for (const RenderedButton &button : push.buttons)
        actions.push_back({{"id", button.id}, {"label", button.label}, {"link", button.link}});
    return actions;
}

} // namespace

bool PayloadBuilder::isReservedFcmDataKey(const QString &key)
{
    return key == QStringLiteral("from") || key == QStringLiteral("message_type")
           || key.startsWith(QStringLiteral("google")) || key.startsWith(QStringLiteral("gcm"));
}

qint64 PayloadBuilder::expiresAtSeconds(const PushTemplate &options, bool apns, qint64 createdAtSeconds)
{
    const PlatformOptions &platform = apns ? options.apns : options.android;
    return createdAtSeconds + platform.ttlSeconds.value_or(options.ttlSeconds.value_or(kDefaultTtlSeconds));
}

nlohmann::json PayloadBuilder::fcmMessage(const RenderedPush &push, const PushTemplate &options,
                                          const QString &notificationId, qint64 nowSeconds,
                                          std::optional<qint64> expiresAtSeconds, const QString &trackingToken)
{
    nlohmann::json notification = nlohmann::json::object();
    if (!push.title.empty())
        notification["title"] = push.title;
    if (!push.body.empty())
        notification["body"] = push.body;
    if (!push.imageUrl.empty())
        notification["image"] = push.imageUrl;

    nlohmann::json data = nlohmann::json::object();
    for (const auto &[key, value] : push.data)
        data[key] = value;
    data["vestnik_nid"] = notificationId.toStdString();
    if (!trackingToken.isEmpty())
        data["vestnik_track"] = trackingToken.toStdString();
    if (!push.deepLink.empty())
        data["vestnik_link"] = push.deepLink;
    if (!push.buttons.empty())
        data["vestnik_actions"] = actionsJson(push).dump();

    const PlatformOptions &android = options.android;
    const qint64 ttl = expiresAtSeconds ? std::max<qint64>(0, *expiresAtSeconds - nowSeconds)
                                        : android.ttlSeconds.value_or(options.ttlSeconds.value_or(kDefaultTtlSeconds));
    nlohmann::json androidBlock = {
        {"collapse_key", pick(android.collapseKey, pick(options.collapseKey, notificationId)).toStdString()},
        {"priority", pick(android.priority, options.priority).toStdString()},
        {"ttl", std::to_string(ttl) + "s"},
    };
    nlohmann::json androidNotification = nlohmann::json::object();
    if (!android.androidChannel.isEmpty())
        androidNotification["channel_id"] = android.androidChannel.toStdString();
    if (!android.sound.isEmpty())
        androidNotification["sound"] = android.sound.toStdString();
    if (!androidNotification.empty())
        androidBlock["notification"] = std::move(androidNotification);

    nlohmann::json message = {{"data", std::move(data)}, {"android", std::move(androidBlock)}};
    if (!notification.empty())
        message["notification"] = std::move(notification);
    return message;
}

QByteArray PayloadBuilder::fcmRequestBody(nlohmann::json message, const QString &token)
{
    message["token"] = token.toStdString();
    const std::string body = nlohmann::json{{"message", std::move(message)}}.dump();
    return QByteArray(body.data(), qsizetype(body.size()));
}

int PayloadBuilder::fcmCountedSize(const nlohmann::json &message)
{
    return int(message.dump().size());
}

ApnsRequest PayloadBuilder::apnsRequest(const RenderedPush &push, const PushTemplate &options,
                                        const QString &notificationId, const QString &topic, qint64 nowSeconds,
                                        std::optional<qint64> expiresAtSeconds, const QString &trackingToken)
{
    const PlatformOptions &apns = options.apns;
    nlohmann::json alert = nlohmann::json::object();
    if (!push.title.empty())
        alert["title"] = push.title;
    if (!push.body.empty())
        alert["body"] = push.body;
    nlohmann::json aps = {{"alert", std::move(alert)}};
    if (!apns.sound.isEmpty())
        aps["sound"] = apns.sound.toStdString();
    if (apns.apnsBadge)
        aps["badge"] = *apns.apnsBadge;
    if (!apns.apnsCategory.isEmpty())
        aps["category"] = apns.apnsCategory.toStdString();
    if (!apns.apnsThreadId.isEmpty())
        aps["thread-id"] = apns.apnsThreadId.toStdString();
    if (!push.imageUrl.empty())
        aps["mutable-content"] = 1;

    nlohmann::json vestnik = {{"nid", notificationId.toStdString()}};
    if (!trackingToken.isEmpty())
        vestnik["track"] = trackingToken.toStdString();
    if (!push.deepLink.empty())
        vestnik["link"] = push.deepLink;
    if (!push.imageUrl.empty())
        vestnik["image"] = push.imageUrl;
    if (!push.buttons.empty())
        vestnik["actions"] = actionsJson(push);

    nlohmann::json payload = {{"aps", std::move(aps)}, {"vestnik", std::move(vestnik)}};
    for (const auto &[key, value] : push.data) {
        if (key != "aps" && key != "vestnik")
            payload[key] = value;
    }

    ApnsRequest request;
    const std::string body = payload.dump();
    request.payload = QByteArray(body.data(), qsizetype(body.size()));
    const qint64 ttl = apns.ttlSeconds.value_or(options.ttlSeconds.value_or(kDefaultTtlSeconds));
    const bool high = pick(apns.priority, options.priority) != QStringLiteral("normal");
    request.headers = {
        {"apns-push-type", "alert"},
        {"apns-topic", topic.toUtf8()},
        {"apns-priority", high ? "10" : "5"},
        {"apns-expiration",
         QByteArray::number(expiresAtSeconds ? *expiresAtSeconds : (ttl == 0 ? 0 : nowSeconds + ttl))},
        {"apns-collapse-id", pick(apns.collapseKey, pick(options.collapseKey, notificationId)).toUtf8()},
    };
    return request;
}

} // namespace vestnik
