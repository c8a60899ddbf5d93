#include "delivery/ProviderClients.h"

#include "provider/ApnsClient.h"
#include "provider/ApnsCredential.h"
#include "provider/ApnsProviderToken.h"
#include "provider/FcmClient.h"
#include "provider/GoogleTokenSource.h"
#include "provider/Http2Pool.h"
#include "provider/ServiceAccount.h"
#include "store/AppRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QTimer>

#include <limits>

namespace vestnik {

struct ProviderClients::FcmEntry {
    qint64 updatedAtMs = 0; ///< of the credential the client was made from
    qint64 checkedAtMs = 0;
    std::unique_ptr<Http2Pool> pool;
    std::unique_ptr<GoogleTokenSource> tokens;
    std::unique_ptr<FcmClient> client;
};

struct ProviderClients::ApnsEntry {
    qint64 updatedAtMs = 0;
    qint64 checkedAtMs = 0;
    std::unique_ptr<Http2Pool> pool;
    std::optional<ApnsProviderToken> token;
    std::unique_ptr<ApnsClient> client;
    QString topic;
};

ProviderClients::Settings::Settings()
{
    fcm.host = QStringLiteral("fcm.googleapis.com");
    apnsProduction = ApnsClient::productionEndpoint();
    apnsSandbox = ApnsClient::sandboxEndpoint();
}

ProviderClients::ProviderClients(const AppRepository &apps, Settings settings, QNetworkAccessManager &network,
                                 const Clock &clock, QObject *parent)
    : QObject(parent), m_apps(apps), m_settings(std::move(settings)), m_network(network), m_clock(clock)
{}

ProviderClients::~ProviderClients() = default;

Result<ProviderCredential> ProviderClients::credentialOf(const AppProvider &key) const
{
    Result<std::optional<ProviderCredential>> credential = m_apps.credential(key.appId, key.provider);
    if (!credential)
        return credential.error();
    if (!credential->has_value())
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("app %1 has no %2 credentials").arg(key.appId, providerName(key.provider)));
    return std::move(**credential);
}

bool ProviderClients::isCurrent(const AppProvider &key, qint64 updatedAtMs, qint64 &checkedAtMs)
{
    const qint64 now = m_clock.nowMs();
    if (now - checkedAtMs < m_settings.credentialCheckInterval.count())
        return true;
    checkedAtMs = now;
    const Result<std::optional<qint64>> stored = m_apps.credentialUpdatedAt(key.appId, key.provider);
    if (!stored) {
        qCWarning(lcDelivery).noquote() << "cannot tell whether the credential of" << key.describe()
                                        << "changed; the client goes on:" << stored.error().toString();
        return true;
    }
    if (stored->has_value() && **stored == updatedAtMs)
        return true;
    qCInfo(lcDelivery).noquote() << "the credential of" << key.describe()
                                 << (stored->has_value() ? "changed: a new client takes over" : "was removed");
    return false;
}

void ProviderClients::retire(std::shared_ptr<void> entry)
{
    QTimer::singleShot(kRetiredClientGrace, this, [entry = std::move(entry)] {});
}

void ProviderClients::recheck(const AppProvider &key)
{
    if (key.provider == Provider::Fcm) {
        if (const auto it = m_fcm.constFind(key.appId); it != m_fcm.cend())
            it.value()->checkedAtMs = std::numeric_limits<qint64>::min() / 2;
    } else if (const auto it = m_apns.constFind(key.appId); it != m_apns.cend()) {
        it.value()->checkedAtMs = std::numeric_limits<qint64>::min() / 2;
    }
}

Result<FcmClient *> ProviderClients::fcm(const QString &appId)
{
    if (const auto it = m_fcm.constFind(appId); it != m_fcm.cend()) {
        if (isCurrent({appId, Provider::Fcm}, it.value()->updatedAtMs, it.value()->checkedAtMs))
            return it.value()->client.get();
        retire(m_fcm.take(appId));
    }
    Result<ProviderCredential> stored = credentialOf({appId, Provider::Fcm});
    if (!stored)
        return stored.error();
    Result<ServiceAccount> account = ServiceAccount::fromJson(stored->secret);
    if (!account)
        return makeError(account.error().code, QStringLiteral("app %1: %2").arg(appId, account.error().message));
    auto entry = std::make_shared<FcmEntry>();
    entry->updatedAtMs = stored->updatedAtMs;
    entry->checkedAtMs = m_clock.nowMs();
    const QString projectId = account->projectId;
    GoogleTokenSource::Options options;
    options.tokenEndpoint = m_settings.googleTokenEndpoint;
    options.caCertificates = m_settings.tokenEndpointCaCertificates;
    entry->tokens = std::make_unique<GoogleTokenSource>(std::move(*account), options, m_network, m_clock);
    entry->pool = std::make_unique<Http2Pool>(m_settings.fcm);
    entry->client = std::make_unique<FcmClient>(projectId, *entry->pool, *entry->tokens);
    qCInfo(lcDelivery).noquote() << "app" << appId << "sends to FCM project" << projectId;
    m_fcm.insert(appId, entry);
    return entry->client.get();
}

Result<ProviderClients::Apns> ProviderClients::apns(const QString &appId)
{
    if (const auto it = m_apns.constFind(appId); it != m_apns.cend()) {
        if (isCurrent({appId, Provider::Apns}, it.value()->updatedAtMs, it.value()->checkedAtMs))
            return Apns{it.value()->client.get(), it.value()->topic};
        retire(m_apns.take(appId));
    }
    Result<ProviderCredential> stored = credentialOf({appId, Provider::Apns});
    if (!stored)
        return stored.error();
    Result<ApnsCredential> credential = ApnsCredential::fromJson(stored->secret);
    if (!credential)
        return makeError(credential.error().code, QStringLiteral("app %1: %2").arg(appId, credential.error().message));
    auto entry = std::make_shared<ApnsEntry>();
    entry->updatedAtMs = stored->updatedAtMs;
    entry->checkedAtMs = m_clock.nowMs();
    Http2Endpoint endpoint = credential->sandbox ? m_settings.apnsSandbox : m_settings.apnsProduction;
    if (credential->usesToken()) {
        Result<ApnsProviderToken> token = ApnsProviderToken::fromP8(
            credential->p8Key, credential->teamId, credential->keyId, m_clock, m_settings.apnsTokenRefresh);
        if (!token)
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("app %1: APNs key: %2").arg(appId, token.error().message));
        entry->token.emplace(std::move(*token));
    } else {
        endpoint.clientCertificate = credential->certificate;
        endpoint.clientKey = credential->certificateKey;
    }
    entry->pool = std::make_unique<Http2Pool>(endpoint);
    entry->client = std::make_unique<ApnsClient>(*entry->pool, entry->token ? &*entry->token : nullptr);
    entry->topic = credential->bundleId;
    qCInfo(lcDelivery).noquote() << "app" << appId << "sends to APNs"
                                 << (credential->sandbox ? "sandbox" : "production") << "for" << credential->bundleId
                                 << (credential->usesToken() ? "with a provider token" : "with a certificate");
    m_apns.insert(appId, entry);
    return Apns{entry->client.get(), entry->topic};
}

} // namespace vestnik
