#pragma once

#include "delivery/AppProvider.h"
#include "model/ProviderCredential.h"
#include "provider/Http2Endpoint.h"
#include "util/Result.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

class QNetworkAccessManager;

namespace vestnik {

class ApnsClient;
class AppRepository;
class Clock;
class FcmClient;

/// The FCM and APNs clients of every app in one deployment (several Firebase projects, several APNs teams
/// and bundles), made on first use from the app's sealed credentials in the apps table: one connection pool
/// per app and provider, one OAuth token source per Firebase project, one provider token per APNs key.
class ProviderClients final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderClients)

public:
    /// Where the providers are (production by default; the simulator in tests and the demo).
    struct Settings {
        Http2Endpoint fcm;                                  ///< fcm.googleapis.com
        Http2Endpoint apnsProduction;                       ///< api.push.apple.com
        Http2Endpoint apnsSandbox;                          ///< api.sandbox.push.apple.com
        QUrl googleTokenEndpoint;                           ///< empty: each service account's token_uri
        QList<QSslCertificate> tokenEndpointCaCertificates; ///< empty: the system's CAs
        std::chrono::minutes apnsTokenRefresh{50};
        /// How often an app's client asks the database whether its credential changed (through the API, or on
        /// another worker); a changed one gets a new client, the old one is dropped once its requests are done.
        std::chrono::milliseconds credentialCheckInterval{std::chrono::seconds(30)};

        Settings();
    };

    /// An APNs client and the topic (bundle id) its pushes carry.
    struct Apns {
        ApnsClient *client = nullptr;
        QString topic;
    };

    ProviderClients(const AppRepository &apps, Settings settings, QNetworkAccessManager &network, const Clock &clock,
                    QObject *parent = nullptr);
    ~ProviderClients() override;

    /// The app's FCM client; InvalidConfig / NotFound / Crypto when its credentials are missing or unusable.
    Result<FcmClient *> fcm(const QString &appId);
    /// The app's APNs client and topic; errors as fcm().
    Result<Apns> apns(const QString &appId);
    /// The next fcm() / apns() for `key` asks the database at once whether the credential changed (after the
    /// provider refused it: a rotated key is picked up by the retry).
    void recheck(const AppProvider &key);

    /// How long a client replaced by a changed credential is kept for the requests it still has in flight.
    static constexpr std::chrono::minutes kRetiredClientGrace{2};

private:
    struct FcmEntry;
    struct ApnsEntry;

    Result<ProviderCredential> credentialOf(const AppProvider &key) const;
    /// Whether the cached client of `key`, made from the credential set at `updatedAtMs` and last checked at
    /// `checkedAtMs`, is still the one to use; checks the database when the interval has passed.
    bool isCurrent(const AppProvider &key, qint64 updatedAtMs, qint64 &checkedAtMs);
    /// Keeps `entry` alive for kRetiredClientGrace, then drops it.
    void retire(std::shared_ptr<void> entry);

    const AppRepository &m_apps;
    const Settings m_settings;
    QNetworkAccessManager &m_network;
    const Clock &m_clock;
    QHash<QString, std::shared_ptr<FcmEntry>> m_fcm;
    QHash<QString, std::shared_ptr<ApnsEntry>> m_apns;
};

} // namespace vestnik
