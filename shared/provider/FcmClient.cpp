#include "provider/FcmClient.h"

#include "util/Logging.h"

#include <memory>

namespace vestnik {

FcmClient::FcmClient(QString projectId, PushTransport &transport, AccessTokenSource &tokens)
    : m_projectId(std::move(projectId)),
      m_path(QByteArrayLiteral("/v1/projects/") + m_projectId.toUtf8() + QByteArrayLiteral("/messages:send")),
      m_transport(transport),
      m_tokens(tokens)
{}

void FcmClient::send(QByteArray body, ResponseHandler handler, std::chrono::milliseconds timeout)
{
    attempt(std::move(body), std::move(handler), timeout, false);
}

void FcmClient::attempt(QByteArray body, ResponseHandler handler, std::chrono::milliseconds timeout, bool isRetry)
{
    m_tokens.token([this, body = std::move(body), handler = std::move(handler), timeout,
                    isRetry](Result<QByteArray> token) mutable {
        if (!token) {
            HttpResponse failure;
            failure.error = TransportError::Credentials;
            failure.errorText = QStringLiteral("no FCM access token: ") + token.error().message;
            handler(std::move(failure));
            return;
        }
        HttpRequest request;
        request.path = m_path;
        request.headers = {{QByteArrayLiteral("authorization"), QByteArrayLiteral("Bearer ") + *token},
                           {QByteArrayLiteral("content-type"), QByteArrayLiteral("application/json")}};
        request.body = body;
        request.timeout = timeout;
        const QByteArray used = *token;
        m_transport.send(std::move(request), [this, body = std::move(body), handler = std::move(handler), timeout,
                                              isRetry, used](HttpResponse &&response) mutable {
            if (response.hasAnswer() && response.status == 401 && !isRetry) {
                qCInfo(lcProvider) << "FCM refused the access token (401); fetching a new one";
                m_tokens.invalidate(used);
                attempt(std::move(body), std::move(handler), timeout, true);
                return;
            }
            handler(std::move(response));
        });
    });
}

} // namespace vestnik
