#include "security/TokenIssuer.h"

#include "KeyMaterial.h"
#include "TestDatabase.h"
#include "TestResults.h"
#include "security/Jwt.h"
#include "security/Sealer.h"
#include "store/Migrator.h"
#include "store/SigningKeyRepository.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

#include <array>
#include <barrier>
#include <memory>
#include <optional>
#include <thread>

using namespace vestnik;
using namespace std::chrono_literals;

/// The worker's access tokens and their signing keys, on a fresh database per test: SQLite, or
/// (VESTNIK_TEST_DIALECT=postgres) the real PostgreSQL.
class TokenIssuerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void userTokenCarriesItsClaims();
    void serviceTokenCarriesScopesNotARole();
    void tokenExpiresAfterItsLifetime();
    void lifetimeIsConfigurable();
    void tokenOfAnotherAudienceIsRefused();
    void firstKeyIsCreatedOnceAndStoredSealed();
    void keysSurviveARestart();
    void rotationKeepsTheOldKeyUntilItIsRetired();
    void jwksPublishesPublicPartsOnly();
    void twoIssuersOnOneDatabaseAgree();
    void concurrentRotationsCreateOneKey();
    void unknownKidMakesTheVerifierReload();
    void keysDoNotOpenWithAnotherSealingKey();

private:
    const Database &db() const { return m_test->database(); }
    QVariant scalar(const QString &sql) const;
    /// A second connection to the same database, as another worker process would have.
    std::shared_ptr<Database> secondConnection() const;
    TokenIssuerSettings settings() const;

    std::unique_ptr<test::TestDatabase> m_test;
    ManualClock m_clock;
    std::optional<Sealer> m_sealer;
};

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

} // namespace

void TokenIssuerTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x3c'));
    VT_OK(sealer);
    m_sealer = *sealer;
}

void TokenIssuerTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
}

void TokenIssuerTest::cleanup()
{
    m_test.reset();
}

QVariant TokenIssuerTest::scalar(const QString &sql) const
{
    Result<QSqlQuery> q = db().run(sql, {}, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return QVariant();
    }
    return q->next() ? q->value(0) : QVariant();
}

std::shared_ptr<Database> TokenIssuerTest::secondConnection() const
{
    Result<std::shared_ptr<Database>> other = Database::open(db().settings());
    if (!other) {
        qWarning("%s", qPrintable(other.error().toString()));
        return nullptr;
    }
    return *other;
}

TokenIssuerSettings TokenIssuerTest::settings() const
{
    TokenIssuerSettings s;
    s.issuer = QStringLiteral("https://vestnik.test");
    s.audience = QStringLiteral("vestnik-api");
    s.keyRotationAge = 24h;
    return s;
}

void TokenIssuerTest::userTokenCarriesItsClaims()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    Result<AccessToken> token = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("marketer"));
    VT_OK(token);
    Result<Jwt> jwt = issuer.verifier().verify(token->token);
    VT_OK(jwt);
    const qint64 now = kStartMs / 1000;
    QCOMPARE(jwt->algorithmName(), QStringLiteral("ES256"));
    QCOMPARE(jwt->header().value(QStringLiteral("typ")).toString(), QStringLiteral("at+jwt"));
    QCOMPARE(jwt->keyId(), issuer.currentKeyId());
    QVERIFY(!jwt->keyId().isEmpty());
    QCOMPARE(jwt->stringClaim(QStringLiteral("iss")), QStringLiteral("https://vestnik.test"));
    QCOMPARE(jwt->stringClaim(QStringLiteral("sub")), QStringLiteral("alice"));
    QCOMPARE(jwt->audiences(), QStringList{QStringLiteral("vestnik-api")});
    QCOMPARE(jwt->integerClaim(QStringLiteral("iat")), now);
    QCOMPARE(jwt->integerClaim(QStringLiteral("nbf")), now);
    QCOMPARE(jwt->integerClaim(QStringLiteral("exp")), now + 900);
    QCOMPARE(jwt->stringClaim(QStringLiteral("role")), QStringLiteral("marketer"));
    QVERIFY(!jwt->claims().contains(QStringLiteral("scope")));
    QCOMPARE(jwt->stringClaim(QStringLiteral("jti")), token->tokenId);
    QCOMPARE(token->expiresInSeconds, 900);
    QCOMPARE(token->expiresAtMs, kStartMs + 900'000);

    // Every token has its own id.
    QSet<QString> ids{token->tokenId};
    for (int i = 0; i < 20; ++i) {
        Result<AccessToken> another = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("marketer"));
        VT_OK(another);
        ids.insert(another->tokenId);
    }
    QCOMPARE(ids.size(), 21);
    VT_FAILS_WITH(issuer.issueForUser(QString(), QStringLiteral("admin")), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(issuer.issueForUser(QStringLiteral("alice"), QString()), ErrorCode::InvalidArgument);
}

void TokenIssuerTest::serviceTokenCarriesScopesNotARole()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    Result<AccessToken> token = issuer.issueForClient(QStringLiteral("orders-service"),
                                                      {QStringLiteral("events:write"), QStringLiteral("devices:read")});
    VT_OK(token);
    Result<Jwt> jwt = issuer.verify(token->token);
    VT_OK(jwt);
    QCOMPARE(jwt->stringClaim(QStringLiteral("sub")), QStringLiteral("orders-service"));
    QCOMPARE(jwt->stringClaim(QStringLiteral("client_id")), QStringLiteral("orders-service"));
    QCOMPARE(jwt->scopes(), (QStringList{QStringLiteral("events:write"), QStringLiteral("devices:read")}));
    QVERIFY(!jwt->claims().contains(QStringLiteral("role")));
    VT_FAILS_WITH(issuer.issueForClient(QStringLiteral("orders-service"), {}), ErrorCode::InvalidArgument);
}

void TokenIssuerTest::tokenExpiresAfterItsLifetime()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    Result<AccessToken> token = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(token);
    // Valid up to exp plus the 60 s leeway, refused from then on.
    m_clock.advance(900s + 59s);
    VT_OK(issuer.verify(token->token));
    m_clock.advance(1s);
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    QVERIFY(!issuer.verify(token->token, &failure));
    QCOMPARE(JwtVerifier::failureName(failure), QStringLiteral("expired"));
}

void TokenIssuerTest::lifetimeIsConfigurable()
{
    TokenIssuerSettings s = settings();
    s.accessTokenLifetime = 120s;
    TokenIssuer issuer(db(), *m_sealer, m_clock, s);
    Result<AccessToken> token = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(token);
    QCOMPARE(token->expiresInSeconds, 120);
    Result<Jwt> jwt = issuer.verify(token->token);
    VT_OK(jwt);
    QCOMPARE(*jwt->integerClaim(QStringLiteral("exp")) - *jwt->integerClaim(QStringLiteral("iat")), 120);
    // The verifier holds our own tokens to our own lifetime.
    QCOMPARE(issuer.verifier().rules().maxLifetime, 120s);
}

void TokenIssuerTest::tokenOfAnotherAudienceIsRefused()
{
    TokenIssuerSettings other = settings();
    other.audience = QStringLiteral("someone-else");
    TokenIssuer foreign(db(), *m_sealer, m_clock, other);
    TokenIssuer ours(db(), *m_sealer, m_clock, settings());
    Result<AccessToken> token = foreign.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(token);
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    QVERIFY(!ours.verify(token->token, &failure));
    QCOMPARE(JwtVerifier::failureName(failure), QStringLiteral("wrong_audience"));
}

void TokenIssuerTest::firstKeyIsCreatedOnceAndStoredSealed()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    QVERIFY(issuer.currentKeyId().isEmpty());
    QVERIFY(issuer.keys().isEmpty());
    VT_OK(issuer.refresh());
    const QString kid = issuer.currentKeyId();
    QVERIFY(!kid.isEmpty());
    VT_OK(issuer.refresh());
    VT_OK(issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("admin")));
    QCOMPARE(issuer.currentKeyId(), kid);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT kid FROM signing_keys")).toString(), kid);
    QCOMPARE(scalar(QStringLiteral("SELECT algorithm FROM signing_keys")).toString(), QStringLiteral("ES256"));
    QCOMPARE(scalar(QStringLiteral("SELECT seal_key_id FROM signing_keys")).toString(), m_sealer->keyId());
    QVERIFY(scalar(QStringLiteral("SELECT retired_at FROM signing_keys")).isNull());
    const QByteArray sealed = scalar(QStringLiteral("SELECT private_key_sealed FROM signing_keys")).toByteArray();
    QVERIFY(sealed.startsWith("VS1"));

    Result<QList<SigningKeyRecord>> stored = SigningKeyRepository(db(), *m_sealer).usable(m_clock.nowMs());
    VT_OK(stored);
    QCOMPARE(stored->size(), 1);
    for (const QByteArray &form : test::privateKeyForms(stored->first().key))
        QVERIFY2(!sealed.contains(form), "the private key is in the row in the clear");
}

void TokenIssuerTest::keysSurviveARestart()
{
    QByteArray token;
    QString kid;
    {
        TokenIssuer before(db(), *m_sealer, m_clock, settings());
        Result<AccessToken> issued = before.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
        VT_OK(issued);
        token = issued->token;
        kid = before.currentKeyId();
    }
    m_clock.advance(10min);
    TokenIssuer after(db(), *m_sealer, m_clock, settings());
    VT_OK(after.refresh());
    QCOMPARE(after.currentKeyId(), kid);
    VT_OK(after.verify(token));
}

void TokenIssuerTest::rotationKeepsTheOldKeyUntilItIsRetired()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    VT_OK(issuer.refresh());
    const QString oldKid = issuer.currentKeyId();

    // A token signed shortly before the key is due...
    m_clock.advance(24h - 100s);
    Result<AccessToken> oldToken = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(oldToken);
    QCOMPARE(Jwt::parse(oldToken->token)->keyId(), oldKid);

    // ...still verifies after the rotation, next to tokens of the new key.
    m_clock.advance(100s);
    const qint64 rotatedAtMs = m_clock.nowMs();
    Result<AccessToken> newToken = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(newToken);
    const QString newKid = issuer.currentKeyId();
    QVERIFY(newKid != oldKid);
    QCOMPARE(Jwt::parse(newToken->token)->keyId(), newKid);
    QCOMPARE(issuer.keys().keys().size(), 2);
    VT_OK(issuer.verify(oldToken->token));
    VT_OK(issuer.verify(newToken->token));
    // The old key verifies for a token lifetime plus the leeway, then retires.
    QCOMPARE(scalar(QStringLiteral("SELECT retired_at FROM signing_keys WHERE kid = '") + oldKid + QStringLiteral("'"))
                 .toLongLong(),
             rotatedAtMs + (900 + 60) * 1000);
    QVERIFY(scalar(QStringLiteral("SELECT retired_at FROM signing_keys WHERE kid = '") + newKid + QStringLiteral("'"))
                .isNull());

    m_clock.setMs(rotatedAtMs + (900 + 60) * 1000 - 1);
    QVERIFY(issuer.keys().find(oldKid));
    m_clock.setMs(rotatedAtMs + (900 + 60) * 1000);
    QVERIFY(!issuer.keys().find(oldKid));
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    QVERIFY(!issuer.verify(oldToken->token, &failure));
    QCOMPARE(JwtVerifier::failureName(failure), QStringLiteral("unknown_key"));
    QCOMPARE(issuer.keys().keys().size(), 1);
    QVERIFY(issuer.keys().find(newKid));

    // The next rotation deletes the retired key for good.
    m_clock.setMs(rotatedAtMs + 24h / 1ms);
    VT_OK(issuer.refresh());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys WHERE kid = '") + oldKid + QStringLiteral("'"))
                 .toInt(),
             0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 2);
}

void TokenIssuerTest::jwksPublishesPublicPartsOnly()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    VT_OK(issuer.refresh());
    m_clock.advance(24h);
    VT_OK(issuer.refresh()); // two keys: the current one and the replaced one

    const QJsonObject jwks = issuer.jwks();
    const QJsonArray keys = jwks.value(QStringLiteral("keys")).toArray();
    QCOMPARE(keys.size(), 2);
    QSet<QString> kids;
    for (const QJsonValue &value : keys) {
        const QJsonObject key = value.toObject();
        QCOMPARE(key.value(QStringLiteral("kty")).toString(), QStringLiteral("EC"));
        QCOMPARE(key.value(QStringLiteral("crv")).toString(), QStringLiteral("P-256"));
        QCOMPARE(key.value(QStringLiteral("alg")).toString(), QStringLiteral("ES256"));
        QCOMPARE(key.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
        QVERIFY(!key.contains(QStringLiteral("d")));
        kids.insert(key.value(QStringLiteral("kid")).toString());
    }
    QVERIFY(kids.contains(issuer.currentKeyId()));
    QCOMPARE(kids.size(), 2);

    // No spelling of either private key is in the published document.
    const QByteArray published = QJsonDocument(jwks).toJson();
    Result<QList<SigningKeyRecord>> stored = SigningKeyRepository(db(), *m_sealer).usable(m_clock.nowMs());
    VT_OK(stored);
    QCOMPARE(stored->size(), 2);
    for (const SigningKeyRecord &record : *stored) {
        QVERIFY(record.key.hasPrivateKey());
        for (const QByteArray &form : test::privateKeyForms(record.key))
            QVERIFY2(!published.contains(form), "a private key is in the JWKS");
    }

    // A verifier built from the published document alone accepts our tokens.
    Result<AccessToken> token = issuer.issueForUser(QStringLiteral("alice"), QStringLiteral("analyst"));
    VT_OK(token);
    Result<JwtKeySet> parsed = JwtKeySet::fromJson(published);
    VT_OK(parsed);
    JwtVerifier outside(m_clock);
    outside.setKeys(*parsed);
    VT_OK(outside.verify(token->token));
}

void TokenIssuerTest::twoIssuersOnOneDatabaseAgree()
{
    const std::shared_ptr<Database> otherDb = secondConnection();
    QVERIFY(otherDb);
    TokenIssuer first(db(), *m_sealer, m_clock, settings());
    TokenIssuer second(*otherDb, *m_sealer, m_clock, settings());
    VT_OK(first.refresh());
    VT_OK(second.refresh());
    QCOMPARE(second.currentKeyId(), first.currentKeyId());
    Result<AccessToken> fromFirst = first.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(fromFirst);
    VT_OK(second.verify(fromFirst->token));

    // The first to notice the key is due rotates; the other finds the new key instead of making its own.
    m_clock.advance(24h);
    Result<AccessToken> rotated = first.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(rotated);
    Result<AccessToken> fromSecond = second.issueForUser(QStringLiteral("bob"), QStringLiteral("analyst"));
    VT_OK(fromSecond);
    QCOMPARE(second.currentKeyId(), first.currentKeyId());
    QCOMPARE(Jwt::parse(fromSecond->token)->keyId(), Jwt::parse(rotated->token)->keyId());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 2);
    VT_OK(first.verify(fromSecond->token));
    VT_OK(second.verify(rotated->token));
    QCOMPARE(first.jwks(), second.jwks());
}

void TokenIssuerTest::concurrentRotationsCreateOneKey()
{
    const std::shared_ptr<Database> otherDb = secondConnection();
    QVERIFY(otherDb);
    TokenIssuer first(db(), *m_sealer, m_clock, settings());
    TokenIssuer second(*otherDb, *m_sealer, m_clock, settings());

    // Two threads with a connection each, as two worker processes would have, refresh at the same moment in
    // every round; between the rounds this thread counts the keys and moves the clock past the rotation age.
    constexpr int kRounds = 4;
    struct Round {
        std::optional<Result<void>> firstDone;
        std::optional<Result<void>> secondDone;
        QString firstKid;
        QString secondKid;
        int current = 0;
        int stored = 0;
    };
    std::array<Round, kRounds> rounds;
    std::barrier sync(3);
    std::thread a([&] {
        for (Round &round : rounds) {
            sync.arrive_and_wait();
            round.firstDone = first.refresh();
            round.firstKid = first.currentKeyId();
            sync.arrive_and_wait();
        }
    });
    std::thread b([&] {
        for (Round &round : rounds) {
            sync.arrive_and_wait();
            round.secondDone = second.refresh();
            round.secondKid = second.currentKeyId();
            sync.arrive_and_wait();
        }
    });
    for (Round &round : rounds) {
        sync.arrive_and_wait();
        sync.arrive_and_wait();
        round.current = scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NULL")).toInt();
        round.stored = scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt();
        m_clock.advance(24h);
    }
    a.join();
    b.join();

    QSet<QString> kids;
    for (int i = 0; i < kRounds; ++i) {
        const Round &round = rounds.at(i);
        VT_OK(*round.firstDone);
        VT_OK(*round.secondDone);
        QCOMPARE(round.current, 1);
        QCOMPARE(round.secondKid, round.firstKid);
        kids.insert(round.firstKid);
        // The key of this round and the last one's (still verifying); older ones were retired and deleted.
        QCOMPARE(round.stored, std::min(i + 1, 2));
    }
    QCOMPARE(kids.size(), kRounds);
}

void TokenIssuerTest::unknownKidMakesTheVerifierReload()
{
    // The other worker rotates sooner (another configuration during an upgrade): this one learns the new kid
    // from the first token that names it, not only at its next scheduled reload.
    const std::shared_ptr<Database> otherDb = secondConnection();
    QVERIFY(otherDb);
    TokenIssuerSettings slow = settings();
    slow.keyRotationAge = 48h;
    slow.reloadInterval = 1h;
    TokenIssuer rotating(*otherDb, *m_sealer, m_clock, settings());
    TokenIssuer verifying(db(), *m_sealer, m_clock, slow);
    VT_OK(rotating.refresh());
    m_clock.advance(24h - 30min);
    VT_OK(verifying.refresh());
    m_clock.advance(30min);
    Result<AccessToken> token = rotating.issueForUser(QStringLiteral("alice"), QStringLiteral("admin"));
    VT_OK(token);
    QVERIFY(!verifying.keys().find(rotating.currentKeyId()));
    VT_OK(verifying.verify(token->token));
    QVERIFY(verifying.keys().find(rotating.currentKeyId()));
}

void TokenIssuerTest::keysDoNotOpenWithAnotherSealingKey()
{
    TokenIssuer issuer(db(), *m_sealer, m_clock, settings());
    VT_OK(issuer.refresh());
    Result<Sealer> otherSealer = Sealer::fromKey(QByteArray(32, '\x11'));
    VT_OK(otherSealer);
    // A worker with the wrong sealing key must fail loudly, not quietly make keys nobody else can open.
    TokenIssuer misconfigured(db(), *otherSealer, m_clock, settings());
    VT_FAILS_WITH(misconfigured.refresh(), ErrorCode::Crypto);
    VT_FAILS_WITH(misconfigured.issueForUser(QStringLiteral("alice"), QStringLiteral("admin")), ErrorCode::Crypto);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 1);
}

QTEST_GUILESS_MAIN(TokenIssuerTest)
#include "TokenIssuerTest.moc"
