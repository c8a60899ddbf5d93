#pragma once

#include <QByteArray>
#include <QList>
#include <QSslSocket>
#include <QUrl>

#include <optional>
#include <utility>

namespace vestnik::test {

/// A hand-written HTTP/2 client over QSslSocket that writes frames byte by byte (HPACK literals without
/// indexing) and reads raw frames: it does things a conforming library will not do, like opening more streams
/// than the server allows, and shows exactly which frames came back (GOAWAY debug data, SETTINGS).
class RawHttp2Client final
{
public:
    struct Frame {
        quint8 type = 0;
        quint8 flags = 0;
        int streamId = 0;
        QByteArray payload;
    };
    enum FrameType : quint8 {
        Data = 0,
        Headers = 1,
        RstStream = 3,
        Settings = 4,
        Ping = 6,
        GoAway = 7,
        WindowUpdate = 8
    };

    /// TLS with ALPN h2, trusting `caPath`; false when the handshake fails.
    bool connectTo(const QUrl &url, const QString &caPath);
    /// The client preface and an empty SETTINGS frame.
    void sendPreface();
    void sendSettingsAck();
    void sendHeaders(int streamId, const QList<std::pair<QByteArray, QByteArray>> &headers, bool endStream);
    void sendData(int streamId, const QByteArray &data, bool endStream);

    /// The next frame, or nothing when none arrives within `timeoutMs` or the connection closes.
    std::optional<Frame> nextFrame(int timeoutMs = 5000);
    /// Skips frames until one of `type` (acknowledging SETTINGS on the way when asked); nothing on timeout.
    std::optional<Frame> waitFor(quint8 type, int timeoutMs = 5000, bool acknowledgeSettings = false);

    /// SETTINGS_MAX_CONCURRENT_STREAMS in a SETTINGS payload, or -1.
    static qint64 maxConcurrentStreams(const Frame &settings);
    /// GOAWAY fields.
    static int goAwayLastStreamId(const Frame &goAway);
    static quint32 goAwayErrorCode(const Frame &goAway);
    static QByteArray goAwayDebugData(const Frame &goAway);

    QSslSocket &socket() { return m_socket; }

private:
    void writeFrame(quint8 type, quint8 flags, int streamId, const QByteArray &payload);

    QSslSocket m_socket;
    QByteArray m_buffer;
};

} // namespace vestnik::test
