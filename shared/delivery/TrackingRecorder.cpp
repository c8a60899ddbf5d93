#include "delivery/TrackingRecorder.h"

#include "security/TrackingToken.h"
#include "store/DeliveryRepository.h"
#include "util/Clock.h"

#include <QDateTime>

namespace vestnik {

namespace {

constexpr qsizetype kMaxActionLength = 100;

Error refuse(TrackingRecorder::Refusal kind, TrackingRecorder::Refusal *refusal, ErrorCode code, const QString &text)
{
    if (refusal)
        *refusal = kind;
    return Error{code, text};
}

} // namespace

TrackingRecorder::TrackingRecorder(const DeliveryRepository &deliveries, const TrackingToken &tokens,
                                   const Clock &clock)
    : m_deliveries(deliveries), m_tokens(tokens), m_clock(clock)
{}

bool TrackingRecorder::isTrackable(DeliveryStatus status)
{
    return status == DeliveryStatus::Delivered || status == DeliveryStatus::Opened || status == DeliveryStatus::Clicked
           || status == DeliveryStatus::Dismissed;
}

Result<DeliveryStatus> TrackingRecorder::record(const Report &report, Refusal *refusal) const
{
    if (refusal)
        *refusal = Refusal::None;
    const std::optional<DeliveryStatus> status = deliveryStatusFromName(report.event);
    if (!status || !isTrackable(*status))
        return refuse(Refusal::Invalid, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("'event' must be one of delivered, opened, clicked, dismissed"));
    if (report.notificationId.isEmpty())
        return refuse(Refusal::Invalid, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("'notification_id' is required"));
    if (report.token.isEmpty())
        return refuse(Refusal::Invalid, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("'tracking_token' is required"));
    if (!report.action.isEmpty() && *status != DeliveryStatus::Clicked)
        return refuse(Refusal::Invalid, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("'action' is only for 'clicked'"));
    if (report.action.size() > kMaxActionLength)
        return refuse(Refusal::Invalid, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("'action' is longer than %1 characters").arg(kMaxActionLength));

    Result<std::optional<Delivery>> delivery = m_deliveries.find(report.notificationId);
    if (!delivery)
        return refuse(Refusal::Failed, refusal, delivery.error().code, delivery.error().message);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), Qt::UTC);
    if (!delivery->has_value()) {
        return refuse(Refusal::NotFound, refusal, ErrorCode::NotFound,
                      QStringLiteral("no notification %1").arg(report.notificationId));
    }
    if (auto verified = m_tokens.verify(report.token, report.notificationId, (*delivery)->deviceId, now); !verified)
        return refuse(Refusal::Unauthorized, refusal, ErrorCode::InvalidArgument,
                      QStringLiteral("tracking token refused: ") + verified.error().message);

    Result<bool> recorded = m_deliveries.recordReport(report.notificationId, *status, m_clock.nowMs(), report.action);
    if (!recorded)
        return refuse(Refusal::Failed, refusal, recorded.error().code, recorded.error().message);
    if (!*recorded)
        return refuse(
            Refusal::Replayed, refusal, ErrorCode::Conflict,
            QStringLiteral("'%1' was reported for notification %2 already").arg(report.event, report.notificationId));
    return *status;
}

} // namespace vestnik
