#include "IdentityServiceTest.h"
#include "KeyMaterial.h"
#include "security/Jwt.h"
#include "store/SigningKeyRepository.h"

#include <QCryptographicHash>

using namespace vestnik;
using identitytest::claimsOf;
using identitytest::kPassword;

void IdentityServiceTest::createUserRefusesBadInput_data()
{
    QTest::addColumn<QString>("login");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("message");
    const QString badLogin = QStringLiteral("a login is 1 to 64 letters");
    QTest::newRow("nine characters") << QStringLiteral("carol") << QStringLiteral("123456789")
                                     << QStringLiteral("a password needs at least 10 characters");
    QTest::newRow("nine characters, not nine UTF-16 units")
        << QStringLiteral("carol") << QStringLiteral("🔑🔑🔑🔑🔑🔑🔑🔑🔑")
        << QStringLiteral("a password needs at least 10 characters");
    QTest::newRow("too long") << QStringLiteral("carol") << QString(1025, QLatin1Char('p'))
                              << QStringLiteral("a password has at most 1024 characters");
    QTest::newRow("password is the login") << QStringLiteral("carol.jones") << QStringLiteral("Carol.Jones")
                                           << QStringLiteral("the password must not be the login");
    QTest::newRow("empty login") << QString() << kPassword << badLogin;
    QTest::newRow("login with a space") << QStringLiteral("carol jones") << kPassword << badLogin;
    QTest::newRow("login starting with a dot") << QStringLiteral(".carol") << kPassword << badLogin;
    QTest::newRow("SQL-looking login") << QStringLiteral("x'; DROP TABLE console_users; --") << kPassword << badLogin;
    QTest::newRow("login too long") << QString(65, QLatin1Char('c')) << kPassword << badLogin;
}

void IdentityServiceTest::createUserRefusesBadInput()
{
    QFETCH(QString, login);
    QFETCH(QString, password);
    QFETCH(QString, message);
    Result<void> created = service().createUser(login, password, ConsoleRole::Analyst);
    VT_FAILS_WITH(created, ErrorCode::InvalidArgument);
    QVERIFY2(created.error().message.startsWith(message), qPrintable(created.error().message));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM console_users")).toInt(), 0);
    // Ten characters are enough.
    VT_OK(service().createUser(QStringLiteral("carol"), QStringLiteral("0123456789"), ConsoleRole::Analyst));
}

void IdentityServiceTest::setPasswordEndsSessions()
{
    createAlice();
    const QString session = loginAlice();
    VT_FAILS_WITH(service().setPassword(QStringLiteral("alice"), QStringLiteral("short")), ErrorCode::InvalidArgument);
    IdentityService::Grant untouched = service().refresh(session); // the refused change left the session alone...
    QVERIFY(untouched.hasValue());
    const QString current = QString::fromLatin1(untouched->refreshToken);

    const QString newPassword = QStringLiteral("a brand new passphrase");
    VT_OK(service().setPassword(QStringLiteral("Alice"), newPassword));
    QVERIFY(!service().refresh(current)); // ...a real change ends every session
    QVERIFY(!service().login(QStringLiteral("alice"), kPassword, QString()));
    QVERIFY(service().login(QStringLiteral("alice"), newPassword, QString()));
    VT_FAILS_WITH(service().setPassword(QStringLiteral("nobody"), newPassword), ErrorCode::NotFound);
}

void IdentityServiceTest::setRoleTakesEffectAtRefresh()
{
    VT_OK(service().createUser(QStringLiteral("root"), kPassword, ConsoleRole::Admin));
    createAlice();
    const QString session = loginAlice();
    VT_OK(service().setRole(QStringLiteral("alice"), ConsoleRole::Analyst));
    IdentityService::Grant refreshed = service().refresh(session);
    QVERIFY(refreshed.hasValue());
    QCOMPARE(claimsOf(refreshed->accessToken).value(QStringLiteral("role")).toString(), QStringLiteral("analyst"));
    VT_FAILS_WITH(service().setRole(QStringLiteral("nobody"), ConsoleRole::Analyst), ErrorCode::NotFound);
    VT_FAILS_WITH(service().setRole(QStringLiteral("nobody"), ConsoleRole::Admin), ErrorCode::NotFound);
}

void IdentityServiceTest::disabledUserCannotLoginOrRefresh()
{
    VT_OK(service().createUser(QStringLiteral("root"), kPassword, ConsoleRole::Admin));
    createAlice();
    const QString session = loginAlice();
    VT_OK(service().disableUser(QStringLiteral("alice")));
    IdentityService::Grant login = service().login(QStringLiteral("alice"), kPassword, QString());
    QVERIFY(!login.hasValue());
    QCOMPARE(login.error().code(), QStringLiteral("invalid_grant"));
    QVERIFY(!service().refresh(session));
    QCOMPARE(scalar(QStringLiteral("SELECT detail FROM audit_log ORDER BY id DESC")).toString(),
             QStringLiteral(R"({"reason":"disabled"})"));
    VT_OK(service().disableUser(QStringLiteral("alice"))); // again: nothing to do
    VT_FAILS_WITH(service().disableUser(QStringLiteral("nobody")), ErrorCode::NotFound);
}

void IdentityServiceTest::lastAdminCannotBeDisabledOrDemoted()
{
    VT_OK(service().createUser(QStringLiteral("root"), kPassword, ConsoleRole::Admin));
    VT_FAILS_WITH(service().disableUser(QStringLiteral("root")), ErrorCode::Conflict);
    VT_FAILS_WITH(service().setRole(QStringLiteral("root"), ConsoleRole::Marketer), ErrorCode::Conflict);
    VT_OK(service().setRole(QStringLiteral("root"), ConsoleRole::Admin));
    // With a second admin either may go.
    VT_OK(service().createUser(QStringLiteral("deputy"), kPassword, ConsoleRole::Marketer));
    VT_OK(service().setRole(QStringLiteral("deputy"), ConsoleRole::Admin));
    VT_OK(service().setRole(QStringLiteral("root"), ConsoleRole::Analyst));
    VT_FAILS_WITH(service().disableUser(QStringLiteral("deputy")), ErrorCode::Conflict);
}

void IdentityServiceTest::bootstrapAdminOnlyOnAnEmptyStore()
{
    Result<bool> first = service().bootstrapAdmin(QStringLiteral("Admin"), kPassword);
    VT_OK(first);
    QVERIFY(*first);
    Result<bool> again = service().bootstrapAdmin(QStringLiteral("admin"), QStringLiteral("another password"));
    VT_OK(again);
    QVERIFY(!*again);
    Result<bool> other = service().bootstrapAdmin(QStringLiteral("intruder"), kPassword);
    VT_OK(other);
    QVERIFY(!*other);
    Result<QList<ConsoleUser>> users = service().listUsers();
    VT_OK(users);
    QCOMPARE(users->size(), 1);
    QCOMPARE(users->first().login, QStringLiteral("admin"));
    QCOMPARE(users->first().role, ConsoleRole::Admin);
    IdentityService::Grant login = service().login(QStringLiteral("admin"), kPassword, QString());
    QVERIFY(login.hasValue());
    QCOMPARE(claimsOf(login->accessToken).value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    QCOMPARE(auditedActions().first(), QStringLiteral("user.bootstrap"));
    // A password against the policy is refused, not stored.
    cleanup();
    init();
    VT_FAILS_WITH(service().bootstrapAdmin(QStringLiteral("admin"), QStringLiteral("admin")),
                  ErrorCode::InvalidArgument);
}

void IdentityServiceTest::listUsersShowsNoHashes()
{
    VT_OK(service().createUser(QStringLiteral("root"), kPassword, ConsoleRole::Admin));
    createAlice();
    for (int i = 0; i < 5; ++i)
        QVERIFY(!service().login(QStringLiteral("alice"), QStringLiteral("wrong password"), QString()));
    Result<QList<ConsoleUser>> users = service().listUsers();
    VT_OK(users);
    QCOMPARE(users->size(), 2);
    QCOMPARE(users->at(0).login, QStringLiteral("alice"));
    QCOMPARE(users->at(0).role, ConsoleRole::Marketer);
    QVERIFY(users->at(0).isLockedAt(m_clock.nowMs()));
    QCOMPARE(users->at(1).login, QStringLiteral("root"));
    QVERIFY(!users->at(1).isLockedAt(m_clock.nowMs()));
}

void IdentityServiceTest::nothingSecretIsStoredInTheClear()
{
    // Every kind of secret the identity layer handles, once each.
    const QString password = QStringLiteral("Пароль администратора 2026");
    VT_OK(service().createUser(QStringLiteral("root"), password, ConsoleRole::Admin));
    Result<IssuedClient> client = service().createClient(QStringLiteral("Orders"), {QStringLiteral("events:write")});
    VT_OK(client);
    IdentityService::Grant login = service().login(QStringLiteral("root"), password, QStringLiteral("192.0.2.1"));
    QVERIFY(login.hasValue());
    IdentityService::Grant refreshed = service().refresh(QString::fromLatin1(login->refreshToken));
    QVERIFY(refreshed.hasValue());
    QVERIFY(service().clientCredentials(client->client.id, client->clientSecret, {}).hasValue());
    // Failed attempts carry the typed password nowhere either.
    QVERIFY(!service().login(QStringLiteral("root"), password + QStringLiteral("!"), QStringLiteral("192.0.2.1")));
    Result<QList<SigningKeyRecord>> keys = SigningKeyRepository(db(), *m_sealer).usable(m_clock.nowMs());
    VT_OK(keys);
    QCOMPARE(keys->size(), 1);

    const QByteArray stored = storedBytes();
    QVERIFY(!stored.isEmpty());
    // The check sees what is there: the hashes that stand for the secrets are found.
    QVERIFY(stored.contains(QCryptographicHash::hash(client->clientSecret.toUtf8(), QCryptographicHash::Sha256)));
    QVERIFY(stored.contains(QCryptographicHash::hash(refreshed->refreshToken, QCryptographicHash::Sha256)));
    QVERIFY(stored.contains("$scrypt$ln=10,r=8,p=1$"));

    QList<std::pair<const char *, QByteArrayList>> secrets{
        {"password", {password.toUtf8(), (password + QStringLiteral("!")).toUtf8()}},
        {"client secret", test::secretForms(client->clientSecret)},
        {"refresh token", test::secretForms(QString::fromLatin1(login->refreshToken))},
        {"rotated refresh token", test::secretForms(QString::fromLatin1(refreshed->refreshToken))},
        {"signing key", test::privateKeyForms(keys->first().key)},
    };
    for (const auto &[what, forms] : secrets) {
        for (const QByteArray &form : forms) {
            QVERIFY(!form.isEmpty());
            QVERIFY2(!stored.contains(form), what);
        }
    }
}
