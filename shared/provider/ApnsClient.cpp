#include "provider/ApnsClient.h"

#include "provider/ApnsProviderToken.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik {

ApnsClient::ApnsClient(PushTransport &transport, ApnsProviderToken *providerToken)
    : m_transport(transport), m_providerToken(providerToken)
{}

Http2Endpoint ApnsClient::productionEndpoint()
{
    Http2Endpoint endpoint;
    endpoint.host = QStringLiteral("api.push.apple.com");
    endpoint.port = 443;
    return endpoint;
}

Http2Endpoint ApnsClient::sandboxEndpoint()
{
    Http2Endpoint endpoint;
    endpoint.host = QStringLiteral("api.sandbox.push.apple.com");
    endpoint.port = 443;
    return endpoint;
}

void ApnsClient::send(const QString &deviceToken, const ApnsRequest &apns, ResponseHandler handler,
                      std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.path = QByteArrayLiteral("/3/device/") + deviceToken.toLatin1();
    request.headers = apns.headers;
    request.body = apns.payload;
    request.timeout = timeout;
    QByteArray token;
    if (m_providerToken) {
        Result<QByteArray> current = m_providerToken->current();
        if (!current) {
            HttpResponse failure;
            failure.error = TransportError::Credentials;
            failure.errorText = QStringLiteral("no APNs provider token: ") + current.error().message;
            handler(std::move(failure));
            return;
        }
        token = *current;
        request.headers.emplace_back(QByteArrayLiteral("authorization"), QByteArrayLiteral("bearer ") + token);
    }
    m_transport.send(std::move(request), [this, token, handler = std::move(handler)](HttpResponse &&response) {
        if (m_providerToken && response.hasAnswer() && response.status == 403) {
            const QString reason =
                QJsonDocument::fromJson(response.body).object().value(QStringLiteral("reason")).toString();
            if (reason == QStringLiteral("ExpiredProviderToken") || reason == QStringLiteral("InvalidProviderToken"))
                m_providerToken->rejected(token);
        }
        handler(std::move(response));
    });
}

} // namespace vestnik
