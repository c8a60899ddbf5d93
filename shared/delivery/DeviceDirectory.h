#pragma once

#include "model/Device.h"
#include "model/User.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QStringList>

#include <functional>
#include <optional>

namespace vestnik {

class DeviceRepository;

/// Where a sender finds a user's push tokens: Vestnik's own device registry, or the company's Auth Service.
/// Answers come through callbacks, so a directory may ask a remote service without blocking the sender;
/// a callback may also run before the call returns.
class DeviceDirectory
{
public:
    using Devices = QHash<QString, QList<Device>>; ///< active devices by user id (users without any absent)
    using DevicesCallback = std::function<void(Result<Devices>)>;
    using DeviceCallback = std::function<void(Result<std::optional<Device>>)>;
    /// The devices, and the rows of their users when the directory reads those in the same request.
    struct DevicesAndUsers {
        Devices devices;
        std::optional<QHash<QString, User>> users; ///< by id; nothing: the caller reads them itself
    };
    using DevicesAndUsersCallback = std::function<void(Result<DevicesAndUsers>)>;

    virtual ~DeviceDirectory() = default;
    /// The active devices of these users, with their opened tokens.
    virtual void activeDevices(const QStringList &userIds, DevicesCallback callback) = 0;
    /// activeDevices(), and the user rows too where they come with it at no extra request (the registry's
    /// join). By default the users are left to the caller.
    virtual void activeDevicesAndUsers(const QStringList &userIds, DevicesAndUsersCallback callback);
    /// One device of `userId` by id, active or not (a retry checks that its device still is). The user is what
    /// a directory without a look-up by device id (the Auth Service) asks for.
    virtual void device(const QString &userId, qint64 deviceId, DeviceCallback callback) = 0;
};

/// The directory over Vestnik's own registry (the devices table); answers at once.
class RegistryDeviceDirectory final : public DeviceDirectory
{
public:
    explicit RegistryDeviceDirectory(const DeviceRepository &devices);

    void activeDevices(const QStringList &userIds, DevicesCallback callback) override;
    /// Devices and users in one query per 100 users.
    void activeDevicesAndUsers(const QStringList &userIds, DevicesAndUsersCallback callback) override;
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override;

private:
    const DeviceRepository &m_devices;
};

} // namespace vestnik
