#pragma once

#include "provider/AccessTokenSource.h"
#include "provider/PushTransport.h"

#include <QByteArray>
#include <QString>

namespace vestnik {

/// Sends FCM HTTP v1 messages for one Firebase project: `POST /v1/projects/{project}/messages:send` with a
/// bearer token from the project's AccessTokenSource. A 401 (expired or revoked token) refreshes the token
/// once and sends again; the caller sees the final answer and classifies it.
class FcmClient final
{
public:
    FcmClient(QString projectId, PushTransport &transport, AccessTokenSource &tokens);

    /// `body` is the complete request body (`{"message":{...,"token":...}}`).
    void send(QByteArray body, ResponseHandler handler, std::chrono::milliseconds timeout = std::chrono::seconds(15));

    const QString &projectId() const { return m_projectId; }

private:
    void attempt(QByteArray body, ResponseHandler handler, std::chrono::milliseconds timeout, bool isRetry);

    QString m_projectId;
    QByteArray m_path;
    PushTransport &m_transport;
    AccessTokenSource &m_tokens;
};

} // namespace vestnik
