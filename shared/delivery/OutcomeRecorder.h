#pragma once

#include "delivery/ProviderOutcome.h"
#include "delivery/SendAttempt.h"
#include "util/Result.h"

namespace vestnik {

class CircuitBreaker;
class Clock;
class DeliveryRepository;
class DeviceRepository;
class RetryPolicy;

/// Applies a classified provider outcome to a delivery: the one place that decides what each outcome class
/// does to the delivery row, the device and the circuit.
///
/// - Accepted: 'sent' with the provider's message id; the circuit learns the credentials work.
/// - Retry: a durable retry at the time the RetryPolicy picks, or 'failed' when it gives up (TTL, attempts).
/// - InvalidToken: the device is deactivated unless it was registered after the provider found the token
///   invalid (APNs 410 timestamp; otherwise after the request went out), then 'invalid_token'. A device
///   re-registered since is alive: the delivery is retried instead.
/// - PermanentFailure: 'failed' with the reason.
/// - A delivery that gives up while its app's credentials fail (a credentials problem or an open circuit was the
///   last error) counts as a credentials failure in the statistics, any other 'failed' as a permanent one.
/// - CredentialsProblem: first a refresh (nothing is written; the caller refreshes and sends again with
///   `credentialsRefreshed`); if it persists the circuit opens and the delivery is retried once the circuit
///   lets a probe through.
class OutcomeRecorder final
{
public:
    enum class Action {
        Sent,
        RetryScheduled,
        Failed,
        TokenInvalid,       ///< recorded as 'invalid_token' (the device was deactivated, or already was)
        RefreshCredentials, ///< nothing recorded: refresh the credentials and send again
    };

    /// What record() did.
    struct Recorded {
        Action action = Action::Failed;
        qint64 retryAtMs = 0;           ///< RetryScheduled: when
        bool deviceDeactivated = false; ///< TokenInvalid: whether this outcome deactivated the device
        QString reason;                 ///< the reason code stored with the delivery
    };

    OutcomeRecorder(const DeliveryRepository &deliveries, const DeviceRepository &devices, const RetryPolicy &policy,
                    CircuitBreaker &circuits, const Clock &clock);

    /// Records `outcome` of `attempt`; a repository error is returned as it is, with the delivery row left
    /// as it was.
    Result<Recorded> record(const SendAttempt &attempt, const ProviderOutcome &outcome) const;

private:
    Result<Recorded> recordRetry(const SendAttempt &attempt, const ProviderOutcome &outcome, qint64 notBeforeMs) const;
    Result<Recorded> recordInvalidToken(const SendAttempt &attempt, const ProviderOutcome &outcome) const;
    /// 'failed'; `credentials` counts it in the statistics as a credentials failure.
    Result<Recorded> recordFailure(const SendAttempt &attempt, const QString &reason, const QString &message,
                                   bool credentials = false) const;

    const DeliveryRepository &m_deliveries;
    const DeviceRepository &m_devices;
    const RetryPolicy &m_policy;
    CircuitBreaker &m_circuits;
    const Clock &m_clock;
};

} // namespace vestnik
