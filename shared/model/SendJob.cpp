#include "model/SendJob.h"

#include <QCryptographicHash>

namespace vestnik {

namespace {

Error invalid(const QString &message)
{
    return Error{ErrorCode::InvalidArgument, QStringLiteral("send job: ") + message};
}

QString utf8(const nlohmann::json &value)
{
    const auto &s = value.get_ref<const std::string &>();
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

std::string utf8(const QString &value)
{
    return value.toStdString();
}

/// The optional string member `name`; an error when it is there and not a string.
Result<QString> optionalText(const nlohmann::json &object, const char *name)
{
    const auto it = object.find(name);
    if (it == object.end() || it->is_null())
        return QString();
    if (!it->is_string())
        return invalid(QStringLiteral("'%1' must be a string").arg(QLatin1String(name)));
    return utf8(*it);
}

} // namespace

namespace {

/// `%` and `:` escaped, so that the parts of a key cannot run into each other ("a:b" + "c" != "a" + "b:c").
QString keyPart(const QString &part)
{
    if (!part.contains(QLatin1Char(':')) && !part.contains(QLatin1Char('%')))
        return part;
    QString escaped = part;
    escaped.replace(QLatin1Char('%'), QStringLiteral("%25"));
    escaped.replace(QLatin1Char(':'), QStringLiteral("%3A"));
    return escaped;
}

} // namespace

QString SendJob::key() const
{
    return campaignId.isEmpty() ? QStringLiteral("e:") + keyPart(eventId) + QLatin1Char(':') + keyPart(userId)
                                : QStringLiteral("c:") + keyPart(campaignId) + QLatin1Char(':') + keyPart(userId);
}

QString SendJob::notificationIdFor(qint64 deviceId) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(key().toUtf8());
    hash.addData(QByteArrayView("\x1f", 1));
    hash.addData(QByteArray::number(deviceId));
    return QLatin1Char('n') + QString::fromLatin1(hash.result().left(16).toHex());
}

QByteArray SendJob::toJson() const
{
    nlohmann::json json = nlohmann::json::object();
    if (!campaignId.isEmpty())
        json["campaign_id"] = utf8(campaignId);
    if (!eventId.isEmpty())
        json["event_id"] = utf8(eventId);
    if (!ruleId.isEmpty())
        json["rule_id"] = utf8(ruleId);
    json["user_id"] = utf8(userId);
    if (!appId.isEmpty())
        json["app_id"] = utf8(appId);
    json["template_id"] = utf8(templateId);
    if (templateVersion != 0)
        json["template_version"] = templateVersion;
    json["variables"] = variables.is_object() ? variables : nlohmann::json::object();
    if (!locale.isEmpty())
        json["locale"] = utf8(locale);
    json["created_at"] = createdAtMs;
    const std::string dumped = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return QByteArray(dumped.data(), qsizetype(dumped.size()));
}

Result<SendJob> SendJob::fromJson(const QByteArray &bytes)
{
    nlohmann::json json = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (json.is_discarded())
        return invalid(QStringLiteral("not valid JSON"));
    if (!json.is_object())
        return invalid(QStringLiteral("not a JSON object"));
    SendJob job;
    struct Field {
        const char *name;
        QString *target;
    };
    for (const Field &field :
         {Field{"campaign_id", &job.campaignId}, Field{"event_id", &job.eventId}, Field{"user_id", &job.userId},
          Field{"rule_id", &job.ruleId}, Field{"app_id", &job.appId}, Field{"template_id", &job.templateId},
          Field{"locale", &job.locale}}) {
        Result<QString> text = optionalText(json, field.name);
        if (!text)
            return text.error();
        *field.target = std::move(*text);
    }
    if (job.userId.isEmpty())
        return invalid(QStringLiteral("'user_id' is required"));
    if (job.templateId.isEmpty())
        return invalid(QStringLiteral("'template_id' is required"));
    if (job.campaignId.isEmpty() == job.eventId.isEmpty())
        return invalid(QStringLiteral("exactly one of 'campaign_id' and 'event_id' is required"));
    if (const auto it = json.find("template_version"); it != json.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > INT_MAX)
            return invalid(QStringLiteral("'template_version' must be a non-negative integer"));
        job.templateVersion = it->get<int>();
    }
    if (const auto it = json.find("created_at"); it != json.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<long long>() < 0)
            return invalid(QStringLiteral("'created_at' must be milliseconds since the epoch"));
        job.createdAtMs = it->get<qint64>();
    }
    if (const auto it = json.find("variables"); it != json.end() && !it->is_null()) {
        if (!it->is_object())
            return invalid(QStringLiteral("'variables' must be an object"));
        job.variables = std::move(*it);
    }
    return job;
}

} // namespace vestnik
