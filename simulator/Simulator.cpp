#include "Simulator.h"

#include "SimLogging.h"
#include "admin/AdminServer.h"
#include "apns/ApnsService.h"
#include "auth/AuthService.h"
#include "control/DeliveryRecorder.h"
#include "control/FaultInjector.h"
#include "fleet/Fleet.h"
#include "fleet/PhoneReactor.h"
#include "google/AccessTokenStore.h"
#include "google/FcmSendEndpoint.h"
#include "google/GoogleOAuthEndpoint.h"
#include "google/GoogleService.h"
#include "transport/CertificateAuthority.h"
#include "transport/DelayQueue.h"
#include "transport/Http2Listener.h"
#include "transport/TlsServerContext.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace vestnik::sim {

Simulator::Simulator(SimSettings settings, const Clock &clock, QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_clock(clock),
      m_delays(std::make_unique<DelayQueue>()),
      m_faults(std::make_unique<FaultInjector>(clock)),
      m_recorder(std::make_unique<DeliveryRecorder>()),
      m_accessTokens(std::make_unique<AccessTokenStore>())
{}

Simulator::~Simulator() = default;

Result<void> Simulator::prepareTls()
{
    if (!m_settings.tlsCertificate.isEmpty()) {
        m_certificatePath = m_settings.tlsCertificate;
        m_keyPath = m_settings.tlsKey;
        return {};
    }
    Result<CertificateAuthority> ca = CertificateAuthority::loadOrCreate(m_settings.dataDir);
    if (!ca)
        return ca.error();
    QStringList names = {QStringLiteral("localhost"),
                         QStringLiteral("127.0.0.1"),
                         QStringLiteral("::1"),
                         QStringLiteral("oauth2.googleapis.com"),
                         QStringLiteral("fcm.googleapis.com"),
                         QStringLiteral("api.push.apple.com"),
                         QStringLiteral("api.sandbox.push.apple.com")};
    for (const QHostAddress &host : {m_settings.host, m_settings.adminHost}) {
        if (!host.isLoopback() && host != QHostAddress::Any && host != QHostAddress::AnyIPv6
            && host != QHostAddress::AnyIPv4)
            names << host.toString();
    }
    names << m_settings.serverNames;
    names.removeDuplicates();
    if (Result<void> issued = ca->ensureServerCertificate(names); !issued)
        return issued;
    m_caPath = QFileInfo(ca->certificatePath()).absoluteFilePath();
    m_certificatePath = ca->serverCertificatePath();
    m_keyPath = ca->serverKeyPath();
    if (!m_settings.caOut.isEmpty()) {
        QFile::remove(m_settings.caOut);
        if (!QFile::copy(m_caPath, m_settings.caOut))
            return makeError(ErrorCode::Io,
                             QStringLiteral("cannot write the CA certificate to %1").arg(m_settings.caOut));
    }
    return {};
}

Result<void> Simulator::loadGoogle()
{
    m_oauth = std::make_unique<GoogleOAuthEndpoint>(*m_accessTokens, m_clock);
    m_oauth->setTokenLifetime(m_settings.googleTokenLifetime);
    for (const SimSettings::ServiceAccountFile &file : std::as_const(m_settings.serviceAccounts)) {
        Result<ServiceAccount> account = ServiceAccount::fromFile(file.path);
        if (!account)
            return account.error();
        if (!file.projectNumber.isEmpty())
            account->projectNumber = file.projectNumber;
        m_oauth->addServiceAccount(*account);
        qCInfo(lcSim).noquote() << "google: trusting service account" << account->clientEmail << "of project"
                                << account->projectId;
    }
    m_fcm = std::make_unique<FcmSendEndpoint>(*m_accessTokens, *m_faults, *m_recorder, m_clock);
    m_google = std::make_unique<GoogleService>(*m_oauth, *m_fcm);
    return {};
}

Result<void> Simulator::loadApns()
{
    m_apns = std::make_unique<ApnsService>(m_settings.apnsEnvironment, *m_faults, *m_recorder, m_clock);
    m_apns->setDisallowedTopics(m_settings.apnsDisallowedTopics);
    for (const SimSettings::ApnsKeyFile &file : std::as_const(m_settings.apnsKeys)) {
        Result<JwtKey> key = JwtKey::fromPemFile(file.path, JwtAlgorithm::ES256);
        if (!key)
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("APNs key %1: %2").arg(file.keyId, key.error().message));
        m_apns->addKey(ApnsKey{file.teamId, file.keyId, key->publicKey(), file.environment, file.topics});
        qCInfo(lcSim).noquote() << "apns: trusting key" << file.keyId << "of team" << file.teamId;
    }
    return {};
}

Result<void> Simulator::loadFleet()
{
    Result<Fleet> fleet = m_settings.fleetFile.isEmpty() ? Fleet::fromJson(m_settings.fleet, m_settings.seed)
                                                         : Fleet::fromFile(m_settings.fleetFile, m_settings.seed);
    if (!fleet)
        return fleet.error();
    m_fleet = std::make_unique<Fleet>(std::move(*fleet));
    if (!m_fleet->isEmpty())
        qCInfo(lcSim).noquote() << "fleet:" << m_fleet->users().size() << "users with" << m_fleet->devices().size()
                                << "devices";
    // A fleet device belongs to one FCM project and one app: pushing it from elsewhere fails as it would.
    m_fcm->setTokenProject([this](std::string_view token) {
        const Fleet::Device *device = m_fleet->device(PushService::Fcm, token);
        return device ? device->project.toUtf8() : QByteArray();
    });
    m_apns->setTokenTopic([this](std::string_view token) {
        const Fleet::Device *device = m_fleet->device(PushService::Apns, token);
        return device ? device->app : QString();
    });
    m_reactor = new PhoneReactor(*m_fleet, *m_delays, m_clock, this);
    if (Result<void> configured = m_reactor->configure(m_settings.reactions, m_settings.seed); !configured)
        return configured;
    m_recorder->setAcceptedObserver(
        [this](PushService service, std::string_view token, const QByteArray &payload, const QByteArray &collapseId,
               quint64 count) { m_reactor->pushAccepted(service, token, payload, collapseId, count); });
    return {};
}

Result<void> Simulator::loadAuth()
{
    // The signing key lives in the data directory, so tokens and cached JWK Sets survive a restart.
    const QString path = QDir(m_settings.dataDir).filePath(QStringLiteral("auth-signing-key.pem"));
    Result<JwtKey> key =
        QFile::exists(path) ? JwtKey::fromPemFile(path, JwtAlgorithm::ES256) : JwtKey::generate(JwtAlgorithm::ES256);
    if (!key)
        return key.error();
    if (!QFile::exists(path)) {
        QDir().mkpath(m_settings.dataDir);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        file.write(key->privateKeyPem());
        if (!file.commit())
            return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    }
    key->setKeyId(QString::fromLatin1(QCryptographicHash::hash(key->publicKeyPem(), QCryptographicHash::Sha256)
                                          .toBase64(QByteArray::Base64UrlEncoding)
                                          .left(16)));
    m_auth = std::make_unique<AuthService>(*key, *m_fleet, m_clock);
    m_auth->setAudience(m_settings.authAudience);
    m_auth->setTokenLifetime(m_settings.authTokenLifetime);
    for (const SimSettings::AuthClient &client : std::as_const(m_settings.authClients))
        m_auth->addClient({client.id, client.secret, client.scopes});
    return {};
}

Result<void> Simulator::listen(Http2Listener *listener, int port)
{
    if (listener->listen(m_settings.host, quint16(port)))
        return {};
    return makeError(ErrorCode::Io, QStringLiteral("%1: cannot listen on %2:%3: %4")
                                        .arg(listener->profile().name, m_settings.host.toString())
                                        .arg(port)
                                        .arg(listener->errorString()));
}

QList<Http2Listener *> Simulator::listeners() const
{
    QList<Http2Listener *> list;
    for (Http2Listener *listener : {m_googleListener, m_apnsListener, m_authListener}) {
        if (listener)
            list << listener;
    }
    return list;
}

Result<void> Simulator::start()
{
    Behaviour base;
    base.seed = m_settings.seed;
    Result<Behaviour> behaviour = Behaviour::fromJson(m_settings.behaviour, m_clock.nowMs(), base);
    if (!behaviour)
        return behaviour.error();
    if (m_settings.hasSeed)
        behaviour->seed = m_settings.seed;
    m_faults->setBehaviour(*behaviour);

    if (Result<void> tls = prepareTls(); !tls)
        return tls;
    if (Result<void> google = loadGoogle(); !google)
        return google;
    if (Result<void> apns = loadApns(); !apns)
        return apns;
    if (Result<void> fleet = loadFleet(); !fleet)
        return fleet;
    if (Result<void> auth = loadAuth(); !auth)
        return auth;

    Result<std::shared_ptr<TlsServerContext>> plainTls =
        TlsServerContext::create({m_certificatePath, m_keyPath, false, QString()});
    if (!plainTls)
        return plainTls.error();

    ListenerProfile google;
    google.name = QStringLiteral("google");
    // What Google's front ends announce: 100 streams, 1 MiB stream windows, a large connection window.
    google.initialWindowSize = 1 << 20;
    google.connectionWindowSize = 16 << 20;
    google.maxHeaderListSize = 65536;
    m_googleListener = new Http2Listener(*plainTls, google, *m_google, *m_delays, this);

    // APNs asks for a client certificate (certificate-based auth) but never insists; without a CA to check
    // certificates against (a given server certificate and no --apns-client-ca) it does not ask.
    const QString clientCa = m_settings.apnsClientCa.isEmpty() ? m_caPath : m_settings.apnsClientCa;
    Result<std::shared_ptr<TlsServerContext>> apnsTls =
        TlsServerContext::create({m_certificatePath, m_keyPath, !clientCa.isEmpty(), clientCa});
    if (!apnsTls)
        return apnsTls.error();
    ListenerProfile apns;
    apns.name = QStringLiteral("apns");
    // The SETTINGS APNs was seen to send (PROVIDERS.md 3.1), and its GOAWAY for a stream-limit violation.
    apns.maxHeaderListSize = 8000;
    apns.goAwayOnStreamLimitViolation = true;
    apns.streamLimitDebugData =
        QByteArrayLiteral("{\"reason\":\"Maximum active streams violated for this endpoint.\"}");
    apns.idleTimeoutMs = m_settings.apnsIdleTimeoutSeconds * 1000;
    apns.idleDebugData = QByteArrayLiteral("{\"reason\":\"IdleTimeout\"}");
    m_apnsListener = new Http2Listener(*apnsTls, apns, *m_apns, *m_delays, this);

    ListenerProfile auth;
    auth.name = QStringLiteral("auth");
    m_authListener = new Http2Listener(*plainTls, auth, *m_auth, *m_delays, this);

    updateListenerProfiles();
    if (Result<void> listening = listen(m_googleListener, m_settings.googlePort); !listening)
        return listening;
    if (Result<void> listening = listen(m_apnsListener, m_settings.apnsPort); !listening)
        return listening;
    if (Result<void> listening = listen(m_authListener, m_settings.authPort); !listening)
        return listening;
    m_auth->setIssuer(m_settings.authIssuer.isEmpty() ? authUrl().toString() : m_settings.authIssuer);

    m_admin = new AdminServer(*this, this);
    if (Result<void> admin = m_admin->listen(m_settings.adminHost, m_settings.adminPort); !admin)
        return admin;
    return {};
}

void Simulator::stop()
{
    const QByteArray goodbye = QJsonDocument(QJsonObject{{QStringLiteral("reason"), QStringLiteral("Shutdown")}})
                                   .toJson(QJsonDocument::Compact);
    for (Http2Listener *listener : listeners()) {
        listener->close();
        listener->shutdownConnections(goodbye);
    }
}

void Simulator::updateListenerProfiles()
{
    const Behaviour &behaviour = m_faults->behaviour();
    if (m_googleListener) {
        ListenerProfile profile = m_googleListener->profile();
        profile.maxConcurrentStreams = behaviour.fcmMaxConcurrentStreams;
        m_googleListener->setProfile(profile);
    }
    if (m_apnsListener) {
        ListenerProfile profile = m_apnsListener->profile();
        profile.maxConcurrentStreams = behaviour.apnsInitialStreams;
        m_apnsListener->setProfile(profile);
    }
}

QUrl Simulator::urlOf(const QString &scheme, const Http2Listener *listener)
{
    if (!listener || !listener->isListening())
        return {};
    QUrl url;
    url.setScheme(scheme);
    const QHostAddress address = listener->serverAddress();
    url.setHost(address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ? QStringLiteral("127.0.0.1")
                                                                                 : address.toString());
    url.setPort(listener->serverPort());
    return url;
}

QUrl Simulator::googleUrl() const
{
    return urlOf(QStringLiteral("https"), m_googleListener);
}

QUrl Simulator::apnsUrl() const
{
    return urlOf(QStringLiteral("https"), m_apnsListener);
}

QUrl Simulator::authUrl() const
{
    return urlOf(QStringLiteral("https"), m_authListener);
}

QUrl Simulator::adminUrl() const
{
    return m_admin ? m_admin->url() : QUrl();
}

Result<void> Simulator::applyBehaviour(const QJsonObject &json, bool replace)
{
    Behaviour base;
    base.seed = m_settings.seed;
    Result<Behaviour> behaviour = Behaviour::fromJson(json, m_clock.nowMs(), replace ? base : m_faults->behaviour());
    if (!behaviour)
        return behaviour.error();
    m_faults->setBehaviour(*behaviour);
    updateListenerProfiles();
    return {};
}

QJsonObject Simulator::behaviourJson() const
{
    return m_faults->behaviour().toJson();
}

QJsonObject Simulator::statusJson() const
{
    QJsonObject listeners;
    for (const Http2Listener *listener : this->listeners()) {
        listeners.insert(listener->profile().name,
                         QJsonObject{{QStringLiteral("url"), urlOf(QStringLiteral("https"), listener).toString()},
                                     {QStringLiteral("connections"), listener->connectionCount()}});
    }
    return QJsonObject{{QStringLiteral("listeners"), listeners},
                       {QStringLiteral("delayed_responses"), double(m_delays->pending())},
                       {QStringLiteral("google_access_tokens"), double(m_accessTokens->size())},
                       {QStringLiteral("auth"), m_auth ? m_auth->statusJson() : QJsonObject()},
                       {QStringLiteral("reactions"), m_reactor ? m_reactor->statusJson() : QJsonObject()}};
}

Result<void> Simulator::writeRecording(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot write the recording to %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(m_recorder->toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot write the recording to %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace vestnik::sim
