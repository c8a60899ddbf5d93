#include "delivery/OutcomeRecorder.h"

#include "DeliveryTestSupport.h"
#include "TestDatabase.h"
#include "delivery/ApnsOutcomeClassifier.h"
#include "delivery/CircuitBreaker.h"
#include "delivery/FcmOutcomeClassifier.h"
#include "delivery/RetryPolicy.h"
#include "delivery/TransportOutcomeClassifier.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/StatsRepository.h"
#include "util/Clock.h"

#include <QObject>

#include <memory>
#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 kHour = 3'600'000;
const QString kApp = QStringLiteral("shop");
const QString kToken = QStringLiteral("7c9f1e0b3a5d4e6f8a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f");

QByteArray fcmError(int code, const char *status, const char *errorCode)
{
    return QStringLiteral(R"({"error":{"code":%1,"message":"m","status":"%2","details":[)"
                          R"({"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"%3"}]}})")
        .arg(code)
        .arg(QLatin1String(status), QLatin1String(errorCode))
        .toUtf8();
}

} // namespace

/// The outcome recorder against a real database: what each outcome class does to the delivery, the device
/// and the circuit. Runs on SQLite, or on PostgreSQL with VESTNIK_TEST_DIALECT=postgres.
class OutcomeRecorderTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void acceptedIsSentWithTheProviderMessageId();
    void unregisteredTokenDeactivatesTheDevice();
    void registrationDuringTheRequestKeepsTheDevice();
    void apnsInvalidationOlderThanRegistrationKeepsTheDeviceAndRetries();
    void apnsInvalidationNewerThanRegistrationDeactivates();
    void tokenDeadAlreadyIsStillInvalidToken();
    void retryIsStoredWithItsTime();
    void retryGivesUpAtTheTtl();
    void permanentFailureKeepsTheReason();
    void credentialsRefreshOnceThenOpenTheCircuit();
    void credentialsThatNeverWorkCountAsCredentialsFailure();

private:
    const Database &db() const { return m_test->database(); }
    /// Registers the device and inserts its delivery; returns the attempt that sent it.
    SendAttempt prepare(Provider provider);
    std::optional<Delivery> stored(const QString &id) const;
    std::optional<Device> device() const;
    Result<OutcomeRecorder::Recorded> record(const SendAttempt &attempt, const ProviderOutcome &outcome);
    /// How many of `metric` the statistics counted today.
    qint64 counted(DeliveryMetric metric) const;

    ManualClock m_clock;
    std::optional<Sealer> m_sealer;
    std::unique_ptr<test::TestDatabase> m_test;
    std::unique_ptr<CircuitBreaker> m_circuits;
    double m_random = 0.5;
};

void OutcomeRecorderTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x21'));
    VT_OK(sealer);
    m_sealer = *sealer;
}

void OutcomeRecorderTest::init()
{
    m_clock.setMs(kStartMs);
    m_random = 0.5;
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
    VT_OK(AppRepository(db(), m_clock, *m_sealer).upsert(App{kApp, QStringLiteral("Shop"), 0}));
    m_circuits = std::make_unique<CircuitBreaker>(m_clock, 5min);
}

void OutcomeRecorderTest::cleanup()
{
    m_test.reset();
}

SendAttempt OutcomeRecorderTest::prepare(Provider provider)
{
    const DeviceRepository devices(db(), m_clock, *m_sealer);
    Result<qint64> deviceId = devices.registerDevice(
        QStringLiteral("u1"), kApp, provider == Provider::Apns ? Platform::Ios : Platform::Android, kToken);
    if (!deviceId)
        qFatal("%s", qPrintable(deviceId.error().toString()));
    Delivery d;
    d.notificationId = QStringLiteral("evt-1:u1:%1").arg(*deviceId);
    d.userId = QStringLiteral("u1");
    d.deviceId = *deviceId;
    d.appId = kApp;
    d.platform = provider == Provider::Apns ? Platform::Ios : Platform::Android;
    d.eventId = QStringLiteral("evt-1");
    if (Result<int> inserted = DeliveryRepository(db(), m_clock).insertBatch({d}); !inserted)
        qFatal("%s", qPrintable(inserted.error().toString()));
    SendAttempt attempt;
    attempt.delivery = *stored(d.notificationId);
    attempt.provider = provider;
    attempt.token = kToken;
    attempt.startedAtMs = m_clock.nowMs();
    attempt.expiresAtMs = m_clock.nowMs() + 24 * kHour;
    m_clock.advance(150ms); // the answer comes a little later
    return attempt;
}

std::optional<Delivery> OutcomeRecorderTest::stored(const QString &id) const
{
    Result<std::optional<Delivery>> found = DeliveryRepository(db(), m_clock).find(id);
    return found ? *found : std::nullopt;
}

std::optional<Device> OutcomeRecorderTest::device() const
{
    Result<std::optional<Device>> found = DeviceRepository(db(), m_clock, *m_sealer).findByToken(kApp, kToken);
    return found ? *found : std::nullopt;
}

Result<OutcomeRecorder::Recorded> OutcomeRecorderTest::record(const SendAttempt &attempt,
                                                              const ProviderOutcome &outcome)
{
    const DeliveryRepository deliveries(db(), m_clock);
    const DeviceRepository devices(db(), m_clock, *m_sealer);
    const RetryPolicy policy(m_clock, RetryPolicy::Settings{}, [this] { return m_random; });
    return OutcomeRecorder(deliveries, devices, policy, *m_circuits, m_clock).record(attempt, outcome);
}

qint64 OutcomeRecorderTest::counted(DeliveryMetric metric) const
{
    Result<QMap<qint64, StatsRepository::Counts>> minutes =
        StatsRepository(db()).minutes(kStartMs, kStartMs + 24 * kHour);
    if (!minutes)
        return -1;
    qint64 sum = 0;
    for (const StatsRepository::Counts &counts : std::as_const(*minutes))
        sum += counts[std::size_t(metric)];
    return sum;
}

void OutcomeRecorderTest::acceptedIsSentWithTheProviderMessageId()
{
    const SendAttempt attempt = prepare(Provider::Fcm);
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, FcmOutcomeClassifier::classify(200, {}, QByteArray(R"({"name":"projects/p/messages/0:42"})")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::Sent);
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QVERIFY(d.has_value());
    QCOMPARE(d->status, DeliveryStatus::Sent);
    QCOMPARE(d->providerMessageId, QStringLiteral("projects/p/messages/0:42"));
    QCOMPARE(d->sentAtMs, std::optional<qint64>(m_clock.nowMs()));
}

void OutcomeRecorderTest::unregisteredTokenDeactivatesTheDevice()
{
    const SendAttempt attempt = prepare(Provider::Fcm);
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, FcmOutcomeClassifier::classify(404, {}, fcmError(404, "NOT_FOUND", "UNREGISTERED")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::TokenInvalid);
    QVERIFY(recorded->deviceDeactivated);

    const std::optional<Device> dev = device();
    QVERIFY(dev.has_value());
    QVERIFY(!dev->isActive);
    QCOMPARE(dev->deactivationReason, QStringLiteral("fcm.UNREGISTERED"));
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QVERIFY(d.has_value());
    QCOMPARE(d->status, DeliveryStatus::InvalidToken);
    QCOMPARE(d->errorCode, QStringLiteral("fcm.UNREGISTERED"));
    QCOMPARE(d->failedAtMs, std::optional<qint64>(m_clock.nowMs()));
    QCOMPARE(counted(DeliveryMetric::FailedInvalidToken), 1);
    QCOMPARE(counted(DeliveryMetric::FailedPermanent), 0);
}

void OutcomeRecorderTest::registrationDuringTheRequestKeepsTheDevice()
{
    // FCM says UNREGISTERED, but the app registered the same token again while the request was out: the
    // verdict may be older than the registration, so the device stays and the push is tried again.
    const SendAttempt attempt = prepare(Provider::Fcm);
    VT_OK(DeviceRepository(db(), m_clock, *m_sealer)
              .registerDevice(QStringLiteral("u1"), kApp, Platform::Android, kToken));
    m_clock.advance(50ms);
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, FcmOutcomeClassifier::classify(404, {}, fcmError(404, "NOT_FOUND", "UNREGISTERED")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::RetryScheduled);
    QVERIFY(device()->isActive);
    QCOMPARE(stored(attempt.delivery.notificationId)->status, DeliveryStatus::RetryScheduled);
}

void OutcomeRecorderTest::apnsInvalidationOlderThanRegistrationKeepsTheDeviceAndRetries()
{
    const SendAttempt attempt = prepare(Provider::Apns);
    const qint64 registeredAt = device()->registeredAtMs;
    const QByteArray body =
        QStringLiteral(R"({"reason":"Unregistered","timestamp":%1})").arg(registeredAt - 1).toUtf8();
    const Result<OutcomeRecorder::Recorded> recorded = record(attempt, ApnsOutcomeClassifier::classify(410, {}, body));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::RetryScheduled);
    QVERIFY(!recorded->deviceDeactivated);
    QVERIFY(device()->isActive);
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QCOMPARE(d->status, DeliveryStatus::RetryScheduled);
    QCOMPARE(d->nextAttemptAtMs, std::optional<qint64>(recorded->retryAtMs));
    QCOMPARE(d->errorCode, QStringLiteral("apns.Unregistered"));
}

void OutcomeRecorderTest::apnsInvalidationNewerThanRegistrationDeactivates()
{
    const SendAttempt attempt = prepare(Provider::Apns);
    const qint64 registeredAt = device()->registeredAtMs;
    const QByteArray body =
        QStringLiteral(R"({"reason":"Unregistered","timestamp":%1})").arg(registeredAt + 1).toUtf8();
    const Result<OutcomeRecorder::Recorded> recorded = record(attempt, ApnsOutcomeClassifier::classify(410, {}, body));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::TokenInvalid);
    QVERIFY(recorded->deviceDeactivated);
    QVERIFY(!device()->isActive);
    QCOMPARE(stored(attempt.delivery.notificationId)->status, DeliveryStatus::InvalidToken);
}

void OutcomeRecorderTest::tokenDeadAlreadyIsStillInvalidToken()
{
    const SendAttempt attempt = prepare(Provider::Apns);
    VT_OK(DeviceRepository(db(), m_clock, *m_sealer).deactivate(attempt.delivery.deviceId, QStringLiteral("earlier")));
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, ApnsOutcomeClassifier::classify(400, {}, QByteArray(R"({"reason":"BadDeviceToken"})")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::TokenInvalid);
    QVERIFY(!recorded->deviceDeactivated);
    QCOMPARE(device()->deactivationReason, QStringLiteral("earlier"));
    QCOMPARE(stored(attempt.delivery.notificationId)->status, DeliveryStatus::InvalidToken);
}

void OutcomeRecorderTest::retryIsStoredWithItsTime()
{
    const SendAttempt attempt = prepare(Provider::Fcm);
    m_random = 0.0;
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, FcmOutcomeClassifier::classify(503, {{QByteArray("retry-after"), QByteArray("30")}},
                                                       fcmError(503, "UNAVAILABLE", "UNAVAILABLE")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::RetryScheduled);
    QCOMPARE(recorded->retryAtMs, m_clock.nowMs() + 30'000);
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QCOMPARE(d->status, DeliveryStatus::RetryScheduled);
    QCOMPARE(d->attempts, 1);
    QCOMPARE(d->nextAttemptAtMs, std::optional<qint64>(m_clock.nowMs() + 30'000));
    QCOMPARE(d->errorCode, QStringLiteral("fcm.UNAVAILABLE"));
}

void OutcomeRecorderTest::retryGivesUpAtTheTtl()
{
    SendAttempt attempt = prepare(Provider::Fcm);
    attempt.expiresAtMs = m_clock.nowMs() + 10'000;
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, TransportOutcomeClassifier::classify(TransportError::Timeout, QString()));
    VT_OK(recorded); // jitter stays inside the 10 s left
    QCOMPARE(recorded->action, OutcomeRecorder::Action::RetryScheduled);
    QVERIFY(recorded->retryAtMs < attempt.expiresAtMs);

    attempt.delivery = *stored(attempt.delivery.notificationId);
    const Result<OutcomeRecorder::Recorded> late =
        record(attempt, FcmOutcomeClassifier::classify(429, {}, fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")));
    VT_OK(late);
    QCOMPARE(late->action, OutcomeRecorder::Action::Failed); // a minute's wait does not fit in 10 s
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QCOMPARE(d->status, DeliveryStatus::Failed);
    QCOMPARE(d->errorCode, QStringLiteral("retry.expired"));
    QVERIFY2(d->errorMessage.contains(QStringLiteral("fcm.QUOTA_EXCEEDED")), qPrintable(d->errorMessage));
    QCOMPARE(counted(DeliveryMetric::Retry), 1);
    QCOMPARE(counted(DeliveryMetric::FailedPermanent), 1); // not the credentials' fault
    QCOMPARE(counted(DeliveryMetric::FailedCredentials), 0);
}

void OutcomeRecorderTest::permanentFailureKeepsTheReason()
{
    const SendAttempt attempt = prepare(Provider::Apns);
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, ApnsOutcomeClassifier::classify(413, {}, QByteArray(R"({"reason":"PayloadTooLarge"})")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::Failed);
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QCOMPARE(d->status, DeliveryStatus::Failed);
    QCOMPARE(d->errorCode, QStringLiteral("apns.PayloadTooLarge"));
    QVERIFY(d->errorMessage.contains(QStringLiteral("too large")));
    QVERIFY(device()->isActive); // the device is not to blame
    QCOMPARE(counted(DeliveryMetric::FailedPermanent), 1);
}

void OutcomeRecorderTest::credentialsRefreshOnceThenOpenTheCircuit()
{
    SendAttempt attempt = prepare(Provider::Apns);
    const ProviderOutcome refused =
        ApnsOutcomeClassifier::classify(403, {}, QByteArray(R"({"reason":"InvalidProviderToken"})"));
    const Result<OutcomeRecorder::Recorded> first = record(attempt, refused);
    VT_OK(first);
    QCOMPARE(first->action, OutcomeRecorder::Action::RefreshCredentials);
    QCOMPARE(stored(attempt.delivery.notificationId)->status, DeliveryStatus::Queued); // nothing written
    QCOMPARE(m_circuits->alerts(), quint64(0));

    attempt.credentialsRefreshed = true;
    m_random = 0.0;
    const Result<OutcomeRecorder::Recorded> second = record(attempt, refused);
    VT_OK(second);
    QCOMPARE(m_circuits->alerts(), quint64(1));
    const AppProvider key{kApp, Provider::Apns};
    QVERIFY(!m_circuits->allows(key, m_clock.nowMs()));
    QVERIFY(m_circuits->allows(AppProvider{kApp, Provider::Fcm}, m_clock.nowMs()));
    // The delivery waits for the circuit's probe, durably.
    QCOMPARE(second->action, OutcomeRecorder::Action::RetryScheduled);
    QCOMPARE(second->retryAtMs, *m_circuits->openUntilMs(key));
    const std::optional<Delivery> d = stored(attempt.delivery.notificationId);
    QCOMPARE(d->status, DeliveryStatus::RetryScheduled);
    QCOMPARE(d->nextAttemptAtMs, m_circuits->openUntilMs(key));
    QCOMPARE(d->errorCode, QStringLiteral("apns.InvalidProviderToken"));
}

void OutcomeRecorderTest::credentialsThatNeverWorkCountAsCredentialsFailure()
{
    // Refused after a refresh: the circuit opens for 5 minutes, longer than the 10 s the push may still wait.
    SendAttempt attempt = prepare(Provider::Apns);
    attempt.credentialsRefreshed = true;
    attempt.expiresAtMs = m_clock.nowMs() + 10'000;
    const Result<OutcomeRecorder::Recorded> recorded =
        record(attempt, ApnsOutcomeClassifier::classify(403, {}, QByteArray(R"({"reason":"InvalidProviderToken"})")));
    VT_OK(recorded);
    QCOMPARE(recorded->action, OutcomeRecorder::Action::Failed);
    QCOMPARE(stored(attempt.delivery.notificationId)->status, DeliveryStatus::Failed);
    QCOMPARE(counted(DeliveryMetric::FailedCredentials), 1);
    QCOMPARE(counted(DeliveryMetric::FailedPermanent), 0);

    // A push that waited for the open circuit and ran out of time failed for the credentials too.
    m_clock.advance(1s);
    const DeviceRepository devices(db(), m_clock, *m_sealer);
    const QString otherToken = QString(64, QLatin1Char('e'));
    Result<qint64> other = devices.registerDevice(QStringLiteral("u2"), kApp, Platform::Ios, otherToken);
    VT_OK(other);
    Delivery waiting = attempt.delivery;
    waiting.notificationId = QStringLiteral("evt-2:u2");
    waiting.userId = QStringLiteral("u2");
    waiting.deviceId = *other;
    VT_OK(DeliveryRepository(db(), m_clock).insertBatch({waiting}));
    SendAttempt second = attempt;
    second.delivery = *stored(waiting.notificationId);
    second.token = otherToken;
    second.credentialsRefreshed = false;
    ProviderOutcome circuitOpen;
    circuitOpen.outcomeClass = OutcomeClass::Retry;
    circuitOpen.reason = QStringLiteral("circuit.open");
    circuitOpen.minimumRetryDelay = 300s;
    const Result<OutcomeRecorder::Recorded> gaveUp = record(second, circuitOpen);
    VT_OK(gaveUp);
    QCOMPARE(gaveUp->action, OutcomeRecorder::Action::Failed);
    QCOMPARE(counted(DeliveryMetric::FailedCredentials), 2);
    QCOMPARE(counted(DeliveryMetric::Queued), 2);
}

QTEST_GUILESS_MAIN(OutcomeRecorderTest)
#include "OutcomeRecorderTest.moc"
