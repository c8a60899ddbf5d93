#include "template/PushTemplate.h"

#include <QJsonArray>

namespace vestnik {

namespace {

constexpr qint64 kMaxTtlSeconds = 2'419'200; // 4 weeks: FCM's maximum; APNs stores up to 30 days

QJsonObject contentToJson(const TemplateContent &content)
{
    QJsonObject json;
    const auto put = [&json](const char *key, const QString &value) {
        if (!value.isEmpty())
            json.insert(QLatin1String(key), value);
    };
    put("title", content.title);
    put("body", content.body);
    put("image_url", content.imageUrl);
    put("deep_link", content.deepLink);
    if (!content.buttons.isEmpty()) {
        QJsonArray buttons;
        for (const ActionButton &button : content.buttons) {
            buttons.append(QJsonObject{{QStringLiteral("id"), button.id},
                                       {QStringLiteral("label"), button.label},
                                       {QStringLiteral("link"), button.link}});
        }
        json.insert(QStringLiteral("buttons"), buttons);
    }
    if (!content.data.isEmpty()) {
        QJsonObject data;
        for (auto it = content.data.cbegin(); it != content.data.cend(); ++it)
            data.insert(it.key(), it.value());
        json.insert(QStringLiteral("data"), data);
    }
    return json;
}

QJsonObject optionsToJson(const PlatformOptions &options)
{
    QJsonObject json;
    const auto put = [&json](const char *key, const QString &value) {
        if (!value.isEmpty())
            json.insert(QLatin1String(key), value);
    };
    put("sound", options.sound);
    put("collapse_key", options.collapseKey);
    put("priority", options.priority);
    put("channel_id", options.androidChannel);
    put("category", options.apnsCategory);
    put("thread_id", options.apnsThreadId);
    if (options.ttlSeconds)
        json.insert(QStringLiteral("ttl_seconds"), *options.ttlSeconds);
    if (options.apnsBadge)
        json.insert(QStringLiteral("badge"), *options.apnsBadge);
    return json;
}

Error fieldError(const QString &field, const QString &problem)
{
    return makeError(ErrorCode::InvalidArgument, field + QStringLiteral(": ") + problem);
}

Result<QString> stringField(const QJsonObject &json, const char *key, const QString &path)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return fieldError(path + QLatin1String(key), QStringLiteral("must be a string"));
    return value.toString();
}

Result<std::optional<qint64>> integerField(const QJsonObject &json, const char *key, const QString &path, qint64 min,
                                           qint64 max)
{
    const QJsonValue value = json.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d != double(qint64(d)) || d < double(min) || d > double(max))
        return fieldError(path + QLatin1String(key),
                          QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max));
    return std::optional<qint64>(qint64(d));
}

Result<QString> priorityField(const QJsonObject &json, const QString &path)
{
    Result<QString> priority = stringField(json, "priority", path);
    if (priority && !priority->isEmpty() && *priority != QStringLiteral("high")
        && *priority != QStringLiteral("normal"))
        return fieldError(path + QStringLiteral("priority"), QStringLiteral("must be \"high\" or \"normal\""));
    return priority;
}

Result<TemplateContent> contentFromJson(const QJsonObject &json, const QString &path)
{
    TemplateContent content;
    const std::pair<const char *, QString *> texts[] = {{"title", &content.title},
                                                        {"body", &content.body},
                                                        {"image_url", &content.imageUrl},
                                                        {"deep_link", &content.deepLink}};
    for (const auto &[key, target] : texts) {
        Result<QString> value = stringField(json, key, path);
        if (!value)
            return value.error();
        *target = *value;
    }
    const QJsonValue buttons = json.value(QStringLiteral("buttons"));
    if (!buttons.isUndefined() && !buttons.isArray())
        return fieldError(path + QStringLiteral("buttons"), QStringLiteral("must be a list"));
    const QJsonArray list = buttons.toArray();
    if (list.size() > 3)
        return fieldError(path + QStringLiteral("buttons"), QStringLiteral("at most 3 buttons fit a notification"));
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString at = path + QStringLiteral("buttons.%1.").arg(i);
        if (!list.at(i).isObject())
            return fieldError(at.chopped(1), QStringLiteral("must be an object with id, label and link"));
        const QJsonObject b = list.at(i).toObject();
        ActionButton button;
        for (const auto &[key, target] :
             {std::pair<const char *, QString *>{"id", &button.id}, {"label", &button.label}, {"link", &button.link}}) {
            Result<QString> value = stringField(b, key, at);
            if (!value)
                return value.error();
            *target = *value;
        }
        if (button.id.isEmpty() || button.label.isEmpty())
            return fieldError(at.chopped(1), QStringLiteral("a button needs an id and a label"));
        content.buttons.append(button);
    }
    const QJsonValue data = json.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isObject())
        return fieldError(path + QStringLiteral("data"), QStringLiteral("must be an object of strings"));
    const QJsonObject dataObject = data.toObject();
    for (auto it = dataObject.constBegin(); it != dataObject.constEnd(); ++it) {
        if (!it.value().isString())
            return fieldError(path + QStringLiteral("data.") + it.key(),
                              QStringLiteral("must be a string (push data values are strings)"));
        content.data.insert(it.key(), it.value().toString());
    }
    return content;
}

Result<PlatformOptions> optionsFromJson(const QJsonObject &json, const QString &path)
{
    PlatformOptions options;
    const std::pair<const char *, QString *> texts[] = {{"sound", &options.sound},
                                                        {"collapse_key", &options.collapseKey},
                                                        {"channel_id", &options.androidChannel},
                                                        {"category", &options.apnsCategory},
                                                        {"thread_id", &options.apnsThreadId}};
    for (const auto &[key, target] : texts) {
        Result<QString> value = stringField(json, key, path);
        if (!value)
            return value.error();
        *target = *value;
    }
    Result<QString> priority = priorityField(json, path);
    if (!priority)
        return priority.error();
    options.priority = *priority;
    Result<std::optional<qint64>> ttl = integerField(json, "ttl_seconds", path, 0, kMaxTtlSeconds);
    if (!ttl)
        return ttl.error();
    options.ttlSeconds = *ttl;
    Result<std::optional<qint64>> badge = integerField(json, "badge", path, 0, 99999);
    if (!badge)
        return badge.error();
    if (*badge)
        options.apnsBadge = int(**badge);
    return options;
}

void fillFrom(TemplateContent &variant, const TemplateContent &fallback)
{
    if (variant.title.isEmpty())
        variant.title = fallback.title;
    if (variant.body.isEmpty())
        variant.body = fallback.body;
    if (variant.imageUrl.isEmpty())
        variant.imageUrl = fallback.imageUrl;
    if (variant.deepLink.isEmpty())
        variant.deepLink = fallback.deepLink;
    if (variant.buttons.isEmpty())
        variant.buttons = fallback.buttons;
    for (auto it = fallback.data.cbegin(); it != fallback.data.cend(); ++it) {
        if (!variant.data.contains(it.key()))
            variant.data.insert(it.key(), it.value());
    }
}

} // namespace

QJsonObject PushTemplate::toJson() const
{
    QJsonObject json = contentToJson(content);
    if (!id.isEmpty())
        json.insert(QStringLiteral("id"), id);
    json.insert(QStringLiteral("name"), name);
    json.insert(QStringLiteral("default_locale"), defaultLocale);
    if (!variants.isEmpty()) {
        QJsonObject v;
        for (auto it = variants.cbegin(); it != variants.cend(); ++it)
            v.insert(it.key(), contentToJson(it.value()));
        json.insert(QStringLiteral("variants"), v);
    }
    if (!collapseKey.isEmpty())
        json.insert(QStringLiteral("collapse_key"), collapseKey);
    if (ttlSeconds)
        json.insert(QStringLiteral("ttl_seconds"), *ttlSeconds);
    json.insert(QStringLiteral("priority"), priority);
    const QJsonObject androidJson = optionsToJson(android);
    if (!androidJson.isEmpty())
        json.insert(QStringLiteral("android"), androidJson);
    const QJsonObject apnsJson = optionsToJson(apns);
    if (!apnsJson.isEmpty())
        json.insert(QStringLiteral("apns"), apnsJson);
    return json;
}

Result<PushTemplate> PushTemplate::fromJson(const QJsonObject &json)
{
    PushTemplate t;
    Result<QString> id = stringField(json, "id", QString());
    Result<QString> name = stringField(json, "name", QString());
    Result<QString> locale = stringField(json, "default_locale", QString());
    Result<QString> collapse = stringField(json, "collapse_key", QString());
    Result<QString> priority = priorityField(json, QString());
    for (const Result<QString> *r : {&id, &name, &locale, &collapse, &priority}) {
        if (!*r)
            return r->error();
    }
    t.id = *id;
    t.name = *name;
    if (!locale->isEmpty())
        t.defaultLocale = *locale;
    t.collapseKey = *collapse;
    if (!priority->isEmpty())
        t.priority = *priority;
    Result<std::optional<qint64>> ttl = integerField(json, "ttl_seconds", QString(), 0, kMaxTtlSeconds);
    if (!ttl)
        return ttl.error();
    t.ttlSeconds = *ttl;

    Result<TemplateContent> content = contentFromJson(json, QString());
    if (!content)
        return content.error();
    t.content = *content;
    if (t.content.title.isEmpty() && t.content.body.isEmpty())
        return fieldError(QStringLiteral("body"), QStringLiteral("a push needs a title or a body"));

    const QJsonValue variants = json.value(QStringLiteral("variants"));
    if (!variants.isUndefined() && !variants.isObject())
        return fieldError(QStringLiteral("variants"), QStringLiteral("must be an object keyed by locale"));
    const QJsonObject variantObject = variants.toObject();
    for (auto it = variantObject.constBegin(); it != variantObject.constEnd(); ++it) {
        const QString path = QStringLiteral("variants.%1.").arg(it.key());
        if (!it.value().isObject())
            return fieldError(path.chopped(1), QStringLiteral("must be an object"));
        Result<TemplateContent> variant = contentFromJson(it.value().toObject(), path);
        if (!variant)
            return variant.error();
        t.variants.insert(it.key(), *variant);
    }
    for (const auto &[key, target] :
         {std::pair<const char *, PlatformOptions *>{"android", &t.android}, {"apns", &t.apns}}) {
        const QJsonValue value = json.value(QLatin1String(key));
        if (value.isUndefined())
            continue;
        if (!value.isObject())
            return fieldError(QLatin1String(key), QStringLiteral("must be an object"));
        Result<PlatformOptions> options = optionsFromJson(value.toObject(), QLatin1String(key) + QLatin1Char('.'));
        if (!options)
            return options.error();
        *target = *options;
    }
    return t;
}

TemplateContent PushTemplate::contentFor(const QString &recipientLocale, QString *chosenLocale) const
{
    QString tag = recipientLocale;
    tag.replace(QLatin1Char('_'), QLatin1Char('-'));
    const QString language = tag.section(QLatin1Char('-'), 0, 0).toLower();
    const auto find = [this](const QString &key) {
        for (auto it = variants.cbegin(); it != variants.cend(); ++it) {
            if (it.key().compare(key, Qt::CaseInsensitive) == 0)
                return it;
        }
        return variants.cend();
    };
    auto it = find(tag);
    if (it == variants.cend())
        it = find(language);
    if (it == variants.cend()) {
        if (chosenLocale)
            *chosenLocale = defaultLocale;
        return content;
    }
    if (chosenLocale)
        *chosenLocale = it.key();
    TemplateContent variant = it.value();
    fillFrom(variant, content);
    return variant;
}

} // namespace vestnik
