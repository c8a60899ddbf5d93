#include "provider/ApnsProviderToken.h"

#include "security/Jwt.h"
#include "util/Clock.h"

#include <QTest>

using namespace std::chrono_literals;
using namespace vestnik;

class ApnsProviderTokenTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tokenHasTheClaimsApnsChecks();
    void renewsBetweenTwentyAndSixtyMinutesOverThreeHours();
    void rejectionRenewsOnlyAfterTwentyMinutes();
    void refreshIntervalIsClamped();
    void badCredentialsAreRefused();

private:
    QByteArray m_p8;
    JwtKey m_key;
};

void ApnsProviderTokenTest::initTestCase()
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    QVERIFY(key.hasValue());
    m_key = *key;
    m_p8 = key->privateKeyPem();
    QVERIFY(m_p8.startsWith("-----BEGIN PRIVATE KEY-----"));
}

void ApnsProviderTokenTest::tokenHasTheClaimsApnsChecks()
{
    ManualClock clock;
    Result<ApnsProviderToken> provider =
        ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM123456"), QStringLiteral("KEY1234567"), clock);
    QVERIFY(provider.hasValue());
    Result<QByteArray> token = provider->current();
    QVERIFY(token.hasValue());
    Result<Jwt> jwt = Jwt::parse(*token);
    QVERIFY(jwt.hasValue());
    QCOMPARE(jwt->algorithmName(), QStringLiteral("ES256"));
    QCOMPARE(jwt->keyId(), QStringLiteral("KEY1234567"));
    QCOMPARE(jwt->stringClaim(QStringLiteral("iss")), QStringLiteral("TEAM123456"));
    QCOMPARE(jwt->integerClaim(QStringLiteral("iat")).value(), clock.nowMs() / 1000);
    QCOMPARE(jwt->signature().size(), 64); // raw r||s, as JWS wants
    QVERIFY(m_key.publicKey().verify(jwt->signingInput(), jwt->signature()));
}

void ApnsProviderTokenTest::renewsBetweenTwentyAndSixtyMinutesOverThreeHours()
{
    ManualClock clock;
    Result<ApnsProviderToken> provider =
        ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM123456"), QStringLiteral("KEY1234567"), clock);
    QByteArray last = *provider->current();
    qint64 lastChangeMs = clock.nowMs();
    int changes = 0;
    // one push every 10 seconds for three hours
    for (int step = 0; step < 3 * 360; ++step) {
        clock.advance(10s);
        const QByteArray token = *provider->current();
        if (token != last) {
            const qint64 age = clock.nowMs() - lastChangeMs;
            QVERIFY2(age >= 20 * 60'000, qPrintable(QStringLiteral("renewed after %1 ms").arg(age)));
            last = token;
            lastChangeMs = clock.nowMs();
            ++changes;
        }
        // APNs refuses a token older than an hour
        QVERIFY(clock.nowMs() - lastChangeMs < 60 * 60'000);
    }
    QCOMPARE(changes, 3); // 50-minute refresh: at 50, 100 and 150 minutes
    QCOMPARE(provider->issued(), 4);
}

void ApnsProviderTokenTest::rejectionRenewsOnlyAfterTwentyMinutes()
{
    ManualClock clock;
    Result<ApnsProviderToken> provider =
        ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM123456"), QStringLiteral("KEY1234567"), clock);
    const QByteArray first = *provider->current();
    clock.advance(5min);
    provider->rejected(first);
    QCOMPARE(*provider->current(), first); // renewing now would risk TooManyProviderTokenUpdates
    clock.advance(15min);
    const QByteArray second = *provider->current();
    QVERIFY(second != first);  // 20 minutes old and rejected: renewed before the regular 50 minutes
    provider->rejected(first); // a stale rejection of an old token changes nothing
    clock.advance(20min);
    QCOMPARE(*provider->current(), second);
}

void ApnsProviderTokenTest::refreshIntervalIsClamped()
{
    ManualClock clock;
    Result<ApnsProviderToken> eager =
        ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM123456"), QStringLiteral("KEY1234567"), clock, 1min);
    const QByteArray first = *eager->current();
    clock.advance(19min);
    QCOMPARE(*eager->current(), first);
    clock.advance(1min);
    QVERIFY(*eager->current() != first);

    Result<ApnsProviderToken> lazy =
        ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM123456"), QStringLiteral("KEY1234567"), clock, 120min);
    const QByteArray token = *lazy->current();
    clock.advance(55min);
    QVERIFY(*lazy->current() != token);
}

void ApnsProviderTokenTest::badCredentialsAreRefused()
{
    ManualClock clock;
    QVERIFY(!ApnsProviderToken::fromP8(m_p8, QStringLiteral("TEAM"), QStringLiteral("KEY1234567"), clock).hasValue());
    Result<JwtKey> rsa = JwtKey::generate(JwtAlgorithm::RS256);
    Result<ApnsProviderToken> wrongKey = ApnsProviderToken::fromP8(rsa->privateKeyPem(), QStringLiteral("TEAM123456"),
                                                                   QStringLiteral("KEY1234567"), clock);
    QVERIFY(!wrongKey.hasValue());
    QVERIFY(wrongKey.error().message.contains(QStringLiteral(".p8")));
}

QTEST_GUILESS_MAIN(ApnsProviderTokenTest)
#include "ApnsProviderTokenTest.moc"
