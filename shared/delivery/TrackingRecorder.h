#pragma once

#include "model/DeliveryStatus.h"
#include "util/Result.h"

#include <QString>

namespace vestnik {

class Clock;
class DeliveryRepository;
class TrackingToken;

/// What the app reports about a push it received (`POST /v1/track`): delivered, opened, clicked (with the
/// action) or dismissed. The report carries the tracking token the worker put into the push; it must be the
/// token of this notification on the device the push was sent to, else the report is refused. Each report is
/// recorded in the delivery's status trail once: the same report again (a replayed token) is refused as a
/// conflict, so forged and repeated opens and clicks never inflate the statistics.
class TrackingRecorder final
{
public:
    struct Report {
        QString notificationId;
        QString event;  ///< "delivered", "opened", "clicked" or "dismissed"
        QString action; ///< clicked: the button's action id; empty for a tap on the notification itself
        QString token;
    };

    /// Why a report was refused, for the endpoint's answer.
    enum class Refusal {
        None,
        Invalid,      ///< a field is missing or wrong (400)
        Unauthorized, ///< the token is not this notification's and device's, or expired (401)
        NotFound,     ///< no such notification (404)
        Replayed,     ///< this report was recorded before (409)
        Failed,       ///< the database failed (500)
    };

    /// Everything must outlive the recorder.
    TrackingRecorder(const DeliveryRepository &deliveries, const TrackingToken &tokens, const Clock &clock);

    /// Records the report; on refusal the error says why and `refusal` (optional) names the class.
    Result<DeliveryStatus> record(const Report &report, Refusal *refusal = nullptr) const;

    /// The statuses an app may report.
    static bool isTrackable(DeliveryStatus status);

private:
    const DeliveryRepository &m_deliveries;
    const TrackingToken &m_tokens;
    const Clock &m_clock;
};

} // namespace vestnik
