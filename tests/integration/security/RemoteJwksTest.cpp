// The external issuer's JWK Set kept fresh from vestnik-sim's Auth Service (real TLS, HTTP/2): loaded at start,
// tokens the service issued verify with it, refreshed periodically, kept when a fetch fails, fetched again for
// a token signed with a rotated key, at most once a minute however many unknown kids tokens name.
#include "security/RemoteJwks.h"

#include "AuthSim.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "provider/ClientCredentialsTokenSource.h"
#include "security/Jwt.h"
#include "security/JwtVerifier.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QTest>

#include <optional>
#include <thread>

using namespace vestnik;
using namespace std::chrono_literals;

class RemoteJwksTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void loadsTheKeysThatVerifyTheServicesTokens();
    void refreshesPeriodically();
    void aFailedFetchKeepsTheLastSet();
    void aRotatedKeyIsFetchedAtMostOncePerMinute();
    void onlyHttpsOrLoopbackUrls();

private:
    RemoteJwks::Options options() const;
    QByteArray issuedToken();
    Result<Jwt> verify(const JwtKeySet &keys, const QByteArray &token, JwtVerifier::Failure *failure = nullptr) const;

    QTemporaryDir m_dir;
    std::unique_ptr<test::AuthSim> m_sim;
    QNetworkAccessManager m_network;
    ManualClock m_clock{QDateTime::currentMSecsSinceEpoch()};
};

void RemoteJwksTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QJsonObject config{
        {QStringLiteral("auth"),
         QJsonObject{
             {QStringLiteral("audience"), QStringLiteral("vestnik-worker")},
             {QStringLiteral("clients"),
              QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("worker")},
                                     {QStringLiteral("secret"), QStringLiteral("worker-secret")},
                                     {QStringLiteral("scopes"), QJsonArray{QStringLiteral("events:write")}}}}}}}};
    m_sim = std::make_unique<test::AuthSim>(m_dir.path(), config);
    QVERIFY2(m_sim->start(), qPrintable(m_sim->error()));
}

void RemoteJwksTest::cleanupTestCase()
{
    if (m_sim)
        QVERIFY2(m_sim->stop(), qPrintable(m_sim->error()));
}

RemoteJwks::Options RemoteJwksTest::options() const
{
    RemoteJwks::Options o;
    o.url = m_sim->auth().resolved(QUrl(QStringLiteral("/.well-known/jwks.json")));
    o.caCertificates = QSslCertificate::fromPath(m_sim->caPath());
    o.refreshInterval = 10min;
    o.retryInterval = 10min;
    o.timeout = 10s;
    return o;
}

QByteArray RemoteJwksTest::issuedToken()
{
    ClientCredentialsTokenSource::Options o;
    o.tokenEndpoint = m_sim->auth().resolved(QUrl(QStringLiteral("/oauth2/token")));
    o.clientId = QStringLiteral("worker");
    o.clientSecret = QStringLiteral("worker-secret");
    o.caCertificates = QSslCertificate::fromPath(m_sim->caPath());
    ClientCredentialsTokenSource source(o, m_network, SystemClock::instance());
    QByteArray token;
    source.token([&token](Result<QByteArray> result) { token = result.valueOr("failed"); });
    if (!QTest::qWaitFor([&token] { return !token.isEmpty(); }, 15'000))
        return "no-answer";
    return token;
}

Result<Jwt> RemoteJwksTest::verify(const JwtKeySet &keys, const QByteArray &token, JwtVerifier::Failure *failure) const
{
    JwtVerifier verifier(SystemClock::instance());
    verifier.setKeys(keys);
    JwtVerifier::Rules rules;
    rules.issuer = m_sim->auth().toString();
    rules.audiences = {QStringLiteral("vestnik-worker")};
    rules.anyOfScopes = {QStringLiteral("events:write")};
    verifier.setRules(rules);
    return verifier.verify(token, failure);
}

void RemoteJwksTest::loadsTheKeysThatVerifyTheServicesTokens()
{
    const int before = m_sim->counter(QStringLiteral("jwks_requests"));
    RemoteJwks jwks(options(), m_network, m_clock);
    QSignalSpy changed(&jwks, &RemoteJwks::keysChanged);
    QVERIFY(!jwks.hasKeys());
    jwks.start();
    QVERIFY(changed.wait(15'000));
    QCOMPARE(changed.count(), 1);
    const JwtKeySet keys = jwks.keys();
    QCOMPARE(keys.keys().size(), 1);
    QCOMPARE(keys.keys().constFirst().algorithm(), JwtAlgorithm::ES256);
    QVERIFY(!keys.keys().constFirst().keyId().isEmpty());
    QCOMPARE(m_sim->counter(QStringLiteral("jwks_requests")), before + 1);
    QCOMPARE(jwks.fetchCount(), 1);
    QVERIFY(jwks.lastError().isEmpty());

    const QByteArray token = issuedToken();
    Result<Jwt> verified = verify(keys, token);
    VT_OK(verified);
    QCOMPARE(verified->stringClaim(QStringLiteral("client_id")), QStringLiteral("worker"));
    QCOMPARE(verified->keyId(), keys.keys().constFirst().keyId());
    // Without the set nothing verifies: the keys really come from the service.
    QVERIFY(!verify(JwtKeySet(), token));
}

void RemoteJwksTest::refreshesPeriodically()
{
    RemoteJwks::Options o = options();
    o.refreshInterval = 150ms;
    RemoteJwks jwks(o, m_network, m_clock);
    QSignalSpy changed(&jwks, &RemoteJwks::keysChanged);
    QSignalSpy fetched(&jwks, &RemoteJwks::fetched);
    const int before = m_sim->counter(QStringLiteral("jwks_requests"));
    jwks.start();
    QTRY_VERIFY_WITH_TIMEOUT(fetched.count() >= 4, 15'000);
    QCOMPARE(changed.count(), 1); // the same keys each time: changed once, when first loaded
    QVERIFY(m_sim->counter(QStringLiteral("jwks_requests")) >= before + 4);
}

void RemoteJwksTest::aFailedFetchKeepsTheLastSet()
{
    RemoteJwks::Options o = options();
    o.retryInterval = 100ms; // retried soon after a failure
    RemoteJwks jwks(o, m_network, m_clock);
    QSignalSpy changed(&jwks, &RemoteJwks::keysChanged);
    QSignalSpy failed(&jwks, &RemoteJwks::fetchFailed);
    QSignalSpy fetched(&jwks, &RemoteJwks::fetched);
    jwks.start();
    QVERIFY(fetched.wait(15'000));
    const QByteArray token = issuedToken();
    const QJsonObject loaded = jwks.keys().toJson();

    QVERIFY2(m_sim->stop(), qPrintable(m_sim->error()));
    jwks.refresh();
    QVERIFY(failed.wait(15'000));
    QVERIFY2(jwks.lastError().startsWith(QStringLiteral("cannot fetch the JWK Set from %1: ").arg(o.url.toString())),
             qPrintable(jwks.lastError()));
    QCOMPARE(failed.constLast().at(0).toString(), jwks.lastError());
    QCOMPARE(jwks.keys().toJson(), loaded);
    VT_OK(verify(jwks.keys(), token));                     // tokens keep verifying while the service is away
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 2, 15'000); // and it keeps trying

    QVERIFY2(m_sim->restart(false), qPrintable(m_sim->error()));
    const int fetchedBefore = int(fetched.count());
    QTRY_VERIFY_WITH_TIMEOUT(fetched.count() > fetchedBefore, 15'000);
    QVERIFY(jwks.lastError().isEmpty());
    QCOMPARE(changed.count(), 1);
    QCOMPARE(jwks.keys().toJson(), loaded);
}

void RemoteJwksTest::aRotatedKeyIsFetchedAtMostOncePerMinute()
{
    RemoteJwks jwks(options(), m_network, m_clock);
    QSignalSpy changed(&jwks, &RemoteJwks::keysChanged);
    jwks.start();
    QVERIFY(changed.wait(15'000));
    const QString oldKid = jwks.keys().keys().constFirst().keyId();
    QVERIFY(!jwks.requestKey(oldKid)); // known: nothing to fetch

    // The service rotates its signing key; a token signed with the new one names a kid the set lacks.
    QVERIFY2(m_sim->restart(true), qPrintable(m_sim->error()));
    const QByteArray token = issuedToken();
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    QVERIFY(!verify(jwks.keys(), token, &failure));
    QCOMPARE(failure, JwtVerifier::Failure::UnknownKey);
    Result<Jwt> parsed = Jwt::parse(token);
    VT_OK(parsed);
    const QString newKid = parsed->keyId();
    QVERIFY(newKid != oldKid);

    const int fetches = jwks.fetchCount();
    QVERIFY(jwks.requestKey(newKid));
    QVERIFY(changed.wait(15'000));
    QCOMPARE(jwks.fetchCount(), fetches + 1);
    VT_OK(verify(jwks.keys(), token));
    QVERIFY(jwks.keys().find(newKid));
    QVERIFY(!jwks.keys().find(oldKid)); // the service no longer publishes the old key

    // Forged kids cannot make it hammer the service: one fetch a minute at most, from any thread.
    bool fromThread = true;
    std::thread([&jwks, &fromThread] { fromThread = jwks.requestKey(QStringLiteral("forged-1")); }).join();
    QVERIFY(!fromThread);
    QVERIFY(!jwks.requestKey(QStringLiteral("forged-2")));
    m_clock.advance(59s);
    QVERIFY(!jwks.requestKey(QStringLiteral("forged-3")));
    QCOMPARE(jwks.fetchCount(), fetches + 1);
    m_clock.advance(2s);
    QSignalSpy fetched(&jwks, &RemoteJwks::fetched);
    std::thread([&jwks, &fromThread] { fromThread = jwks.requestKey(QStringLiteral("forged-4")); }).join();
    QVERIFY(fromThread);
    QTRY_COMPARE_WITH_TIMEOUT(fetched.count(), 1, 15'000); // the fetch ran on the object's thread
    QCOMPARE(jwks.fetchCount(), fetches + 2);
    QVERIFY(!jwks.requestKey(QStringLiteral("forged-5")));
}

void RemoteJwksTest::onlyHttpsOrLoopbackUrls()
{
    RemoteJwks::Options o = options();
    VT_OK(RemoteJwks::validate(o));
    o.url = QUrl(QStringLiteral("http://127.0.0.1:8445/.well-known/jwks.json"));
    VT_OK(RemoteJwks::validate(o));
    o.url = QUrl(QStringLiteral("http://auth.example.com/.well-known/jwks.json"));
    Result<void> refused = RemoteJwks::validate(o);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.contains(QStringLiteral("must be an https URL")));
}

QTEST_GUILESS_MAIN(RemoteJwksTest)
#include "RemoteJwksTest.moc"
