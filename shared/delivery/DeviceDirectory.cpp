#include "delivery/DeviceDirectory.h"

#include "store/DeviceRepository.h"

namespace vestnik {

void DeviceDirectory::activeDevicesAndUsers(const QStringList &userIds, DevicesAndUsersCallback callback)
{
    activeDevices(userIds, [callback = std::move(callback)](Result<Devices> devices) {
        if (!devices)
            callback(devices.error());
        else
            callback(DevicesAndUsers{std::move(*devices), std::nullopt});
    });
}

RegistryDeviceDirectory::RegistryDeviceDirectory(const DeviceRepository &devices) : m_devices(devices) {}

void RegistryDeviceDirectory::activeDevices(const QStringList &userIds, DevicesCallback callback)
{
    callback(m_devices.activeForUsers(userIds));
}

void RegistryDeviceDirectory::activeDevicesAndUsers(const QStringList &userIds, DevicesAndUsersCallback callback)
{
    Result<DeviceRepository::DevicesAndUsers> found = m_devices.activeWithUsers(userIds);
    if (!found)
        callback(found.error());
    else
        callback(DevicesAndUsers{std::move(found->devices), std::move(found->users)});
}

void RegistryDeviceDirectory::device(const QString &, qint64 deviceId, DeviceCallback callback)
{
    // Registry ids are unique on their own.
    callback(m_devices.find(deviceId));
}

} // namespace vestnik
