// The trigger role on a real bus (Kafka from scripts/services, or the embedded SqlBus when
// VESTNIK_TEST_BUS=sql) and a real database: rules with conditions, the user's activity and attributes,
// repeats of an event id, frequency caps, quiet hours in the user's time zone, rules changed while running,
// and unreadable events. What the role emits is read back from the sends topic.
#include "trigger/TriggerRole.h"

#include "TestDatabase.h"
#include "TestResults.h"
#include "TestServices.h"
#include "bus/KafkaBus.h"
#include "bus/MessageBus.h"
#include "bus/SqlBus.h"
#include "model/SendJob.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "store/TriggerRuleRepository.h"
#include "store/UserActivityRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QTimeZone>
#include <QUuid>

#include <memory>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

QString unique(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

QByteArray eventJson(const QString &id, const QString &type, const QString &user, const QByteArray &data = "{}",
                     const QByteArray &extra = {})
{
    return QStringLiteral(R"({"id":"%1","type":"%2","user_id":"%3","occurred_at":1767225600000,"data":%4%5})")
        .arg(id, type, user, QString::fromUtf8(data), QString::fromUtf8(extra))
        .toUtf8();
}

} // namespace

class TriggerRoleTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void emitsJobsForMatchingRulesAndRecordsActivity();
    void repeatedEventIdsAreProcessedOnce();
    void frequencyCapLimitsPushesPerUser();
    void quietHoursDeferUntilTheyEnd();
    void rulesChangeWithoutRestart();
    void unreadableEventsGoToTheDeadLetterTopic();

private:
    /// Starts the role on fresh topics; sends and dead letters are collected.
    void startRole();
    void put(const QString &key, const QByteArray &value);
    qint64 addRule(TriggerRule rule);

    std::unique_ptr<test::TestDatabase> m_db;
    ManualClock m_clock{1'767'225'600'000}; // 2026-01-01T00:00:00Z
    std::unique_ptr<MessageBus> m_bus;
    std::unique_ptr<BusProducer> m_producer;
    std::unique_ptr<TriggerRole> m_role;
    std::unique_ptr<BusConsumer> m_sendsReader;
    std::unique_ptr<BusConsumer> m_dlqReader;
    QList<SendJob> m_jobs;
    QStringList m_letters;
    QString m_events;
    QString m_sends;
    QString m_dlq;
};

void TriggerRoleTest::init()
{
    Result<std::unique_ptr<test::TestDatabase>> db = test::TestDatabase::create();
    VT_OK(db);
    m_db = std::move(*db);
    VT_OK(Migrator(m_db->database()).migrate());
    TemplateRepository templates(m_db->database(), m_clock);
    TemplateCatalog catalog(templates);
    PushTemplate t;
    t.id = QStringLiteral("cart");
    t.name = QStringLiteral("Cart");
    t.content.title = QStringLiteral("«{{название_товара}}» ждёт");
    t.content.body = QStringLiteral("Осталось оформить");
    QVERIFY(catalog.save(t, {{"название_товара", "Чайник"}}, QStringLiteral("test")).hasValue());

    if (qEnvironmentVariable("VESTNIK_TEST_BUS") == QStringLiteral("sql")) {
        SqlBus::Settings settings;
        settings.pollInterval = 20ms;
        m_bus = std::make_unique<SqlBus>(m_db->database(), m_clock, settings);
    } else {
        const QString missing = test::missingService(QStringLiteral("kafka"));
        if (!missing.isEmpty())
            QFAIL(qPrintable(missing));
        m_bus = std::make_unique<KafkaBus>(KafkaBus::Settings{test::kafkaBrokers(), {}, 5ms, 100ms});
    }
    m_producer = m_bus->makeProducer();
    VT_OK(m_producer->start());
    m_events = unique(QStringLiteral("trigger.events."));
    m_sends = unique(QStringLiteral("trigger.sends."));
    m_dlq = unique(QStringLiteral("trigger.dlq."));
    for (const QString &topic : {m_events, m_sends, m_dlq})
        VT_OK(m_producer->ensureTopic(topic, 2, 15s));
}

void TriggerRoleTest::cleanup()
{
    if (m_role)
        m_role->stop();
    m_role.reset();
    m_sendsReader.reset();
    m_dlqReader.reset();
    m_producer.reset();
    m_bus.reset();
    m_db.reset();
    m_jobs.clear();
    m_letters.clear();
}

void TriggerRoleTest::startRole()
{
    TriggerRole::Settings settings;
    settings.consumer = BusConsumer::Settings{unique(QStringLiteral("triggers-")), {m_events}, 100};
    settings.sendsTopic = m_sends;
    settings.deadLetterTopic = m_dlq;
    settings.workerId = QStringLiteral("test-trigger");
    settings.rulesReloadInterval = 100ms;
    settings.schedulerInterval = 50ms;
    m_role = std::make_unique<TriggerRole>(settings, *m_bus, *m_producer, m_db->database(), m_clock);
    VT_OK(m_role->start());
    m_sendsReader = m_bus->makeConsumer(BusConsumer::Settings{unique(QStringLiteral("reader-")), {m_sends}, 1000},
                                        [this](const BusMessage &message, BusConsumer::Ack ack) {
                                            Result<SendJob> job = SendJob::fromJson(message.value);
                                            QVERIFY2(job.hasValue(), message.value.constData());
                                            QCOMPARE(message.key, job->userId.toUtf8()); // keyed by user
                                            m_jobs.append(*job);
                                            ack();
                                        });
    VT_OK(m_sendsReader->start());
    m_dlqReader = m_bus->makeConsumer(
        BusConsumer::Settings{unique(QStringLiteral("dlq-")), {m_dlq}, 1000},
        [this](const BusMessage &message, BusConsumer::Ack ack) {
            m_letters.append(
                QJsonDocument::fromJson(message.value).object().value(QStringLiteral("reason")).toString());
            ack();
        });
    VT_OK(m_dlqReader->start());
}

void TriggerRoleTest::put(const QString &key, const QByteArray &value)
{
    bool done = false;
    m_producer->send(m_events, key.toUtf8(), value, [&done](Result<void> result) {
        QVERIFY(result.hasValue());
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 15'000);
}

qint64 TriggerRoleTest::addRule(TriggerRule rule)
{
    if (rule.name.isEmpty())
        rule.name = QStringLiteral("rule");
    if (rule.templateId.isEmpty())
        rule.templateId = QStringLiteral("cart");
    Result<qint64> id = TriggerRuleRepository(m_db->database(), m_clock).create(rule);
    return id ? *id : -1;
}

void TriggerRoleTest::emitsJobsForMatchingRulesAndRecordsActivity()
{
    TriggerRule expensive;
    expensive.eventType = QStringLiteral("cart.item_added");
    expensive.condition = nlohmann::json::parse(R"({"path": "товар.цена", "op": "gte", "value": 1000})");
    const qint64 expensiveId = addRule(expensive);
    TriggerRule off = expensive;
    off.enabled = false;
    QVERIFY(addRule(off) > 0);
    TriggerRule cancelled;
    cancelled.eventType = QStringLiteral("order.cancelled");
    const qint64 cancelledId = addRule(cancelled);
    QVERIFY(expensiveId > 0 && cancelledId > 0);
    startRole();
    QCOMPARE(m_role->ruleCount(), 2);

    put(QStringLiteral("u1"), eventJson(QStringLiteral("e1"), QStringLiteral("cart.item_added"), QStringLiteral("u1"),
                                        R"({"товар": {"название_товара": "Чайник", "цена": 1990}})",
                                        R"(,"locale":"ru-RU","attributes":{"город":"Казань"})"));
    put(QStringLiteral("u2"), eventJson(QStringLiteral("e2"), QStringLiteral("cart.item_added"), QStringLiteral("u2"),
                                        R"({"товар": {"название_товара": "Ложка", "цена": 90}})"));
    put(QStringLiteral("u1"), eventJson(QStringLiteral("e3"), QStringLiteral("order.cancelled"), QStringLiteral("u1")));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().events, 3, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 2, 30'000);

    std::sort(m_jobs.begin(), m_jobs.end(), [](const SendJob &a, const SendJob &b) { return a.eventId < b.eventId; });
    QCOMPARE(m_jobs.at(0).eventId, QStringLiteral("e1/r%1").arg(expensiveId));
    QCOMPARE(m_jobs.at(0).userId, QStringLiteral("u1"));
    QCOMPARE(m_jobs.at(0).templateId, QStringLiteral("cart"));
    QCOMPARE(m_jobs.at(0).locale, QStringLiteral("ru-RU"));
    QCOMPARE(m_jobs.at(0).variables["товар"]["название_товара"].get<std::string>(), std::string("Чайник"));
    QCOMPARE(m_jobs.at(0).createdAtMs, m_clock.nowMs());
    QCOMPARE(m_jobs.at(1).eventId, QStringLiteral("e3/r%1").arg(cancelledId));

    // Activity and attributes for segments, users created as they appear.
    UserActivityRepository activity(m_db->database(), m_clock);
    Result<std::optional<UserActivity>> added = activity.find(QStringLiteral("u2"), QStringLiteral("cart.item_added"));
    VT_OK(added);
    QVERIFY(added->has_value());
    QCOMPARE((*added)->count, 1);
    Result<std::optional<User>> u1 = UserRepository(m_db->database(), m_clock).find(QStringLiteral("u1"));
    VT_OK(u1);
    QVERIFY(u1->has_value());
    QCOMPARE((*u1)->attributes.value(QStringLiteral("город")).toString(), QStringLiteral("Казань"));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->outstanding(), 0, 10'000);
}

void TriggerRoleTest::repeatedEventIdsAreProcessedOnce()
{
    TriggerRule rule;
    rule.eventType = QStringLiteral("cart.item_added");
    QVERIFY(addRule(rule) > 0);
    startRole();
    const QByteArray event = eventJson(QStringLiteral("same"), QStringLiteral("cart.item_added"), QStringLiteral("u7"));
    put(QStringLiteral("u7"), event);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 1, 30'000);
    // The producer retried, or the service sent it again: the same id.
    put(QStringLiteral("u7"), event);
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().duplicates, 1, 30'000);
    QCOMPARE(m_role->counters().events, 1);
    // The stored job goes out again, the very same one (its deliveries are found by the senders).
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 2, 30'000);
    QCOMPARE(m_jobs.at(1), m_jobs.at(0));
    Result<std::optional<UserActivity>> counted =
        UserActivityRepository(m_db->database(), m_clock).find(QStringLiteral("u7"), QStringLiteral("cart.item_added"));
    VT_OK(counted);
    QCOMPARE((*counted)->count, 1);
}

void TriggerRoleTest::frequencyCapLimitsPushesPerUser()
{
    TriggerRule rule;
    rule.eventType = QStringLiteral("cart.item_added");
    rule.capCount = 2;
    rule.capWindowSeconds = 3600;
    QVERIFY(addRule(rule) > 0);
    startRole();
    for (int i = 0; i < 3; ++i)
        put(QStringLiteral("u9"),
            eventJson(QStringLiteral("cap-%1").arg(i), QStringLiteral("cart.item_added"), QStringLiteral("u9")));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().events, 3, 30'000);
    QCOMPARE(m_role->counters().capped, 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 2, 30'000);
    // Another user has a cap of their own.
    put(QStringLiteral("u10"),
        eventJson(QStringLiteral("cap-x"), QStringLiteral("cart.item_added"), QStringLiteral("u10")));
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 3, 30'000);
    // An hour later the window has moved on.
    m_clock.advance(3601s);
    put(QStringLiteral("u9"),
        eventJson(QStringLiteral("cap-3"), QStringLiteral("cart.item_added"), QStringLiteral("u9")));
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 4, 30'000);
    QCOMPARE(m_role->counters().capped, 1);
}

void TriggerRoleTest::quietHoursDeferUntilTheyEnd()
{
    TriggerRule rule;
    rule.eventType = QStringLiteral("cart.item_added");
    rule.quietHours = QuietHours{22 * 60, 8 * 60}; // 22:00 - 08:00, wraps midnight
    QVERIFY(addRule(rule) > 0);
    User moscow;
    moscow.id = QStringLiteral("msk");
    moscow.timezone = QStringLiteral("Europe/Moscow"); // UTC+3
    VT_OK(UserRepository(m_db->database(), m_clock).upsert(moscow));
    // 2026-01-01T20:30Z: 23:30 in Moscow (quiet), 20:30 for a user in UTC (not quiet).
    m_clock.setMs(QDateTime(QDate(2026, 1, 1), QTime(20, 30), QTimeZone::utc()).toMSecsSinceEpoch());
    startRole();
    put(QStringLiteral("msk"),
        eventJson(QStringLiteral("q1"), QStringLiteral("cart.item_added"), QStringLiteral("msk")));
    put(QStringLiteral("utc"),
        eventJson(QStringLiteral("q2"), QStringLiteral("cart.item_added"), QStringLiteral("utc")));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().events, 2, 30'000);
    QCOMPARE(m_role->counters().deferred, 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 1, 30'000);
    QCOMPARE(m_jobs.at(0).userId, QStringLiteral("utc"));

    // 07:59:59 in Moscow: still waiting; a release turn takes nothing.
    const qint64 eightInMoscow = QDateTime(QDate(2026, 1, 2), QTime(5, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    m_clock.setMs(eightInMoscow - 1000);
    m_role->releaseDue();
    Result<QSqlQuery> waiting = m_db->database().run(QStringLiteral("SELECT due_at, claimed_by FROM scheduled_sends"),
                                                     {}, QStringLiteral("read"));
    VT_OK(waiting);
    QVERIFY(waiting->next());
    QCOMPARE(waiting->value(0).toLongLong(), eightInMoscow);
    QVERIFY(waiting->value(1).isNull());
    waiting->finish();
    QCOMPARE(m_jobs.size(), 1);
    m_clock.setMs(eightInMoscow);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 2, 30'000);
    QCOMPARE(m_jobs.at(1).userId, QStringLiteral("msk"));
    QCOMPARE(m_jobs.at(1).createdAtMs, eightInMoscow); // its time to live starts at the release
    const auto scheduled = [this] {
        Result<QSqlQuery> q =
            m_db->database().run(QStringLiteral("SELECT COUNT(*) FROM scheduled_sends"), {}, QStringLiteral("count"));
        return q && q->next() ? q->value(0).toInt() : -1;
    };
    QTRY_COMPARE_WITH_TIMEOUT(scheduled(), 0, 10'000);
}

void TriggerRoleTest::rulesChangeWithoutRestart()
{
    startRole();
    QCOMPARE(m_role->ruleCount(), 0);
    put(QStringLiteral("u1"),
        eventJson(QStringLiteral("before"), QStringLiteral("cart.item_added"), QStringLiteral("u1")));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().events, 1, 30'000);
    QCOMPARE(m_jobs.size(), 0);

    QSignalSpy reloaded(m_role.get(), &TriggerRole::rulesReloaded);
    TriggerRule rule;
    rule.eventType = QStringLiteral("cart.item_added");
    const qint64 id = addRule(rule);
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_role->ruleCount(), 1, 10'000);
    put(QStringLiteral("u1"),
        eventJson(QStringLiteral("after"), QStringLiteral("cart.item_added"), QStringLiteral("u1")));
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 1, 30'000);

    // Switched off: no more pushes, still without a restart (and within the same millisecond as the save).
    VT_OK(TriggerRuleRepository(m_db->database(), m_clock).setEnabled(id, false));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->ruleCount(), 0, 10'000);
    put(QStringLiteral("u1"),
        eventJson(QStringLiteral("off"), QStringLiteral("cart.item_added"), QStringLiteral("u1")));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->counters().events, 3, 30'000);
    QCOMPARE(m_jobs.size(), 1);
    QCOMPARE(reloaded.size(), 2);
}

void TriggerRoleTest::unreadableEventsGoToTheDeadLetterTopic()
{
    TriggerRule rule;
    rule.eventType = QStringLiteral("cart.item_added");
    QVERIFY(addRule(rule) > 0);
    startRole();
    put(QStringLiteral("x"), "{not json");
    put(QStringLiteral("x"), R"({"id":"a","type":"cart.item_added","occurred_at":1})");
    put(QStringLiteral("x"), QByteArray(70'000, ' ') + "{}");
    put(QStringLiteral("u1"),
        eventJson(QStringLiteral("fine"), QStringLiteral("cart.item_added"), QStringLiteral("u1")));
    QTRY_COMPARE_WITH_TIMEOUT(m_letters.size(), 3, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(m_jobs.size(), 1, 30'000); // the partition moved on
    QCOMPARE(m_role->counters().deadLettered, 3);
    std::sort(m_letters.begin(), m_letters.end());
    QCOMPARE(m_letters.at(0), QStringLiteral("event: 'user_id' is required"));
    QVERIFY2(m_letters.at(1).startsWith(QStringLiteral("event: not valid JSON")), qPrintable(m_letters.at(1)));
    QVERIFY2(m_letters.at(2).contains(QStringLiteral("more than the limit of 65536")), qPrintable(m_letters.at(2)));
    QTRY_COMPARE_WITH_TIMEOUT(m_role->outstanding(), 0, 10'000);
}

QTEST_GUILESS_MAIN(TriggerRoleTest)
#include "TriggerRoleTest.moc"
