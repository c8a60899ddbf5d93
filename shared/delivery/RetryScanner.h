#pragma once

#include "model/Delivery.h"
#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QString>

#include <chrono>
#include <functional>

class QTimer;

namespace vestnik {

class Clock;
class DeliveryRepository;

/// Re-dispatches durable retries: every interval it claims the deliveries whose retry is due (or whose
/// previous claim's lease ran out) and hands them to the dispatch function. Claims are atomic in the
/// database, so any number of scanners in any number of processes hand out each due retry once; after a
/// restart the retries stored before it come back the same way.
class RetryScanner final : public QObject
{
    Q_OBJECT

public:
    /// How the scanner works.
    struct Settings {
        QString workerId; ///< names this worker in claims; unique per process (host + pid + a random part)
        std::chrono::milliseconds interval{1000};
        /// Rows claimed per scan. With the interval it bounds how fast retries come back (batchSize / interval),
        /// so a backlog after an outage is not claimed faster than it can be sent within the lease.
        int batchSize = 200;
        /// How long a claim holds; a worker that dies mid-send loses its rows to another after this.
        std::chrono::milliseconds lease{std::chrono::minutes(5)};
    };
    /// Receives each claimed batch (status 'sending', oldest due first); it must end every claim with
    /// recordSent(), recordFailure() or scheduleRetry() (the OutcomeRecorder does), or the lease runs out.
    using Dispatch = std::function<void(QList<Delivery>)>;

    RetryScanner(const DeliveryRepository &deliveries, const Clock &clock, Settings settings, Dispatch dispatch,
                 QObject *parent = nullptr);
    ~RetryScanner() override;
    Q_DISABLE_COPY_MOVE(RetryScanner)

    /// Scans now and then every interval, on this object's thread.
    void start();
    void stop();
    bool isRunning() const;

    /// One scan: claims a batch and dispatches it; returns how many were claimed.
    Result<int> scanOnce();

    const Settings &settings() const { return m_settings; }

Q_SIGNALS:
    /// After every scan of the timer, with the number of deliveries handed out.
    void scanned(int claimed);
    /// A scan failed (the database is unreachable, ...); the timer keeps going.
    void scanFailed(const QString &message);

private:
    void onTimeout();

    const DeliveryRepository &m_deliveries;
    const Clock &m_clock;
    const Settings m_settings;
    const Dispatch m_dispatch;
    QTimer *m_timer = nullptr;
};

} // namespace vestnik
