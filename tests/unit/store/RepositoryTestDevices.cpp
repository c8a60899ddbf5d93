#include "RepositoryTest.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/UserRepository.h"

#include <QFile>

using namespace vestnik;

namespace {

const QString kApp = QStringLiteral("shop");
// Shaped like an APNs token: 64 hex digits.
const QString kToken = QStringLiteral("7c9f1e0b3a5d4e6f8a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f");

} // namespace

void RepositoryTest::deviceTokenIsStoredSealed()
{
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    Result<qint64> id = devices.registerDevice(QStringLiteral("u1"), kApp, Platform::Ios, kToken, QStringLiteral("ru"));
    VT_OK(id);

    const QByteArray token = kToken.toUtf8();
    const QByteArrayList columns = rawColumns(QStringLiteral("SELECT * FROM devices WHERE id = ?"), {*id});
    QVERIFY(!columns.isEmpty());
    for (const QByteArray &column : columns) {
        QVERIFY2(!column.contains(token), column.constData());
        QVERIFY2(!column.contains(token.left(16)), column.constData());
    }
    QCOMPARE(scalar(QStringLiteral("SELECT token_hash FROM devices WHERE id = ?"), {*id}).toByteArray(),
             Sealer::tokenHash(token));
    if (dialect() == Dialect::Sqlite) {
        // Nor anywhere on disk: the database file and its write-ahead log.
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(m_test->sqlitePath() + suffix);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            QVERIFY2(!file.readAll().contains(token), qPrintable(file.fileName()));
        }
    }

    Result<QList<Device>> active = devices.activeForUser(QStringLiteral("u1"));
    VT_OK(active);
    QCOMPARE(active->size(), 1);
    const Device &device = active->constFirst();
    QCOMPARE(device.id, *id);
    QCOMPARE(device.token, kToken);
    QCOMPARE(device.appId, kApp);
    QCOMPARE(device.platform, Platform::Ios);
    QCOMPARE(device.locale, QStringLiteral("ru"));
    QVERIFY(device.isActive);
    QCOMPARE(device.registeredAtMs, m_clock.nowMs());
}

void RepositoryTest::deviceReRegistrationKeepsIdAndMovesUser()
{
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    Result<qint64> first = devices.registerDevice(QStringLiteral("alice"), kApp, Platform::Android, kToken);
    VT_OK(first);
    VT_OK(devices.deactivate(*first, QStringLiteral("UNREGISTERED")));

    m_clock.advance(std::chrono::hours(2));
    Result<qint64> second =
        devices.registerDevice(QStringLiteral("bob"), kApp, Platform::Android, kToken, QStringLiteral("en-GB"));
    VT_OK(second);
    QCOMPARE(*second, *first);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM devices")).toInt(), 1);

    Result<std::optional<Device>> found = devices.findByToken(kApp, kToken);
    VT_OK(found);
    QVERIFY(found->has_value());
    const Device &device = **found;
    QCOMPARE(device.userId, QStringLiteral("bob"));
    QVERIFY(device.isActive);
    QCOMPARE(device.registeredAtMs, m_clock.nowMs());
    QCOMPARE(device.locale, QStringLiteral("en-GB"));
    QVERIFY(!device.deactivatedAtMs.has_value());
    QVERIFY(device.deactivationReason.isEmpty());

    Result<QList<Device>> alice = devices.activeForUser(QStringLiteral("alice"));
    VT_OK(alice);
    QVERIFY(alice->isEmpty());
    Result<QList<Device>> bob = devices.activeForUser(QStringLiteral("bob"));
    VT_OK(bob);
    QCOMPARE(bob->size(), 1);
    QCOMPARE(bob->constFirst().id, *first);
}

void RepositoryTest::deviceSameTokenInTwoAppsIsTwoDevices()
{
    createApp();
    createApp(QStringLiteral("bank"));
    const DeviceRepository devices(db(), m_clock, sealer());
    Result<qint64> shop = devices.registerDevice(QStringLiteral("u"), kApp, Platform::Web, kToken);
    Result<qint64> bank = devices.registerDevice(QStringLiteral("u"), QStringLiteral("bank"), Platform::Web, kToken);
    VT_OK(shop);
    VT_OK(bank);
    QVERIFY(*shop != *bank);
    VT_OK(devices.deactivate(*shop, QStringLiteral("test")));
    Result<QList<Device>> active = devices.activeForUser(QStringLiteral("u"));
    VT_OK(active);
    QCOMPARE(active->size(), 1);
    QCOMPARE(active->constFirst().appId, QStringLiteral("bank"));
    QCOMPARE(active->constFirst().token, kToken);
}

void RepositoryTest::deviceRegistrationForUnknownAppIsNotFound()
{
    const DeviceRepository devices(db(), m_clock, sealer());
    VT_FAILS_WITH(devices.registerDevice(QStringLiteral("u"), QStringLiteral("ghost"), Platform::Ios, kToken),
                  ErrorCode::NotFound);
    // Nothing half-done stays behind, not even the bare user.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM devices")).toInt(), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 0);
    createApp();
    VT_FAILS_WITH(devices.registerDevice(QStringLiteral("u"), kApp, Platform::Ios, QString()),
                  ErrorCode::InvalidArgument);
    Result<std::optional<Device>> none = devices.findByToken(kApp, kToken);
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void RepositoryTest::deviceDeactivate()
{
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    Result<qint64> id = devices.registerDevice(QStringLiteral("u"), kApp, Platform::Android, kToken);
    VT_OK(id);
    m_clock.advance(std::chrono::minutes(1));
    Result<bool> first = devices.deactivate(*id, QStringLiteral("UNREGISTERED"));
    VT_OK(first);
    QVERIFY(*first);
    m_clock.advance(std::chrono::minutes(1));
    Result<bool> again = devices.deactivate(*id, QStringLiteral("something else"));
    VT_OK(again);
    QVERIFY(!*again);

    Result<std::optional<Device>> found = devices.find(*id);
    VT_OK(found);
    QVERIFY(found->has_value());
    QVERIFY(!(*found)->isActive);
    QCOMPARE((*found)->deactivationReason, QStringLiteral("UNREGISTERED")); // the first reason stays
    QCOMPARE((*found)->deactivatedAtMs, std::optional<qint64>(m_clock.nowMs() - 60'000));
    QCOMPARE((*found)->token, kToken);
    Result<QList<Device>> active = devices.activeForUser(QStringLiteral("u"));
    VT_OK(active);
    QVERIFY(active->isEmpty());

    VT_FAILS_WITH(devices.deactivate(*id + 1000, QStringLiteral("x")), ErrorCode::NotFound);
}

void RepositoryTest::deviceApnsInvalidationRule_data()
{
    QTest::addColumn<qint64>("invalidatedOffsetMs"); // relative to the registration
    QTest::addColumn<bool>("reRegisteredAfter");     // the app registers the token again after the invalidation
    QTest::addColumn<bool>("deactivated");

    QTest::newRow("invalidated after registration") << qint64(60'000) << false << true;
    QTest::newRow("invalidated 1 ms after registration") << qint64(1) << false << true;
    QTest::newRow("invalidated at the registration") << qint64(0) << false << false;
    QTest::newRow("invalidated before registration") << qint64(-86'400'000) << false << false;
    QTest::newRow("re-registered since") << qint64(60'000) << true << false;
}

void RepositoryTest::deviceApnsInvalidationRule()
{
    QFETCH(qint64, invalidatedOffsetMs);
    QFETCH(bool, reRegisteredAfter);
    QFETCH(bool, deactivated);
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    const qint64 registeredAt = m_clock.nowMs();
    Result<qint64> id = devices.registerDevice(QStringLiteral("u"), kApp, Platform::Ios, kToken);
    VT_OK(id);
    if (reRegisteredAfter) {
        m_clock.setMs(registeredAt + invalidatedOffsetMs + 1000);
        VT_OK(devices.registerDevice(QStringLiteral("u"), kApp, Platform::Ios, kToken));
    }
    m_clock.setMs(registeredAt + 3'600'000);

    Result<bool> result =
        devices.deactivateIfRegisteredBefore(kApp, kToken, registeredAt + invalidatedOffsetMs, QStringLiteral("410"));
    VT_OK(result);
    QCOMPARE(*result, deactivated);
    Result<std::optional<Device>> found = devices.find(*id);
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->isActive, !deactivated);
    QCOMPARE((*found)->deactivationReason, deactivated ? QStringLiteral("410") : QString());

    // The rule looks only at that app's token.
    Result<bool> unknown = devices.deactivateIfRegisteredBefore(kApp, QStringLiteral("other-token"), m_clock.nowMs(),
                                                                QStringLiteral("410"));
    VT_OK(unknown);
    QVERIFY(!*unknown);
}

void RepositoryTest::deviceActiveForUsersInChunks()
{
    createApp();
    createApp(QStringLiteral("bank"));
    const DeviceRepository devices(db(), m_clock, sealer());
    // 250 users (three statements of 100): a quarter without devices, a quarter with one, a quarter with two
    // in two apps, a quarter with one active and one deactivated. Second devices are registered after all
    // first ones, so a user's ids are not neighbours.
    constexpr int kUsers = 250;
    const auto userId = [](int i) { return QStringLiteral("user-%1").arg(i, 3, 10, QLatin1Char('0')); };
    QHash<QString, QList<qint64>> expectedIds;
    QHash<qint64, QString> expectedTokens;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < kUsers; ++i) {
            const int kind = i % 4;
            if (kind == 0 || (kind == 1 && round == 1))
                continue;
            const QString app = round == 0 ? kApp : QStringLiteral("bank");
            const QString token = QStringLiteral("token-%1-%2").arg(i).arg(round);
            Result<qint64> id = devices.registerDevice(userId(i), app, Platform::Android, token);
            VT_OK(id);
            if (kind == 3 && round == 1) {
                VT_OK(devices.deactivate(*id, QStringLiteral("UNREGISTERED")));
                continue;
            }
            expectedIds[userId(i)].append(*id);
            expectedTokens.insert(*id, token);
        }
    }

    QStringList asked;
    for (int i = 0; i < kUsers; ++i) {
        asked << userId(i);
        if (i == 50 || i == 150)
            asked << QStringLiteral("ghost-%1").arg(i);
    }
    Result<QHash<QString, QList<Device>>> found = devices.activeForUsers(asked);
    VT_OK(found);
    QCOMPARE(found->size(), expectedIds.size());
    QCOMPARE(found->size(), kUsers / 4 * 3 + 1); // user-248 is a kind-0 user, user-249 a kind-1 user
    for (auto it = expectedIds.cbegin(); it != expectedIds.cend(); ++it) {
        const QList<Device> got = found->value(it.key());
        QList<qint64> gotIds;
        for (const Device &device : got) {
            gotIds << device.id;
            QCOMPARE(device.userId, it.key());
            QVERIFY(device.isActive);
            QCOMPARE(device.token, expectedTokens.value(device.id));
        }
        QCOMPARE(gotIds, it.value());
    }
    QVERIFY(!found->contains(userId(0)));   // no devices
    QVERIFY(!found->contains(userId(248))); // no devices, last statement
    QVERIFY(!found->contains(QStringLiteral("ghost-50")));
    QCOMPARE(found->value(userId(3)).size(), 1); // its deactivated device is left out
    QCOMPARE(found->value(userId(249)).size(), 1);
    QCOMPARE(found->value(userId(246)).size(), 2);

    // The same answer one user at a time.
    for (const QString &user : {userId(2), userId(131), userId(247)}) {
        Result<QList<Device>> one = devices.activeForUser(user);
        VT_OK(one);
        QCOMPARE(found->value(user), *one);
    }

    Result<QHash<QString, QList<Device>>> none = devices.activeForUsers({});
    VT_OK(none);
    QVERIFY(none->isEmpty());
}

void RepositoryTest::deviceActiveWithUsersReadsBothInOneQueryPerChunk()
{
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    const UserRepository users(db(), m_clock);
    // 130 users (two statements of 100): every third without devices, every fifth with a deactivated second
    // device, every other one with a locale, a timezone and attributes (quotes and Cyrillic included).
    constexpr int kUsers = 130;
    const auto userId = [](int i) { return QStringLiteral("user-%1").arg(i, 3, 10, QLatin1Char('0')); };
    QStringList asked;
    for (int i = 0; i < kUsers; ++i) {
        asked << userId(i);
        if (i % 2 == 0) {
            User user;
            user.id = userId(i);
            user.locale = QStringLiteral("ru-RU");
            user.timezone = QStringLiteral("Europe/Moscow");
            user.attributes = {{QStringLiteral("имя"), QStringLiteral("Анна \"%1\"").arg(i)},
                               {QStringLiteral("level"), i}};
            VT_OK(users.upsert(user));
        } else {
            VT_OK(users.ensureExists(userId(i)));
        }
        if (i % 3 == 0)
            continue;
        VT_OK(devices.registerDevice(userId(i), kApp, Platform::Android, QStringLiteral("token-%1").arg(i)));
        if (i % 5 == 0) {
            Result<qint64> second =
                devices.registerDevice(userId(i), kApp, Platform::Ios, QStringLiteral("second-%1").arg(i));
            VT_OK(second);
            VT_OK(devices.deactivate(*second, QStringLiteral("Unregistered")));
        }
    }
    asked << QStringLiteral("ghost");

    // Counted with the statements prepared already, as they are after a sender's first batch.
    VT_OK(devices.activeWithUsers(asked));
    quint64 before = Database::requestsOnThisThread();
    Result<DeviceRepository::DevicesAndUsers> found = devices.activeWithUsers(asked);
    const quint64 joined = Database::requestsOnThisThread() - before;
    VT_OK(found);
    QCOMPARE(joined, quint64(2));

    // The same devices as activeForUsers(), and the same user rows as findMany() for the users that have any,
    // which take a request more per chunk.
    VT_OK(devices.activeForUsers(asked));
    before = Database::requestsOnThisThread();
    Result<QHash<QString, QList<Device>>> alone = devices.activeForUsers(asked);
    VT_OK(alone);
    const quint64 devicesAlone = Database::requestsOnThisThread() - before;
    QCOMPARE(devicesAlone, quint64(2));
    QCOMPARE(found->devices, *alone);
    QCOMPARE(found->devices.size(), kUsers - (kUsers + 2) / 3);
    Result<QHash<QString, User>> rows = users.findMany(alone->keys());
    VT_OK(rows);
    QCOMPARE(found->users, *rows);
    QCOMPARE(found->users.size(), found->devices.size());
    QCOMPARE(found->users.value(userId(4)).attributes.value(QStringLiteral("имя")).toString(),
             QStringLiteral("Анна \"4\""));
    QVERIFY(!found->users.contains(userId(3))); // no devices

    Result<DeviceRepository::DevicesAndUsers> none = devices.activeWithUsers({});
    VT_OK(none);
    QVERIFY(none->devices.isEmpty() && none->users.isEmpty());
}

void RepositoryTest::deviceUpdateChangesTokenKeepingId()
{
    createApp();
    const DeviceRepository devices(db(), m_clock, sealer());
    Result<qint64> first = devices.registerDevice(QStringLiteral("u"), QStringLiteral("shop"), Platform::Android,
                                                  QStringLiteral("old-token"));
    VT_OK(first);
    Result<qint64> second = devices.registerDevice(QStringLiteral("u"), QStringLiteral("shop"), Platform::Ios,
                                                   QStringLiteral("other-token"));
    VT_OK(second);
    VT_OK(devices.deactivate(*first, QStringLiteral("unregistered")));
    m_clock.advance(std::chrono::seconds(5));
    Result<Device> updated = devices.update(*first, QStringLiteral("de"), QStringLiteral("new-token"));
    VT_OK(updated);
    QCOMPARE(updated->id, *first);
    QCOMPARE(updated->token, QStringLiteral("new-token"));
    QCOMPARE(updated->locale, QStringLiteral("de"));
    QVERIFY(updated->isActive);
    QCOMPARE(updated->registeredAtMs, m_clock.nowMs());
    Result<std::optional<Device>> byNew = devices.findByToken(QStringLiteral("shop"), QStringLiteral("new-token"));
    VT_OK(byNew);
    QCOMPARE((*byNew)->id, *first);
    Result<std::optional<Device>> byOld = devices.findByToken(QStringLiteral("shop"), QStringLiteral("old-token"));
    VT_OK(byOld);
    QVERIFY(!byOld->has_value());
    // Only the locale: the token stays.
    Result<Device> locale = devices.update(*first, QStringLiteral("fr"), std::nullopt);
    VT_OK(locale);
    QCOMPARE(locale->token, QStringLiteral("new-token"));
    QCOMPARE(devices.update(*first, std::nullopt, QStringLiteral("other-token")).error().code, ErrorCode::Conflict);
    QCOMPARE(devices.update(999999, QStringLiteral("fr"), std::nullopt).error().code, ErrorCode::NotFound);
    QCOMPARE(devices.update(*first, std::nullopt, QString()).error().code, ErrorCode::InvalidArgument);
    Result<QList<Device>> all = devices.forUser(QStringLiteral("u"));
    VT_OK(all);
    QCOMPARE(all->size(), 2);
}
