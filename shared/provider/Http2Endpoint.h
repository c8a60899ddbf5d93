#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <chrono>

namespace vestnik {

/// Where and how to reach one HTTP/2 provider endpoint (FCM, APNs sandbox or production, the simulator).
struct Http2Endpoint {
    QString host;
    quint16 port = 443;
    QList<QSslCertificate> caCertificates; ///< trust only these; empty: the system's CAs
    QSslCertificate clientCertificate;     ///< APNs certificate authentication (optional)
    QSslKey clientKey;
    int maxConnections = 4;             ///< a new connection opens only when all others are full
    int maxStreamsPerConnection = 1000; ///< our cap on top of the server's SETTINGS_MAX_CONCURRENT_STREAMS
    std::chrono::milliseconds connectTimeout{10'000};
    std::chrono::milliseconds idlePing{30'000};    ///< PING after this long without traffic
    std::chrono::milliseconds pingTimeout{10'000}; ///< no PING ack in this time: the connection is dead
    std::chrono::milliseconds reconnectBackoffMax{30'000};

    /// ":authority" as sent: host, plus the port when it is not 443.
    QByteArray authority() const;
};

} // namespace vestnik
