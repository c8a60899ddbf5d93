#pragma once

#include "bus/MessageBus.h"
#include "model/Event.h"
#include "model/SendJob.h"
#include "store/TriggerStateRepository.h"
#include "trigger/TriggerRule.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <memory>

namespace vestnik {

class Clock;
class Database;

/// The worker's trigger role: consumes business events (`vestnik.events`), records the activity and
/// attributes they carry, evaluates the trigger rules and emits send jobs keyed by user to `vestnik.sends`.
///
/// An event is acknowledged only once its effects are durable: its activity, its firings and the jobs it
/// produced are stored in one transaction with the event's id, and then every job is confirmed by the bus.
/// A repeat of an event id within the idempotency window sends the stored jobs again instead of evaluating
/// anew (the senders find those jobs' deliveries, so nobody gets a push twice), which also covers a crash
/// between the transaction and the bus's confirmation. An event that cannot be read goes to the dead-letter
/// topic with the reason; a database failure holds the batch and tries again with backoff, keeping order.
/// Jobs that fall into a rule's quiet hours wait in the database and are released when the hours end.
/// Rules are reloaded when they change, without a restart. The data fields of the events (dotted paths, for the
/// console's variable completion) are recorded per event type the first time this process sees each.
class TriggerRole final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerRole)

public:
    struct Settings {
        BusConsumer::Settings consumer; ///< topics: usually {"vestnik.events"}
        QString sendsTopic = QStringLiteral("vestnik.sends");
        QString deadLetterTopic = QStringLiteral("vestnik.dlq");
        QString workerId;
        QByteArray defaultTimeZone = "UTC"; ///< for users without a valid time zone
        std::chrono::milliseconds rulesReloadInterval{2000};
        std::chrono::milliseconds schedulerInterval{1000};
        std::chrono::milliseconds scheduledLease{60'000};
        std::chrono::hours idempotencyWindow{72};
        std::chrono::milliseconds firstRetryDelay{500};
        std::chrono::milliseconds maxRetryDelay{30'000};
        int maxBatch = 500;
    };

    struct Counters {
        qint64 events = 0;       ///< evaluated and acknowledged
        qint64 duplicates = 0;   ///< repeats of an event id: their stored jobs were sent again
        qint64 deadLettered = 0; ///< unreadable events, acknowledged after the dead-letter topic took them
        qint64 jobs = 0;         ///< send jobs confirmed by the bus (scheduled ones included when released)
        qint64 deferred = 0;     ///< jobs that waited for quiet hours
        qint64 capped = 0;       ///< rule matches dropped by a frequency cap
        qint64 retried = 0;      ///< batches tried again after a database failure
    };

    TriggerRole(Settings settings, MessageBus &bus, BusProducer &producer, const Database &database, const Clock &clock,
                QObject *parent = nullptr);
    ~TriggerRole() override;

    /// Loads the rules and starts consuming; the error says what failed.
    Result<void> start();
    /// No new events and no releases of scheduled jobs from now on; what is in flight still finishes.
    void hold();
    /// Commits what is acknowledged and stops consuming.
    void stop();
    /// Events handed to the role and not yet acknowledged.
    int outstanding() const;
    const Counters &counters() const { return m_counters; }
    /// The rules in force (enabled ones only).
    int ruleCount() const { return int(m_rules.size()); }
    /// The events consumer's lag (see BusConsumer::lag()); nothing before start() or when the bus cannot tell.
    std::optional<qint64> consumerLag() const;
    /// Reloads the rules now if they changed; the timer does this every `rulesReloadInterval`.
    Result<void> reloadRules();
    /// Sends the deferred jobs that are due now (claimed, so that two workers never both take one); the timer
    /// does this every `schedulerInterval`.
    void releaseDue();

Q_SIGNALS:
    /// Nothing is in flight any more.
    void idle();
    /// The rules in force changed (after a reload).
    void rulesReloaded(int count);

private:
    struct Pending {
        BusMessage message;
        BusConsumer::Ack ack;
    };
    struct Outgoing; // one event's jobs on their way to the bus

    void receive(const BusMessage &message, BusConsumer::Ack ack);
    void processBatch();
    Result<void> evaluate(QList<Pending> &batch);
    void deadLetter(const BusMessage &message, BusConsumer::Ack ack, const QString &reason);
    void sendJobs(const std::shared_ptr<Outgoing> &outgoing);
    void sendJob(const std::shared_ptr<Outgoing> &outgoing, const QByteArray &key, const QByteArray &body);
    void jobsSent(const Outgoing &outgoing);
    qint64 longestCapMs() const;
    void forgetOld();
    void finished(int count);
    /// Adds to `batch` the data fields of `event` that this process has not recorded yet.
    void noteFields(const Event &event, TriggerStateRepository::Batch &batch, QSet<QString> &inBatch) const;
    qint64 quietDelayMs(const TriggerRule &rule, const QByteArray &timeZone, qint64 nowMs) const;

    const Settings m_settings;
    BusProducer &m_producer;
    const Database &m_database;
    const Clock &m_clock;
    TriggerStateRepository m_state;
    std::unique_ptr<BusConsumer> m_consumer;
    QList<TriggerRule> m_rules;
    QSet<QString> m_knownFields; ///< "<event type>\x1f<field>" recorded by this process (bounded)
    QString m_rulesRevision;
    QList<Pending> m_pending;
    bool m_batchScheduled = false;
    bool m_retrying = false;
    bool m_holding = false;
    std::chrono::milliseconds m_retryDelay{0};
    int m_outstanding = 0;
    int m_releasing = 0;
    Counters m_counters;
    QTimer m_reloadTimer;
    QTimer m_schedulerTimer;
    QTimer m_forgetTimer;
};

} // namespace vestnik
