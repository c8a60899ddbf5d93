#pragma once

#include "transport/ConnectionState.h"

#include <QByteArray>

#include <memory>

namespace vestnik::sim {

/// What a request handler may see and do on the connection a request arrived on.
class ServerConnection
{
public:
    virtual ~ServerConnection() = default;

    /// Unique per simulator run, for logs and per-connection decisions.
    virtual quint64 connectionId() const = 0;
    /// Streams the client has opened on this connection so far (the current one included).
    virtual quint32 streamsStarted() const = 0;
    /// Complete requests handed to the service so far (the current one included).
    virtual quint32 requestsDispatched() const = 0;
    /// Sends SETTINGS_MAX_CONCURRENT_STREAMS = `limit`; the client is held to it once it has acknowledged.
    virtual void setMaxConcurrentStreams(quint32 limit) = 0;
    /// Sends GOAWAY: streams up to `lastStreamId` are still answered, later ones are refused; the connection
    /// closes when the answered ones are done.
    virtual void goAway(quint32 errorCode, const QByteArray &debugData, int lastStreamId) = 0;
    /// The client's TLS certificate (DER), empty when it sent none.
    virtual QByteArray peerCertificate() const = 0;
    /// Whether that certificate chains to the configured client CA.
    virtual bool isPeerCertificateTrusted() const = 0;

    ConnectionState *state() const { return m_state.get(); }
    void setState(std::unique_ptr<ConnectionState> state) { m_state = std::move(state); }

private:
    std::unique_ptr<ConnectionState> m_state;
};

} // namespace vestnik::sim
