#include "model/SendJob.h"

#include "TestResults.h"

#include <QSet>
#include <QTest>

using namespace vestnik;

Q_DECLARE_METATYPE(vestnik::SendJob)

namespace {

SendJob campaignJob()
{
    SendJob job;
    job.campaignId = QStringLiteral("summer-sale/b");
    job.userId = QStringLiteral("user-42");
    job.appId = QStringLiteral("shop");
    job.templateId = QStringLiteral("back-in-stock");
    job.templateVersion = 3;
    job.variables = {{"имя", "Анна"}, {"товар", {{"название", "Чайник «Ёж»"}, {"цена", 1990}}}, {"emoji", "🎉"}};
    job.locale = QStringLiteral("ru-RU");
    job.createdAtMs = 1'767'225'600'123;
    return job;
}

SendJob eventJob()
{
    SendJob job;
    job.eventId = QStringLiteral("order-17");
    job.userId = QStringLiteral("user-42");
    job.templateId = QStringLiteral("order-shipped");
    return job;
}

bool isLowerHex(QStringView text)
{
    for (QChar c : text) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))))
            return false;
    }
    return true;
}

} // namespace

/// SendJob: the key and notification ids that make a redelivered job find its deliveries, and the wire form
/// (`vestnik.sends`, the send_jobs table) with every refusal naming its field.
class SendJobTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyNamesTheSourceAndTheUser();
    void keysOfDistinctJobsDiffer_data();
    void keysOfDistinctJobsDiffer();
    void notificationIdIsDeterministicAndShort();
    void notificationIdDiffersPerDeviceJobAndUser();
    void notificationIdDependsOnlyOnTheKeyAndDevice();
    void roundTrip_data();
    void roundTrip();
    void wireFormIsSnakeCaseWithUnicodeKept();
    void readsTheWireForm();
    void refusals_data();
    void refusals();
};

void SendJobTest::keyNamesTheSourceAndTheUser()
{
    QCOMPARE(campaignJob().key(), QStringLiteral("c:summer-sale/b:user-42"));
    QCOMPARE(eventJob().key(), QStringLiteral("e:order-17:user-42"));
}

void SendJobTest::keysOfDistinctJobsDiffer_data()
{
    QTest::addColumn<SendJob>("one");
    QTest::addColumn<SendJob>("other");

    SendJob a = campaignJob();
    SendJob b = campaignJob();
    b.userId = QStringLiteral("user-43");
    QTest::newRow("another user") << a << b;
    b = campaignJob();
    b.campaignId = QStringLiteral("summer-sale/a");
    QTest::newRow("another variant") << a << b;
    b = campaignJob();
    b.campaignId.clear();
    b.eventId = a.campaignId;
    QTest::newRow("campaign and event with one id") << a << b;

    // Ids are the company's own strings; a colon in one must not make two recipients share a key (their send
    // jobs would share one stored row, and a retry would render one user's push with the other's variables).
    a = campaignJob();
    a.campaignId = QStringLiteral("spring:vip");
    a.userId = QStringLiteral("42");
    b = campaignJob();
    b.campaignId = QStringLiteral("spring");
    b.userId = QStringLiteral("vip:42");
    QTest::newRow("colon in campaign or user") << a << b;
    a = eventJob();
    a.eventId = QStringLiteral("order:17");
    a.userId = QStringLiteral("x");
    b = eventJob();
    b.eventId = QStringLiteral("order");
    b.userId = QStringLiteral("17:x");
    QTest::newRow("colon in event or user") << a << b;
}

void SendJobTest::keysOfDistinctJobsDiffer()
{
    QFETCH(SendJob, one);
    QFETCH(SendJob, other);
    QVERIFY2(one.key() != other.key(), qPrintable(one.key()));
    QVERIFY(one.notificationIdFor(7) != other.notificationIdFor(7));
}

void SendJobTest::notificationIdIsDeterministicAndShort()
{
    const SendJob job = campaignJob();
    const QString id = job.notificationIdFor(7);
    QCOMPARE(id.size(), 33);
    QVERIFY2(id.startsWith(QLatin1Char('n')), qPrintable(id));
    QVERIFY2(isLowerHex(QStringView(id).mid(1)), qPrintable(id));
    // The same job arriving again, parsed from its wire form, finds the same ids.
    Result<SendJob> again = SendJob::fromJson(job.toJson());
    VT_OK(again);
    QCOMPARE(again->notificationIdFor(7), id);
    QCOMPARE(campaignJob().notificationIdFor(7), id);
    // Device ids at the ends of the range are fine too.
    for (qint64 device : {qint64(0), qint64(-1), std::numeric_limits<qint64>::max()}) {
        const QString other = job.notificationIdFor(device);
        QCOMPARE(other.size(), 33);
        QCOMPARE(job.notificationIdFor(device), other);
    }
}

void SendJobTest::notificationIdDiffersPerDeviceJobAndUser()
{
    QSet<QString> ids;
    int made = 0;
    const auto add = [&](const SendJob &job, qint64 device) {
        ids.insert(job.notificationIdFor(device));
        ++made;
    };
    for (qint64 device : {1, 2, 10, 12, 21, 100})
        add(campaignJob(), device);
    for (const QString &user : {QStringLiteral("user-1"), QStringLiteral("user-11"), QStringLiteral("Анна")}) {
        SendJob job = campaignJob();
        job.userId = user;
        add(job, 1);
    }
    for (const QString &campaign : {QStringLiteral("summer-sale/a"), QStringLiteral("winter")}) {
        SendJob job = campaignJob();
        job.campaignId = campaign;
        add(job, 1);
    }
    SendJob event = eventJob();
    event.eventId = campaignJob().campaignId; // the same id as the campaign, as an event
    add(event, 1);
    add(eventJob(), 1);
    SendJob otherEvent = eventJob();
    otherEvent.eventId = QStringLiteral("order-18");
    add(otherEvent, 1);
    QCOMPARE(ids.size(), made);
    // "1" + "2" is not "12": the key and the device id are kept apart.
    SendJob user1 = campaignJob();
    user1.userId = QStringLiteral("u1");
    SendJob user12 = campaignJob();
    user12.userId = QStringLiteral("u12");
    QVERIFY(user1.notificationIdFor(23) != user12.notificationIdFor(3));
}

void SendJobTest::notificationIdDependsOnlyOnTheKeyAndDevice()
{
    // The sender pins the template version and fills in the creation time before it computes the ids; a
    // redelivered job (version 0, no time) must still find them.
    const SendJob job = campaignJob();
    SendJob changed = job;
    changed.templateVersion = 0;
    changed.templateId = QStringLiteral("other-template");
    changed.variables = {{"имя", "Борис"}};
    changed.locale.clear();
    changed.createdAtMs = 0;
    changed.appId.clear();
    QCOMPARE(changed.key(), job.key());
    QCOMPARE(changed.notificationIdFor(5), job.notificationIdFor(5));
}

void SendJobTest::roundTrip_data()
{
    QTest::addColumn<SendJob>("job");

    QTest::newRow("campaign, every field, Unicode variables") << campaignJob();
    QTest::newRow("event, only what is required") << eventJob();
    SendJob fromRule = eventJob();
    fromRule.ruleId = QStringLiteral("42");
    QTest::newRow("event of a trigger rule") << fromRule;
    SendJob unicode = eventJob();
    unicode.userId = QStringLiteral("пользователь-1");
    unicode.eventId = QStringLiteral("заказ/17");
    unicode.templateId = QStringLiteral("шаблон");
    unicode.locale = QStringLiteral("uk");
    unicode.variables = {{"имя", "Анна"}};
    QTest::newRow("Unicode ids") << unicode;
    SendJob quoting = eventJob();
    // Built in code, not as a raw string: Qt 6.4's moc cannot tokenize raw strings with escapes.
    quoting.variables = {{"q", "say \"hi\""}, {"path", "C:\\temp"}, {"nl", "a\nb"}, {"n", nullptr}};
    QTest::newRow("escapes in variables") << quoting;
}

void SendJobTest::roundTrip()
{
    QFETCH(SendJob, job);
    const QByteArray json = job.toJson();
    Result<SendJob> read = SendJob::fromJson(json);
    VT_OK(read);
    QVERIFY2(*read == job, json.constData());
    QVERIFY(read->variables == job.variables);
    QCOMPARE(read->userId, job.userId);
    QCOMPARE(read->key(), job.key());
    // Writing what was read gives the same bytes (a stored job stays as it was).
    QCOMPARE(read->toJson(), json);
}

void SendJobTest::wireFormIsSnakeCaseWithUnicodeKept()
{
    const nlohmann::json wire = nlohmann::json::parse(campaignJob().toJson().toStdString());
    QVERIFY(wire.is_object());
    QCOMPARE(QString::fromStdString(wire.at("campaign_id").get<std::string>()), QStringLiteral("summer-sale/b"));
    QCOMPARE(QString::fromStdString(wire.at("user_id").get<std::string>()), QStringLiteral("user-42"));
    QCOMPARE(QString::fromStdString(wire.at("app_id").get<std::string>()), QStringLiteral("shop"));
    QCOMPARE(QString::fromStdString(wire.at("template_id").get<std::string>()), QStringLiteral("back-in-stock"));
    QCOMPARE(wire.at("template_version").get<int>(), 3);
    QCOMPARE(QString::fromStdString(wire.at("locale").get<std::string>()), QStringLiteral("ru-RU"));
    QCOMPARE(wire.at("created_at").get<qint64>(), qint64(1'767'225'600'123));
    QCOMPARE(QString::fromStdString(wire.at("variables").at("имя").get<std::string>()), QStringLiteral("Анна"));
    QVERIFY(!wire.contains("event_id"));
    QVERIFY(!wire.contains("rule_id")); // absent when unset: jobs without a rule read as before
    QVERIFY(campaignJob().toJson().contains(QStringLiteral("Анна").toUtf8()));
}

void SendJobTest::readsTheWireForm()
{
    // What a trigger rule publishes, written by hand: nulls count as absent, unknown keys are ignored.
    Result<SendJob> job = SendJob::fromJson(QStringLiteral(R"({"event_id": "order-17", "campaign_id": null,
        "user_id": "Анна-1", "template_id": "order-shipped", "template_version": null,
        "variables": {"имя": "Анна", "items": [1, 2]}, "locale": "ru", "created_at": 1767225600000,
        "priority": "high"})")
                                                .toUtf8());
    VT_OK(job);
    QCOMPARE(job->eventId, QStringLiteral("order-17"));
    QVERIFY(job->campaignId.isEmpty());
    QCOMPARE(job->userId, QStringLiteral("Анна-1"));
    QVERIFY(job->appId.isEmpty());
    QCOMPARE(job->templateId, QStringLiteral("order-shipped"));
    QCOMPARE(job->templateVersion, 0);
    QCOMPARE(QString::fromStdString(job->variables.at("имя").get<std::string>()), QStringLiteral("Анна"));
    QVERIFY(job->variables.at("items") == nlohmann::json::array({1, 2}));
    QCOMPARE(job->locale, QStringLiteral("ru"));
    QCOMPARE(job->createdAtMs, qint64(1'767'225'600'000));

    Result<SendJob> bare =
        SendJob::fromJson(QByteArrayLiteral(R"({"campaign_id": "c", "user_id": "u", "template_id": "t"})"));
    VT_OK(bare);
    QVERIFY(bare->variables.is_object());
    QVERIFY(bare->variables.empty());
    QCOMPARE(bare->createdAtMs, qint64(0));
    QVERIFY(bare->ruleId.isEmpty()); // a job from before rule ids

    Result<SendJob> fromRule = SendJob::fromJson(
        QByteArrayLiteral(R"({"event_id": "e/r7", "rule_id": "7", "user_id": "u", "template_id": "t"})"));
    VT_OK(fromRule);
    QCOMPARE(fromRule->ruleId, QStringLiteral("7"));
    QVERIFY(!SendJob::fromJson(
        QByteArrayLiteral(R"({"event_id": "e/r7", "rule_id": 7, "user_id": "u", "template_id": "t"})")));
}

void SendJobTest::refusals_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("named"); // what the message must name

    QTest::newRow("not JSON") << QByteArrayLiteral(R"({"user_id": )") << QStringLiteral("not valid JSON");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArrayLiteral(R"([{"user_id": "u"}])") << QStringLiteral("not a JSON object");
    QTest::newRow("string") << QByteArrayLiteral(R"("job")") << QStringLiteral("not a JSON object");
    QTest::newRow("missing user_id") << QByteArrayLiteral(R"({"event_id": "e", "template_id": "t"})")
                                     << QStringLiteral("'user_id'");
    QTest::newRow("empty user_id") << QByteArrayLiteral(R"({"event_id": "e", "user_id": "", "template_id": "t"})")
                                   << QStringLiteral("'user_id'");
    QTest::newRow("missing template_id") << QByteArrayLiteral(R"({"event_id": "e", "user_id": "u"})")
                                         << QStringLiteral("'template_id'");
    QTest::newRow("both sources") << QByteArrayLiteral(
        R"({"campaign_id": "c", "event_id": "e", "user_id": "u", "template_id": "t"})")
                                  << QStringLiteral("'campaign_id' and 'event_id'");
    QTest::newRow("neither source") << QByteArrayLiteral(R"({"user_id": "u", "template_id": "t"})")
                                    << QStringLiteral("'campaign_id' and 'event_id'");
    QTest::newRow("empty sources") << QByteArrayLiteral(
        R"({"campaign_id": "", "event_id": "", "user_id": "u", "template_id": "t"})")
                                   << QStringLiteral("'campaign_id' and 'event_id'");
    const QByteArray valid = R"("event_id": "e", "user_id": "u", "template_id": "t")";
    const auto with = [&valid](const char *extra) -> QByteArray {
        return QByteArray("{") + valid + ", " + extra + "}";
    };
    QTest::newRow("negative version") << with(R"("template_version": -1)") << QStringLiteral("'template_version'");
    QTest::newRow("fractional version") << with(R"("template_version": 1.5)") << QStringLiteral("'template_version'");
    QTest::newRow("version as text") << with(R"("template_version": "3")") << QStringLiteral("'template_version'");
    QTest::newRow("version beyond int") << with(R"("template_version": 4294967297)")
                                        << QStringLiteral("'template_version'");
    QTest::newRow("variables array") << with(R"("variables": [1, 2])") << QStringLiteral("'variables'");
    QTest::newRow("variables text") << with(R"("variables": "имя=Анна")") << QStringLiteral("'variables'");
    QTest::newRow("variables number") << with(R"("variables": 5)") << QStringLiteral("'variables'");
    QTest::newRow("negative created_at") << with(R"("created_at": -5)") << QStringLiteral("'created_at'");
    QTest::newRow("created_at as text") << with(R"("created_at": "yesterday")") << QStringLiteral("'created_at'");
    QTest::newRow("user_id number") << QByteArrayLiteral(R"({"event_id": "e", "user_id": 42, "template_id": "t"})")
                                    << QStringLiteral("'user_id'");
    QTest::newRow("template_id object") << QByteArrayLiteral(
        R"({"event_id": "e", "user_id": "u", "template_id": {"id": "t"}})")
                                        << QStringLiteral("'template_id'");
    QTest::newRow("campaign_id number") << QByteArrayLiteral(
        R"({"campaign_id": 7, "user_id": "u", "template_id": "t"})")
                                        << QStringLiteral("'campaign_id'");
    QTest::newRow("event_id bool") << QByteArrayLiteral(R"({"event_id": true, "user_id": "u", "template_id": "t"})")
                                   << QStringLiteral("'event_id'");
    QTest::newRow("app_id array") << with(R"("app_id": ["shop"])") << QStringLiteral("'app_id'");
    QTest::newRow("locale number") << with(R"("locale": 1)") << QStringLiteral("'locale'");
}

void SendJobTest::refusals()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, named);
    Result<SendJob> job = SendJob::fromJson(json);
    VT_FAILS_WITH(job, ErrorCode::InvalidArgument);
    QVERIFY2(job.error().message.contains(named), qPrintable(job.error().message));
    QVERIFY2(job.error().message.startsWith(QStringLiteral("send job: ")), qPrintable(job.error().message));
}

QTEST_GUILESS_MAIN(SendJobTest)
#include "SendJobTest.moc"
