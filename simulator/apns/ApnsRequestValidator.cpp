#include "apns/ApnsRequestValidator.h"

#include "transport/HttpRequest.h"

namespace vestnik::sim {

namespace {

struct PushTypeInfo {
    const char *name;
    const char *suffix;
};

// PROVIDERS.md 3.2: push types and the suffix their topic carries (mdm topics are the certificate's UID).
constexpr PushTypeInfo kPushTypes[] = {
    {"alert", ""},
    {"background", ""},
    {"location", ".location-query"},
    {"voip", ".voip"},
    {"complication", ".complication"},
    {"fileprovider", ".pushkit.fileprovider"},
    {"mdm", ""},
    {"liveactivity", ".push-type.liveactivity"},
    {"pushtotalk", ".voip-ptt"},
    {"widgets", ".push-type.widgets"},
    {"controls", ".push-type.controls"},
};

constexpr qsizetype kMaxCollapseIdBytes = 64;
constexpr qsizetype kMinTokenHexDigits = 64;
constexpr qsizetype kMaxTokenHexDigits = 200;

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool isBundleIdCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('-') || c == QLatin1Char('_');
}

} // namespace

bool ApnsRequestValidator::isKnownPushType(const QString &pushType)
{
    return std::any_of(std::begin(kPushTypes), std::end(kPushTypes),
                       [&pushType](const PushTypeInfo &info) { return pushType == QLatin1String(info.name); });
}

QString ApnsRequestValidator::topicSuffix(const QString &pushType)
{
    for (const PushTypeInfo &info : kPushTypes) {
        if (pushType == QLatin1String(info.name))
            return QLatin1String(info.suffix);
    }
    return {};
}

bool ApnsRequestValidator::isCanonicalUuid(QByteArrayView text)
{
    if (text.size() != 36)
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const bool isDash = i == 8 || i == 13 || i == 18 || i == 23;
        if (isDash ? text[i] != '-' : !isLowerHex(text[i]))
            return false;
    }
    return true;
}

QString ApnsRequestValidator::validate(const HttpRequest &request, bool needsTopic, const QString &defaultTopic,
                                       ApnsRequest &out)
{
    static const char *const kSingleHeaders[] = {"authorization",   "apns-id",       "apns-topic",
                                                 "apns-push-type",  "apns-priority", "apns-expiration",
                                                 "apns-collapse-id"};
    for (const char *name : kSingleHeaders) {
        if (request.headerCount(name) > 1)
            return QStringLiteral("DuplicateHeaders");
    }

    if (const QByteArray *id = request.header("apns-id")) {
        if (!isCanonicalUuid(*id))
            return QStringLiteral("BadMessageId");
        out.apnsId = *id;
    }
    if (request.method != "POST")
        return QStringLiteral("MethodNotAllowed");

    const QByteArray *topic = request.header("apns-topic");
    if (!topic || topic->isEmpty()) {
        if (needsTopic || defaultTopic.isEmpty())
            return QStringLiteral("MissingTopic");
        out.topic = defaultTopic;
    } else {
        out.topic = QString::fromUtf8(*topic);
        if (!std::all_of(out.topic.cbegin(), out.topic.cend(), isBundleIdCharacter))
            return QStringLiteral("BadTopic");
    }

    if (const QByteArray *collapse = request.header("apns-collapse-id")) {
        if (collapse->size() > kMaxCollapseIdBytes)
            return QStringLiteral("BadCollapseId");
        out.collapseId = *collapse;
    }

    if (const QByteArray *priority = request.header("apns-priority")) {
        if (*priority != "10" && *priority != "5" && *priority != "1")
            return QStringLiteral("BadPriority");
        out.priority = priority->toInt();
    }

    const QByteArray *pushType = request.header("apns-push-type");
    out.pushType = pushType ? QString::fromLatin1(*pushType) : QStringLiteral("alert");
    if (!isKnownPushType(out.pushType))
        return QStringLiteral("InvalidPushType");
    // A background push must not claim to be urgent.
    if (out.pushType == QStringLiteral("background") && out.priority == 10)
        return QStringLiteral("BadPriority");
    const QString suffix = topicSuffix(out.pushType);
    if (!suffix.isEmpty() && !out.topic.endsWith(suffix))
        return QStringLiteral("BadTopic");

    if (const QByteArray *expiration = request.header("apns-expiration")) {
        bool ok = false;
        expiration->toULongLong(&ok);
        if (!ok || expiration->startsWith('+'))
            return QStringLiteral("BadExpirationDate");
    }

    static const QByteArray kDevicePath = QByteArrayLiteral("/3/device/");
    const QByteArrayView path = request.pathOnly();
    if (!path.startsWith(kDevicePath))
        return QStringLiteral("BadPath");
    const QByteArrayView token = path.sliced(kDevicePath.size());
    if (token.isEmpty())
        return QStringLiteral("MissingDeviceToken");
    const bool isHex =
        std::all_of(token.begin(), token.end(), [](char c) { return isLowerHex(c) || (c >= 'A' && c <= 'F'); });
    // Apple warns that token length may change, so any even length from 64 hex digits up is a token shape.
    if (!isHex || token.size() < kMinTokenHexDigits || token.size() > kMaxTokenHexDigits || token.size() % 2 != 0)
        return QStringLiteral("BadDeviceToken");
    out.deviceToken = token.toByteArray().toLower();
    return {};
}

} // namespace vestnik::sim
