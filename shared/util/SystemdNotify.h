#pragma once

#include <QByteArray>

namespace vestnik {

/// Tells the service manager about the process's state (sd_notify(3) protocol: a datagram to the Unix socket
/// named by $NOTIFY_SOCKET, "@" for the abstract namespace), e.g. "READY=1" once the worker serves and
/// consumes. Does nothing when not started by systemd with Type=notify; returns whether a message was sent.
bool notifySystemd(const QByteArray &state);

} // namespace vestnik
