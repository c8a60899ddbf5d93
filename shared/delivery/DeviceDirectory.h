#pragma once

#include "model/Device.h"
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

    virtual ~DeviceDirectory() = default;
    /// The active devices of these users, with their opened tokens.
    virtual void activeDevices(const QStringList &userIds, DevicesCallback callback) = 0;
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
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override;

private:
    const DeviceRepository &m_devices;
};

} // namespace vestnik
