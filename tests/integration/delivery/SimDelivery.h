#pragma once

// What the delivery tests share: the engine set up for tests, vestnik-sim as the providers, a service account
// the simulator knows, and reading what the simulator recorded.
#include "SimTestSupport.h"
#include "delivery/DeliveryEngine.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QUrl>

namespace vestnik::test {

/// DeliveryEngine settings for a test: unique worker ids, 2-minute leases, a scanner that claims up to 2,000
/// every 20 ms (the tests mostly call scanOnce() themselves).
inline DeliveryEngine::Settings engineSettings(ProviderClients::Settings providers)
{
    using namespace std::chrono_literals;
    DeliveryEngine::Settings s;
    s.providers = std::move(providers);
    s.dispatcher.workerId = QStringLiteral("test-worker-%1").arg(QRandomGenerator::global()->generate());
    s.dispatcher.lease = 2min;
    s.scanner.workerId = QStringLiteral("test-scanner-%1").arg(QRandomGenerator::global()->generate());
    s.scanner.interval = 20ms;
    s.scanner.batchSize = 2000;
    s.scanner.lease = 2min;
    return s;
}

/// Provider endpoints, token endpoint and CA of a running vestnik-sim.
inline ProviderClients::Settings simProviderSettings(const SimProcess &sim)
{
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(sim.caPath);
    ProviderClients::Settings s;
    s.fcm.host = sim.google.host();
    s.fcm.port = quint16(sim.google.port());
    s.fcm.caCertificates = ca;
    s.apnsProduction.host = sim.apns.host();
    s.apnsProduction.port = quint16(sim.apns.port());
    s.apnsProduction.caCertificates = ca;
    s.apnsSandbox = s.apnsProduction;
    s.googleTokenEndpoint = sim.google.resolved(QUrl(QStringLiteral("/token")));
    s.tokenEndpointCaCertificates = ca;
    return s;
}

/// The worker's environment for a running vestnik-sim as FCM (and its token endpoint) and APNs, trusting its CA.
inline void addSimProviders(QProcessEnvironment &env, const SimProcess &sim)
{
    const QString google = QStringLiteral("%1:%2").arg(sim.google.host()).arg(sim.google.port());
    const QString apns = QStringLiteral("%1:%2").arg(sim.apns.host()).arg(sim.apns.port());
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_FCM_ENDPOINT"), google);
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_APNS_PRODUCTION_ENDPOINT"), apns);
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_APNS_SANDBOX_ENDPOINT"), apns);
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_GOOGLE_TOKEN_URL"),
               sim.google.resolved(QUrl(QStringLiteral("/token"))).toString());
    env.insert(QStringLiteral("VESTNIK_PROVIDERS_CA_FILE"), sim.caPath);
}

/// Writes, in `dir`, a new service account (`sa.json`, its key made with `openssl`) and a simulator config
/// (`sim.json`) that knows it, with the members of `more` added (APNs keys, a seed). Returns the account's
/// JSON, empty when anything failed.
inline QByteArray writeFcmSimConfig(const OpenSslTool &openssl, const QString &dir, const QString &email,
                                    const QString &project, QJsonObject more = {})
{
    const QString key = openssl.generateRsaKey(QStringLiteral("sa.pem"));
    if (key.isEmpty())
        return {};
    const QByteArray account = serviceAccountJson(key, email, project, QStringLiteral("key-1"),
                                                  QStringLiteral("https://oauth2.googleapis.com/token"));
    more.insert(QStringLiteral("google"),
                QJsonObject{{QStringLiteral("service_accounts"),
                             QJsonArray{QJsonObject{{QStringLiteral("file"), QStringLiteral("sa.json")}}}}});
    QFile accountFile(dir + QStringLiteral("/sa.json"));
    QFile config(dir + QStringLiteral("/sim.json"));
    if (!accountFile.open(QIODevice::WriteOnly) || accountFile.write(account) != account.size()
        || !config.open(QIODevice::WriteOnly) || config.write(QJsonDocument(more).toJson()) <= 0)
        return {};
    return account;
}

/// Makes a running vestnik-sim treat the FCM `token` as unregistered (the app was removed); the admin API's
/// status (200 when it took the rule).
inline int unregisterFcmToken(const SimProcess &sim, const QString &token)
{
    const QJsonObject rule{{QStringLiteral("service"), QStringLiteral("fcm")},
                           {QStringLiteral("token"), token},
                           {QStringLiteral("match"), QStringLiteral("exact")},
                           {QStringLiteral("state"), QStringLiteral("unregistered")}};
    return adminCall(
               sim.admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"),
               QJsonDocument(QJsonObject{{QStringLiteral("tokens"), QJsonArray{rule}}}).toJson(QJsonDocument::Compact))
        .status;
}

/// The FCM `message` of the last request the simulator recorded for a token (an entry of /admin/deliveries).
inline QJsonObject lastFcmMessage(const QJsonObject &recordedToken)
{
    return recordedToken.value(QStringLiteral("last_payload")).toObject().value(QStringLiteral("message")).toObject();
}

/// The `aps.alert` of the last APNs payload the simulator recorded for a token.
inline QJsonObject lastApnsAlert(const QJsonObject &recordedToken)
{
    return recordedToken.value(QStringLiteral("last_payload"))
        .toObject()
        .value(QStringLiteral("aps"))
        .toObject()
        .value(QStringLiteral("alert"))
        .toObject();
}

/// The API URL a worker printed on stdout ("... listening on https://127.0.0.1:PORT (health: ..."), or an empty
/// URL when `out` has none yet.
inline QUrl workerListeningUrl(const QByteArray &out)
{
    const qsizetype at = out.indexOf("listening on ");
    if (at < 0)
        return {};
    const qsizetype from = at + 13;
    return QUrl(QString::fromUtf8(out.mid(from, out.indexOf(' ', from) - from)));
}

} // namespace vestnik::test
