#include "delivery/OutcomeRecorder.h"

#include "delivery/CircuitBreaker.h"
#include "delivery/RetryPolicy.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

namespace vestnik {

OutcomeRecorder::OutcomeRecorder(const DeliveryRepository &deliveries, const DeviceRepository &devices,
                                 const RetryPolicy &policy, CircuitBreaker &circuits, const Clock &clock)
    : m_deliveries(deliveries), m_devices(devices), m_policy(policy), m_circuits(circuits), m_clock(clock)
{}

Result<OutcomeRecorder::Recorded> OutcomeRecorder::record(const SendAttempt &attempt,
                                                          const ProviderOutcome &outcome) const
{
    const AppProvider key{attempt.delivery.appId, attempt.provider};
    switch (outcome.outcomeClass) {
    case OutcomeClass::Accepted: {
        m_circuits.recordSuccess(key);
        if (Result<void> sent =
                m_deliveries.recordSent(attempt.delivery.notificationId, m_clock.nowMs(), outcome.providerMessageId);
            !sent)
            return sent.error();
        return Recorded{Action::Sent, 0, false, outcome.reason};
    }
    case OutcomeClass::Retry: return recordRetry(attempt, outcome, 0);
    case OutcomeClass::InvalidToken: return recordInvalidToken(attempt, outcome);
    case OutcomeClass::PermanentFailure: return recordFailure(attempt, outcome.reason, outcome.message);
    case OutcomeClass::CredentialsProblem: {
        const CircuitBreaker::Verdict verdict =
            m_circuits.recordCredentialsProblem(key, attempt.credentialsRefreshed, outcome.reason);
        if (verdict == CircuitBreaker::Verdict::RefreshCredentials)
            return Recorded{Action::RefreshCredentials, 0, false, outcome.reason};
        // Not the notification's fault: it waits for the circuit's probe, as long as its TTL allows.
        return recordRetry(attempt, outcome, m_circuits.openUntilMs(key).value_or(0));
    }
    }
    return makeError(ErrorCode::Internal, QStringLiteral("unknown outcome class %1").arg(int(outcome.outcomeClass)));
}

Result<OutcomeRecorder::Recorded> OutcomeRecorder::recordRetry(const SendAttempt &attempt,
                                                               const ProviderOutcome &outcome, qint64 notBeforeMs) const
{
    const RetryDecision decision = m_policy.next(attempt.delivery.attempts, outcome, attempt.expiresAtMs, notBeforeMs);
    if (!decision.isRetry()) {
        qCInfo(lcDelivery).noquote() << "delivery" << attempt.delivery.notificationId
                                     << "is not retried:" << decision.message();
        // The circuit opens only on credentials problems: a delivery that waited for it failed for them too.
        const bool credentials = outcome.outcomeClass == OutcomeClass::CredentialsProblem
                                 || outcome.reason == QStringLiteral("circuit.open");
        return recordFailure(attempt, decision.reason(), decision.message(), credentials);
    }
    const qint64 at = decision.atMs();
    if (Result<int> scheduled =
            m_deliveries.scheduleRetry(attempt.delivery.notificationId, at, outcome.reason, outcome.message);
        !scheduled)
        return scheduled.error();
    return Recorded{Action::RetryScheduled, at, false, outcome.reason};
}

Result<OutcomeRecorder::Recorded> OutcomeRecorder::recordInvalidToken(const SendAttempt &attempt,
                                                                      const ProviderOutcome &outcome) const
{
    // Without the provider's own time (APNs 410 timestamp) all we know is that the provider judged the token
    // after the request went out: a registration up to that moment is older than the verdict, one after it
    // may be newer and keeps the device (deactivateIfRegisteredBefore compares strictly, hence the + 1).
    const qint64 invalidatedAt = outcome.invalidatedAtMs.value_or(attempt.startedAtMs + 1);
    const QString &appId = attempt.delivery.appId;
    Result<bool> deactivated =
        m_devices.deactivateIfRegisteredBefore(appId, attempt.token, invalidatedAt, outcome.reason);
    if (!deactivated)
        return deactivated.error();
    if (!*deactivated) {
        Result<std::optional<Device>> device = m_devices.findByToken(appId, attempt.token);
        if (!device)
            return device.error();
        if (device->has_value() && (*device)->isActive) {
            // Re-registered after the provider's verdict: the app holds this token again, so it is worth
            // another try.
            qCInfo(lcDelivery).noquote() << "device" << (*device)->id << "of app" << appId
                                         << "was registered again after" << outcome.reason << "; retrying";
            ProviderOutcome retry = outcome;
            retry.outcomeClass = OutcomeClass::Retry;
            return recordRetry(attempt, retry, 0);
        }
    } else {
        qCInfo(lcDelivery).noquote() << "device" << attempt.delivery.deviceId << "of app" << appId
                                     << "deactivated:" << outcome.reason;
    }
    if (Result<void> failed = m_deliveries.recordFailure(attempt.delivery.notificationId, DeliveryStatus::InvalidToken,
                                                         m_clock.nowMs(), outcome.reason, outcome.message);
        !failed)
        return failed.error();
    return Recorded{Action::TokenInvalid, 0, *deactivated, outcome.reason};
}

Result<OutcomeRecorder::Recorded> OutcomeRecorder::recordFailure(const SendAttempt &attempt, const QString &reason,
                                                                 const QString &message, bool credentials) const
{
    if (Result<void> failed = m_deliveries.recordFailure(
            attempt.delivery.notificationId, DeliveryStatus::Failed, m_clock.nowMs(), reason, message,
            credentials ? DeliveryRepository::FailureCause::Credentials : DeliveryRepository::FailureCause::Permanent);
        !failed)
        return failed.error();
    return Recorded{Action::Failed, 0, false, reason};
}

} // namespace vestnik
