#pragma once

#include "apns/ApnsProviderTokenVerifier.h"
#include "transport/RequestHandler.h"

#include <QStringList>

#include <functional>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class DeliveryRecorder;
class FaultInjector;

/// APNs' provider API on one HTTP/2-only listener (PROVIDERS.md 3): one stream until the connection's first
/// valid provider token (or trusted client certificate), then the configured limit; the pushy validation order
/// with every reason code; 410 with the time the token was last seen invalid; success with apns-id.
class ApnsService final : public RequestHandler
{
public:
    static constexpr qsizetype kMaxPayloadBytes = 4096;
    static constexpr qsizetype kMaxVoipPayloadBytes = 5120;

    /// The only topic a device token is registered for (empty when unknown), for DeviceTokenNotForTopic.
    using TokenTopic = std::function<QString(std::string_view token)>;

    ApnsService(const QString &environment, FaultInjector &faults, DeliveryRecorder &recorder, const Clock &clock);

    void addKey(const ApnsKey &key) { m_verifier.addKey(key); }
    void setDisallowedTopics(const QStringList &topics) { m_disallowedTopics = topics; }
    void setTokenTopic(TokenTopic lookup) { m_tokenTopic = std::move(lookup); }
    const QString &environment() const { return m_environment; }

    void connectionOpened(ServerConnection &connection) override;
    HttpResponse handle(HttpRequest &request, ServerConnection &connection) override;

private:
    HttpResponse reject(const QString &reason, const QByteArray &apnsId, qint64 timestampMs = -1,
                        int retryAfterSeconds = -1) const;
    void raiseStreamLimit(ServerConnection &connection);

    QString m_environment;
    FaultInjector &m_faults;
    DeliveryRecorder &m_recorder;
    const Clock &m_clock;
    ApnsProviderTokenVerifier m_verifier;
    QStringList m_disallowedTopics;
    TokenTopic m_tokenTopic;
};

} // namespace vestnik::sim
