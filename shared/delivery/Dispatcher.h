#pragma once

#include "delivery/AppProvider.h"
#include "delivery/DeviceDirectory.h"
#include "model/Delivery.h"
#include "model/Device.h"
#include "model/SendJob.h"
#include "store/DeliveryRepository.h"
#include "util/Result.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace vestnik {

class CircuitBreaker;
class Clock;
class DeliveryObserver;
class OutcomeRecorder;
class ProviderClients;
class TemplateCatalog;
class TokenBucket;
class TrackingToken;
class UserRepository;
struct ProviderOutcome;

/// Turns send jobs into pushes: the user's active devices from the DeviceDirectory, the template rendered per
/// device locale and platform, a delivery row per device written and claimed before anything is sent (the
/// notification id is deterministic per job and device, so a job that comes again skips what is done), the
/// request sent through the app's FCM or APNs client, and the classified answer recorded: accepted pushes in
/// batches, everything else through the OutcomeRecorder (durable retries, deactivated devices, circuits).
/// Circuits that are open and rate limits (a token bucket per app and provider) are honoured before sending.
/// Retries that the RetryScanner claims come back through redispatch(). Everything runs on the
/// dispatcher's thread.
class Dispatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Dispatcher)

public:
    struct Settings {
        QString workerId; ///< names this process in claims (as the RetryScanner's)
        std::chrono::milliseconds lease{std::chrono::minutes(5)};
        int maxJobsPerBatch = 500; ///< jobs looked up, stored and claimed together
        int sentBatchRows = 500;   ///< accepted pushes recorded in one transaction
        std::chrono::milliseconds sentFlushInterval{20};
        std::chrono::milliseconds requestTimeout{std::chrono::seconds(15)};
        /// How long after a send the app may still report the push's opens and clicks with its tracking token.
        std::chrono::hours trackingTokenLifetime{24 * 30};
    };

    /// What became of one job once every delivery of it has a durable outcome.
    struct JobReport {
        QString jobKey;
        int devices = 0;     ///< the user's devices the job was for
        int alreadyDone = 0; ///< deliveries a previous run of the job sent, failed, or left to retries
        int sent = 0;        ///< accepted by the provider
        int retries = 0;     ///< durable retries scheduled
        int failed = 0;      ///< failed for good
        int invalidTokens = 0;
        /// The job could not be handled. `permanent`: it never will be (unknown template, ...), so it goes
        /// to the dead-letter topic; otherwise (the database is down) it should come again later.
        std::optional<Error> error;
        bool permanent = false;

        bool isDurable() const { return !error.has_value(); }
    };
    using Completion = std::function<void(const JobReport &)>;

    /// Counts since start, for metrics and tests.
    struct Counters {
        qint64 jobs = 0;
        qint64 sent = 0;
        qint64 retries = 0;
        qint64 failed = 0;
        qint64 invalidTokens = 0;
        qint64 credentialRefreshes = 0;
        qint64 rateLimited = 0; ///< sends that waited for their app's rate limit
        qint64 circuitOpen = 0; ///< sends deferred because their app's circuit was open
    };

    struct Dependencies {
        const DeliveryRepository &deliveries;
        const UserRepository &users;
        TemplateCatalog &templates;
        DeviceDirectory &directory;
        ProviderClients &clients;
        const OutcomeRecorder &recorder;
        CircuitBreaker &circuits;
        TokenBucket *rateLimits; ///< null: no limit
        const Clock &clock;
        const TrackingToken *tracking = nullptr; ///< issues each push's tracking token; null: pushes carry none
    };

    Dispatcher(Dependencies dependencies, Settings settings, QObject *parent = nullptr);
    ~Dispatcher() override;

    /// Queues a job; `done` is called once, when all of its deliveries have a durable outcome (or the job
    /// failed as a whole). Jobs submitted in the same event-loop turn are stored together.
    void submit(SendJob job, Completion done = {});
    /// Sends deliveries the RetryScanner claimed (status 'sending'): their stored job is rendered again for
    /// the device, unless the device is gone or the notification's deadline has passed.
    void redispatch(QList<Delivery> claimed);

    /// Jobs and deliveries not yet finished.
    int outstanding() const;
    const Counters &counters() const { return m_counters; }
    /// Tells `observer` (null: nobody) about every provider answer from now on; it must outlive the dispatcher.
    void setObserver(DeliveryObserver *observer) { m_observer = observer; }
    const Settings &settings() const { return m_settings; }

Q_SIGNALS:
    /// outstanding() dropped to zero.
    void idle();

private:
    struct Job;
    struct Content;
    struct Task;
    using JobPtr = std::shared_ptr<Job>;
    using TaskPtr = std::shared_ptr<Task>;

    void processJobs();
    void storeAndSend(std::vector<JobPtr> jobs, Result<DeviceDirectory::DevicesAndUsers> found);
    void resolveRedispatch(QList<Delivery> claimed);
    void prepareAndSend(const TaskPtr &task);
    void sendOrWait(const TaskPtr &task);
    void send(const TaskPtr &task);
    void onAnswer(const TaskPtr &task, ProviderOutcome outcome);
    /// The tracking token for the task's push, or empty when there is no issuer (or it failed, logged).
    QString trackingToken(const Task &task) const;
    void drainRateLimited();
    void flushSent();
    void finishTask(const TaskPtr &task, int JobReport::*counter, qint64 Counters::*total);
    void failTask(const TaskPtr &task, const QString &reason, const QString &message);
    void finishJob(const JobPtr &job);
    void failJob(const JobPtr &job, const Error &error, bool permanent);
    void settle(int finished);

    Dependencies m_deps;
    const Settings m_settings;
    DeliveryObserver *m_observer = nullptr;
    std::deque<JobPtr> m_queuedJobs;
    bool m_processScheduled = false;
    int m_outstanding = 0;
    QHash<AppProvider, std::deque<TaskPtr>> m_rateLimited;
    QTimer m_rateTimer;
    std::vector<std::pair<DeliveryRepository::SentReport, TaskPtr>> m_sentBuffer;
    QTimer m_flushTimer;
    std::chrono::milliseconds m_sentRetryDelay{0}; ///< while recording accepted pushes fails
    Counters m_counters;
};

} // namespace vestnik
