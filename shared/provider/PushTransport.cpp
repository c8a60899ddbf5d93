#include "provider/PushTransport.h"

namespace vestnik {

QString transportErrorName(TransportError error)
{
    switch (error) {
    case TransportError::None: return QStringLiteral("none");
    case TransportError::Timeout: return QStringLiteral("timeout");
    case TransportError::ConnectionLost: return QStringLiteral("connection_lost");
    case TransportError::Connect: return QStringLiteral("connect");
    case TransportError::Refused: return QStringLiteral("refused_stream");
    case TransportError::Unprocessed: return QStringLiteral("unprocessed");
    case TransportError::Protocol: return QStringLiteral("protocol");
    case TransportError::Credentials: return QStringLiteral("credentials");
    }
    return QStringLiteral("none");
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key == name)
            return value;
    }
    return QByteArray();
}

} // namespace vestnik
