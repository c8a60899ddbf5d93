// EventIngest on the embedded SqlBus (SQLite, or PostgreSQL with VESTNIK_TEST_DIALECT=postgres): valid events
// reach the events topic keyed by user, a batch with a bad event produces nothing and names every problem, a
// repeated id is produced once, and a bus that cannot store the events is reported, not hidden.
#include "trigger/EventIngest.h"

#include "TestDatabase.h"
#include "TestResults.h"
#include "bus/SqlBus.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

#include <memory>
#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const QString kTopic = QStringLiteral("vestnik.events");

QByteArray eventJson(const QString &id, const QString &user, const QString &type = QStringLiteral("cart.item_added"))
{
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("type"), type},
                                     {QStringLiteral("user_id"), user},
                                     {QStringLiteral("occurred_at"), QStringLiteral("2026-03-08T12:30:00+03:00")},
                                     {QStringLiteral("data"), QJsonObject{{QStringLiteral("товар"), user}}}})
        .toJson(QJsonDocument::Compact);
}

QByteArray batch(const QList<QByteArray> &events)
{
    QByteArray body = "{\"events\":[";
    for (qsizetype i = 0; i < events.size(); ++i)
        body += (i > 0 ? "," : "") + events.at(i);
    return body + "]}";
}

struct Stored {
    QByteArray key;
    QJsonObject value;
};

} // namespace

class EventIngestTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void oneEventIsProducedKeyedByItsUser();
    void batchKeepsOrderAndProducesARepeatedIdOnce();
    void batchWithBadEventsProducesNothingAndNamesEach();
    void malformedRequestsAreRefused_data();
    void malformedRequestsAreRefused();
    void busThatCannotStoreIsReported();

private:
    EventIngest::Outcome run(const QByteArray &body);
    QList<Stored> stored() const;

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<SqlBus> m_bus;
    std::unique_ptr<BusProducer> m_producer;
    std::unique_ptr<EventIngest> m_ingest;
};

void EventIngestTest::init()
{
    Result<std::unique_ptr<test::TestDatabase>> db = test::TestDatabase::create();
    VT_OK(db);
    m_db = std::move(*db);
    VT_OK(Migrator(m_db->database()).migrate());
    m_bus = std::make_unique<SqlBus>(m_db->database(), SystemClock::instance(), SqlBus::Settings{});
    m_producer = m_bus->makeProducer();
    VT_OK(m_producer->start());
    VT_OK(m_producer->ensureTopic(kTopic, 1, 5s));
    m_ingest = std::make_unique<EventIngest>(EventIngest::Settings{kTopic, 10s}, *m_producer);
}

void EventIngestTest::cleanup()
{
    m_ingest.reset();
    m_producer.reset();
    m_bus.reset();
    m_db.reset();
}

EventIngest::Outcome EventIngestTest::run(const QByteArray &body)
{
    std::optional<EventIngest::Outcome> outcome;
    m_ingest->ingest(body, [&outcome](const EventIngest::Outcome &o) {
        if (outcome)
            QFAIL("answered twice");
        outcome = o;
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15'000); }();
    return outcome.value_or(EventIngest::Outcome{});
}

QList<Stored> EventIngestTest::stored() const
{
    QList<Stored> rows;
    QSqlQuery q(*m_db->database().connection());
    if (!q.exec(QStringLiteral("SELECT msg_key, value FROM bus_messages WHERE topic = 'vestnik.events' ORDER BY id")))
        return rows;
    while (q.next())
        rows.append(Stored{q.value(0).toByteArray(), QJsonDocument::fromJson(q.value(1).toByteArray()).object()});
    return rows;
}

void EventIngestTest::oneEventIsProducedKeyedByItsUser()
{
    const EventIngest::Outcome outcome = run(eventJson(QStringLiteral("e-1"), QStringLiteral("пользователь-7")));
    QCOMPARE(outcome.kind, EventIngest::Outcome::Kind::Accepted);
    QVERIFY(!outcome.wasBatch);
    QCOMPARE(outcome.acceptedIds, QStringList{QStringLiteral("e-1")});
    const QList<Stored> rows = stored();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.at(0).key, QStringLiteral("пользователь-7").toUtf8());
    // The canonical form: the offset converted to UTC, the values as sent.
    QCOMPARE(rows.at(0).value.value(QStringLiteral("occurred_at")).toString(),
             QStringLiteral("2026-03-08T09:30:00.000Z"));
    QCOMPARE(rows.at(0).value.value(QStringLiteral("data")).toObject().value(QStringLiteral("товар")).toString(),
             QStringLiteral("пользователь-7"));
    QCOMPARE(m_ingest->pending(), 0);
}

void EventIngestTest::batchKeepsOrderAndProducesARepeatedIdOnce()
{
    const EventIngest::Outcome outcome = run(batch(
        {eventJson(QStringLiteral("a"), QStringLiteral("u1")), eventJson(QStringLiteral("b"), QStringLiteral("u2")),
         eventJson(QStringLiteral("a"), QStringLiteral("u1")), eventJson(QStringLiteral("c"), QStringLiteral("u1"))}));
    QCOMPARE(outcome.kind, EventIngest::Outcome::Kind::Accepted);
    QVERIFY(outcome.wasBatch);
    QCOMPARE(outcome.acceptedIds, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    const QList<Stored> rows = stored();
    QCOMPARE(rows.size(), 3);
    QStringList ids;
    for (const Stored &row : rows)
        ids << row.value.value(QStringLiteral("id")).toString();
    QCOMPARE(ids, outcome.acceptedIds);
}

void EventIngestTest::batchWithBadEventsProducesNothingAndNamesEach()
{
    const EventIngest::Outcome outcome = run(batch(
        {eventJson(QStringLiteral("ok-1"), QStringLiteral("u1")),
         eventJson(QStringLiteral("bad-type"), QStringLiteral("u1"), QStringLiteral("Bad Type")),
         eventJson(QStringLiteral("ok-2"), QStringLiteral("u2")), R"({"id":"no-user","type":"x","occurred_at":1})"}));
    QCOMPARE(outcome.kind, EventIngest::Outcome::Kind::Invalid);
    QCOMPARE(outcome.problems.size(), 2);
    QCOMPARE(outcome.problems.at(0).index, 1);
    QCOMPARE(outcome.problems.at(0).id, QStringLiteral("bad-type"));
    QVERIFY2(outcome.problems.at(0).message.contains(QStringLiteral("'type'")),
             qPrintable(outcome.problems.at(0).message));
    QCOMPARE(outcome.problems.at(1).index, 3);
    QCOMPARE(outcome.problems.at(1).id, QStringLiteral("no-user"));
    QVERIFY2(outcome.problems.at(1).message.contains(QStringLiteral("'user_id' is required")),
             qPrintable(outcome.problems.at(1).message));
    QVERIFY(stored().isEmpty());
}

void EventIngestTest::malformedRequestsAreRefused_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QList<QByteArray> tooMany;
    for (int i = 0; i <= EventIngest::kMaxBatch; ++i)
        tooMany << eventJson(QStringLiteral("e%1").arg(i), QStringLiteral("u"));
    QTest::newRow("not JSON") << QByteArray("{\"id\":") << QStringLiteral("not valid JSON");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("one event");
    QTest::newRow("events not an array") << QByteArray(R"({"events":{}})") << QStringLiteral("must be an array");
    QTest::newRow("no events") << QByteArray(R"({"events":[]})") << QStringLiteral("is empty");
    QTest::newRow("too many") << batch(tooMany) << QStringLiteral("more than the limit of 500");
    QTest::newRow("one bad event") << QByteArray(R"({"id":"x","type":"a.b","user_id":"u"})")
                                   << QStringLiteral("'occurred_at'");
}

void EventIngestTest::malformedRequestsAreRefused()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    const EventIngest::Outcome outcome = run(body);
    QCOMPARE(outcome.kind, EventIngest::Outcome::Kind::Invalid);
    QCOMPARE(outcome.problems.size(), 1);
    QVERIFY2(outcome.problems.at(0).message.contains(message), qPrintable(outcome.problems.at(0).message));
    QVERIFY(stored().isEmpty());
}

void EventIngestTest::busThatCannotStoreIsReported()
{
    // The queue's table gone: the bus refuses, the client hears so and may retry.
    QSqlQuery drop(*m_db->database().connection());
    QVERIFY(drop.exec(QStringLiteral("ALTER TABLE bus_messages RENAME TO bus_messages_gone")));
    const EventIngest::Outcome outcome = run(batch(
        {eventJson(QStringLiteral("a"), QStringLiteral("u1")), eventJson(QStringLiteral("b"), QStringLiteral("u2"))}));
    QCOMPARE(outcome.kind, EventIngest::Outcome::Kind::NotConfirmed);
    QVERIFY(outcome.acceptedIds.isEmpty());
    QVERIFY2(outcome.error.startsWith(QStringLiteral("event ")), qPrintable(outcome.error));
    QCOMPARE(m_ingest->pending(), 0);
}

QTEST_GUILESS_MAIN(EventIngestTest)
#include "EventIngestTest.moc"
