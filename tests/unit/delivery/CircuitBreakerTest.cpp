#include "delivery/CircuitBreaker.h"

#include "util/Clock.h"

#include <QMutex>
#include <QObject>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const AppProvider kShopApns{QStringLiteral("shop"), Provider::Apns};
const AppProvider kShopFcm{QStringLiteral("shop"), Provider::Fcm};
const AppProvider kOtherApns{QStringLiteral("other"), Provider::Apns};
constexpr auto kCoolDown = 30s;

} // namespace

namespace vestnik {

inline char *toString(CircuitBreaker::State state)
{
    switch (state) {
    case CircuitBreaker::State::Closed: return qstrdup("Closed");
    case CircuitBreaker::State::Open: return qstrdup("Open");
    case CircuitBreaker::State::HalfOpen: return qstrdup("HalfOpen");
    }
    return qstrdup("?");
}

inline char *toString(CircuitBreaker::Verdict verdict)
{
    return qstrdup(verdict == CircuitBreaker::Verdict::RefreshCredentials ? "RefreshCredentials" : "CircuitOpen");
}

} // namespace vestnik

class CircuitBreakerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstProblemAsksForOneRefresh();
    void problemAfterRefreshOpensAndAlerts();
    void halfOpenLetsOneProbeThrough();
    void probeSuccessCloses();
    void probeFailureReopensAndAlertsAgain();
    void lostProbeIsReplacedAfterAnotherCoolDown();
    void lateSuccessDoesNotCloseAnOpenCircuit();
    void keysAreIndependent();
    void concurrentFailuresOpenOnce();

private:
    ManualClock m_clock;
};

void CircuitBreakerTest::firstProblemAsksForOneRefresh()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, false), CircuitBreaker::Verdict::RefreshCredentials);
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::Closed);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    QCOMPARE(breaker.alerts(), quint64(0));
    QVERIFY(!breaker.openUntilMs(kShopApns).has_value());
}

void CircuitBreakerTest::problemAfterRefreshOpensAndAlerts()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, true, QStringLiteral("apns.InvalidProviderToken")),
             CircuitBreaker::Verdict::CircuitOpen);
    QCOMPARE(breaker.alerts(), quint64(1));
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::Open);
    QCOMPARE(breaker.openUntilMs(kShopApns), std::optional<qint64>(m_clock.nowMs() + 30'000));
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs()));
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs() + 29'999));
    // Requests that were in flight when it opened report in too: no refresh, no second alert.
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, false), CircuitBreaker::Verdict::CircuitOpen);
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, true), CircuitBreaker::Verdict::CircuitOpen);
    QCOMPARE(breaker.alerts(), quint64(1));
}

void CircuitBreakerTest::halfOpenLetsOneProbeThrough()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    m_clock.advance(kCoolDown);
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::HalfOpen);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));  // the probe
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs())); // nobody else while it is out
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs() + 1000));
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::HalfOpen);
}

void CircuitBreakerTest::probeSuccessCloses()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    m_clock.advance(kCoolDown);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    breaker.recordSuccess(kShopApns);
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::Closed);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    // Closed again means a fresh start: the next problem asks for a refresh first.
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, false), CircuitBreaker::Verdict::RefreshCredentials);
}

void CircuitBreakerTest::probeFailureReopensAndAlertsAgain()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    m_clock.advance(kCoolDown);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    // The probe gets its own refresh (an operator may have uploaded a new key meanwhile)...
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, false), CircuitBreaker::Verdict::RefreshCredentials);
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::HalfOpen);
    // ...and if that does not help either, the circuit opens for another cool-down.
    QCOMPARE(breaker.recordCredentialsProblem(kShopApns, true), CircuitBreaker::Verdict::CircuitOpen);
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::Open);
    QCOMPARE(breaker.alerts(), quint64(2));
    QCOMPARE(breaker.openUntilMs(kShopApns), std::optional<qint64>(m_clock.nowMs() + 30'000));
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs() + 29'999));
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs() + 30'000));
}

void CircuitBreakerTest::lostProbeIsReplacedAfterAnotherCoolDown()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    m_clock.advance(kCoolDown);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    QCOMPARE(breaker.openUntilMs(kShopApns), std::optional<qint64>(m_clock.nowMs() + 30'000));
    m_clock.advance(kCoolDown - 1ms);
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs()));
    m_clock.advance(1ms);
    QVERIFY(breaker.allows(kShopApns, m_clock.nowMs()));
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs()));
    QCOMPARE(breaker.alerts(), quint64(1));
}

void CircuitBreakerTest::lateSuccessDoesNotCloseAnOpenCircuit()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    breaker.recordSuccess(kShopApns); // sent before it opened, perhaps with credentials replaced since
    QCOMPARE(breaker.state(kShopApns, m_clock.nowMs()), CircuitBreaker::State::Open);
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs()));
}

void CircuitBreakerTest::keysAreIndependent()
{
    CircuitBreaker breaker(m_clock, kCoolDown);
    breaker.recordCredentialsProblem(kShopApns, true);
    QVERIFY(!breaker.allows(kShopApns, m_clock.nowMs()));
    QVERIFY(breaker.allows(kShopFcm, m_clock.nowMs()));
    QVERIFY(breaker.allows(kOtherApns, m_clock.nowMs()));
    QCOMPARE(breaker.state(kShopFcm, m_clock.nowMs()), CircuitBreaker::State::Closed);
}

void CircuitBreakerTest::concurrentFailuresOpenOnce()
{
    // Many senders of one app get the same refusal after the same refresh at once: one alert, not many.
    CircuitBreaker breaker(m_clock, kCoolDown);
    constexpr int kThreads = 8;
    std::atomic<int> opened{0};
    std::atomic<int> refreshes{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([&] {
            for (int i = 0; i < 500; ++i) {
                if (breaker.recordCredentialsProblem(kShopFcm, false) == CircuitBreaker::Verdict::RefreshCredentials)
                    ++refreshes;
                if (breaker.recordCredentialsProblem(kShopFcm, true) == CircuitBreaker::Verdict::CircuitOpen)
                    ++opened;
                (void)breaker.allows(kShopFcm, m_clock.nowMs());
            }
        }));
    }
    for (const auto &thread : threads)
        thread->start();
    for (const auto &thread : threads)
        QVERIFY(thread->wait(30'000));
    QCOMPARE(breaker.alerts(), quint64(1));
    QCOMPARE(opened.load(), kThreads * 500);
    QVERIFY(refreshes.load() >= 1);
    QVERIFY(!breaker.allows(kShopFcm, m_clock.nowMs()));
}

QTEST_GUILESS_MAIN(CircuitBreakerTest)
#include "CircuitBreakerTest.moc"
