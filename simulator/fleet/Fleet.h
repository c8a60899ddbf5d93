#pragma once

#include "control/PushService.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <string_view>

namespace vestnik::sim {

/// The virtual phones: users with their locale and time zone, each with devices (platform, app, push token).
/// Written by hand in JSON, generated reproducibly from a seed ({"generate": {...}}), or both.
class Fleet final
{
public:
    struct Device {
        PushService service = PushService::Fcm; ///< fcm for Android, apns for iOS
        QString token;
        QString app;     ///< package name / bundle ID (the APNs topic)
        QString project; ///< FCM project the token belongs to (empty: any)
        QString locale;
        QString userId;
        QString platform() const
        {
            return service == PushService::Fcm ? QStringLiteral("android") : QStringLiteral("ios");
        }
    };
    struct User {
        QString id;
        QString locale;
        QString timezone;
        QList<qsizetype> devices; ///< indexes into devices()
    };

    /// `{"users": [...], "generate": {...}}`; errors name the entry.
    static Result<Fleet> fromJson(const QJsonObject &json, quint64 seed);
    static Result<Fleet> fromFile(const QString &path, quint64 seed);

    const User *user(const QString &id) const;
    const Device *device(PushService service, std::string_view token) const;
    const QList<Device> &devices() const { return m_devices; }
    const QList<User> &users() const { return m_users; }
    bool isEmpty() const { return m_users.isEmpty(); }

    /// The devices of one user as the Auth Service returns them.
    QJsonObject userJson(const User &user) const;
    /// Everything, for GET /admin/fleet (and for registering the phones with a worker).
    QJsonObject toJson() const;

private:
    Result<void> addUser(User user, const QList<Device> &devices);
    Result<void> generate(const QJsonObject &spec, quint64 seed);

    QList<User> m_users;
    QList<Device> m_devices;
    QHash<QString, qsizetype> m_userIndex;
    QHash<QString, qsizetype> m_deviceIndex[2];
};

} // namespace vestnik::sim
