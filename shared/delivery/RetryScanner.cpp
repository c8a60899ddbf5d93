#include "delivery/RetryScanner.h"

#include "store/DeliveryRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QTimer>

namespace vestnik {

RetryScanner::RetryScanner(const DeliveryRepository &deliveries, const Clock &clock, Settings settings,
                           Dispatch dispatch, QObject *parent)
    : QObject(parent),
      m_deliveries(deliveries),
      m_clock(clock),
      m_settings(std::move(settings)),
      m_dispatch(std::move(dispatch)),
      m_timer(new QTimer(this))
{
    m_timer->setInterval(m_settings.interval);
    connect(m_timer, &QTimer::timeout, this, &RetryScanner::onTimeout);
}

RetryScanner::~RetryScanner() = default;

void RetryScanner::start()
{
    m_timer->start();
    // The first scan does not wait an interval: retries that fell due while the process was down go now.
    QTimer::singleShot(0, this, &RetryScanner::onTimeout);
}

void RetryScanner::stop()
{
    m_timer->stop();
}

bool RetryScanner::isRunning() const
{
    return m_timer->isActive();
}

Result<int> RetryScanner::scanOnce()
{
    Result<QList<Delivery>> claimed = m_deliveries.claimDueRetries(
        m_clock.nowMs(), m_settings.batchSize, m_settings.workerId, qint64(m_settings.lease.count()));
    if (!claimed)
        return claimed.error();
    const int count = int(claimed->size());
    if (count > 0) {
        qCDebug(lcDelivery) << m_settings.workerId << "claimed" << count << "due retries";
        m_dispatch(std::move(*claimed));
    }
    return count;
}

void RetryScanner::onTimeout()
{
    // stop() may come between start() and its first, queued scan.
    if (!m_timer->isActive())
        return;
    Result<int> claimed = scanOnce();
    if (!claimed) {
        qCWarning(lcDelivery).noquote() << "retry scan failed:" << claimed.error().toString();
        Q_EMIT scanFailed(claimed.error().toString());
        return;
    }
    Q_EMIT scanned(*claimed);
}

} // namespace vestnik
