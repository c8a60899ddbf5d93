#pragma once

#include "provider/Http2Endpoint.h"
#include "provider/PushTransport.h"

#include <QObject>

class QNetworkAccessManager;

namespace vestnik {

/// The same PushTransport over Qt's QNetworkAccessManager (HTTP/2 allowed). Kept only as the comparison in
/// bench/send_throughput: Qt 6.4's QNAM costs far more CPU per request, stalls POSTs without TCP_NODELAY
/// and fails streams above the server's limit (docs/ARCHITECTURE.md). Control-plane calls use QNAM directly.
class NamTransport final : public QObject, public PushTransport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NamTransport)

public:
    explicit NamTransport(Http2Endpoint endpoint, QObject *parent = nullptr);
    ~NamTransport() override;

    void send(HttpRequest request, ResponseHandler handler) override;
    int pendingCount() const override { return m_pending; }

private:
    Http2Endpoint m_endpoint;
    QNetworkAccessManager *m_network = nullptr;
    int m_pending = 0;
};

} // namespace vestnik
