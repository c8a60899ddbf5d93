#pragma once

#include "SimSettings.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <memory>

namespace vestnik {
class Clock;
}

namespace vestnik::sim {

class AccessTokenStore;
class AdminServer;
class ApnsService;
class AuthService;
class Fleet;
class PhoneReactor;
class DelayQueue;
class DeliveryRecorder;
class FaultInjector;
class FcmSendEndpoint;
class GoogleOAuthEndpoint;
class GoogleService;
class Http2Listener;

/// The whole simulated outside world in one object: TLS material, the Google (OAuth + FCM) listener, the
/// behaviour and the recording, and the admin endpoint that controls and reads them. Single-threaded.
class Simulator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Simulator)

public:
    Simulator(SimSettings settings, const Clock &clock, QObject *parent = nullptr);
    ~Simulator() override;

    /// Prepares certificates and keys, loads accounts, listens. Every problem is returned, nothing half-starts.
    Result<void> start();
    /// Says goodbye on every connection (GOAWAY) and stops listening.
    void stop();

    QUrl googleUrl() const;
    QUrl apnsUrl() const;
    QUrl authUrl() const;
    QUrl adminUrl() const;
    /// The CA certificate clients should trust (empty when a certificate was given instead).
    QString caCertificatePath() const { return m_caPath; }

    /// Replaces the behaviour (`replace`) or only the keys present in `json`.
    Result<void> applyBehaviour(const QJsonObject &json, bool replace);
    QJsonObject behaviourJson() const;
    /// The seed the simulator was started with.
    quint64 seed() const { return m_settings.seed; }
    DeliveryRecorder &recorder() { return *m_recorder; }
    const Fleet &fleet() const { return *m_fleet; }
    PhoneReactor &reactor() { return *m_reactor; }
    /// Connection counts and other live figures for the admin endpoint.
    QJsonObject statusJson() const;
    /// Writes the recording as JSON (the dump on exit).
    Result<void> writeRecording(const QString &path) const;

private:
    Result<void> prepareTls();
    Result<void> loadGoogle();
    Result<void> loadApns();
    Result<void> loadFleet();
    Result<void> loadAuth();
    Result<void> listen(Http2Listener *listener, int port);
    QList<Http2Listener *> listeners() const;
    void updateListenerProfiles();
    static QUrl urlOf(const QString &scheme, const Http2Listener *listener);

    SimSettings m_settings;
    const Clock &m_clock;
    QString m_caPath;
    QString m_certificatePath;
    QString m_keyPath;
    std::unique_ptr<DelayQueue> m_delays;
    std::unique_ptr<FaultInjector> m_faults;
    std::unique_ptr<DeliveryRecorder> m_recorder;
    std::unique_ptr<AccessTokenStore> m_accessTokens;
    std::unique_ptr<GoogleOAuthEndpoint> m_oauth;
    std::unique_ptr<FcmSendEndpoint> m_fcm;
    std::unique_ptr<GoogleService> m_google;
    std::unique_ptr<ApnsService> m_apns;
    std::unique_ptr<Fleet> m_fleet;
    std::unique_ptr<AuthService> m_auth;
    PhoneReactor *m_reactor = nullptr;
    Http2Listener *m_googleListener = nullptr;
    Http2Listener *m_apnsListener = nullptr;
    Http2Listener *m_authListener = nullptr;
    AdminServer *m_admin = nullptr;
};

} // namespace vestnik::sim
