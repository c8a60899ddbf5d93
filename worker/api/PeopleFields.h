#pragma once

#include "model/Platform.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace vestnik {

struct Delivery;
struct DeliveryEvent;
struct Device;
struct User;

/// The checks and JSON shapes the people-data endpoints (devices, users, deliveries) share. A device token
/// never leaves here whole: devices are shown with a masked token and a short fingerprint.
namespace peoplefields {

/// Longest user, app and notification id accepted (characters).
constexpr int kMaxIdLength = 256;
/// Longest device token accepted (bytes of UTF-8): FCM tokens are about 160, APNs 64, web push ones longer.
constexpr int kMaxTokenBytes = 4096;
/// Largest user attributes object, as compact JSON.
constexpr int kMaxAttributesBytes = 16 * 1024;

/// InvalidArgument naming `field` unless `id` is 1..kMaxIdLength characters without control characters.
Result<void> checkId(const QString &field, const QString &id);
/// InvalidArgument unless `token` is 1..kMaxTokenBytes bytes of printable characters without spaces.
Result<void> checkToken(const QString &token);
/// InvalidArgument unless `locale` is empty or a BCP 47-like tag ("ru", "ru-RU", "zh-Hant-TW").
Result<void> checkLocale(const QString &locale);

/// InvalidArgument naming the first member of `body` that is not in `allowed`.
Result<void> checkMembers(const QJsonObject &body, const QStringList &allowed);
/// The string member `name` of `body`: nothing when absent (or null), InvalidArgument when not a string.
Result<std::optional<QString>> optionalString(const QJsonObject &body, const QString &name);
/// What a registration asks for, checked.
struct DeviceRegistration {
    QString appId;
    Platform platform = Platform::Android;
    QString token;
    QString locale;
};

/// The body of `POST /v1/users/{id}/devices`, checked: only known members, strings, a known platform, a valid
/// app id, token and locale; InvalidArgument with a message naming the field otherwise.
Result<DeviceRegistration> deviceRegistrationFrom(const QJsonObject &body);
/// A path's positive integer id (a device's), or InvalidArgument.
Result<qint64> numericId(const QString &field, const QString &text);

/// "abcd…wxyz" (the first and last four characters); only "…" for tokens shorter than 16 characters.
QString maskToken(const QString &token);
/// The first 12 hex digits of the token's SHA-256: what support compares with the app's own display.
QString tokenFingerprint(const QString &token);

/// A device as the API shows it: ids, platform, locale, state, times, `token_masked`, `token_fingerprint`.
QJsonObject deviceJson(const Device &device);
QJsonObject userJson(const User &user);
/// A delivery without anything of the device but its id.
QJsonObject deliveryJson(const Delivery &delivery);
QJsonObject deliveryEventJson(const DeliveryEvent &event);

} // namespace peoplefields

} // namespace vestnik
