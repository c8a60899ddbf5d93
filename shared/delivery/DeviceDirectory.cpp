#include "delivery/DeviceDirectory.h"

#include "store/DeviceRepository.h"

namespace vestnik {

RegistryDeviceDirectory::RegistryDeviceDirectory(const DeviceRepository &devices) : m_devices(devices) {}

void RegistryDeviceDirectory::activeDevices(const QStringList &userIds, DevicesCallback callback)
{
    callback(m_devices.activeForUsers(userIds));
}

void RegistryDeviceDirectory::device(const QString &, qint64 deviceId, DeviceCallback callback)
{
    // Registry ids are unique on their own.
    callback(m_devices.find(deviceId));
}

} // namespace vestnik
