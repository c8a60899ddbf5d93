#pragma once

namespace vestnik::sim {

/// Per-connection state a service keeps on a ServerConnection (APNs binds a team and a provider token to it).
class ConnectionState
{
public:
    virtual ~ConnectionState() = default;
};

} // namespace vestnik::sim
