#pragma once

#include "google/FcmMessageValidator.h"
#include "transport/HttpResponse.h"

#include <QByteArray>
#include <QHash>

#include <functional>
#include <string_view>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class AccessTokenStore;
class DeliveryRecorder;
class FaultInjector;
class ServerConnection;
struct HttpRequest;

/// `POST /v1/projects/{project}/messages:send` (PROVIDERS.md 1): the bearer token, the project, the message,
/// the token's state, injected faults, then the success body, each failure as FCM's google.rpc.Status body.
class FcmSendEndpoint final
{
public:
    /// The project a registration token belongs to (empty when unknown), for SENDER_ID_MISMATCH.
    using TokenProject = std::function<QByteArray(std::string_view token)>;

    FcmSendEndpoint(AccessTokenStore &tokens, FaultInjector &faults, DeliveryRecorder &recorder, const Clock &clock);

    void setTokenProject(TokenProject lookup) { m_tokenProject = std::move(lookup); }
    /// Whether `path` is a messages:send path; `project` receives the project id or number.
    static bool matches(QByteArrayView path, QByteArrayView *project = nullptr);

    HttpResponse handle(HttpRequest &request, ServerConnection &connection);

private:
    QByteArray nextMessageId(qint64 nowMs);
    /// Takes one message from the project's quota; false when it is used up.
    bool takeQuota(const QByteArray &project, qint64 perMinute, qint64 nowMs);

    AccessTokenStore &m_tokens;
    FaultInjector &m_faults;
    DeliveryRecorder &m_recorder;
    const Clock &m_clock;
    TokenProject m_tokenProject;
    FcmMessageValidator m_validator;
    qint64 m_lastMessageMicros = 0;
    QByteArray m_messageIdSuffix;
    quint64 m_unattributedRequests = 0;
    struct Bucket {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    QHash<QByteArray, Bucket> m_quota; // by project id
};

} // namespace vestnik::sim
