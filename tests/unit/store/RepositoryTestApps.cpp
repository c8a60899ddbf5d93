#include "RepositoryTest.h"
#include "store/AppRepository.h"

using namespace vestnik;

void RepositoryTest::appUpsertRenamesAndKeepsCreationTime()
{
    const AppRepository apps(db(), m_clock, sealer());
    const qint64 created = m_clock.nowMs();
    VT_OK(apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Магазин"), 0}));
    VT_OK(apps.upsert(App{QStringLiteral("bank"), QStringLiteral("Bank"), 0}));
    m_clock.advance(std::chrono::minutes(5));
    VT_OK(apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Магазин 2.0"), 0}));

    Result<std::optional<App>> shop = apps.find(QStringLiteral("shop"));
    VT_OK(shop);
    QVERIFY(shop->has_value());
    QCOMPARE((*shop)->name, QStringLiteral("Магазин 2.0"));
    QCOMPARE((*shop)->createdAtMs, created);
    Result<QList<App>> all = apps.list();
    VT_OK(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).id, QStringLiteral("bank"));
    QCOMPARE(all->at(1).id, QStringLiteral("shop"));
    Result<std::optional<App>> none = apps.find(QStringLiteral("none"));
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void RepositoryTest::credentialIsStoredSealed()
{
    createApp();
    const AppRepository apps(db(), m_clock, sealer());
    const QByteArray secret =
        QByteArrayLiteral(R"({"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----)"
                          R"(MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----"})");
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, secret));

    // Below the repository: nothing in the row holds the secret or a recognisable part of it.
    const QByteArrayList columns = rawColumns(QStringLiteral("SELECT * FROM provider_credentials"));
    QVERIFY(!columns.isEmpty());
    for (const QByteArray &column : columns) {
        QVERIFY2(!column.contains(secret), column.constData());
        QVERIFY2(!column.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"), column.constData());
    }
    const QByteArray sealed = scalar(QStringLiteral("SELECT sealed FROM provider_credentials")).toByteArray();
    QVERIFY(sealed.startsWith("VS1")); // the Sealer's layout
    QCOMPARE(scalar(QStringLiteral("SELECT key_id FROM provider_credentials")).toString(), sealer().keyId());

    Result<std::optional<ProviderCredential>> opened = apps.credential(QStringLiteral("shop"), Provider::Fcm);
    VT_OK(opened);
    QVERIFY(opened->has_value());
    QCOMPARE((*opened)->secret, secret);
    QCOMPARE((*opened)->sealKeyId, sealer().keyId());
    QCOMPARE((*opened)->updatedAtMs, m_clock.nowMs());
}

void RepositoryTest::credentialIsReplacedPerProvider()
{
    createApp();
    const AppRepository apps(db(), m_clock, sealer());
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, QByteArrayLiteral("fcm-1")));
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Apns, QByteArrayLiteral("apns-1")));
    m_clock.advance(std::chrono::seconds(1));
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Fcm, QByteArrayLiteral("fcm-2")));

    Result<std::optional<ProviderCredential>> fcm = apps.credential(QStringLiteral("shop"), Provider::Fcm);
    VT_OK(fcm);
    QVERIFY(fcm->has_value());
    QCOMPARE((*fcm)->secret, QByteArrayLiteral("fcm-2"));
    QCOMPARE((*fcm)->updatedAtMs, m_clock.nowMs());
    Result<std::optional<ProviderCredential>> apns = apps.credential(QStringLiteral("shop"), Provider::Apns);
    VT_OK(apns);
    QVERIFY(apns->has_value());
    QCOMPARE((*apns)->secret, QByteArrayLiteral("apns-1"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM provider_credentials")).toInt(), 2);

    createApp(QStringLiteral("other"));
    Result<std::optional<ProviderCredential>> none = apps.credential(QStringLiteral("other"), Provider::Fcm);
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void RepositoryTest::credentialForUnknownAppIsNotFound()
{
    const AppRepository apps(db(), m_clock, sealer());
    VT_FAILS_WITH(apps.setCredential(QStringLiteral("ghost"), Provider::Apns, QByteArrayLiteral("key")),
                  ErrorCode::NotFound);
    createApp();
    VT_FAILS_WITH(apps.setCredential(QStringLiteral("shop"), Provider::Apns, QByteArray()), ErrorCode::InvalidArgument);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM provider_credentials")).toInt(), 0);
}

void RepositoryTest::credentialDoesNotOpenWithAnotherKeyOrInAnotherRow()
{
    createApp();
    createApp(QStringLiteral("other"));
    const AppRepository apps(db(), m_clock, sealer());
    VT_OK(apps.setCredential(QStringLiteral("shop"), Provider::Apns, QByteArrayLiteral("apns-secret")));

    Result<Sealer> otherKey = Sealer::fromKey(QByteArray(32, '\x11'));
    VT_OK(otherKey);
    VT_FAILS_WITH(AppRepository(db(), m_clock, *otherKey).credential(QStringLiteral("shop"), Provider::Apns),
                  ErrorCode::Crypto);

    // A sealed value copied into another app's row is refused, not handed out.
    VT_OK(db().run(QStringLiteral("INSERT INTO provider_credentials (app_id, provider, sealed, key_id, updated_at)"
                                  " SELECT 'other', provider, sealed, key_id, updated_at FROM provider_credentials"
                                  " WHERE app_id = 'shop'"),
                   {}, QStringLiteral("copy")));
    VT_FAILS_WITH(apps.credential(QStringLiteral("other"), Provider::Apns), ErrorCode::Crypto);
}
