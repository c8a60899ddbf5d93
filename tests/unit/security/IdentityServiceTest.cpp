#include "IdentityServiceTest.h"

#include "security/Jwt.h"
#include "store/Migrator.h"

#include <QDir>
#include <QFile>
#include <QSqlRecord>

using namespace vestnik;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

} // namespace

QJsonObject identitytest::claimsOf(const QByteArray &token)
{
    Result<Jwt> jwt = Jwt::parse(token);
    return jwt ? jwt->claims() : QJsonObject();
}

void IdentityServiceTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x42'));
    VT_OK(sealer);
    m_sealer = *sealer;
    // The real scrypt with 1 MiB instead of 64: the same code, fast enough for many logins.
    m_hasher = std::make_unique<PasswordHasher>(PasswordHasher::Parameters{10, 8, 1});
}

void IdentityServiceTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
    TokenIssuerSettings issuerSettings;
    issuerSettings.issuer = QStringLiteral("https://vestnik.test");
    issuerSettings.audience = QStringLiteral("vestnik-api");
    m_issuer = std::make_unique<TokenIssuer>(db(), *m_sealer, m_clock, issuerSettings);
    m_service = std::make_unique<IdentityService>(db(), m_clock, *m_issuer, *m_hasher);
}

void IdentityServiceTest::cleanup()
{
    m_service.reset();
    m_issuer.reset();
    m_test.reset();
}

QVariant IdentityServiceTest::scalar(const QString &sql, const QVariantList &values) const
{
    Result<QSqlQuery> q = db().run(sql, values, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return QVariant();
    }
    return q->next() ? q->value(0) : QVariant();
}

QByteArray IdentityServiceTest::storedBytes() const
{
    QByteArray bytes;
    if (!m_test->sqlitePath().isEmpty()) {
        // The file as it is on disk, with whatever the write-ahead log holds that is not checkpointed yet.
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            QFile file(m_test->sqlitePath() + suffix);
            if (file.open(QIODevice::ReadOnly))
                bytes += file.readAll();
        }
        return bytes;
    }
    for (const char *table : {"api_clients", "console_users", "refresh_tokens", "signing_keys", "audit_log"}) {
        Result<QSqlQuery> q =
            db().run(QStringLiteral("SELECT * FROM ") + QLatin1String(table), {}, QStringLiteral("test query"));
        if (!q) {
            qWarning("%s", qPrintable(q.error().toString()));
            continue;
        }
        while (q->next()) {
            const QSqlRecord record = q->record();
            for (int i = 0; i < record.count(); ++i) {
                const QVariant value = record.value(i);
                bytes += value.typeId() == QMetaType::QByteArray ? value.toByteArray() : value.toString().toUtf8();
                bytes += '\0';
            }
        }
    }
    return bytes;
}

void IdentityServiceTest::createAlice()
{
    VT_OK(service().createUser(QStringLiteral("alice"), identitytest::kPassword, ConsoleRole::Marketer));
}

QString IdentityServiceTest::loginAlice()
{
    IdentityService::Grant grant =
        service().login(QStringLiteral("alice"), identitytest::kPassword, QStringLiteral("192.0.2.10"));
    if (!grant) {
        qWarning("login failed: %s", qPrintable(grant.error().description));
        return QString();
    }
    return QString::fromLatin1(grant->refreshToken);
}

QStringList IdentityServiceTest::auditedActions() const
{
    QStringList actions;
    Result<QSqlQuery> q =
        db().run(QStringLiteral("SELECT action FROM audit_log ORDER BY id"), {}, QStringLiteral("test query"));
    if (!q)
        return actions;
    while (q->next())
        actions << q->value(0).toString();
    return actions;
}

QTEST_GUILESS_MAIN(IdentityServiceTest)
