#pragma once

#include "util/Config.h"
#include "util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <chrono>
#include <memory>

namespace vestnik {

class DeliveryObserver;

class Clock;
class Database;
class BusProducer;
class MessageBus;
class Sealer;
class SendJobConsumer;
struct DeliveryEngine;

/// The worker's sender role: the delivery engine of shared/delivery wired to this process's database and
/// configuration. It sends the send jobs it is given (the bus roles hand them over) and, from the start,
/// claims and sends the durable retries that are due, including those a previous run left behind.
class Sender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sender)

public:
    /// Reads the `providers.*`, `delivery.*` and `devices.*` keys; InvalidConfig names a bad endpoint, CA file
    /// or Auth Service setting. `id` names
    /// this process in the deliveries it claims.
    static Result<std::unique_ptr<Sender>> create(const Config &config, const Database &database, const Sealer &sealer,
                                                  const Clock &clock, const QString &id, QObject *parent = nullptr);
    ~Sender() override;

    /// Starts the retry scanner and consuming send jobs from `bus.sends_topic` (dead letters through
    /// `producer`); the error names the bus's refusal.
    Result<void> start(MessageBus &bus, BusProducer &producer);
    /// Stops taking new work (retries and send jobs); what is in flight goes on.
    void hold();
    /// Sends in flight.
    int outstanding() const;
    /// Commits what is done and stops consuming. What is still in flight then keeps its claim and is sent again
    /// after its lease.
    void stop();

    /// Counters for /healthz and metrics.
    QJsonObject status() const;
    /// The circuits kept per app and provider: [{"app","provider","state": "closed"|"open"|"half_open"}].
    QJsonArray circuits() const;
    /// Tells `observer` about every provider answer (it must outlive the sender).
    void setDeliveryObserver(DeliveryObserver *observer);
    /// The delivery engine this role sends with (the API's test push sends through it too).
    DeliveryEngine &engine() { return *m_engine; }

Q_SIGNALS:
    /// Nothing in flight any more.
    void idle();

private:
    Sender(Config config, std::unique_ptr<DeliveryEngine> engine, QObject *parent);

    const Config m_config;
    std::unique_ptr<DeliveryEngine> m_engine;
    std::unique_ptr<SendJobConsumer> m_consumer;
};

} // namespace vestnik
