// The virtual phone fleet without a process: parsing, lookups and generation.
#include "fleet/Fleet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik;
using namespace vestnik::sim;

namespace {

Result<Fleet> parse(const QByteArray &json, quint64 seed = 1)
{
    return Fleet::fromJson(QJsonDocument::fromJson(json).object(), seed);
}

} // namespace

class FleetTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void looksUpUsersAndDevices();
    void rejectsBadFleets_data();
    void rejectsBadFleets();
    void generatesOnTopOfListedUsers();
};

void FleetTest::looksUpUsersAndDevices()
{
    Result<Fleet> fleet = parse(R"({"users":[{"id":"u1","locale":"ru-RU","devices":[
        {"platform":"android","token":"f1","app":"com.a","project":"p1"},
        {"platform":"ios","token":"ABCDEF","app":"com.a","locale":"en-US"}]}]})");
    QVERIFY(fleet);
    QCOMPARE(fleet->users().size(), 1);
    const Fleet::User *user = fleet->user(QStringLiteral("u1"));
    QVERIFY(user);
    QCOMPARE(user->timezone, QStringLiteral("UTC"));
    QCOMPARE(fleet->device(PushService::Fcm, "f1")->project, QStringLiteral("p1"));
    QCOMPARE(fleet->device(PushService::Fcm, "f1")->locale, QStringLiteral("ru-RU")); // the user's, by default
    QCOMPARE(fleet->device(PushService::Apns, "abcdef")->locale, QStringLiteral("en-US"));
    QVERIFY(!fleet->device(PushService::Apns, "f1"));
    QVERIFY(!fleet->device(PushService::Fcm, "abcdef"));
    QVERIFY(!fleet->user(QStringLiteral("u2")));
    const QJsonObject json = fleet->userJson(*user);
    QCOMPARE(json.value(QStringLiteral("devices")).toArray().size(), 2);
}

void FleetTest::rejectsBadFleets_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no id") << QByteArray(R"({"users":[{"devices":[]}]})")
                           << QStringLiteral("fleet.users[0]: \"id\" is required");
    QTest::newRow("platform") << QByteArray(R"({"users":[{"id":"u","devices":[{"platform":"web","token":"t"}]}]})")
                              << QStringLiteral("fleet.users[0].devices[0]: \"platform\"");
    QTest::newRow("no token") << QByteArray(R"({"users":[{"id":"u","devices":[{"platform":"ios"}]}]})")
                              << QStringLiteral("\"token\" is required");
    QTest::newRow("same user twice") << QByteArray(R"({"users":[{"id":"u"},{"id":"u"}]})")
                                     << QStringLiteral("appears twice");
    QTest::newRow("shared token") << QByteArray(R"({"users":[{"id":"a","devices":[{"platform":"android","token":"t"}]},
                                                             {"id":"b","devices":[{"platform":"android","token":"t"}]}]})")
                                  << QStringLiteral("token t is given to two devices");
    QTest::newRow("generate") << QByteArray(R"({"generate":{"users":5,"ios_share":2}})")
                              << QStringLiteral("fleet.generate");
}

void FleetTest::rejectsBadFleets()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const Result<Fleet> fleet = parse(json);
    QVERIFY(!fleet);
    QVERIFY2(fleet.error().message.contains(expected), qPrintable(fleet.error().message));
}

void FleetTest::generatesOnTopOfListedUsers()
{
    const QByteArray json = R"({"users":[{"id":"vip","devices":[{"platform":"android","token":"vip-phone"}]}],
                                "generate":{"users":20,"devices_per_user":2,"project":"p","locales":["de-DE"]}})";
    Result<Fleet> a = parse(json, 9);
    Result<Fleet> b = parse(json, 9);
    QVERIFY(a && b);
    QCOMPARE(a->users().size(), 21);
    QCOMPARE(a->devices().size(), 41);
    QCOMPARE(a->toJson(), b->toJson());
    const Fleet::User *user = a->user(QStringLiteral("user-20"));
    QVERIFY(user);
    QCOMPARE(user->locale, QStringLiteral("de-DE"));
    QCOMPARE(user->devices.size(), 2);
    for (const Fleet::Device &device : a->devices()) {
        if (device.service == PushService::Fcm && device.userId != QStringLiteral("vip"))
            QCOMPARE(device.project, QStringLiteral("p"));
    }
}

QTEST_GUILESS_MAIN(FleetTest)
#include "FleetTest.moc"
