#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace vestnik::sim {

/// Walks the client's HTTP/2 byte stream (preface, then 9-byte frame headers) and splits it just before each
/// HEADERS frame that opens a new stream, so the connection can judge the stream limit before nghttp2 sees the
/// frame. (nghttp2 enforces the limit itself, but answers a violation with a PROTOCOL_ERROR GOAWAY; APNs
/// answers with its own GOAWAY, which needs the decision first.) Partial frame headers are carried over.
class FrameScanner final
{
public:
    /// Receives bytes to pass on to the HTTP/2 session; returns false to stop.
    using Sink = std::function<bool(const uint8_t *data, std::size_t length)>;
    /// Asked before a new stream's HEADERS frame is passed on; returns false to stop (the rest is dropped).
    using Admission = std::function<bool(int32_t streamId)>;

    /// Scans `length` more bytes; false once the sink or the admission said stop.
    bool scan(const uint8_t *data, std::size_t length, const Sink &sink, const Admission &admit);

private:
    bool walk(const uint8_t *data, std::size_t length, const Sink &sink, const Admission &admit);

    std::size_t m_prefaceLeft = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    std::size_t m_payloadLeft = 0;
    int32_t m_highestStreamId = 0;
    QByteArray m_carry; // an incomplete frame header from the previous read
};

} // namespace vestnik::sim
