#include "delivery/AuthServiceThenRegistryDirectory.h"

#include "delivery/AuthServiceDirectory.h"

namespace vestnik {

AuthServiceThenRegistryDirectory::AuthServiceThenRegistryDirectory(std::unique_ptr<AuthServiceDirectory> authService,
                                                                   DeviceDirectory &registry)
    : m_authService(std::move(authService)), m_registry(registry)
{}

AuthServiceThenRegistryDirectory::~AuthServiceThenRegistryDirectory() = default;

void AuthServiceThenRegistryDirectory::activeDevices(const QStringList &userIds, DevicesCallback callback)
{
    m_authService->users(
        userIds, [this, userIds, callback = std::move(callback)](Result<AuthServiceDirectory::Users> known) mutable {
            if (!known) {
                callback(known.error());
                return;
            }
            Devices devices;
            QStringList unknown;
            for (const QString &id : std::as_const(userIds)) {
                const auto user = known->constFind(id);
                if (user == known->cend()) {
                    if (!unknown.contains(id))
                        unknown.append(id);
                    continue;
                }
                QList<Device> active;
                for (const Device &device : *user) {
                    if (device.isActive)
                        active.append(device);
                }
                if (!active.isEmpty())
                    devices.insert(id, std::move(active));
            }
            if (unknown.isEmpty()) {
                callback(std::move(devices));
                return;
            }
            m_registry.activeDevices(unknown, [devices = std::move(devices),
                                               callback = std::move(callback)](Result<Devices> registered) mutable {
                if (!registered) {
                    callback(registered.error());
                    return;
                }
                devices.insert(*registered);
                callback(std::move(devices));
            });
        });
}

void AuthServiceThenRegistryDirectory::device(const QString &userId, qint64 deviceId, DeviceCallback callback)
{
    if (AuthServiceDirectory::isAuthServiceDeviceId(deviceId))
        m_authService->device(userId, deviceId, std::move(callback));
    else
        m_registry.device(userId, deviceId, std::move(callback));
}

} // namespace vestnik
