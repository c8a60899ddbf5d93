#pragma once

#include "control/LatencyDistribution.h"
#include "control/PushService.h"
#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <string>

class QNetworkAccessManager;

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class DelayQueue;
class Fleet;

/// What a virtual phone does with a push it received: after a delay it reports delivered, then maybe opened,
/// then maybe clicked (with an action) to the tracking URL, and maybe emits a conversion event, each with a
/// probability that may depend on a field of the payload (an A/B variant, say). Every draw hashes (seed, token,
/// push number, stage), so the same run reacts the same way.
class PhoneReactor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PhoneReactor)

public:
    struct Profile {
        double delivered = 1.0;
        double opened = 0.0;    ///< given delivered
        double clicked = 0.0;   ///< given opened
        double converted = 0.0; ///< given clicked
        QStringList actions = {QStringLiteral("open")};
        LatencyDistribution deliveredDelay;
        LatencyDistribution openedDelay;
        LatencyDistribution clickedDelay;
        LatencyDistribution convertedDelay;
    };

    PhoneReactor(const Fleet &fleet, DelayQueue &delays, const Clock &clock, QObject *parent = nullptr);
    ~PhoneReactor() override;

    /// Takes the "reactions" JSON (see docs/simulator.md); an empty object switches reactions off.
    Result<void> configure(const QJsonObject &json, quint64 seed);
    QJsonObject configuration() const { return m_configuration; }
    bool isActive() const { return m_trackingUrl.isValid() || m_eventUrl.isValid(); }

    /// A push was accepted for `token`: plan the phone's reactions (fleet devices only).
    void pushAccepted(PushService service, std::string_view token, const QByteArray &payload,
                      const QByteArray &collapseId, quint64 pushNumber);

    /// Reports sent, failed and still in flight, per kind.
    QJsonObject statusJson() const;

private:
    struct Fields {
        QString trackingToken;
        QString notificationId;
        QString variant;
    };
    Fields fieldsOf(PushService service, const QByteArray &payload, const QByteArray &collapseId) const;
    double draw(std::string_view token, quint64 pushNumber, int stage) const;
    /// Sends `body` (stamped with the time) to the tracking or the event URL after `at`.
    void schedule(std::chrono::milliseconds at, const QString &kind, bool isTracking, const QJsonObject &body);
    void post(const QString &kind, const QUrl &url, const QJsonObject &body);

    const Fleet &m_fleet;
    DelayQueue &m_delays;
    const Clock &m_clock;
    QNetworkAccessManager *m_network = nullptr;
    QJsonObject m_configuration;
    quint64 m_seed = 1;
    QUrl m_trackingUrl;
    QUrl m_eventUrl;
    QByteArray m_authorization;
    QString m_caFile;
    QString m_trackingTokenField = QStringLiteral("track");
    QString m_notificationIdField = QStringLiteral("nid");
    QString m_varyBy = QStringLiteral("variant");
    QString m_conversionEvent = QStringLiteral("order.created");
    Profile m_default;
    QHash<QString, Profile> m_byValue;
    QHash<QString, quint64> m_sent;
    QHash<QString, quint64> m_failed;
    quint64 m_planned = 0;
    quint64 m_inFlight = 0;
};

} // namespace vestnik::sim
