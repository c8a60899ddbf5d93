#include "delivery/TokenBucket.h"

#include <QObject>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace vestnik;

namespace {

const AppProvider kShopFcm{QStringLiteral("shop"), Provider::Fcm};
const AppProvider kShopApns{QStringLiteral("shop"), Provider::Apns};
const AppProvider kOtherFcm{QStringLiteral("other"), Provider::Fcm};
constexpr qint64 kT0 = 1'767'225'600'000;

} // namespace

class TokenBucketTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenRate();
    void idleTimeRefillsOnlyUpToTheBurst();
    void fractionalRates();
    void clockSteppingBackCreditsNothing();
    void limitsArePerKey();
    void invalidLimitsAreRefused();
    void concurrentAcquirersNeverExceedTheBurst();
};

void TokenBucketTest::burstThenRate()
{
    TokenBucket bucket(TokenBucket::Limit{10, 5}); // 10 a second, 5 at once
    for (int i = 0; i < 5; ++i)
        QVERIFY2(bucket.tryAcquire(kShopFcm, kT0), qPrintable(QString::number(i)));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0));
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0), kT0 + 100);
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0 + 99));
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0 + 99), kT0 + 100);
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0 + 100));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0 + 100));
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0 + 150), kT0 + 200);
    // A second at the rate lets ten through and no more.
    int passed = 0;
    for (qint64 t = kT0 + 101; t <= kT0 + 1100; ++t)
        passed += bucket.tryAcquire(kShopFcm, t);
    QCOMPARE(passed, 10);
}

void TokenBucketTest::idleTimeRefillsOnlyUpToTheBurst()
{
    TokenBucket bucket(TokenBucket::Limit{100, 3});
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0), kT0); // a key never seen has a full bucket
    for (int i = 0; i < 3; ++i)
        QVERIFY(bucket.tryAcquire(kShopFcm, kT0));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0));
    const qint64 later = kT0 + 3'600'000;
    QCOMPARE(bucket.nextAvailable(kShopFcm, later), later);
    for (int i = 0; i < 3; ++i)
        QVERIFY(bucket.tryAcquire(kShopFcm, later));
    QVERIFY(!bucket.tryAcquire(kShopFcm, later));
}

void TokenBucketTest::fractionalRates()
{
    TokenBucket bucket(TokenBucket::Limit{0.5, 1}); // one every two seconds
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0));
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0), kT0 + 2000);
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0 + 1999));
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0 + 1999), kT0 + 2000);
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0 + 2000));

    TokenBucket thirds(TokenBucket::Limit{3, 1}); // 333.33... ms a token: rounding must never promise too early
    qint64 t = kT0;
    QVERIFY(thirds.tryAcquire(kShopFcm, t));
    for (int i = 0; i < 30; ++i) {
        const qint64 next = thirds.nextAvailable(kShopFcm, t);
        QVERIFY(next > t);
        QVERIFY2(thirds.tryAcquire(kShopFcm, next), qPrintable(QString::number(i)));
        t = next;
    }
    QVERIFY(t - kT0 >= 10'000 - 1 && t - kT0 <= 10'000 + 30);
}

void TokenBucketTest::clockSteppingBackCreditsNothing()
{
    TokenBucket bucket(TokenBucket::Limit{1, 1});
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0 + 10'000));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0));          // an NTP step back
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0 + 10'500)); // the span before it is not credited twice
    QCOMPARE(bucket.nextAvailable(kShopFcm, kT0), kT0 + 11'000);
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0 + 11'000));
}

void TokenBucketTest::limitsArePerKey()
{
    TokenBucket bucket(TokenBucket::Limit{1, 1});
    QVERIFY(bucket.setLimit(kShopApns, TokenBucket::Limit{1000, 50}).hasValue());
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0));
    QVERIFY(bucket.tryAcquire(kOtherFcm, kT0)); // another app has its own bucket
    int apns = 0;
    while (bucket.tryAcquire(kShopApns, kT0))
        ++apns;
    QCOMPARE(apns, 50);
    QCOMPARE(bucket.nextAvailable(kShopApns, kT0), kT0 + 1);
}

void TokenBucketTest::invalidLimitsAreRefused()
{
    TokenBucket bucket(TokenBucket::Limit{1, 1});
    for (const TokenBucket::Limit &bad : {TokenBucket::Limit{0, 10}, TokenBucket::Limit{-1, 10},
                                          TokenBucket::Limit{10, 0.5}, TokenBucket::Limit{qQNaN(), 2}}) {
        const Result<void> refused = bucket.setLimit(kShopFcm, bad);
        QVERIFY(!refused.hasValue());
        QCOMPARE(errorCodeName(refused.error().code), errorCodeName(ErrorCode::InvalidArgument));
    }
    // Nothing changed: still the default limit.
    QVERIFY(bucket.tryAcquire(kShopFcm, kT0));
    QVERIFY(!bucket.tryAcquire(kShopFcm, kT0));
    QVERIFY(TokenBucket::validate(TokenBucket::Limit{0.1, 1}).hasValue());
}

void TokenBucketTest::concurrentAcquirersNeverExceedTheBurst()
{
    TokenBucket bucket(TokenBucket::Limit{1, 100});
    std::atomic<int> acquired{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back(QThread::create([&] {
            for (int i = 0; i < 1000; ++i)
                acquired += bucket.tryAcquire(kShopFcm, kT0);
        }));
    }
    for (const auto &thread : threads)
        thread->start();
    for (const auto &thread : threads)
        QVERIFY(thread->wait(30'000));
    QCOMPARE(acquired.load(), 100);
}

QTEST_GUILESS_MAIN(TokenBucketTest)
#include "TokenBucketTest.moc"
