#include "delivery/RetryPolicy.h"

#include "DeliveryTestSupport.h"
#include "delivery/FcmOutcomeClassifier.h"
#include "util/Clock.h"

#include <QObject>

#include <random>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

RetryPolicy::Settings settings()
{
    RetryPolicy::Settings s;
    s.base = 1s;
    s.cap = 60s;
    s.maxAttempts = 8;
    return s;
}

ProviderOutcome retryable(std::optional<RetryAfter> retryAfter = std::nullopt)
{
    ProviderOutcome outcome;
    outcome.outcomeClass = OutcomeClass::Retry;
    outcome.reason = QStringLiteral("fcm.UNAVAILABLE");
    outcome.retryAfter = retryAfter;
    return outcome;
}

constexpr qint64 kDay = 24 * 3600 * 1000;

} // namespace

class RetryPolicyTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { m_clock.setMs(1'767'225'600'000); }
    void fullJitter_data();
    void fullJitter();
    void retryAfterSecondsRespectedToTheSecond();
    void retryAfterDateRespectedToTheSecond();
    void retryAfterBelowTheJitterDoesNotShortenIt();
    void quotaExceededWaitsAtLeastAMinute();
    void callersFloorIsRespected();
    void neverAtOrPastExpiry();
    void givesUpWhenTheProviderFloorPassesExpiry();
    void givesUpAfterMaxAttempts();
    void givesUpOnOutcomesThatAreNotRetried();
    void defaultRandomSourceStaysInBounds();
    void seededEngineSpreadsRetries();

private:
    RetryPolicy policy(double r) const
    {
        return RetryPolicy(m_clock, settings(), [r] { return r; });
    }
    qint64 delayOf(const RetryDecision &decision) const
    {
        return decision.isRetry() ? decision.atMs() - m_clock.nowMs() : -1;
    }

    ManualClock m_clock;
};

void RetryPolicyTest::fullJitter_data()
{
    QTest::addColumn<int>("attempts");
    QTest::addColumn<double>("random");
    QTest::addColumn<qint64>("delayMs");

    // delay = floor(random * min(cap, base * 2^attempts)), base 1 s, cap 60 s
    QTest::newRow("first, low") << 0 << 0.0 << qint64(0);
    QTest::newRow("first, half") << 0 << 0.5 << qint64(500);
    QTest::newRow("first, top") << 0 << 0.999 << qint64(999);
    QTest::newRow("second") << 1 << 0.5 << qint64(1000);
    QTest::newRow("fourth") << 3 << 0.999 << qint64(7992);
    QTest::newRow("sixth: 32 s") << 5 << 0.25 << qint64(8000);
    QTest::newRow("seventh: capped at 60 s") << 6 << 0.5 << qint64(30'000);
    QTest::newRow("eighth: capped at 60 s") << 7 << 0.999 << qint64(59'940);
    QTest::newRow("a source that strays above 1 stays below the ceiling") << 2 << 1.5 << qint64(3999);
    QTest::newRow("a source that strays below 0 retries at once") << 2 << -0.5 << qint64(0);
}

void RetryPolicyTest::fullJitter()
{
    QFETCH(int, attempts);
    QFETCH(double, random);
    QFETCH(qint64, delayMs);
    const RetryDecision decision = policy(random).next(attempts, retryable(), m_clock.nowMs() + kDay);
    QCOMPARE(delayOf(decision), delayMs);
}

void RetryPolicyTest::retryAfterSecondsRespectedToTheSecond()
{
    const ProviderOutcome outcome = FcmOutcomeClassifier::classify(
        503, {{QByteArray("retry-after"), QByteArray("120")}},
        QByteArray(
            R"({"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}})"));
    m_clock.advance(3s); // delta-seconds count from when the answer is handled
    for (double r : {0.0, 0.5, 0.999}) {
        const RetryDecision decision = policy(r).next(0, outcome, m_clock.nowMs() + kDay);
        QVERIFY(decision.isRetry());
        QCOMPARE(decision.atMs(), m_clock.nowMs() + 120'000);
    }
}

void RetryPolicyTest::retryAfterDateRespectedToTheSecond()
{
    const ProviderOutcome outcome =
        FcmOutcomeClassifier::classify(503, {{QByteArray("retry-after"), QByteArray("Thu, 01 Jan 2026 00:02:07 GMT")}},
                                       QByteArray("Service Unavailable"));
    const qint64 date = 1'767'225'600'000 + 127'000;
    QCOMPARE(policy(0.0).next(0, outcome, m_clock.nowMs() + kDay).atMs(), date);
    // An HTTP date is absolute: later, less is left to wait.
    m_clock.advance(100s);
    QCOMPARE(policy(0.0).next(0, outcome, m_clock.nowMs() + kDay).atMs(), date);
    m_clock.advance(60s); // past it: the jitter alone decides
    QCOMPARE(delayOf(policy(0.5).next(0, outcome, m_clock.nowMs() + kDay)), qint64(500));
}

void RetryPolicyTest::retryAfterBelowTheJitterDoesNotShortenIt()
{
    const RetryDecision decision = policy(0.5).next(7, retryable(RetryAfter::afterSeconds(2)), m_clock.nowMs() + kDay);
    QCOMPARE(delayOf(decision), qint64(30'000));
}

void RetryPolicyTest::quotaExceededWaitsAtLeastAMinute()
{
    const ProviderOutcome quota = FcmOutcomeClassifier::classify(
        429, {},
        QByteArray(
            R"({"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED","details":[)"
            R"({"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"QUOTA_EXCEEDED"}]}})"));
    QCOMPARE(delayOf(policy(0.0).next(0, quota, m_clock.nowMs() + kDay)), qint64(60'000));
    QCOMPARE(delayOf(policy(0.999).next(3, quota, m_clock.nowMs() + kDay)), qint64(60'000));
    // Later attempts back off beyond the minute as usual; the cap is the policy's (60 s here), so the
    // minute stays the floor.
    QCOMPARE(delayOf(policy(0.999).next(7, quota, m_clock.nowMs() + kDay)), qint64(60'000));
}

void RetryPolicyTest::callersFloorIsRespected()
{
    const qint64 notBefore = m_clock.nowMs() + 300'000;
    const RetryDecision decision = policy(0.1).next(0, retryable(), m_clock.nowMs() + kDay, notBefore);
    QCOMPARE(decision.atMs(), notBefore);
}

void RetryPolicyTest::neverAtOrPastExpiry()
{
    const qint64 expires = m_clock.nowMs() + 5'000;
    for (double r : {0.0, 0.3, 0.999999}) {
        for (int attempts = 0; attempts < 8; ++attempts) {
            const RetryDecision decision = policy(r).next(attempts, retryable(), expires);
            QVERIFY(decision.isRetry());
            QVERIFY2(decision.atMs() < expires, qPrintable(QString::number(attempts)));
        }
    }
    // Nothing left: give up instead of sending a push that is already dead.
    const RetryDecision expired = policy(0.0).next(0, retryable(), m_clock.nowMs());
    QVERIFY(!expired.isRetry());
    QCOMPARE(expired.reason(), QStringLiteral("retry.expired"));
    QVERIFY(!policy(0.0).next(0, retryable(), m_clock.nowMs() - 1).isRetry());
}

void RetryPolicyTest::givesUpWhenTheProviderFloorPassesExpiry()
{
    const qint64 expires = m_clock.nowMs() + 60'000;
    const RetryDecision late = policy(0.0).next(0, retryable(RetryAfter::afterSeconds(60)), expires);
    QVERIFY(!late.isRetry());
    QCOMPARE(late.reason(), QStringLiteral("retry.expired"));
    QVERIFY2(late.message().contains(QStringLiteral("fcm.UNAVAILABLE")), qPrintable(late.message()));
    const RetryDecision inTime = policy(0.0).next(0, retryable(RetryAfter::afterSeconds(59)), expires);
    QCOMPARE(delayOf(inTime), qint64(59'000));
}

void RetryPolicyTest::givesUpAfterMaxAttempts()
{
    QVERIFY(policy(0.5).next(7, retryable(), m_clock.nowMs() + kDay).isRetry());
    const RetryDecision decision = policy(0.5).next(8, retryable(), m_clock.nowMs() + kDay);
    QVERIFY(!decision.isRetry());
    QCOMPARE(decision.reason(), QStringLiteral("retry.exhausted"));
}

void RetryPolicyTest::givesUpOnOutcomesThatAreNotRetried()
{
    for (OutcomeClass c : {OutcomeClass::Accepted, OutcomeClass::InvalidToken, OutcomeClass::PermanentFailure}) {
        ProviderOutcome outcome;
        outcome.outcomeClass = c;
        outcome.reason = QStringLiteral("apns.PayloadTooLarge");
        const RetryDecision decision = policy(0.5).next(0, outcome, m_clock.nowMs() + kDay);
        QVERIFY(!decision.isRetry());
        QCOMPARE(decision.reason(), QStringLiteral("apns.PayloadTooLarge"));
    }
    ProviderOutcome credentials;
    credentials.outcomeClass = OutcomeClass::CredentialsProblem;
    QVERIFY(policy(0.5).next(0, credentials, m_clock.nowMs() + kDay).isRetry());
}

void RetryPolicyTest::defaultRandomSourceStaysInBounds()
{
    const RetryPolicy real(m_clock, settings());
    for (int i = 0; i < 2000; ++i) {
        const qint64 delay = delayOf(real.next(4, retryable(), m_clock.nowMs() + kDay));
        QVERIFY(delay >= 0 && delay < 16'000);
    }
}

void RetryPolicyTest::seededEngineSpreadsRetries()
{
    // Full jitter spreads a burst of failures over the whole window instead of bunching them at the ceiling
    // (equal jitter) or on the same instant (no jitter): a thundering herd avoided.
    std::mt19937_64 engine(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const RetryPolicy seeded(m_clock, settings(), [&] { return uniform(engine); });
    int lowerHalf = 0;
    qint64 smallest = 60'000;
    qint64 largest = 0;
    for (int i = 0; i < 1000; ++i) {
        const qint64 delay = delayOf(seeded.next(7, retryable(), m_clock.nowMs() + kDay)); // ceiling: the 60 s cap
        lowerHalf += delay < 30'000;
        smallest = std::min(smallest, delay);
        largest = std::max(largest, delay);
    }
    QVERIFY2(lowerHalf > 400 && lowerHalf < 600, qPrintable(QString::number(lowerHalf)));
    QVERIFY(smallest < 1'000);
    QVERIFY(largest > 59'000);
}

QTEST_GUILESS_MAIN(RetryPolicyTest)
#include "RetryPolicyTest.moc"
