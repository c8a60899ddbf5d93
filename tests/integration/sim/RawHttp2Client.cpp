#include "RawHttp2Client.h"

#include <QDeadlineTimer>
#include <QSslConfiguration>

namespace vestnik::test {

namespace {

QByteArray hpackString(const QByteArray &text)
{
    QByteArray out;
    if (text.size() < 127) {
        out += char(text.size());
    } else {
        out += char(0x7f);
        qsizetype rest = text.size() - 127;
        while (rest >= 128) {
            out += char((rest % 128) | 0x80);
            rest /= 128;
        }
        out += char(rest);
    }
    return out + text;
}

quint32 readUint32(const QByteArray &data, qsizetype at)
{
    return (quint32(uchar(data.at(at))) << 24) | (quint32(uchar(data.at(at + 1))) << 16)
           | (quint32(uchar(data.at(at + 2))) << 8) | quint32(uchar(data.at(at + 3)));
}

} // namespace

bool RawHttp2Client::connectTo(const QUrl &url, const QString &caPath)
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificates(caPath);
    configuration.setAllowedNextProtocols({QByteArrayLiteral("h2")});
    m_socket.setSslConfiguration(configuration);
    m_socket.connectToHostEncrypted(url.host(), quint16(url.port()));
    return m_socket.waitForEncrypted(10'000) && m_socket.sslConfiguration().nextNegotiatedProtocol() == "h2";
}

void RawHttp2Client::writeFrame(quint8 type, quint8 flags, int streamId, const QByteArray &payload)
{
    QByteArray frame;
    const qsizetype length = payload.size();
    frame += char((length >> 16) & 0xff);
    frame += char((length >> 8) & 0xff);
    frame += char(length & 0xff);
    frame += char(type);
    frame += char(flags);
    frame += char((streamId >> 24) & 0x7f);
    frame += char((streamId >> 16) & 0xff);
    frame += char((streamId >> 8) & 0xff);
    frame += char(streamId & 0xff);
    m_socket.write(frame + payload);
    m_socket.flush();
}

void RawHttp2Client::sendPreface()
{
    m_socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    writeFrame(Settings, 0, 0, QByteArray());
}

void RawHttp2Client::sendSettingsAck()
{
    writeFrame(Settings, 0x1, 0, QByteArray());
}

void RawHttp2Client::sendHeaders(int streamId, const QList<std::pair<QByteArray, QByteArray>> &headers, bool endStream)
{
    QByteArray block;
    for (const auto &[name, value] : headers)
        block += char(0x00) + hpackString(name) + hpackString(value); // literal without indexing, new name
    writeFrame(Headers, quint8(0x4 | (endStream ? 0x1 : 0)), streamId, block);
}

void RawHttp2Client::sendData(int streamId, const QByteArray &data, bool endStream)
{
    writeFrame(Data, endStream ? 0x1 : 0, streamId, data);
}

std::optional<RawHttp2Client::Frame> RawHttp2Client::nextFrame(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (m_buffer.size() >= 9) {
            const qsizetype length = (qsizetype(uchar(m_buffer.at(0))) << 16) | (qsizetype(uchar(m_buffer.at(1))) << 8)
                                     | qsizetype(uchar(m_buffer.at(2)));
            if (m_buffer.size() >= 9 + length) {
                Frame frame;
                frame.type = quint8(m_buffer.at(3));
                frame.flags = quint8(m_buffer.at(4));
                frame.streamId = int(readUint32(m_buffer, 5) & 0x7fffffff);
                frame.payload = m_buffer.mid(9, length);
                m_buffer.remove(0, 9 + length);
                return frame;
            }
        }
        if (deadline.hasExpired() || m_socket.state() != QAbstractSocket::ConnectedState)
            return std::nullopt;
        if (m_socket.bytesAvailable() == 0)
            m_socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        m_buffer += m_socket.readAll();
    }
}

std::optional<RawHttp2Client::Frame> RawHttp2Client::waitFor(quint8 type, int timeoutMs, bool acknowledgeSettings)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        std::optional<Frame> frame = nextFrame(int(std::max<qint64>(1, deadline.remainingTime())));
        if (!frame)
            return std::nullopt;
        if (acknowledgeSettings && frame->type == Settings && !(frame->flags & 0x1) && type != Settings)
            sendSettingsAck();
        if (frame->type == type)
            return frame;
    }
    return std::nullopt;
}

qint64 RawHttp2Client::maxConcurrentStreams(const Frame &settings)
{
    for (qsizetype i = 0; i + 6 <= settings.payload.size(); i += 6) {
        const int id = (uchar(settings.payload.at(i)) << 8) | uchar(settings.payload.at(i + 1));
        if (id == 0x3)
            return readUint32(settings.payload, i + 2);
    }
    return -1;
}

int RawHttp2Client::goAwayLastStreamId(const Frame &goAway)
{
    return int(readUint32(goAway.payload, 0) & 0x7fffffff);
}

quint32 RawHttp2Client::goAwayErrorCode(const Frame &goAway)
{
    return readUint32(goAway.payload, 4);
}

QByteArray RawHttp2Client::goAwayDebugData(const Frame &goAway)
{
    return goAway.payload.mid(8);
}

} // namespace vestnik::test
