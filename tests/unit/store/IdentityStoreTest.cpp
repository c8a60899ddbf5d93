#include "IdentityStoreTest.h"

#include "security/JwtKey.h"
#include "store/ApiClientRepository.h"
#include "store/ConsoleUserRepository.h"
#include "store/Migrator.h"
#include "store/RefreshTokenRepository.h"
#include "store/SigningKeyRepository.h"

#include <QCryptographicHash>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

QByteArray hashOf(const char *token)
{
    return QCryptographicHash::hash(QByteArray(token), QCryptographicHash::Sha256);
}

RefreshTokenRecord token(const char *value, const QString &login, const QString &family, qint64 expiresAtMs)
{
    RefreshTokenRecord record;
    record.tokenHash = hashOf(value);
    record.login = login;
    record.familyId = family;
    record.expiresAtMs = expiresAtMs;
    return record;
}

} // namespace

void IdentityStoreTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x61'));
    VT_OK(sealer);
    m_sealer = *sealer;
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void IdentityStoreTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
}

void IdentityStoreTest::cleanup()
{
    m_test.reset();
}

QVariant IdentityStoreTest::scalar(const QString &sql, const QVariantList &values) const
{
    Result<QSqlQuery> q = db().run(sql, values, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return QVariant();
    }
    return q->next() ? q->value(0) : QVariant();
}

void IdentityStoreTest::schemaSevenCreatesTheIdentityTables()
{
    for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
        const QList<Migration> migrations = Migrator::available(dialect);
        QVERIFY(migrations.size() >= 7);
        QCOMPARE(migrations.at(6).version, 7);
        QCOMPARE(migrations.at(6).name, QStringLiteral("identity"));
    }
    for (const char *table : {"api_clients", "console_users", "refresh_tokens", "signing_keys", "audit_log"})
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM ") + QLatin1String(table)).toInt(), 0);
}

void IdentityStoreTest::apiClientRoundTripAndDisable()
{
    const ApiClientRepository clients(db(), m_clock);
    const QByteArray secretHash = hashOf("secret-1");
    VT_OK(clients.create(ApiClientRecord{QStringLiteral("c-1"),
                                         QStringLiteral("Заказы"),
                                         {QStringLiteral("events:write"), QStringLiteral("devices:read")},
                                         0,
                                         std::nullopt},
                         secretHash));
    Result<std::optional<ApiClientRecord>> found = clients.find(QStringLiteral("c-1"));
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->name, QStringLiteral("Заказы"));
    QCOMPARE((*found)->scopes, (QStringList{QStringLiteral("events:write"), QStringLiteral("devices:read")}));
    QCOMPARE((*found)->createdAtMs, kStartMs);
    QVERIFY(!(*found)->isDisabled());
    Result<std::optional<ApiClientRepository::Credentials>> credentials = clients.credentials(QStringLiteral("c-1"));
    VT_OK(credentials);
    QVERIFY(credentials->has_value());
    QCOMPARE((*credentials)->secretHash, secretHash);

    m_clock.advance(1h);
    Result<bool> disabled = clients.disable(QStringLiteral("c-1"));
    VT_OK(disabled);
    QVERIFY(*disabled);
    Result<bool> again = clients.disable(QStringLiteral("c-1"));
    VT_OK(again);
    QVERIFY(!*again);
    VT_FAILS_WITH(clients.disable(QStringLiteral("c-2")), ErrorCode::NotFound);
    found = clients.find(QStringLiteral("c-1"));
    VT_OK(found);
    QCOMPARE((*found)->disabledAtMs, kStartMs + 3'600'000);
    Result<std::optional<ApiClientRecord>> none = clients.find(QStringLiteral("c-2"));
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void IdentityStoreTest::apiClientIdIsUnique()
{
    const ApiClientRepository clients(db(), m_clock);
    const ApiClientRecord client{
        QStringLiteral("c-1"), QStringLiteral("First"), {QStringLiteral("track:write")}, 0, {}};
    VT_OK(clients.create(client, hashOf("one")));
    ApiClientRecord other = client;
    other.name = QStringLiteral("Second");
    VT_FAILS_WITH(clients.create(other, hashOf("two")), ErrorCode::Conflict);
    VT_FAILS_WITH(clients.create(ApiClientRecord{}, hashOf("three")), ErrorCode::InvalidArgument);
    // The first one is untouched.
    Result<std::optional<ApiClientRepository::Credentials>> stored = clients.credentials(QStringLiteral("c-1"));
    VT_OK(stored);
    QCOMPARE((*stored)->client.name, QStringLiteral("First"));
    QCOMPARE((*stored)->secretHash, hashOf("one"));
    Result<QList<ApiClientRecord>> all = clients.list();
    VT_OK(all);
    QCOMPARE(all->size(), 1);
}

void IdentityStoreTest::consoleUserRoundTripAndChanges()
{
    const ConsoleUserRepository users(db(), m_clock);
    VT_OK(users.create(QStringLiteral("root"), QStringLiteral("$scrypt$hash-1"), ConsoleRole::Admin));
    VT_OK(users.create(QStringLiteral("alice"), QStringLiteral("$scrypt$hash-2"), ConsoleRole::Marketer));
    VT_FAILS_WITH(users.create(QStringLiteral("alice"), QStringLiteral("$scrypt$hash-3"), ConsoleRole::Admin),
                  ErrorCode::Conflict);
    Result<qint64> count = users.count();
    VT_OK(count);
    QCOMPARE(*count, 2);
    Result<qint64> admins = users.activeAdminCount();
    VT_OK(admins);
    QCOMPARE(*admins, 1);

    Result<std::optional<ConsoleUserRepository::Credentials>> alice = users.credentials(QStringLiteral("alice"));
    VT_OK(alice);
    QVERIFY(alice->has_value());
    QCOMPARE((*alice)->passwordHash, QStringLiteral("$scrypt$hash-2"));
    QCOMPARE((*alice)->user.role, ConsoleRole::Marketer);
    QCOMPARE((*alice)->user.createdAtMs, kStartMs);

    m_clock.advance(1min);
    VT_OK(users.setRole(QStringLiteral("alice"), ConsoleRole::Admin));
    VT_OK(users.setPasswordHash(QStringLiteral("alice"), QStringLiteral("$scrypt$hash-4")));
    VT_FAILS_WITH(users.setRole(QStringLiteral("nobody"), ConsoleRole::Admin), ErrorCode::NotFound);
    VT_FAILS_WITH(users.setPasswordHash(QStringLiteral("nobody"), QStringLiteral("$scrypt$x")), ErrorCode::NotFound);
    Result<bool> disabled = users.disable(QStringLiteral("root"));
    VT_OK(disabled);
    QVERIFY(*disabled);
    VT_FAILS_WITH(users.disable(QStringLiteral("nobody")), ErrorCode::NotFound);

    Result<QList<ConsoleUser>> all = users.list();
    VT_OK(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).login, QStringLiteral("alice"));
    QCOMPARE(all->at(0).role, ConsoleRole::Admin);
    QCOMPARE(all->at(0).updatedAtMs, kStartMs + 60'000);
    QCOMPARE(all->at(1).login, QStringLiteral("root"));
    QCOMPARE(all->at(1).disabledAtMs, kStartMs + 60'000);
    admins = users.activeAdminCount();
    VT_OK(admins);
    QCOMPARE(*admins, 1); // root is disabled, alice is an admin now
    alice = users.credentials(QStringLiteral("alice"));
    VT_OK(alice);
    QCOMPARE((*alice)->passwordHash, QStringLiteral("$scrypt$hash-4"));
}

void IdentityStoreTest::consoleUserRoleIsCheckedByTheSchema()
{
    Result<QSqlQuery> inserted =
        db().run(QStringLiteral("INSERT INTO console_users (login, password_hash, role, created_at, updated_at)"
                                " VALUES (?, ?, ?, ?, ?)"),
                 {QStringLiteral("eve"), QStringLiteral("$scrypt$x"), QStringLiteral("superuser"), kStartMs, kStartMs},
                 QStringLiteral("raw insert"));
    VT_FAILS_WITH(inserted, ErrorCode::Database);
}

void IdentityStoreTest::consoleUserFailedLoginsLockAtTheLimit()
{
    const ConsoleUserRepository users(db(), m_clock);
    VT_OK(users.create(QStringLiteral("alice"), QStringLiteral("$scrypt$hash"), ConsoleRole::Analyst));
    const qint64 lockUntil = kStartMs + 15 * 60'000;
    for (int attempt = 1; attempt <= 2; ++attempt) {
        Result<bool> locked = users.recordFailedLogin(QStringLiteral("alice"), 3, lockUntil);
        VT_OK(locked);
        QVERIFY(!*locked);
    }
    QCOMPARE(scalar(QStringLiteral("SELECT failed_attempts FROM console_users")).toInt(), 2);
    Result<bool> locked = users.recordFailedLogin(QStringLiteral("alice"), 3, lockUntil);
    VT_OK(locked);
    QVERIFY(*locked);
    Result<std::optional<ConsoleUser>> alice = users.find(QStringLiteral("alice"));
    VT_OK(alice);
    QCOMPARE((*alice)->lockedUntilMs, lockUntil);
    QCOMPARE((*alice)->failedAttempts, 0); // counting starts again for after the lock
    QVERIFY((*alice)->isLockedAt(lockUntil - 1));
    QVERIFY(!(*alice)->isLockedAt(lockUntil));

    VT_OK(users.recordSuccessfulLogin(QStringLiteral("alice")));
    alice = users.find(QStringLiteral("alice"));
    VT_OK(alice);
    QVERIFY(!(*alice)->lockedUntilMs);
    Result<bool> unknown = users.recordFailedLogin(QStringLiteral("nobody"), 3, lockUntil);
    VT_OK(unknown);
    QVERIFY(!*unknown);
}

void IdentityStoreTest::refreshTokenRotatesOnce()
{
    VT_OK(ConsoleUserRepository(db(), m_clock)
              .create(QStringLiteral("alice"), QStringLiteral("$h"), ConsoleRole::Analyst));
    const RefreshTokenRepository tokens(db(), m_clock);
    const qint64 expires = kStartMs + 3'600'000;
    VT_OK(tokens.insert(token("t1", QStringLiteral("alice"), QStringLiteral("f1"), expires)));
    m_clock.advance(1min);
    Result<bool> rotated =
        tokens.rotate(hashOf("t1"), token("t2", QStringLiteral("alice"), QStringLiteral("f1"), expires));
    VT_OK(rotated);
    QVERIFY(*rotated);
    // The old token is spent and points at its successor; a second rotation of it stores nothing.
    Result<bool> again =
        tokens.rotate(hashOf("t1"), token("t3", QStringLiteral("alice"), QStringLiteral("f1"), expires));
    VT_OK(again);
    QVERIFY(!*again);
    Result<std::optional<RefreshTokenRecord>> old = tokens.find(hashOf("t1"));
    VT_OK(old);
    QVERIFY(old->has_value());
    QCOMPARE((*old)->revokedAtMs, kStartMs + 60'000);
    QCOMPARE((*old)->replacedBy, hashOf("t2"));
    QVERIFY((*old)->wasRotated());
    Result<std::optional<RefreshTokenRecord>> successor = tokens.find(hashOf("t2"));
    VT_OK(successor);
    QVERIFY(successor->has_value());
    QCOMPARE((*successor)->familyId, QStringLiteral("f1"));
    QCOMPARE((*successor)->createdAtMs, kStartMs + 60'000);
    QCOMPARE((*successor)->expiresAtMs, expires);
    QVERIFY(!(*successor)->revokedAtMs);
    QVERIFY(!(*successor)->wasRotated());
    Result<std::optional<RefreshTokenRecord>> third = tokens.find(hashOf("t3"));
    VT_OK(third);
    QVERIFY(!third->has_value());
}

void IdentityStoreTest::refreshTokenFamilyAndLoginRevocation()
{
    const ConsoleUserRepository users(db(), m_clock);
    VT_OK(users.create(QStringLiteral("alice"), QStringLiteral("$h"), ConsoleRole::Analyst));
    VT_OK(users.create(QStringLiteral("bob"), QStringLiteral("$h"), ConsoleRole::Analyst));
    const RefreshTokenRepository tokens(db(), m_clock);
    const qint64 expires = kStartMs + 3'600'000;
    VT_OK(tokens.insert(token("a1", QStringLiteral("alice"), QStringLiteral("fa"), expires)));
    VT_OK(tokens.insert(token("a2", QStringLiteral("alice"), QStringLiteral("fa"), expires)));
    VT_OK(tokens.insert(token("a3", QStringLiteral("alice"), QStringLiteral("fb"), expires)));
    VT_OK(tokens.insert(token("b1", QStringLiteral("bob"), QStringLiteral("fc"), expires)));
    Result<int> family = tokens.revokeFamily(QStringLiteral("fa"));
    VT_OK(family);
    QCOMPARE(*family, 2);
    Result<int> familyAgain = tokens.revokeFamily(QStringLiteral("fa"));
    VT_OK(familyAgain);
    QCOMPARE(*familyAgain, 0);
    Result<int> login = tokens.revokeForLogin(QStringLiteral("alice"));
    VT_OK(login);
    QCOMPARE(*login, 1); // a3; the others were revoked already
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL")).toInt(), 1);
    Result<std::optional<RefreshTokenRecord>> bob = tokens.find(hashOf("b1"));
    VT_OK(bob);
    QVERIFY(!(*bob)->revokedAtMs);
    VT_FAILS_WITH(tokens.insert(RefreshTokenRecord{}), ErrorCode::InvalidArgument);
}

void IdentityStoreTest::refreshTokenRemoveExpired()
{
    VT_OK(ConsoleUserRepository(db(), m_clock)
              .create(QStringLiteral("alice"), QStringLiteral("$h"), ConsoleRole::Analyst));
    const RefreshTokenRepository tokens(db(), m_clock);
    VT_OK(tokens.insert(token("old", QStringLiteral("alice"), QStringLiteral("f"), kStartMs + 1000)));
    VT_OK(tokens.insert(token("new", QStringLiteral("alice"), QStringLiteral("f"), kStartMs + 5000)));
    Result<int> removed = tokens.removeExpired(kStartMs + 1000);
    VT_OK(removed);
    QCOMPARE(*removed, 0); // expiring exactly then is not before then
    removed = tokens.removeExpired(kStartMs + 1001);
    VT_OK(removed);
    QCOMPARE(*removed, 1);
    Result<std::optional<RefreshTokenRecord>> kept = tokens.find(hashOf("new"));
    VT_OK(kept);
    QVERIFY(kept->has_value());
}

void IdentityStoreTest::signingKeyRoundTripSealedAndRetired()
{
    const SigningKeyRepository keys(db(), sealer());
    Result<JwtKey> first = JwtKey::generate(JwtAlgorithm::ES256);
    Result<JwtKey> second = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(first);
    VT_OK(second);
    first->setKeyId(QStringLiteral("k1"));
    second->setKeyId(QStringLiteral("k2"));
    VT_OK(keys.insert(SigningKeyRecord{*first, kStartMs, std::nullopt}));
    VT_OK(keys.insert(SigningKeyRecord{*second, kStartMs + 1000, std::nullopt}));
    VT_FAILS_WITH(keys.insert(SigningKeyRecord{*first, kStartMs, std::nullopt}), ErrorCode::Conflict);
    VT_FAILS_WITH(keys.insert(SigningKeyRecord{first->publicKey(), kStartMs, std::nullopt}),
                  ErrorCode::InvalidArgument);

    // The row holds the key sealed, never its PEM.
    const QByteArray sealed =
        scalar(QStringLiteral("SELECT private_key_sealed FROM signing_keys WHERE kid = ?"), {QStringLiteral("k1")})
            .toByteArray();
    QVERIFY(sealed.startsWith("VS1"));
    QVERIFY(!sealed.contains(first->privateKeyPem()));
    QVERIFY(!sealed.contains("PRIVATE KEY"));
    QCOMPARE(
        scalar(QStringLiteral("SELECT seal_key_id FROM signing_keys WHERE kid = ?"), {QStringLiteral("k1")}).toString(),
        sealer().keyId());

    Result<QList<SigningKeyRecord>> usable = keys.usable(kStartMs);
    VT_OK(usable);
    QCOMPARE(usable->size(), 2);
    QCOMPARE(usable->at(0).key.keyId(), QStringLiteral("k2")); // newest first
    QCOMPARE(usable->at(1).key.keyId(), QStringLiteral("k1"));
    QVERIFY(usable->at(1).key.hasPrivateKey());
    QCOMPARE(usable->at(1).key.toJwk(), first->toJwk());
    // It signs as the original would verify.
    Result<QByteArray> signature = usable->at(1).key.sign("input");
    VT_OK(signature);
    QVERIFY(first->verify("input", *signature));

    Result<bool> retired = keys.retire(QStringLiteral("k1"), kStartMs + 10'000);
    VT_OK(retired);
    QVERIFY(*retired);
    Result<bool> retiredAgain = keys.retire(QStringLiteral("k1"), kStartMs + 99'000);
    VT_OK(retiredAgain);
    QVERIFY(!*retiredAgain); // the first retirement time stands
    usable = keys.usable(kStartMs + 9'999);
    VT_OK(usable);
    QCOMPARE(usable->size(), 2);
    QCOMPARE(usable->at(1).retiredAtMs, kStartMs + 10'000);
    usable = keys.usable(kStartMs + 10'000);
    VT_OK(usable);
    QCOMPARE(usable->size(), 1);
    QCOMPARE(usable->at(0).key.keyId(), QStringLiteral("k2"));

    Result<int> removed = keys.removeRetired(kStartMs + 10'000);
    VT_OK(removed);
    QCOMPARE(*removed, 0);
    removed = keys.removeRetired(kStartMs + 10'001);
    VT_OK(removed);
    QCOMPARE(*removed, 1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM signing_keys")).toInt(), 1);
}

void IdentityStoreTest::signingKeyDoesNotOpenInAnotherRow()
{
    const SigningKeyRepository keys(db(), sealer());
    for (const char *kid : {"k1", "k2"}) {
        Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
        VT_OK(key);
        key->setKeyId(QLatin1String(kid));
        VT_OK(keys.insert(SigningKeyRecord{*key, kStartMs, std::nullopt}));
    }
    // Someone swaps k1's sealed key into k2's row: the kid is part of the seal, so it does not open.
    VT_OK(db().run(QStringLiteral("UPDATE signing_keys SET private_key_sealed ="
                                  " (SELECT private_key_sealed FROM signing_keys WHERE kid = 'k1') WHERE kid = 'k2'"),
                   {}, QStringLiteral("swap")));
    VT_FAILS_WITH(keys.usable(kStartMs), ErrorCode::Crypto);
    // Nor with another sealing key.
    Result<Sealer> other = Sealer::fromKey(QByteArray(32, '\x62'));
    VT_OK(other);
    VT_FAILS_WITH(SigningKeyRepository(db(), *other).usable(kStartMs), ErrorCode::Crypto);
}

QTEST_GUILESS_MAIN(IdentityStoreTest)
