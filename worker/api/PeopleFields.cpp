#include "api/PeopleFields.h"

#include "model/Delivery.h"
#include "model/DeliveryEvent.h"
#include "model/Device.h"
#include "model/Platform.h"
#include "model/Provider.h"
#include "model/User.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace vestnik::peoplefields {

namespace {

QJsonValue optionalTime(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(*ms) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

/// The provider that pushes to a platform (web has none yet).
QJsonValue providerOf(Platform platform)
{
    switch (platform) {
    case Platform::Android: return providerName(Provider::Fcm);
    case Platform::Ios: return providerName(Provider::Apns);
    case Platform::Web: break;
    }
    return QJsonValue(QJsonValue::Null);
}

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

} // namespace

Result<void> checkId(const QString &field, const QString &id)
{
    if (id.isEmpty())
        return invalid(QStringLiteral("'%1' is missing or empty").arg(field));
    if (id.size() > kMaxIdLength)
        return invalid(QStringLiteral("'%1' is longer than %2 characters").arg(field).arg(kMaxIdLength));
    for (const QChar c : id) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return invalid(QStringLiteral("'%1' must not contain control characters").arg(field));
    }
    return {};
}

Result<void> checkToken(const QString &token)
{
    if (token.isEmpty())
        return invalid(QStringLiteral("'token' is missing or empty"));
    if (token.toUtf8().size() > kMaxTokenBytes)
        return invalid(QStringLiteral("'token' is longer than %1 bytes").arg(kMaxTokenBytes));
    for (const QChar c : token) {
        if (!c.isPrint() || c.isSpace())
            return invalid(QStringLiteral("'token' must not contain spaces or control characters"));
    }
    return {};
}

Result<void> checkLocale(const QString &locale)
{
    static const QRegularExpression tag(QStringLiteral("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,4}$"));
    if (locale.isEmpty() || tag.match(locale).hasMatch())
        return {};
    return invalid(QStringLiteral("'locale' must be a language tag such as \"ru\" or \"ru-RU\""));
}

Result<void> checkMembers(const QJsonObject &body, const QStringList &allowed)
{
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!allowed.contains(it.key()))
            return invalid(QStringLiteral("unknown member '%1'; allowed: %2")
                               .arg(it.key().left(kMaxIdLength), allowed.join(QStringLiteral(", "))));
    }
    return {};
}

Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &name)
{
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return std::optional<QString>();
    if (!value.isString())
        return invalid(QStringLiteral("'%1' must be a string").arg(name));
    return std::optional<QString>(value.toString());
}

Result<qint64> numericId(const QString &field, const QString &text)
{
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        return invalid(QStringLiteral("'%1' must be a positive integer").arg(field));
    return id;
}

QString maskToken(const QString &token)
{
    static constexpr qsizetype kShown = 4;
    if (token.size() < 4 * kShown)
        return QStringLiteral("…");
    return token.left(kShown) + QStringLiteral("…") + token.right(kShown);
}

QString tokenFingerprint(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex().left(12));
}

QJsonObject deviceJson(const Device &device)
{
    return QJsonObject{{QStringLiteral("id"), device.id},
                       {QStringLiteral("user_id"), device.userId},
                       {QStringLiteral("app_id"), device.appId},
                       {QStringLiteral("platform"), platformName(device.platform)},
                       {QStringLiteral("locale"), device.locale},
                       {QStringLiteral("active"), device.isActive},
                       {QStringLiteral("token_masked"), maskToken(device.token)},
                       {QStringLiteral("token_fingerprint"), tokenFingerprint(device.token)},
                       {QStringLiteral("registered_at"), device.registeredAtMs},
                       {QStringLiteral("updated_at"), device.updatedAtMs},
                       {QStringLiteral("deactivated_at"), optionalTime(device.deactivatedAtMs)},
                       {QStringLiteral("deactivation_reason"), textOrNull(device.deactivationReason)}};
}

QJsonObject userJson(const User &user)
{
    return QJsonObject{{QStringLiteral("id"), user.id},
                       {QStringLiteral("locale"), user.locale},
                       {QStringLiteral("timezone"), user.timezone},
                       {QStringLiteral("attributes"), user.attributes},
                       {QStringLiteral("created_at"), user.createdAtMs},
                       {QStringLiteral("updated_at"), user.updatedAtMs}};
}

QJsonObject deliveryJson(const Delivery &delivery)
{
    return QJsonObject{{QStringLiteral("notification_id"), delivery.notificationId},
                       {QStringLiteral("user_id"), delivery.userId},
                       {QStringLiteral("device_id"), delivery.deviceId},
                       {QStringLiteral("app_id"), delivery.appId},
                       {QStringLiteral("platform"), platformName(delivery.platform)},
                       {QStringLiteral("provider"), providerOf(delivery.platform)},
                       {QStringLiteral("template_id"), textOrNull(delivery.templateId)},
                       {QStringLiteral("template_version"), delivery.templateVersion
                                                                ? QJsonValue(*delivery.templateVersion)
                                                                : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("campaign_id"), textOrNull(delivery.campaignId)},
                       {QStringLiteral("event_id"), textOrNull(delivery.eventId)},
                       {QStringLiteral("status"), deliveryStatusName(delivery.status)},
                       {QStringLiteral("attempts"), delivery.attempts},
                       {QStringLiteral("next_attempt_at"), optionalTime(delivery.nextAttemptAtMs)},
                       {QStringLiteral("provider_message_id"), textOrNull(delivery.providerMessageId)},
                       {QStringLiteral("error_code"), textOrNull(delivery.errorCode)},
                       {QStringLiteral("error_message"), textOrNull(delivery.errorMessage)},
                       {QStringLiteral("created_at"), delivery.createdAtMs},
                       {QStringLiteral("updated_at"), delivery.updatedAtMs},
                       {QStringLiteral("sent_at"), optionalTime(delivery.sentAtMs)},
                       {QStringLiteral("delivered_at"), optionalTime(delivery.deliveredAtMs)},
                       {QStringLiteral("opened_at"), optionalTime(delivery.openedAtMs)},
                       {QStringLiteral("clicked_at"), optionalTime(delivery.clickedAtMs)},
                       {QStringLiteral("converted_at"), optionalTime(delivery.convertedAtMs)},
                       {QStringLiteral("failed_at"), optionalTime(delivery.failedAtMs)},
                       {QStringLiteral("expires_at"), optionalTime(delivery.expiresAtMs)}};
}

QJsonObject deliveryEventJson(const DeliveryEvent &event)
{
    return QJsonObject{{QStringLiteral("status"), deliveryStatusName(event.status)},
                       {QStringLiteral("at"), event.atMs},
                       {QStringLiteral("detail"), event.detail}};
}

Result<DeviceRegistration> deviceRegistrationFrom(const QJsonObject &body)
{
    const QStringList members{QStringLiteral("app_id"), QStringLiteral("platform"), QStringLiteral("token"),
                              QStringLiteral("locale")};
    if (Result<void> known = checkMembers(body, members); !known)
        return known.error();
    DeviceRegistration registration;
    for (const QString &name : members) {
        Result<std::optional<QString>> value = optionalString(body, name);
        if (!value)
            return value.error();
        const QString text = value->value_or(QString());
        if (name == QStringLiteral("app_id"))
            registration.appId = text;
        else if (name == QStringLiteral("token"))
            registration.token = text;
        else if (name == QStringLiteral("locale"))
            registration.locale = text;
        else if (const std::optional<Platform> platform = platformFromName(text))
            registration.platform = *platform;
        else
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("'platform' must be android, ios or web"));
    }
    if (Result<void> app = checkId(QStringLiteral("app_id"), registration.appId); !app)
        return app.error();
    if (Result<void> token = checkToken(registration.token); !token)
        return token.error();
    if (Result<void> locale = checkLocale(registration.locale); !locale)
        return locale.error();
    return registration;
}

} // namespace vestnik::peoplefields
