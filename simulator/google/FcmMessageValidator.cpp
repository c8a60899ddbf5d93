#include "google/FcmMessageValidator.h"

#include "google/FcmSchema.h"

#include <QUrl>

namespace vestnik::sim {

namespace {

using Node = JsonTree::Node;
using Type = JsonTree::Type;

const QString kInvalid = QStringLiteral("Request contains an invalid argument.");

// The value of a member that is present and not null.
const Node *member(const JsonTree &tree, const Node *object, std::string_view snake, std::string_view camel = {})
{
    const Node *value = object ? tree.member(*object, snake, camel) : nullptr;
    return value && value->type != Type::Null ? value : nullptr;
}

// A string member's decoded text (the schema check has made sure of the type).
bool text(const JsonTree &tree, const Node *object, std::string_view snake, std::string_view camel, std::string &out)
{
    const Node *value = member(tree, object, snake, camel);
    if (!value || value->type != Type::String)
        return false;
    std::string scratch;
    out = std::string(tree.string(*value, scratch));
    return true;
}

bool isTopicCharacter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
           || c == '.' || c == '~' || c == '%';
}

bool isTopicName(std::string_view topic)
{
    return !topic.empty() && std::all_of(topic.begin(), topic.end(), isTopicCharacter);
}

bool isReservedDataKey(std::string_view key)
{
    return key == "from" || key == "message_type" || key.starts_with("google") || key.starts_with("gcm");
}

bool isHttpUrl(const std::string &value, bool httpsOnly)
{
    const QUrl url(QString::fromStdString(value), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty()
           && (scheme == QStringLiteral("https") || (!httpsOnly && scheme == QStringLiteral("http")));
}

bool isAnalyticsLabel(const std::string &label)
{
    return !label.empty() && label.size() <= 50 && std::all_of(label.begin(), label.end(), isTopicCharacter);
}

// Recursive descent over the condition grammar; counts topics as it goes.
class ConditionParser
{
public:
    explicit ConditionParser(std::string_view text) : m_text(text) {}

    bool parse()
    {
        if (!expression())
            return false;
        skipSpace();
        return m_position == m_text.size() && m_topics >= 1 && m_topics <= 5;
    }

private:
    void skipSpace()
    {
        while (m_position < m_text.size() && m_text[m_position] == ' ')
            ++m_position;
    }
    bool isSpaceNext() const { return m_position < m_text.size() && m_text[m_position] == ' '; }
    bool take(std::string_view token)
    {
        skipSpace();
        if (m_text.substr(m_position, token.size()) != token)
            return false;
        m_position += token.size();
        return true;
    }
    bool expression(int depth = 0)
    {
        if (depth > 16 || !term(depth))
            return false;
        while (take("&&") || take("||")) {
            if (!term(depth))
                return false;
        }
        return true;
    }
    bool term(int depth)
    {
        if (take("!"))
            return term(depth + 1);
        if (take("("))
            return expression(depth + 1) && take(")");
        skipSpace();
        if (m_position >= m_text.size() || (m_text[m_position] != '\'' && m_text[m_position] != '"'))
            return false;
        const char quote = m_text[m_position++];
        const std::size_t end = m_text.find(quote, m_position);
        if (end == std::string_view::npos || !isTopicName(m_text.substr(m_position, end - m_position)))
            return false;
        m_position = end + 1;
        ++m_topics;
        return isSpaceNext() && take("in") && isSpaceNext() && take("topics");
    }

    std::string_view m_text;
    std::size_t m_position = 0;
    int m_topics = 0;
};

std::optional<FcmError> checkData(const JsonTree &tree, const Node &message, const Node *android)
{
    const std::pair<const Node *, QString> maps[] = {
        {member(tree, &message, "data"), QStringLiteral("message.data")},
        {member(tree, android, "data"), QStringLiteral("message.android.data")}};
    std::string scratch;
    for (const auto &[data, path] : maps) {
        for (const Node *key = data ? tree.firstKey(*data) : nullptr; key; key = tree.nextKey(*key)) {
            const std::string_view name = tree.string(*key, scratch);
            if (isReservedDataKey(name))
                return FcmError::invalidArgument(
                    kInvalid, path,
                    QStringLiteral("Invalid data key \"%1\": \"from\", \"message_type\" and keys starting with "
                                   "\"google\" or \"gcm\" are reserved")
                        .arg(QString::fromUtf8(name.data(), qsizetype(name.size()))));
        }
    }
    return std::nullopt;
}

std::optional<FcmError> checkAndroid(const JsonTree &tree, const Node &android)
{
    std::string value;
    if (text(tree, &android, "ttl", {}, value)) {
        const qint64 seconds = FcmSchema::durationSeconds(value);
        if (value[0] == '-' || seconds > FcmMessageValidator::kMaxTtlSeconds)
            return FcmError::invalidArgument(kInvalid, QStringLiteral("message.android.ttl"),
                                             QStringLiteral("TTL must be between 0s and 2419200s (4 weeks)"));
    }
    const Node *notification = member(tree, &android, "notification");
    if (!notification)
        return std::nullopt;
    if (text(tree, notification, "color", {}, value)) {
        const bool ok = value.size() == 7 && value[0] == '#'
                        && std::all_of(value.begin() + 1, value.end(), [](char c) { return std::isxdigit(uchar(c)); });
        if (!ok)
            return FcmError::invalidArgument(kInvalid, QStringLiteral("message.android.notification.color"),
                                             QStringLiteral("color must be in the form #RRGGBB"));
    }
    if (text(tree, notification, "image", {}, value) && !isHttpUrl(value, false))
        return FcmError::invalidArgument(kInvalid, QStringLiteral("message.android.notification.image"),
                                         QStringLiteral("image must be a valid URL"));
    struct LocPair {
        std::string_view args, argsCamel, key, keyCamel;
    };
    static const LocPair kPairs[] = {{"body_loc_args", "bodyLocArgs", "body_loc_key", "bodyLocKey"},
                                     {"title_loc_args", "titleLocArgs", "title_loc_key", "titleLocKey"}};
    for (const LocPair &pair : kPairs) {
        const Node *list = member(tree, notification, pair.args, pair.argsCamel);
        if (list && list->childCount > 0 && !member(tree, notification, pair.key, pair.keyCamel)) {
            const QString key = QString::fromLatin1(pair.key.data(), qsizetype(pair.key.size()));
            return FcmError::invalidArgument(
                kInvalid, QStringLiteral("message.android.notification.") + key,
                QStringLiteral("%1 requires %2")
                    .arg(QString::fromLatin1(pair.args.data(), qsizetype(pair.args.size())), key));
        }
    }
    return std::nullopt;
}

std::optional<FcmError> checkLabelsAndLinks(const JsonTree &tree, const Node &message)
{
    const std::pair<const Node *, QString> owners[] = {
        {&message, QStringLiteral("message.fcm_options")},
        {member(tree, &message, "android"), QStringLiteral("message.android.fcm_options")},
        {member(tree, &message, "apns"), QStringLiteral("message.apns.fcm_options")},
        {member(tree, &message, "webpush"), QStringLiteral("message.webpush.fcm_options")}};
    std::string value;
    for (const auto &[owner, path] : owners) {
        const Node *options = member(tree, owner, "fcm_options", "fcmOptions");
        if (!options)
            continue;
        if (text(tree, options, "analytics_label", "analyticsLabel", value) && !isAnalyticsLabel(value))
            return FcmError::invalidArgument(kInvalid, path + QStringLiteral(".analytics_label"),
                                             QStringLiteral("analytics_label must match ^[a-zA-Z0-9-_.~%]{1,50}$"));
        if (text(tree, options, "link", {}, value) && !isHttpUrl(value, true))
            return FcmError::invalidArgument(kInvalid, path + QStringLiteral(".link"),
                                             QStringLiteral("link must be an HTTPS URL"));
        if (text(tree, options, "image", {}, value) && !isHttpUrl(value, false))
            return FcmError::invalidArgument(kInvalid, path + QStringLiteral(".image"),
                                             QStringLiteral("image must be a valid URL"));
    }
    if (text(tree, member(tree, &message, "notification"), "image", {}, value) && !isHttpUrl(value, false))
        return FcmError::invalidArgument(kInvalid, QStringLiteral("message.notification.image"),
                                         QStringLiteral("image must be a valid URL"));
    return std::nullopt;
}

} // namespace

bool FcmMessageValidator::isWellFormedToken(std::string_view token)
{
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
               || c == ':' || c == '.';
    });
}

bool FcmMessageValidator::isValidCondition(std::string_view condition)
{
    return ConditionParser(condition).parse();
}

std::optional<FcmError> FcmMessageValidator::validate(const QByteArray &body, FcmMessage &out)
{
    const JsonTree &tree = m_tree;
    if (!m_tree.parse(std::string_view(body.constData(), std::size_t(body.size()))))
        return FcmError::invalidJson(QStringLiteral("Invalid JSON payload received. Unexpected token."), QString());
    if (std::optional<FcmError> error = FcmSchema::check(tree))
        return error;

    const Node *validateOnly = member(tree, &tree.root(), "validate_only", "validateOnly");
    out.isValidateOnly = validateOnly && validateOnly->type == Type::True;
    const Node *message = member(tree, &tree.root(), "message");
    if (!message)
        return FcmError::invalidArgument(kInvalid, QStringLiteral("message"), QStringLiteral("message is required"));

    // oneof target: proto3 JSON rejects a second member of a oneof before anything else is looked at.
    static constexpr std::string_view kTargets[] = {"token", "topic", "condition", "fid"};
    std::string_view target;
    const Node *targetKey = nullptr;
    for (const Node *key = tree.firstKey(*message); key; key = tree.nextKey(*key)) {
        if (tree.valueOf(*key).type == Type::Null)
            continue;
        for (const std::string_view name : kTargets) {
            if (!tree.equals(*key, name))
                continue;
            if (targetKey)
                return FcmError::invalidJson(
                    QStringLiteral("Invalid value at 'message' (oneof), oneof field 'target' is "
                                   "already set. Cannot set '%1'")
                        .arg(QString::fromLatin1(name.data(), qsizetype(name.size()))),
                    QStringLiteral("message"));
            target = name;
            targetKey = key;
        }
    }
    if (!targetKey) {
        FcmError error = FcmError::fromCode(QStringLiteral("INVALID_ARGUMENT"));
        error.message = QStringLiteral("Recipient of the message is not set.");
        return error;
    }
    std::string scratch;
    out.address = std::string(tree.string(tree.valueOf(*targetKey), scratch));
    if (target == "token") {
        out.target = FcmMessage::Target::Token;
        if (!isWellFormedToken(out.address))
            return FcmError::invalidArgument(
                kInvalid, QStringLiteral("message.token"),
                QStringLiteral("The registration token is not a valid FCM registration token"));
    } else if (target == "topic") {
        out.target = FcmMessage::Target::Topic;
        if (!isTopicName(out.address))
            return FcmError::invalidArgument(kInvalid, QStringLiteral("message.topic"),
                                             QStringLiteral("Invalid topic name: it must match [a-zA-Z0-9-_.~%]+ "
                                                            "(without a \"/topics/\" prefix)"));
    } else if (target == "condition") {
        out.target = FcmMessage::Target::Condition;
        if (!isValidCondition(out.address))
            return FcmError::invalidArgument(QStringLiteral("Invalid condition expression provided."),
                                             QStringLiteral("message.condition"),
                                             QStringLiteral("Invalid condition expression provided."));
    } else {
        out.target = FcmMessage::Target::Fid;
        if (out.address.empty())
            return FcmError::invalidArgument(kInvalid, QStringLiteral("message.fid"), QStringLiteral("fid is empty"));
    }

    const Node *android = member(tree, message, "android");
    if (std::optional<FcmError> error = checkData(tree, *message, android))
        return error;
    if (android) {
        if (std::optional<FcmError> error = checkAndroid(tree, *android))
            return error;
        text(tree, android, "collapse_key", "collapseKey", out.collapseKey);
    }
    if (std::optional<FcmError> error = checkLabelsAndLinks(tree, *message))
        return error;
    if (out.collapseKey.empty())
        text(tree, member(tree, member(tree, message, "apns"), "headers"), "apns-collapse-id", {}, out.collapseKey);

    const qsizetype limit = out.target == FcmMessage::Target::Topic ? kMaxTopicPayloadBytes : kMaxPayloadBytes;
    // The counted size is never above the body's, so smaller bodies skip the count.
    if (body.size() > limit && qsizetype(tree.compactSize(*message, targetKey)) > limit) {
        FcmError error;
        error.httpStatus = 400;
        error.status = QStringLiteral("INVALID_ARGUMENT");
        error.message = kInvalid; // observed: no details at all for "message too big"
        return error;
    }
    return std::nullopt;
}

} // namespace vestnik::sim
