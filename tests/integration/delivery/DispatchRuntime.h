#pragma once

#include "SimTestSupport.h"
#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/Dispatcher.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/RetryPolicy.h"
#include "delivery/RetryScanner.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QNetworkAccessManager>
#include <QRandomGenerator>

namespace vestnik::test {

using namespace std::chrono_literals;

/// The delivery engine as a worker process runs it, on one database and clock; a test rebuilds it on the same
/// database to play a restart.
struct DispatchRuntime {
    DispatchRuntime(const Database &database, const Clock &clock, const Sealer &sealer,
                    ProviderClients::Settings settings)
        : apps(database, clock, sealer),
          devices(database, clock, sealer),
          users(database, clock),
          templates(database, clock),
          deliveries(database, clock),
          catalog(templates),
          directory(devices),
          clients(apps, std::move(settings), network, clock),
          circuits(clock, 5min),
          policy(clock),
          recorder(deliveries, devices, policy, circuits, clock),
          dispatcher(Dispatcher::Dependencies{deliveries, users, catalog, directory, clients, recorder, circuits,
                                              nullptr, clock},
                     dispatcherSettings()),
          scanner(deliveries, clock, scannerSettings(),
                  [this](QList<Delivery> claimed) { dispatcher.redispatch(std::move(claimed)); })
    {}

    static Dispatcher::Settings dispatcherSettings()
    {
        Dispatcher::Settings s;
        s.workerId = QStringLiteral("test-worker-%1").arg(QRandomGenerator::global()->generate());
        s.lease = 2min;
        return s;
    }
    static RetryScanner::Settings scannerSettings()
    {
        RetryScanner::Settings s;
        s.workerId = QStringLiteral("test-scanner-%1").arg(QRandomGenerator::global()->generate());
        s.interval = 20ms;
        s.batchSize = 2000;
        s.lease = 2min;
        return s;
    }

    QNetworkAccessManager network;
    AppRepository apps;
    DeviceRepository devices;
    UserRepository users;
    TemplateRepository templates;
    DeliveryRepository deliveries;
    TemplateCatalog catalog;
    RegistryDeviceDirectory directory;
    ProviderClients clients;
    CircuitBreaker circuits;
    RetryPolicy policy;
    OutcomeRecorder recorder;
    Dispatcher dispatcher;
    RetryScanner scanner;
};

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

} // namespace vestnik::test
