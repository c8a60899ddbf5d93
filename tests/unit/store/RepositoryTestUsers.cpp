#include "RepositoryTest.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/UserActivityRepository.h"
#include "store/UserRepository.h"

#include <QJsonArray>

using namespace vestnik;

namespace {

// (offset from the start in ms, count)
using Occurrences = QList<QPair<qint64, qint64>>;

} // namespace

void RepositoryTest::userRoundTripsUnicodeAttributes()
{
    const UserRepository users(db(), m_clock);
    User user;
    user.id = QStringLiteral("user-1");
    user.locale = QStringLiteral("ru-RU");
    user.timezone = QStringLiteral("Europe/Moscow");
    user.attributes = QJsonObject{
        {QStringLiteral("имя"), QStringLiteral("Анна Сергеевна")},
        {QStringLiteral("city"), QStringLiteral("Санкт-Петербург")},
        {QStringLiteral("orders"), 12},
        {QStringLiteral("vip"), true},
        {QStringLiteral("tags"), QJsonArray{QStringLiteral("ёлка"), QStringLiteral("quote \"and\" 'apostrophe';")}},
        {QStringLiteral("address"), QJsonObject{{QStringLiteral("street"), QStringLiteral("Невский проспект")}}},
    };
    VT_OK(users.upsert(user));

    Result<std::optional<User>> found = users.find(user.id);
    VT_OK(found);
    QVERIFY(found->has_value());
    const User &stored = **found;
    QCOMPARE(stored.id, user.id);
    QCOMPARE(stored.locale, user.locale);
    QCOMPARE(stored.timezone, user.timezone);
    QCOMPARE(stored.attributes, user.attributes);
    QCOMPARE(stored.attributes.value(QStringLiteral("имя")).toString(), QStringLiteral("Анна Сергеевна"));
    QCOMPARE(stored.createdAtMs, m_clock.nowMs());
    QCOMPARE(stored.updatedAtMs, m_clock.nowMs());
}

void RepositoryTest::userUpsertReplacesButKeepsCreationTime()
{
    const UserRepository users(db(), m_clock);
    const qint64 created = m_clock.nowMs();
    VT_OK(users.upsert(User{QStringLiteral("u"), QStringLiteral("en"), QStringLiteral("UTC"),
                            QJsonObject{{QStringLiteral("plan"), QStringLiteral("free")}}, 0, 0}));
    m_clock.advance(std::chrono::hours(1));
    VT_OK(users.upsert(User{QStringLiteral("u"), QStringLiteral("ru"), QStringLiteral("Asia/Yekaterinburg"),
                            QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}}, 0, 0}));

    Result<std::optional<User>> found = users.find(QStringLiteral("u"));
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->locale, QStringLiteral("ru"));
    QCOMPARE((*found)->timezone, QStringLiteral("Asia/Yekaterinburg"));
    QCOMPARE((*found)->attributes, (QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}}));
    QCOMPARE((*found)->createdAtMs, created);
    QCOMPARE((*found)->updatedAtMs, m_clock.nowMs());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 1);
}

void RepositoryTest::userFindUnknownIsEmpty()
{
    const UserRepository users(db(), m_clock);
    Result<std::optional<User>> found = users.find(QStringLiteral("nobody"));
    VT_OK(found);
    QVERIFY(!found->has_value());
    Result<bool> removed = users.remove(QStringLiteral("nobody"));
    VT_OK(removed);
    QVERIFY(!*removed);
    VT_FAILS_WITH(users.upsert(User{}), ErrorCode::InvalidArgument);
}

void RepositoryTest::userRemoveTakesActivityAndDevicesAlong()
{
    createApp();
    const UserRepository users(db(), m_clock);
    const UserActivityRepository activity(db(), m_clock);
    const DeviceRepository devices(db(), m_clock, sealer());
    VT_OK(users.upsert(User{QStringLiteral("gone"), {}, {}, {}, 0, 0}));
    VT_OK(users.upsert(User{QStringLiteral("stays"), {}, {}, {}, 0, 0}));
    VT_OK(activity.record(QStringLiteral("gone"), QStringLiteral("cart.added"), m_clock.nowMs()));
    VT_OK(activity.record(QStringLiteral("stays"), QStringLiteral("cart.added"), m_clock.nowMs()));
    VT_OK(devices.registerDevice(QStringLiteral("gone"), QStringLiteral("shop"), Platform::Android,
                                 QStringLiteral("token-gone")));
    VT_OK(devices.registerDevice(QStringLiteral("stays"), QStringLiteral("shop"), Platform::Android,
                                 QStringLiteral("token-stays")));

    Result<bool> removed = users.remove(QStringLiteral("gone"));
    VT_OK(removed);
    QVERIFY(*removed);
    Result<std::optional<User>> found = users.find(QStringLiteral("gone"));
    VT_OK(found);
    QVERIFY(!found->has_value());
    Result<QList<UserActivity>> goneActivity = activity.forUser(QStringLiteral("gone"));
    VT_OK(goneActivity);
    QVERIFY(goneActivity->isEmpty());
    Result<std::optional<Device>> goneDevice =
        devices.findByToken(QStringLiteral("shop"), QStringLiteral("token-gone"));
    VT_OK(goneDevice);
    QVERIFY(!goneDevice->has_value());
    // The other user is untouched.
    Result<QList<UserActivity>> staysActivity = activity.forUser(QStringLiteral("stays"));
    VT_OK(staysActivity);
    QCOMPARE(staysActivity->size(), 1);
    Result<QList<Device>> staysDevices = devices.activeForUser(QStringLiteral("stays"));
    VT_OK(staysDevices);
    QCOMPARE(staysDevices->size(), 1);
}

void RepositoryTest::activityCountsAndMinMax_data()
{
    // Occurrences as (offset from start in ms, count), recorded in this order.
    QTest::addColumn<Occurrences>("occurrences");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");

    QTest::newRow("once") << Occurrences{{500, 1}} << qint64(1) << qint64(500) << qint64(500);
    QTest::newRow("in order") << Occurrences{{100, 1}, {200, 1}, {300, 1}} << qint64(3) << qint64(100) << qint64(300);
    QTest::newRow("earlier arrives late")
        << Occurrences{{300, 1}, {100, 1}, {200, 1}} << qint64(3) << qint64(100) << qint64(300);
    QTest::newRow("latest arrives first")
        << Occurrences{{900, 1}, {100, 1}, {500, 1}} << qint64(3) << qint64(100) << qint64(900);
    QTest::newRow("counts add up") << Occurrences{{100, 5}, {50, 2}, {200, 10}} << qint64(17) << qint64(50)
                                   << qint64(200);
}

void RepositoryTest::activityCountsAndMinMax()
{
    QFETCH(Occurrences, occurrences);
    QFETCH(qint64, count);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    const UserActivityRepository activity(db(), m_clock);
    const qint64 start = m_clock.nowMs();
    Result<UserActivity> returned = makeError(ErrorCode::Internal, QStringLiteral("nothing recorded"));
    for (const auto &[offset, n] : occurrences) {
        returned = activity.record(QStringLiteral("u"), QStringLiteral("order.created"), start + offset, n);
        VT_OK(returned);
    }
    const UserActivity expected{QStringLiteral("u"), QStringLiteral("order.created"), count, start + first,
                                start + last};
    QCOMPARE(returned->count, expected.count);
    QCOMPARE(returned->firstAtMs, expected.firstAtMs);
    QCOMPARE(returned->lastAtMs, expected.lastAtMs);

    Result<std::optional<UserActivity>> found = activity.find(QStringLiteral("u"), QStringLiteral("order.created"));
    VT_OK(found);
    QVERIFY(found->has_value());
    QVERIFY(**found == expected);
}

void RepositoryTest::activityCreatesBareUserOnlyWhenMissing()
{
    const UserRepository users(db(), m_clock);
    const UserActivityRepository activity(db(), m_clock);
    VT_OK(activity.record(QStringLiteral("newcomer"), QStringLiteral("app.opened"), m_clock.nowMs()));
    Result<std::optional<User>> bare = users.find(QStringLiteral("newcomer"));
    VT_OK(bare);
    QVERIFY(bare->has_value());
    QVERIFY((*bare)->locale.isEmpty());
    QVERIFY((*bare)->attributes.isEmpty());

    const QJsonObject attributes{{QStringLiteral("имя"), QStringLiteral("Пётр")}};
    VT_OK(users.upsert(
        User{QStringLiteral("known"), QStringLiteral("ru"), QStringLiteral("Europe/Moscow"), attributes, 0, 0}));
    VT_OK(activity.record(QStringLiteral("known"), QStringLiteral("app.opened"), m_clock.nowMs()));
    Result<std::optional<User>> known = users.find(QStringLiteral("known"));
    VT_OK(known);
    QVERIFY(known->has_value());
    QCOMPARE((*known)->locale, QStringLiteral("ru"));
    QCOMPARE((*known)->attributes, attributes);
}

void RepositoryTest::activityForUserListsOnlyThatUser()
{
    const UserActivityRepository activity(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    VT_OK(activity.record(QStringLiteral("a"), QStringLiteral("order.created"), t));
    VT_OK(activity.record(QStringLiteral("a"), QStringLiteral("cart.added"), t + 10, 2));
    VT_OK(activity.record(QStringLiteral("b"), QStringLiteral("cart.added"), t + 20));

    Result<QList<UserActivity>> list = activity.forUser(QStringLiteral("a"));
    VT_OK(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).eventType, QStringLiteral("cart.added"));
    QCOMPARE(list->at(0).count, qint64(2));
    QCOMPARE(list->at(1).eventType, QStringLiteral("order.created"));
    QCOMPARE(list->at(1).count, qint64(1));

    Result<std::optional<UserActivity>> none = activity.find(QStringLiteral("b"), QStringLiteral("order.created"));
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void RepositoryTest::activityRejectsNonPositiveCount()
{
    const UserActivityRepository activity(db(), m_clock);
    VT_FAILS_WITH(activity.record(QStringLiteral("u"), QStringLiteral("x"), m_clock.nowMs(), 0),
                  ErrorCode::InvalidArgument);
    VT_FAILS_WITH(activity.record(QStringLiteral("u"), QStringLiteral("x"), m_clock.nowMs(), -3),
                  ErrorCode::InvalidArgument);
    Result<std::optional<UserActivity>> none = activity.find(QStringLiteral("u"), QStringLiteral("x"));
    VT_OK(none);
    QVERIFY(!none->has_value());
}

void RepositoryTest::userFindManyInChunks()
{
    const UserRepository users(db(), m_clock);
    constexpr int kUsers = 230; // three statements of at most 100 ids
    QList<User> stored;
    for (int i = 0; i < kUsers; ++i) {
        User user;
        user.id = QStringLiteral("user-%1").arg(i);
        user.locale = i % 2 ? QStringLiteral("ru-RU") : QString();
        user.timezone = i % 3 ? QStringLiteral("Europe/Moscow") : QString();
        user.attributes = QJsonObject{{QStringLiteral("имя"), QStringLiteral("Анна %1").arg(i)},
                                      {QStringLiteral("orders"), i},
                                      {QStringLiteral("tags"), QJsonArray{QStringLiteral("ёлка"), i % 7}}};
        user.createdAtMs = m_clock.nowMs();
        user.updatedAtMs = m_clock.nowMs();
        VT_OK(users.upsert(user));
        stored << user;
        m_clock.advance(std::chrono::milliseconds(1));
    }

    QStringList ids;
    for (int i = kUsers - 1; i >= 0; --i) {
        ids << QStringLiteral("user-%1").arg(i);
        if (i % 90 == 0)
            ids << QStringLiteral("unknown-%1").arg(i);
    }
    ids << QStringLiteral("user-7"); // asked twice
    Result<QHash<QString, User>> found = users.findMany(ids);
    VT_OK(found);
    QCOMPARE(found->size(), kUsers);
    for (const User &user : std::as_const(stored)) {
        const auto it = found->constFind(user.id);
        QVERIFY2(it != found->cend(), qPrintable(user.id));
        QCOMPARE(it->id, user.id);
        QCOMPARE(it->locale, user.locale);
        QCOMPARE(it->timezone, user.timezone);
        QCOMPARE(it->attributes, user.attributes);
        QCOMPARE(it->createdAtMs, user.createdAtMs);
        QCOMPARE(it->updatedAtMs, user.updatedAtMs);
    }
    QVERIFY(!found->contains(QStringLiteral("unknown-0")));
    QVERIFY(!found->contains(QStringLiteral("unknown-180")));

    Result<QHash<QString, User>> some = users.findMany({QStringLiteral("user-3"), QStringLiteral("nobody")});
    VT_OK(some);
    QCOMPARE(some->keys(), QStringList{QStringLiteral("user-3")});
    QCOMPARE(some->value(QStringLiteral("user-3")).attributes.value(QStringLiteral("имя")).toString(),
             QStringLiteral("Анна 3"));
    Result<QHash<QString, User>> none = users.findMany({});
    VT_OK(none);
    QVERIFY(none->isEmpty());
}

void RepositoryTest::userForgetRemovesEverythingOfTheUser()
{
    createApp();
    const UserRepository users(db(), m_clock);
    const DeviceRepository devices(db(), m_clock, sealer());
    const UserActivityRepository activity(db(), m_clock);
    const DeliveryRepository deliveries(db(), m_clock);
    for (const QString &id : {QStringLiteral("gone"), QStringLiteral("stays")}) {
        VT_OK(activity.record(id, QStringLiteral("cart.added"), m_clock.nowMs()));
        Result<qint64> device =
            devices.registerDevice(id, QStringLiteral("shop"), Platform::Android, QStringLiteral("token-") + id);
        VT_OK(device);
        Delivery delivery;
        delivery.notificationId = QStringLiteral("n-") + id;
        delivery.userId = id;
        delivery.deviceId = *device;
        delivery.appId = QStringLiteral("shop");
        VT_OK(deliveries.insertBatch({delivery}));
        VT_OK(deliveries.recordStatus(delivery.notificationId, DeliveryStatus::Delivered, m_clock.nowMs()));
        VT_OK(deliveries.recordReport(delivery.notificationId, DeliveryStatus::Opened, m_clock.nowMs(), QString()));
        VT_OK(db().run(
            QStringLiteral("INSERT INTO trigger_fires (rule_id, user_id, event_id, fired_at) VALUES (1, ?, 'e', 0)"),
            {id}, QStringLiteral("fire")));
    }
    Result<UserRepository::Forgotten> forgotten = users.forget(QStringLiteral("gone"));
    VT_OK(forgotten);
    QVERIFY(forgotten->user);
    QCOMPARE(forgotten->devices, 1);
    QCOMPARE(forgotten->activity, 1);
    QCOMPARE(forgotten->triggerFires, 1);
    QCOMPARE(forgotten->deliveries, 1);
    QCOMPARE(forgotten->deliveryEvents, 2); // delivered by the provider, opened by the app
    QCOMPARE(forgotten->trackingReports, 1);
    Result<QSqlQuery> left =
        db().run(QStringLiteral("SELECT COUNT(*) FROM devices WHERE user_id = 'gone'"), {}, QStringLiteral("count"));
    VT_OK(left);
    QVERIFY(left->next());
    QCOMPARE(left->value(0).toInt(), 0);
    Result<std::optional<Delivery>> gone = deliveries.find(QStringLiteral("n-gone"));
    VT_OK(gone);
    QVERIFY(!gone->has_value());
    // The other user keeps everything; forgetting again finds nothing.
    Result<QList<Device>> stays = devices.forUser(QStringLiteral("stays"));
    VT_OK(stays);
    QCOMPARE(stays->size(), 1);
    Result<std::optional<Delivery>> kept = deliveries.find(QStringLiteral("n-stays"));
    VT_OK(kept);
    QVERIFY(kept->has_value());
    Result<UserRepository::Forgotten> again = users.forget(QStringLiteral("gone"));
    VT_OK(again);
    QVERIFY(!again->user);
    QCOMPARE(again->devices, 0);
}
