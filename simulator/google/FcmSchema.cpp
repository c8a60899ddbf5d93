#include "google/FcmSchema.h"

#include "json/JsonTree.h"

#include <initializer_list>
#include <string>
#include <vector>

namespace vestnik::sim {

namespace {

using Node = JsonTree::Node;
using Type = JsonTree::Type;

enum class Kind {
    String,
    Bool,
    Int32,
    Double,
    Enum,
    Duration,
    Timestamp,
    StringMap,
    Struct,
    StringList,
    DurationList,
    Object
};

struct ObjectSpec;

struct EnumSpec {
    const char *typeName;
    std::vector<const char *> values;
    bool isCaseInsensitive = false;
};

struct FieldSpec {
    std::string_view snake;
    std::string_view camel;
    Kind kind;
    const ObjectSpec *object = nullptr;
    const EnumSpec *enumeration = nullptr;
    const char *mapEntry = nullptr; ///< proto type of a map's entries, for error messages
};

struct ObjectSpec {
    const char *typeName;
    std::vector<FieldSpec> fields;
};

// A field path built only when an error needs it: validating a valid message allocates nothing for paths.
struct Path {
    const Path *parent = nullptr;
    std::string_view name;

    bool isRoot() const { return name.empty(); }
    std::string str() const
    {
        if (!parent || parent->isRoot())
            return std::string(name);
        return parent->str() + '.' + std::string(name);
    }
};

const EnumSpec kAndroidPriority{"google.firebase.fcm.v1.AndroidMessagePriority", {"NORMAL", "HIGH"}, true};
const EnumSpec kNotificationPriority{
    "google.firebase.fcm.v1.AndroidNotification.NotificationPriority",
    {"PRIORITY_UNSPECIFIED", "PRIORITY_MIN", "PRIORITY_LOW", "PRIORITY_DEFAULT", "PRIORITY_HIGH", "PRIORITY_MAX"}};
const EnumSpec kVisibility{"google.firebase.fcm.v1.AndroidNotification.Visibility",
                           {"VISIBILITY_UNSPECIFIED", "PRIVATE", "PUBLIC", "SECRET"}};
const EnumSpec kProxy{"google.firebase.fcm.v1.AndroidNotification.Proxy",
                      {"PROXY_UNSPECIFIED", "ALLOW", "DENY", "IF_PRIORITY_LOWERED"}};

const ObjectSpec kColor{"google.type.Color",
                        {{"red", "red", Kind::Double},
                         {"green", "green", Kind::Double},
                         {"blue", "blue", Kind::Double},
                         {"alpha", "alpha", Kind::Double}}};
const ObjectSpec kLightSettings{"google.firebase.fcm.v1.LightSettings",
                                {{"color", "color", Kind::Object, &kColor},
                                 {"light_on_duration", "lightOnDuration", Kind::Duration},
                                 {"light_off_duration", "lightOffDuration", Kind::Duration}}};
const ObjectSpec kAndroidNotification{
    "google.firebase.fcm.v1.AndroidNotification",
    {{"title", "title", Kind::String},
     {"body", "body", Kind::String},
     {"icon", "icon", Kind::String},
     {"color", "color", Kind::String},
     {"sound", "sound", Kind::String},
     {"tag", "tag", Kind::String},
     {"click_action", "clickAction", Kind::String},
     {"body_loc_key", "bodyLocKey", Kind::String},
     {"body_loc_args", "bodyLocArgs", Kind::StringList},
     {"title_loc_key", "titleLocKey", Kind::String},
     {"title_loc_args", "titleLocArgs", Kind::StringList},
     {"channel_id", "channelId", Kind::String},
     {"ticker", "ticker", Kind::String},
     {"sticky", "sticky", Kind::Bool},
     {"event_time", "eventTime", Kind::Timestamp},
     {"local_only", "localOnly", Kind::Bool},
     {"notification_priority", "notificationPriority", Kind::Enum, nullptr, &kNotificationPriority},
     {"default_sound", "defaultSound", Kind::Bool},
     {"default_vibrate_timings", "defaultVibrateTimings", Kind::Bool},
     {"default_light_settings", "defaultLightSettings", Kind::Bool},
     {"vibrate_timings", "vibrateTimings", Kind::DurationList},
     {"visibility", "visibility", Kind::Enum, nullptr, &kVisibility},
     {"notification_count", "notificationCount", Kind::Int32},
     {"light_settings", "lightSettings", Kind::Object, &kLightSettings},
     {"image", "image", Kind::String},
     {"bypass_proxy_notification", "bypassProxyNotification", Kind::Bool},
     {"proxy", "proxy", Kind::Enum, nullptr, &kProxy}}};
const ObjectSpec kAndroidFcmOptions{"google.firebase.fcm.v1.AndroidFcmOptions",
                                    {{"analytics_label", "analyticsLabel", Kind::String}}};
const ObjectSpec kAndroidConfig{
    "google.firebase.fcm.v1.AndroidConfig",
    {{"collapse_key", "collapseKey", Kind::String},
     {"priority", "priority", Kind::Enum, nullptr, &kAndroidPriority},
     {"ttl", "ttl", Kind::Duration},
     {"restricted_package_name", "restrictedPackageName", Kind::String},
     {"data", "data", Kind::StringMap, nullptr, nullptr, "google.firebase.fcm.v1.AndroidConfig.DataEntry"},
     {"notification", "notification", Kind::Object, &kAndroidNotification},
     {"fcm_options", "fcmOptions", Kind::Object, &kAndroidFcmOptions},
     {"direct_boot_ok", "directBootOk", Kind::Bool},
     {"bandwidth_constrained_ok", "bandwidthConstrainedOk", Kind::Bool},
     {"restricted_satellite_ok", "restrictedSatelliteOk", Kind::Bool}}};
const ObjectSpec kWebpushFcmOptions{
    "google.firebase.fcm.v1.WebpushFcmOptions",
    {{"link", "link", Kind::String}, {"analytics_label", "analyticsLabel", Kind::String}}};
const ObjectSpec kWebpushConfig{
    "google.firebase.fcm.v1.WebpushConfig",
    {{"headers", "headers", Kind::StringMap, nullptr, nullptr, "google.firebase.fcm.v1.WebpushConfig.HeadersEntry"},
     {"data", "data", Kind::StringMap, nullptr, nullptr, "google.firebase.fcm.v1.WebpushConfig.DataEntry"},
     {"notification", "notification", Kind::Struct},
     {"fcm_options", "fcmOptions", Kind::Object, &kWebpushFcmOptions}}};
const ObjectSpec kApnsFcmOptions{
    "google.firebase.fcm.v1.ApnsFcmOptions",
    {{"analytics_label", "analyticsLabel", Kind::String}, {"image", "image", Kind::String}}};
const ObjectSpec kApnsConfig{
    "google.firebase.fcm.v1.ApnsConfig",
    {{"headers", "headers", Kind::StringMap, nullptr, nullptr, "google.firebase.fcm.v1.ApnsConfig.HeadersEntry"},
     {"payload", "payload", Kind::Struct},
     {"fcm_options", "fcmOptions", Kind::Object, &kApnsFcmOptions},
     {"live_activity_token", "liveActivityToken", Kind::String}}};
const ObjectSpec kNotification{
    "google.firebase.fcm.v1.Notification",
    {{"title", "title", Kind::String}, {"body", "body", Kind::String}, {"image", "image", Kind::String}}};
const ObjectSpec kFcmOptions{"google.firebase.fcm.v1.FcmOptions",
                             {{"analytics_label", "analyticsLabel", Kind::String}}};
const ObjectSpec kMessage{
    "google.firebase.fcm.v1.Message",
    {{"name", "name", Kind::String},
     {"data", "data", Kind::StringMap, nullptr, nullptr, "google.firebase.fcm.v1.Message.DataEntry"},
     {"notification", "notification", Kind::Object, &kNotification},
     {"android", "android", Kind::Object, &kAndroidConfig},
     {"webpush", "webpush", Kind::Object, &kWebpushConfig},
     {"apns", "apns", Kind::Object, &kApnsConfig},
     {"fcm_options", "fcmOptions", Kind::Object, &kFcmOptions},
     {"token", "token", Kind::String},
     {"topic", "topic", Kind::String},
     {"condition", "condition", Kind::String},
     {"fid", "fid", Kind::String}}};
const ObjectSpec kSendMessageRequest{
    "google.firebase.fcm.v1.SendMessageRequest",
    {{"validate_only", "validateOnly", Kind::Bool}, {"message", "message", Kind::Object, &kMessage}}};

QString q(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

FcmError invalidValue(const JsonTree &tree, const std::string &path, const std::string &type, const Node &value)
{
    return FcmError::invalidJson(
        QStringLiteral("Invalid value at '%1' (%2), %3").arg(q(path), q(type), q(tree.source(value))), q(path));
}

std::string typeLabel(const FieldSpec &field)
{
    switch (field.kind) {
    case Kind::String:
    case Kind::StringList: return "TYPE_STRING";
    case Kind::Bool: return "TYPE_BOOL";
    case Kind::Int32: return "TYPE_INT32";
    case Kind::Double: return "TYPE_DOUBLE";
    case Kind::Enum: return std::string("type.googleapis.com/") + field.enumeration->typeName;
    case Kind::Duration:
    case Kind::DurationList: return "type.googleapis.com/google.protobuf.Duration";
    case Kind::Timestamp: return "type.googleapis.com/google.protobuf.Timestamp";
    case Kind::StringMap: return std::string("type.googleapis.com/") + field.mapEntry;
    case Kind::Struct: return "type.googleapis.com/google.protobuf.Struct";
    case Kind::Object: return std::string("type.googleapis.com/") + field.object->typeName;
    }
    return "TYPE_STRING";
}

bool isEnumValue(const JsonTree &tree, const Node &value, const EnumSpec &spec)
{
    long long index = 0;
    if (tree.integer(value, index))
        return index >= 0 && index < static_cast<long long>(spec.values.size());
    if (value.type != Type::String)
        return false;
    std::string scratch;
    const std::string_view text = tree.string(value, scratch);
    for (const char *name : spec.values) {
        if (spec.isCaseInsensitive ? q(text).compare(QLatin1String(name), Qt::CaseInsensitive) == 0 : text == name)
            return true;
    }
    return false;
}

bool isDurationNode(const JsonTree &tree, const Node &value)
{
    std::string scratch;
    return value.type == Type::String && FcmSchema::isDuration(tree.string(value, scratch));
}

bool isTimestamp(const JsonTree &tree, const Node &value)
{
    if (value.type != Type::String)
        return false;
    std::string scratch;
    const std::string_view text = tree.string(value, scratch);
    // RFC 3339 as protobuf wants it: 1972-01-01T10:00:20.021Z or with an offset.
    return text.size() >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':'
           && text[16] == ':';
}

std::optional<FcmError> checkObject(const JsonTree &tree, const Node &object, const ObjectSpec &spec, const Path &path);

std::optional<FcmError> checkValue(const JsonTree &tree, const Node &value, const FieldSpec &field, const Path &path)
{
    long long number = 0;
    bool ok = true;
    switch (field.kind) {
    case Kind::String: ok = value.type == Type::String; break;
    case Kind::Bool: ok = value.type == Type::True || value.type == Type::False; break;
    case Kind::Int32: ok = tree.integer(value, number) && number >= INT32_MIN && number <= INT32_MAX; break;
    case Kind::Double: ok = value.type == Type::Number; break;
    case Kind::Enum: ok = isEnumValue(tree, value, *field.enumeration); break;
    case Kind::Duration: ok = isDurationNode(tree, value); break;
    case Kind::Timestamp: ok = isTimestamp(tree, value); break;
    case Kind::Struct: ok = value.type == Type::Object; break;
    case Kind::StringMap: {
        if (value.type != Type::Object)
            return invalidValue(tree, path.str(), typeLabel(field), value);
        int index = 0;
        for (const Node *key = tree.firstKey(value); key; key = tree.nextKey(*key), ++index) {
            if (tree.valueOf(*key).type != Type::String)
                return invalidValue(tree, path.str() + '[' + std::to_string(index) + "].value", "TYPE_STRING",
                                    tree.valueOf(*key));
        }
        return std::nullopt;
    }
    case Kind::StringList:
    case Kind::DurationList: {
        if (value.type != Type::Array)
            return invalidValue(tree, path.str(), typeLabel(field), value);
        int index = 0;
        for (uint32_t child = value.firstChild; tree.isValid(child); child = tree.node(child).nextSibling, ++index) {
            const Node &item = tree.node(child);
            const bool isGood = field.kind == Kind::StringList ? item.type == Type::String : isDurationNode(tree, item);
            if (!isGood)
                return invalidValue(tree, path.str() + '[' + std::to_string(index) + ']', typeLabel(field), item);
        }
        return std::nullopt;
    }
    case Kind::Object:
        if (value.type != Type::Object)
            return invalidValue(tree, path.str(), typeLabel(field), value);
        return checkObject(tree, value, *field.object, path);
    }
    if (!ok)
        return invalidValue(tree, path.str(), typeLabel(field), value);
    return std::nullopt;
}

std::optional<FcmError> checkObject(const JsonTree &tree, const Node &object, const ObjectSpec &spec, const Path &path)
{
    for (const Node *key = tree.firstKey(object); key; key = tree.nextKey(*key)) {
        const FieldSpec *field = nullptr;
        for (const FieldSpec &candidate : spec.fields) {
            if (tree.equals(*key, candidate.snake) || tree.equals(*key, candidate.camel)) {
                field = &candidate;
                break;
            }
        }
        if (!field) {
            std::string scratch;
            const QString at = path.isRoot() ? QString() : QStringLiteral(" at '%1'").arg(q(path.str()));
            return FcmError::invalidJson(
                QStringLiteral("Invalid JSON payload received. Unknown name \"%1\"%2: Cannot find "
                               "field.")
                    .arg(q(tree.string(*key, scratch)), at),
                q(path.str()));
        }
        const Node &value = tree.valueOf(*key);
        if (value.type == Type::Null)
            continue; // proto3 JSON: null means "not set"
        const Path child{&path, field->snake};
        if (std::optional<FcmError> error = checkValue(tree, value, *field, child))
            return error;
    }
    return std::nullopt;
}

} // namespace

std::optional<FcmError> FcmSchema::check(const JsonTree &request)
{
    if (request.root().type != Type::Object)
        return FcmError::invalidJson(QStringLiteral("Invalid JSON payload received. Unexpected token."), QString());
    return checkObject(request, request.root(), kSendMessageRequest, Path());
}

bool FcmSchema::isDuration(std::string_view text)
{
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-')
        ++i;
    const std::size_t digitsStart = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
        ++i;
    if (i == digitsStart)
        return false;
    if (i < text.size() && text[i] == '.') {
        const std::size_t fractionStart = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
            ++i;
        if (i == fractionStart || i - fractionStart > 9)
            return false;
    }
    return i + 1 == text.size() && text[i] == 's';
}

qint64 FcmSchema::durationSeconds(std::string_view text)
{
    const bool isNegative = !text.empty() && text[0] == '-';
    qint64 seconds = 0;
    for (std::size_t i = isNegative ? 1 : 0; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
        seconds = std::min<qint64>(seconds * 10 + (text[i] - '0'), qint64(1) << 40);
    return isNegative ? -seconds : seconds;
}

} // namespace vestnik::sim
