#pragma once

#include <QByteArray>
#include <QString>

namespace vestnik::sim {

/// How a listener's HTTP/2 connections behave: the SETTINGS they announce and what a limit violation earns.
struct ListenerProfile {
    QString name;                         ///< "google", "apns", "auth": for logs and the readiness line
    quint32 maxConcurrentStreams = 100;   ///< SETTINGS_MAX_CONCURRENT_STREAMS announced at the start
    quint32 initialWindowSize = 65535;    ///< SETTINGS_INITIAL_WINDOW_SIZE
    quint32 connectionWindowSize = 65535; ///< connection-level receive window (WINDOW_UPDATE on stream 0)
    quint32 maxFrameSize = 16384;         ///< SETTINGS_MAX_FRAME_SIZE
    quint32 maxHeaderListSize = 0;        ///< SETTINGS_MAX_HEADER_LIST_SIZE; 0 = not announced
    quint32 headerTableSize = 4096;       ///< SETTINGS_HEADER_TABLE_SIZE
    /// APNs style: a client that opens more streams than it acknowledged gets GOAWAY(REFUSED_STREAM) with this
    /// debug data; otherwise nghttp2's own handling applies (RST_STREAM or PROTOCOL_ERROR).
    bool goAwayOnStreamLimitViolation = false;
    QByteArray streamLimitDebugData;
    /// A connection with no request for this long is closed with GOAWAY(NO_ERROR, idleDebugData); 0 = never.
    int idleTimeoutMs = 0;
    QByteArray idleDebugData;
    qsizetype maxBodyBytes = 1 << 20; ///< request bodies are kept up to this size (the rest is only counted)
};

} // namespace vestnik::sim
