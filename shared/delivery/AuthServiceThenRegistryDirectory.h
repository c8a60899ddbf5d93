#pragma once

#include "delivery/DeviceDirectory.h"

#include <memory>

namespace vestnik {

class AuthServiceDirectory;

/// The Auth Service in front of Vestnik's own registry: a user the Auth Service knows gets the devices it lists
/// (even none), a user it does not know (404) gets the registry's. Devices keep their origin through their ids
/// (negative: the Auth Service's), so a retry asks the same source again. When the Auth Service cannot be
/// asked the look-up fails rather than falling back: the registry might hold devices the company removed.
class AuthServiceThenRegistryDirectory final : public DeviceDirectory
{
public:
    AuthServiceThenRegistryDirectory(std::unique_ptr<AuthServiceDirectory> authService, DeviceDirectory &registry);
    ~AuthServiceThenRegistryDirectory() override;
    Q_DISABLE_COPY_MOVE(AuthServiceThenRegistryDirectory)

    void activeDevices(const QStringList &userIds, DevicesCallback callback) override;
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override;

    AuthServiceDirectory &authService() { return *m_authService; }

private:
    std::unique_ptr<AuthServiceDirectory> m_authService;
    DeviceDirectory &m_registry;
};

} // namespace vestnik
