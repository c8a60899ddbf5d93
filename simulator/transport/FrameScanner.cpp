#include "transport/FrameScanner.h"

#include <algorithm>

namespace vestnik::sim {

namespace {

constexpr std::size_t kFrameHeaderSize = 9;
constexpr uint8_t kHeadersFrame = 0x1;

} // namespace

bool FrameScanner::scan(const uint8_t *data, std::size_t length, const Sink &sink, const Admission &admit)
{
    if (m_carry.isEmpty())
        return walk(data, length, sink, admit);
    QByteArray joined = std::move(m_carry);
    m_carry.clear();
    joined.append(reinterpret_cast<const char *>(data), qsizetype(length));
    return walk(reinterpret_cast<const uint8_t *>(joined.constData()), std::size_t(joined.size()), sink, admit);
}

bool FrameScanner::walk(const uint8_t *data, std::size_t length, const Sink &sink, const Admission &admit)
{
    std::size_t position = 0;
    std::size_t passedUpTo = 0;
    while (position < length) {
        if (m_prefaceLeft > 0) {
            const std::size_t take = std::min(m_prefaceLeft, length - position);
            m_prefaceLeft -= take;
            position += take;
            continue;
        }
        if (m_payloadLeft > 0) {
            const std::size_t take = std::min(m_payloadLeft, length - position);
            m_payloadLeft -= take;
            position += take;
            continue;
        }
        if (length - position < kFrameHeaderSize) {
            // Hold the partial header back: nghttp2 acts on a HEADERS frame as soon as its header is complete.
            if (position > passedUpTo && !sink(data + passedUpTo, position - passedUpTo))
                return false;
            m_carry = QByteArray(reinterpret_cast<const char *>(data + position), qsizetype(length - position));
            return true;
        }
        const uint8_t *header = data + position;
        const std::size_t payload = (std::size_t(header[0]) << 16) | (std::size_t(header[1]) << 8) | header[2];
        const int32_t streamId = int32_t(((uint32_t(header[5]) & 0x7f) << 24) | (uint32_t(header[6]) << 16)
                                         | (uint32_t(header[7]) << 8) | uint32_t(header[8]));
        if (header[3] == kHeadersFrame && streamId > m_highestStreamId) {
            m_highestStreamId = streamId;
            if (position > passedUpTo && !sink(data + passedUpTo, position - passedUpTo))
                return false;
            passedUpTo = position;
            if (!admit(streamId))
                return false;
        }
        position += kFrameHeaderSize;
        m_payloadLeft = payload;
    }
    return position == passedUpTo || sink(data + passedUpTo, position - passedUpTo);
}

} // namespace vestnik::sim
