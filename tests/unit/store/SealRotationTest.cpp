// SealRotation on a fresh database per test: SQLite, or (VESTNIK_TEST_DIALECT=postgres) the real PostgreSQL.
#include "store/SealRotation.h"

#include "TestDatabase.h"
#include "TestResults.h"
#include "security/JwtKey.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/SigningKeyRepository.h"
#include "util/Clock.h"

#include <QTest>

#include <memory>

using namespace vestnik;

class SealRotationTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void oldValuesOpenWithOnlyTheNewKeyAfterRotation();
    void secondRunChangesNothing();
    void missingOldKeyIsReportedAndNothingChanges();
    void undecryptableValuesAreNamedAndCounted();
    void onlyWhatIsNotOnTheCurrentKeyIsResealed();
    void staleKeyIdColumnIsCorrected();
    void emptyDatabase();
    void signingKeysAreResealedToo();

private:
    struct Seeded {
        QString user;
        QString appId;
        Platform platform;
        QString token;
    };
    const Database &db() const { return m_test->database(); }
    static Sealer sealer(char current, const QByteArray &retired = {});
    /// Apps "news" and "shop" with FCM and APNs credentials, and kDevices devices, all sealed with `with`.
    void seed(const Sealer &with);
    /// Every sealed column, in a stable order: what must stay byte-for-byte the same when nothing changes.
    QByteArrayList sealedColumns() const;
    /// Reads every device and credential back through the repositories with `with`, comparing to the seeds.
    void verifyReadable(const Sealer &with);
    SealRotation rotation(const Sealer &with, int batchSize = 3) const;

    static constexpr int kDevices = 8;
    std::unique_ptr<test::TestDatabase> m_test;
    ManualClock m_clock;
    QList<Seeded> m_devices;
};

namespace {

QByteArray key(char fill)
{
    return QByteArray(32, fill);
}

} // namespace

Sealer SealRotationTest::sealer(char current, const QByteArray &retired)
{
    Result<Sealer> made = Sealer::fromKey(key(current));
    if (!made)
        qFatal("%s", qPrintable(made.error().message));
    for (const char fill : retired) {
        if (Result<void> added = made->addRetiredKey(key(fill)); !added)
            qFatal("%s", qPrintable(added.error().message));
    }
    return *made;
}

void SealRotationTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void SealRotationTest::init()
{
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
    m_devices.clear();
}

void SealRotationTest::cleanup()
{
    m_test.reset();
}

void SealRotationTest::seed(const Sealer &with)
{
    const AppRepository apps(db(), m_clock, with);
    const DeviceRepository devices(db(), m_clock, with);
    for (const QString &app : {QStringLiteral("news"), QStringLiteral("shop")}) {
        VT_OK(apps.upsert(App{app, app, 0}));
        VT_OK(apps.setCredential(app, Provider::Fcm, "fcm-service-account-of-" + app.toUtf8()));
        VT_OK(apps.setCredential(app, Provider::Apns, "apns-p8-key-of-" + app.toUtf8()));
    }
    for (int i = 0; i < kDevices; ++i) {
        const Seeded device{QStringLiteral("user-%1").arg(i % 3),
                            i % 2 ? QStringLiteral("shop") : QStringLiteral("news"),
                            i % 2 ? Platform::Ios : Platform::Android,
                            QStringLiteral("device-token-%1-7a3f1c9e0b2d4f6a8c1e3b5d").arg(i)};
        VT_OK(devices.registerDevice(device.user, device.appId, device.platform, device.token));
        m_devices.append(device);
    }
}

QByteArrayList SealRotationTest::sealedColumns() const
{
    QByteArrayList columns;
    for (const QString &sql : {QStringLiteral("SELECT token_sealed FROM devices ORDER BY id"),
                               QStringLiteral("SELECT sealed FROM provider_credentials ORDER BY app_id, provider"),
                               QStringLiteral("SELECT key_id FROM provider_credentials ORDER BY app_id, provider")}) {
        Result<QSqlQuery> q = db().run(sql, {}, QStringLiteral("test query"));
        if (!q)
            qFatal("%s", qPrintable(q.error().message));
        while (q->next())
            columns.append(q->value(0).toByteArray());
    }
    return columns;
}

void SealRotationTest::verifyReadable(const Sealer &with)
{
    const DeviceRepository devices(db(), m_clock, with);
    for (const Seeded &seeded : std::as_const(m_devices)) {
        Result<std::optional<Device>> found = devices.findByToken(seeded.appId, seeded.token);
        VT_OK(found);
        QVERIFY(found->has_value());
        QCOMPARE((*found)->token, seeded.token);
        QCOMPARE((*found)->userId, seeded.user);
    }
    const AppRepository apps(db(), m_clock, with);
    for (const QString &app : {QStringLiteral("news"), QStringLiteral("shop")}) {
        Result<std::optional<ProviderCredential>> fcm = apps.credential(app, Provider::Fcm);
        VT_OK(fcm);
        QCOMPARE((*fcm)->secret, "fcm-service-account-of-" + app.toUtf8());
        QCOMPARE((*fcm)->sealKeyId, with.keyId());
        Result<std::optional<ProviderCredential>> apns = apps.credential(app, Provider::Apns);
        VT_OK(apns);
        QCOMPARE((*apns)->secret, "apns-p8-key-of-" + app.toUtf8());
        QCOMPARE((*apns)->sealKeyId, with.keyId());
    }
}

SealRotation SealRotationTest::rotation(const Sealer &with, int batchSize) const
{
    SealRotation::Settings settings;
    settings.batchSize = batchSize;
    return SealRotation(db(), with, settings);
}

void SealRotationTest::oldValuesOpenWithOnlyTheNewKeyAfterRotation()
{
    seed(sealer('a'));
    const Sealer rotating = sealer('b', "a");
    QList<SealRotation::Report> progress;
    Result<SealRotation::Report> report =
        rotation(rotating).run([&progress](const SealRotation::Report &r) { progress.append(r); });
    VT_OK(report);
    QCOMPARE(report->devices.resealed, kDevices);
    QCOMPARE(report->devices.current, 0);
    QCOMPARE(report->credentials.resealed, 4);
    QCOMPARE(report->devices.changedMeanwhile + report->credentials.changedMeanwhile, 0);
    // batches of 3: devices in 3 batches (3, 3, 2), credentials in 2 (3, 1)
    QCOMPARE(progress.size(), 5);
    QCOMPARE(progress.at(0).devices.resealed, 3);
    QCOMPARE(progress.at(2).devices.resealed, kDevices);
    QCOMPARE(progress.at(2).credentials.resealed, 0);
    QCOMPARE(progress.at(4).credentials.resealed, 4);

    const Sealer newOnly = sealer('b');
    verifyReadable(newOnly);
    // and the old key alone opens nothing any more
    const Sealer oldOnly = sealer('a');
    const DeviceRepository oldDevices(db(), m_clock, oldOnly);
    VT_FAILS_WITH(oldDevices.findByToken(m_devices.first().appId, m_devices.first().token), ErrorCode::Crypto);
    for (const QByteArray &column : sealedColumns()) {
        if (column.startsWith("VS1"))
            QCOMPARE(Sealer::keyIdOf(column), newOnly.keyId());
    }
}

void SealRotationTest::secondRunChangesNothing()
{
    seed(sealer('a'));
    const Sealer rotating = sealer('b', "a");
    VT_OK(rotation(rotating).run());
    const QByteArrayList after = sealedColumns();
    Result<SealRotation::Report> again = rotation(rotating).run();
    VT_OK(again);
    QCOMPARE(again->devices.resealed, 0);
    QCOMPARE(again->devices.current, kDevices);
    QCOMPARE(again->credentials.resealed, 0);
    QCOMPARE(again->credentials.current, 4);
    // re-sealing draws a new nonce: equal bytes prove nothing was written
    QCOMPARE(sealedColumns(), after);
    // the new key alone needs nothing either
    Result<SealRotation::Report> newOnly = rotation(sealer('b')).run();
    VT_OK(newOnly);
    QCOMPARE(newOnly->devices.resealed + newOnly->credentials.resealed, 0);
    QCOMPARE(sealedColumns(), after);
}

void SealRotationTest::missingOldKeyIsReportedAndNothingChanges()
{
    seed(sealer('a'));
    const QByteArrayList before = sealedColumns();
    const Sealer withoutOld = sealer('b', "c");
    Result<SealRotation::Report> checked = rotation(withoutOld).check();
    VT_FAILS_WITH(checked, ErrorCode::Crypto);
    Result<SealRotation::Report> report = rotation(withoutOld).run();
    VT_FAILS_WITH(report, ErrorCode::Crypto);
    const QString message = report.error().message;
    QVERIFY2(message.contains(QStringLiteral("12 sealed values open with none of the loaded keys")),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("nothing was changed")), qPrintable(message));
    // it names the rows and the key they need, and which keys it has
    QVERIFY2(message.contains(QStringLiteral("device 1 (app news): sealed with key %1").arg(sealer('a').keyId())),
             qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("the fcm credential of app shop")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("current key %1").arg(withoutOld.keyId())), qPrintable(message));
    QVERIFY2(message.contains(sealer('c').keyId()), qPrintable(message));
    // never a value or a key
    for (const Seeded &device : std::as_const(m_devices))
        QVERIFY(!message.contains(device.token));
    QVERIFY(!message.contains(QStringLiteral("service-account")));
    for (const char fill : {'a', 'b', 'c'})
        QVERIFY(!message.contains(QString::fromLatin1(key(fill).toHex())));
    QCOMPARE(sealedColumns(), before);
    verifyReadable(sealer('a'));
}

void SealRotationTest::undecryptableValuesAreNamedAndCounted()
{
    seed(sealer('a'));
    // one value is damaged although its key is loaded; the others are fine
    Result<QSqlQuery> read =
        db().run(QStringLiteral("SELECT token_sealed FROM devices WHERE id = 2"), {}, QStringLiteral("test query"));
    VT_OK(read);
    QVERIFY(read->next());
    QByteArray sealed = read->value(0).toByteArray();
    read->finish();
    sealed[sealed.size() - 1] = char(sealed.at(sealed.size() - 1) ^ 0x01);
    VT_OK(db().run(QStringLiteral("UPDATE devices SET token_sealed = ? WHERE id = 2"), {sealed},
                   QStringLiteral("test update")));
    const QByteArrayList before = sealedColumns();

    SealRotation::Settings settings;
    settings.listedProblems = 1;
    Result<SealRotation::Report> report = SealRotation(db(), sealer('b', "a"), settings).run();
    VT_FAILS_WITH(report, ErrorCode::Crypto);
    const QString message = report.error().message;
    QVERIFY2(message.contains(QStringLiteral("1 sealed values")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("device 2 (app shop): sealed value does not open")), qPrintable(message));
    QCOMPARE(sealedColumns(), before);

    // unknown keys beyond the listed ones are counted
    const Sealer unrelated = sealer('z');
    Result<SealRotation::Report> many = SealRotation(db(), unrelated, settings).check();
    VT_FAILS_WITH(many, ErrorCode::Crypto);
    QVERIFY2(many.error().message.contains(QStringLiteral("... and 11 more")), qPrintable(many.error().message));
}

void SealRotationTest::onlyWhatIsNotOnTheCurrentKeyIsResealed()
{
    // A run stopped halfway, or values from two generations of keys: 'a' is two rotations old, some of the
    // devices were registered again with 'b' since, and 'c' is the new key.
    seed(sealer('a'));
    const Sealer b = sealer('b');
    const Sealer c = sealer('c');
    const DeviceRepository withB(db(), m_clock, b);
    VT_OK(withB.registerDevice(m_devices.at(0).user, m_devices.at(0).appId, m_devices.at(0).platform,
                               m_devices.at(0).token));
    const DeviceRepository withC(db(), m_clock, c);
    VT_OK(withC.registerDevice(m_devices.at(1).user, m_devices.at(1).appId, m_devices.at(1).platform,
                               m_devices.at(1).token));
    VT_OK(withC.registerDevice(m_devices.at(2).user, m_devices.at(2).appId, m_devices.at(2).platform,
                               m_devices.at(2).token));
    Result<SealRotation::Report> report = rotation(sealer('c', "ab"), 2).run();
    VT_OK(report);
    QCOMPARE(report->devices.resealed, kDevices - 2);
    QCOMPARE(report->devices.current, 2);
    QCOMPARE(report->credentials.resealed, 4);
    verifyReadable(sealer('c'));
}

void SealRotationTest::staleKeyIdColumnIsCorrected()
{
    seed(sealer('a'));
    VT_OK(rotation(sealer('b', "a")).run());
    VT_OK(db().run(QStringLiteral("UPDATE provider_credentials SET key_id = 'wrong' WHERE app_id = 'news'"), {},
                   QStringLiteral("test update")));
    Result<SealRotation::Report> report = rotation(sealer('b')).run();
    VT_OK(report);
    QCOMPARE(report->credentials.resealed, 2);
    QCOMPARE(report->credentials.current, 2);
    verifyReadable(sealer('b'));
}

void SealRotationTest::emptyDatabase()
{
    Result<SealRotation::Report> report = rotation(sealer('b')).run();
    VT_OK(report);
    QCOMPARE(report->devices.resealed + report->devices.current + report->credentials.resealed
                 + report->credentials.current,
             0);
}

void SealRotationTest::signingKeysAreResealedToo()
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    VT_OK(key);
    key->setKeyId(QStringLiteral("kid-1"));
    VT_OK(SigningKeyRepository(db(), sealer('a')).insert(SigningKeyRecord{*key, m_clock.nowMs(), std::nullopt}));
    Result<SealRotation::Report> report = rotation(sealer('b', "a")).run();
    VT_OK(report);
    QCOMPARE(report->signingKeys.resealed, 1);
    // The new key alone opens it, and it is the same key.
    Result<QList<SigningKeyRecord>> usable = SigningKeyRepository(db(), sealer('b')).usable(m_clock.nowMs());
    VT_OK(usable);
    QCOMPARE(usable->size(), 1);
    QCOMPARE(usable->constFirst().key.toJwk(), key->toJwk());
    VT_FAILS_WITH(SigningKeyRepository(db(), sealer('a')).usable(m_clock.nowMs()), ErrorCode::Crypto);
}

QTEST_GUILESS_MAIN(SealRotationTest)
#include "SealRotationTest.moc"
