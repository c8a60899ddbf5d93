#include "IdentityServiceTest.h"
#include "security/Jwt.h"
#include "store/AuditLogRepository.h"

using namespace vestnik;
using namespace std::chrono_literals;
using identitytest::claimsOf;
using identitytest::kPassword;

void IdentityServiceTest::loginIssuesARoleTokenAndARefreshToken()
{
    createAlice();
    IdentityService::Grant grant = service().login(QStringLiteral("alice"), kPassword, QStringLiteral("192.0.2.10"));
    QVERIFY2(grant.hasValue(), grant ? "" : qPrintable(grant.error().description));
    Result<Jwt> jwt = m_issuer->verify(grant->accessToken);
    VT_OK(jwt);
    QCOMPARE(jwt->stringClaim(QStringLiteral("sub")), QStringLiteral("alice"));
    QCOMPARE(jwt->stringClaim(QStringLiteral("role")), QStringLiteral("marketer"));
    QVERIFY(!jwt->claims().contains(QStringLiteral("scope")));
    QCOMPARE(grant->role, QStringLiteral("marketer"));
    QCOMPARE(grant->refreshToken.size(), 43);
    QCOMPARE(grant->refreshExpiresIn, 7 * 24 * 3600);
    const QJsonObject response = grant->toJson();
    QCOMPARE(response.value(QStringLiteral("refresh_token")).toString().toLatin1(), grant->refreshToken);
    QCOMPARE(response.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));

    Result<AuditPage> audit = AuditLogRepository(db(), m_clock).query(AuditQuery{});
    VT_OK(audit);
    QCOMPARE(audit->entries.size(), 1);
    const AuditEntry &entry = audit->entries.first();
    QCOMPARE(entry.action, QStringLiteral("login.succeeded"));
    QCOMPARE(entry.actor, QStringLiteral("alice"));
    QCOMPARE(entry.actorKind, AuditActorKind::User);
    QCOMPARE(entry.remoteAddress, QStringLiteral("192.0.2.10"));
    QCOMPARE(entry.atMs, m_clock.nowMs());
}

void IdentityServiceTest::loginWithWrongPasswordIsRefused()
{
    createAlice();
    IdentityService::Grant grant =
        service().login(QStringLiteral("alice"), QStringLiteral("correct horse battery stapler"), QString());
    QVERIFY(!grant.hasValue());
    QCOMPARE(grant.error().code(), QStringLiteral("invalid_grant"));
    QCOMPARE(grant.error().httpStatus(), 400);
    QCOMPARE(scalar(QStringLiteral("SELECT failed_attempts FROM console_users WHERE login = 'alice'")).toInt(), 1);
    QCOMPARE(auditedActions(), QStringList{QStringLiteral("login.failed")});
    QCOMPARE(scalar(QStringLiteral("SELECT detail FROM audit_log")).toString(),
             QStringLiteral(R"({"reason":"wrong_password"})"));
}

void IdentityServiceTest::loginLocksAfterRepeatedFailuresAndUnlocksLater()
{
    createAlice();
    for (int attempt = 1; attempt <= 5; ++attempt) {
        m_clock.advance(10s);
        QVERIFY(!service().login(QStringLiteral("alice"), QStringLiteral("guess number %1").arg(attempt), QString()));
    }
    const qint64 lockedAt = m_clock.nowMs();
    QCOMPARE(scalar(QStringLiteral("SELECT locked_until FROM console_users WHERE login = 'alice'")).toLongLong(),
             lockedAt + 15 * 60'000);

    // Locked: even the right password is refused, with the same answer as a wrong one.
    IdentityService::Grant locked = service().login(QStringLiteral("alice"), kPassword, QString());
    QVERIFY(!locked.hasValue());
    IdentityService::Grant wrong = service().login(QStringLiteral("alice"), QStringLiteral("another guess"), QString());
    QVERIFY(!wrong.hasValue());
    QCOMPARE(locked.error().code(), wrong.error().code());
    QCOMPARE(locked.error().description, wrong.error().description);
    m_clock.setMs(lockedAt + 15 * 60'000 - 1);
    QVERIFY(!service().login(QStringLiteral("alice"), kPassword, QString()));

    // After the lockout the right password works again and clears the lock.
    m_clock.setMs(lockedAt + 15 * 60'000);
    IdentityService::Grant unlocked = service().login(QStringLiteral("alice"), kPassword, QString());
    QVERIFY2(unlocked.hasValue(), unlocked ? "" : qPrintable(unlocked.error().description));
    QVERIFY(scalar(QStringLiteral("SELECT locked_until FROM console_users WHERE login = 'alice'")).isNull());
    QCOMPARE(scalar(QStringLiteral("SELECT failed_attempts FROM console_users WHERE login = 'alice'")).toInt(), 0);

    const QStringList actions = auditedActions();
    QCOMPARE(actions.count(QStringLiteral("user.locked")), 1);
    QCOMPARE(actions.indexOf(QStringLiteral("user.locked")), 4); // with the fifth failure
    QCOMPARE(actions.constLast(), QStringLiteral("login.succeeded"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE detail = ?"),
                    {QStringLiteral(R"({"reason":"locked"})")})
                 .toInt(),
             3);
}

void IdentityServiceTest::successfulLoginResetsTheFailureCount()
{
    createAlice();
    for (int round = 0; round < 3; ++round) {
        for (int attempt = 0; attempt < 4; ++attempt)
            QVERIFY(!service().login(QStringLiteral("alice"), QStringLiteral("not the password"), QString()));
        QVERIFY(service().login(QStringLiteral("alice"), kPassword, QString()));
    }
    QVERIFY(scalar(QStringLiteral("SELECT locked_until FROM console_users WHERE login = 'alice'")).isNull());
}

void IdentityServiceTest::unknownLoginIsRefusedLikeAWrongPassword_data()
{
    QTest::addColumn<QString>("login");
    QTest::newRow("unknown login") << QStringLiteral("mallory");
    QTest::newRow("not even a valid login") << QStringLiteral("' OR 1=1 --");
    QTest::newRow("empty") << QString();
}

void IdentityServiceTest::unknownLoginIsRefusedLikeAWrongPassword()
{
    QFETCH(QString, login);
    createAlice();
    // The dummy hash an unknown login is checked against is made once, on first need; make it now.
    QVERIFY(!service().login(QStringLiteral("warm-up"), kPassword, QString()));

    quint64 before = m_hasher->derivations();
    IdentityService::Grant wrong =
        service().login(QStringLiteral("alice"), QStringLiteral("not the password"), QString());
    QVERIFY(!wrong.hasValue());
    const quint64 wrongWork = m_hasher->derivations() - before;

    before = m_hasher->derivations();
    IdentityService::Grant unknown = service().login(login, kPassword, QString());
    QVERIFY(!unknown.hasValue());
    const quint64 unknownWork = m_hasher->derivations() - before;

    QCOMPARE(unknown.error().code(), wrong.error().code());
    QCOMPARE(unknown.error().description, wrong.error().description);
    QCOMPARE(unknown.error().httpStatus(), wrong.error().httpStatus());
    // The same scrypt work: an unknown login does not answer faster than a known one.
    QCOMPARE(wrongWork, quint64(1));
    QCOMPARE(unknownWork, wrongWork);
    // The attempt is on record, and alice's counter is untouched by it.
    QCOMPARE(scalar(QStringLiteral("SELECT failed_attempts FROM console_users WHERE login = 'alice'")).toInt(), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT detail FROM audit_log ORDER BY id DESC")).toString(),
             QStringLiteral(R"({"reason":"unknown_login"})"));
}

void IdentityServiceTest::loginNamesAreCaseInsensitive()
{
    VT_OK(service().createUser(QStringLiteral("Bob.Smith"), kPassword, ConsoleRole::Analyst));
    VT_FAILS_WITH(service().createUser(QStringLiteral("bob.smith"), kPassword, ConsoleRole::Admin),
                  ErrorCode::Conflict);
    IdentityService::Grant grant = service().login(QStringLiteral("BOB.SMITH"), kPassword, QString());
    QVERIFY(grant.hasValue());
    QCOMPARE(claimsOf(grant->accessToken).value(QStringLiteral("sub")).toString(), QStringLiteral("bob.smith"));
}

void IdentityServiceTest::loginUpgradesAnOutdatedHash()
{
    createAlice();
    const QString before = scalar(QStringLiteral("SELECT password_hash FROM console_users")).toString();
    QVERIFY(before.startsWith(QStringLiteral("$scrypt$ln=10,")));
    // A later configuration asks for more work: the next login re-hashes with it.
    const PasswordHasher stronger(PasswordHasher::Parameters{11, 8, 1});
    IdentityService upgraded(db(), m_clock, *m_issuer, stronger);
    QVERIFY(upgraded.login(QStringLiteral("alice"), kPassword, QString()));
    const QString after = scalar(QStringLiteral("SELECT password_hash FROM console_users")).toString();
    QVERIFY2(after.startsWith(QStringLiteral("$scrypt$ln=11,r=8,p=1$")), qPrintable(after));
    QVERIFY(upgraded.login(QStringLiteral("alice"), kPassword, QString()));
    QCOMPARE(scalar(QStringLiteral("SELECT password_hash FROM console_users")).toString(), after);
    // A failed login changes nothing.
    QVERIFY(!service().login(QStringLiteral("alice"), QStringLiteral("wrong password"), QString()));
    QCOMPARE(scalar(QStringLiteral("SELECT password_hash FROM console_users")).toString(), after);
}

void IdentityServiceTest::refreshRotatesTheToken()
{
    createAlice();
    const QString first = loginAlice();
    QVERIFY(!first.isEmpty());
    m_clock.advance(10min);
    IdentityService::Grant second = service().refresh(first);
    QVERIFY2(second.hasValue(), second ? "" : qPrintable(second.error().description));
    QVERIFY(QString::fromLatin1(second->refreshToken) != first);
    QCOMPARE(claimsOf(second->accessToken).value(QStringLiteral("role")).toString(), QStringLiteral("marketer"));
    VT_OK(m_issuer->verify(second->accessToken));
    m_clock.advance(10min);
    IdentityService::Grant third = service().refresh(QString::fromLatin1(second->refreshToken));
    QVERIFY(third.hasValue());
    // One session, three tokens: the first two spent and chained to their successors.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(DISTINCT family_id) FROM refresh_tokens")).toInt(), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens")).toInt(), 3);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE revoked_at IS NULL")).toInt(), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE replaced_by IS NOT NULL")).toInt(), 2);
}

void IdentityServiceTest::reusedRefreshTokenRevokesTheSession()
{
    createAlice();
    const QString stolen = loginAlice();
    const QString otherSession = loginAlice();
    IdentityService::Grant rotated = service().refresh(stolen);
    QVERIFY(rotated.hasValue());
    IdentityService::Grant next = service().refresh(QString::fromLatin1(rotated->refreshToken));
    QVERIFY(next.hasValue());

    // The spent token comes back (an attacker copied it, or the session leaked): the whole session ends.
    IdentityService::Grant reuse = service().refresh(stolen, QStringLiteral("203.0.113.66"));
    QVERIFY(!reuse.hasValue());
    QCOMPARE(reuse.error().code(), QStringLiteral("invalid_grant"));
    IdentityService::Grant latest = service().refresh(QString::fromLatin1(next->refreshToken));
    QVERIFY(!latest.hasValue());
    QCOMPARE(latest.error().code(), QStringLiteral("invalid_grant"));
    QVERIFY(auditedActions().contains(QStringLiteral("refresh.reused")));
    QCOMPARE(scalar(QStringLiteral("SELECT remote_address FROM audit_log WHERE action = 'refresh.reused'")).toString(),
             QStringLiteral("203.0.113.66"));
    // Another session of the same user is not affected.
    QVERIFY(service().refresh(otherSession).hasValue());
}

void IdentityServiceTest::refreshTokenExpires()
{
    createAlice();
    const QString token = loginAlice();
    m_clock.advance(7 * 24h - 1ms);
    IdentityService::Grant renewed = service().refresh(token);
    QVERIFY(renewed.hasValue());
    // Each refresh starts a new lifetime; an unused token runs out.
    m_clock.advance(7 * 24h + 1ms);
    IdentityService::Grant expired = service().refresh(QString::fromLatin1(renewed->refreshToken));
    QVERIFY(!expired.hasValue());
    QCOMPARE(expired.error().code(), QStringLiteral("invalid_grant"));

    VT_OK(service().removeExpiredRefreshTokens());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens")).toInt(), 0);
    IdentityService::Grant unknown = service().refresh(QStringLiteral("not-a-token"));
    QVERIFY(!unknown.hasValue());
    QCOMPARE(unknown.error().code(), QStringLiteral("invalid_grant"));
    QCOMPARE(service().refresh(QString()).error().code(), QStringLiteral("invalid_request"));
}

void IdentityServiceTest::logoutEndsTheSession()
{
    createAlice();
    const QString first = loginAlice();
    IdentityService::Grant rotated = service().refresh(first);
    QVERIFY(rotated.hasValue());
    const QString other = loginAlice();
    VT_OK(service().logout(QString::fromLatin1(rotated->refreshToken)));
    QVERIFY(!service().refresh(QString::fromLatin1(rotated->refreshToken)));
    QVERIFY(service().refresh(other).hasValue());
    // Logging out twice, or with a token nobody issued, is no error.
    VT_OK(service().logout(QString::fromLatin1(rotated->refreshToken)));
    VT_OK(service().logout(QStringLiteral("not-a-token")));
}
