#include "TriggerStoreTest.h"
#include "store/UserActivityRepository.h"
#include "store/UserRepository.h"

#include <QJsonArray>

#include <algorithm>

using namespace vestnik;

namespace {

using Batch = TriggerStateRepository::Batch;
using Claimed = QList<QPair<QString, QByteArray>>;
using FireKey = QPair<qint64, QString>;

QStringList keysOf(const Claimed &claimed)
{
    QStringList keys;
    for (const auto &[key, body] : claimed)
        keys << key;
    return keys;
}

/// Firing times in order (the store does not promise one).
QHash<FireKey, QList<qint64>> sorted(QHash<FireKey, QList<qint64>> fires)
{
    for (QList<qint64> &times : fires)
        std::sort(times.begin(), times.end());
    return fires;
}

} // namespace

void TriggerStoreTest::commitCreatesUsersAndSumsActivity()
{
    const TriggerStateRepository state(db());
    const UserActivityRepository activity(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    const QString anna = QStringLiteral("анна");
    const QString boris = QStringLiteral("борис");
    const QString cart = QStringLiteral("cart.updated");
    Batch batch;
    batch.activity = {{anna, cart, t + 300},
                      {anna, cart, t + 100},
                      {boris, cart, t + 50},
                      {anna, QStringLiteral("order.paid"), t + 200},
                      {anna, cart, t + 200}};
    VT_OK(state.commit(batch, t + 1'000));

    Result<QHash<QString, User>> users = UserRepository(db(), m_clock).findMany({anna, boris});
    VT_OK(users);
    QCOMPARE(users->size(), 2);
    QCOMPARE(users->value(anna).createdAtMs, t + 1'000);
    QVERIFY(users->value(anna).attributes.isEmpty());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 2);

    Result<std::optional<UserActivity>> annaCart = activity.find(anna, cart);
    VT_OK(annaCart);
    QVERIFY(annaCart->has_value());
    QCOMPARE(**annaCart, (UserActivity{anna, cart, 3, t + 100, t + 300}));
    Result<std::optional<UserActivity>> annaPaid = activity.find(anna, QStringLiteral("order.paid"));
    VT_OK(annaPaid);
    QVERIFY(annaPaid->has_value());
    QCOMPARE(**annaPaid, (UserActivity{anna, QStringLiteral("order.paid"), 1, t + 200, t + 200}));
    Result<std::optional<UserActivity>> borisCart = activity.find(boris, cart);
    VT_OK(borisCart);
    QVERIFY(borisCart->has_value());
    QCOMPARE(**borisCart, (UserActivity{boris, cart, 1, t + 50, t + 50}));
}

void TriggerStoreTest::commitAddsActivityToStoredRows()
{
    const TriggerStateRepository state(db());
    const UserRepository users(db(), m_clock);
    const UserActivityRepository activity(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    const QString user = QStringLiteral("u-1");
    const QString cart = QStringLiteral("cart.updated");
    const QString paid = QStringLiteral("order.paid");
    VT_OK(users.upsert(User{user, QStringLiteral("ru-RU"), QStringLiteral("Europe/Moscow"), {}, 0, 0}));
    VT_OK(activity.record(user, cart, t + 500, 2));
    VT_OK(activity.record(user, cart, t + 600));
    VT_OK(activity.record(user, paid, t + 100));
    VT_OK(activity.record(user, paid, t + 900));

    Batch batch;
    batch.activity = {{user, cart, t + 100}, {user, cart, t + 900}, {user, cart, t + 550}, {user, paid, t + 500}};
    VT_OK(state.commit(batch, t + 2'000));

    Result<std::optional<UserActivity>> carts = activity.find(user, cart);
    VT_OK(carts);
    QVERIFY(carts->has_value());
    QCOMPARE(**carts, (UserActivity{user, cart, 6, t + 100, t + 900})); // widened both ways
    Result<std::optional<UserActivity>> paids = activity.find(user, paid);
    VT_OK(paids);
    QVERIFY(paids->has_value());
    QCOMPARE(**paids, (UserActivity{user, paid, 3, t + 100, t + 900})); // inside: first and last kept
    // The stored user stays as it was.
    Result<std::optional<User>> found = users.find(user);
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->locale, QStringLiteral("ru-RU"));
    QCOMPARE((*found)->timezone, QStringLiteral("Europe/Moscow"));
    QCOMPARE((*found)->createdAtMs, t);
}

void TriggerStoreTest::commitMergesAttributesIntoStoredOnes()
{
    const TriggerStateRepository state(db());
    const UserRepository users(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    const QString known = QStringLiteral("u-known");
    const QString fresh = QStringLiteral("u-fresh");
    const QJsonObject storedAttributes{{QStringLiteral("plan"), QStringLiteral("free")},
                                       {QStringLiteral("город"), QStringLiteral("Москва")},
                                       {QStringLiteral("tags"), QJsonArray{QStringLiteral("ёлка")}}};
    VT_OK(users.upsert(User{known, QStringLiteral("ru-RU"), QStringLiteral("Europe/Moscow"), storedAttributes, 0, 0}));

    Batch batch;
    batch.activity = {{known, QStringLiteral("profile.updated"), t}, {fresh, QStringLiteral("profile.updated"), t}};
    batch.attributes.insert(
        known, QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}, {QStringLiteral("возраст"), 30}});
    batch.attributes.insert(fresh, QJsonObject{{QStringLiteral("имя"), QStringLiteral("Ёжик")}});
    VT_OK(state.commit(batch, t + 5'000));

    Result<std::optional<User>> merged = users.find(known);
    VT_OK(merged);
    QVERIFY(merged->has_value());
    QCOMPARE((*merged)->attributes, (QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")},
                                                 {QStringLiteral("город"), QStringLiteral("Москва")},
                                                 {QStringLiteral("tags"), QJsonArray{QStringLiteral("ёлка")}},
                                                 {QStringLiteral("возраст"), 30}}));
    QCOMPARE((*merged)->locale, QStringLiteral("ru-RU"));
    QCOMPARE((*merged)->timezone, QStringLiteral("Europe/Moscow"));
    QCOMPARE((*merged)->createdAtMs, t);
    QCOMPARE((*merged)->updatedAtMs, t + 5'000);
    Result<std::optional<User>> created = users.find(fresh);
    VT_OK(created);
    QVERIFY(created->has_value());
    QCOMPARE((*created)->attributes, (QJsonObject{{QStringLiteral("имя"), QStringLiteral("Ёжик")}}));
}

void TriggerStoreTest::commitCreatesUsersNamedOnlyByAttributes()
{
    // "Writes a batch (creating the users it names)": attributes name a user as much as activity does.
    const TriggerStateRepository state(db());
    Batch batch;
    batch.attributes.insert(QStringLiteral("solo"), QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}});
    VT_OK(state.commit(batch, m_clock.nowMs()));

    Result<std::optional<User>> found = UserRepository(db(), m_clock).find(QStringLiteral("solo"));
    VT_OK(found);
    QVERIFY2(found->has_value(), "the attributes of a user the batch only names by them were dropped");
    QCOMPARE((*found)->attributes, (QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}}));
}

void TriggerStoreTest::commitRecordsEventFieldsOnce()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const QString cart = QStringLiteral("cart.item_added");
    Batch first;
    // The same field twice in one batch is one row (PostgreSQL refuses to upsert a row twice in a statement).
    first.eventFields = {{cart, QStringLiteral("название_товара")},
                         {cart, QStringLiteral("товар.цена")},
                         {cart, QStringLiteral("название_товара")},
                         {QStringLiteral("order.paid"), QStringLiteral("сумма")}};
    VT_OK(state.commit(first, t));
    Batch again;
    again.eventFields = {{cart, QStringLiteral("название_товара")}};
    VT_OK(state.commit(again, t + 60'000));

    Result<QMap<QString, QStringList>> fields = state.eventFields();
    VT_OK(fields);
    QCOMPARE(*fields,
             (QMap<QString, QStringList>{{cart, {QStringLiteral("название_товара"), QStringLiteral("товар.цена")}},
                                         {QStringLiteral("order.paid"), {QStringLiteral("сумма")}}}));
    QCOMPARE(scalar(QStringLiteral("SELECT last_seen_at FROM event_fields WHERE field = ?"),
                    {QStringLiteral("название_товара")})
                 .toLongLong(),
             t + 60'000);
    Result<QMap<QString, QStringList>> limited = state.eventFields(1);
    VT_OK(limited);
    QCOMPARE(limited->size(), 1);
}

void TriggerStoreTest::commitKeepsTheFirstJobsOfAnEvent()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const QByteArray jobs = R"([{"user":"анна","template":"cart-reminder"}])";
    Batch first;
    first.processed = {{QStringLiteral("e-1"), jobs}, {QStringLiteral("e-2"), "[]"}};
    VT_OK(state.commit(first, t));

    Result<QHash<QString, QByteArray>> found =
        state.processedJobs({QStringLiteral("e-1"), QStringLiteral("e-2"), QStringLiteral("e-3")});
    VT_OK(found);
    QCOMPARE(*found, (QHash<QString, QByteArray>{{QStringLiteral("e-1"), jobs}, {QStringLiteral("e-2"), "[]"}}));

    // The event again, later and with other jobs: the first record stands.
    Batch repeat;
    repeat.processed = {{QStringLiteral("e-1"), R"([{"user":"борис"}])"}};
    VT_OK(state.commit(repeat, t + 60'000));
    Result<QHash<QString, QByteArray>> again = state.processedJobs({QStringLiteral("e-1")});
    VT_OK(again);
    QCOMPARE(again->value(QStringLiteral("e-1")), jobs);
    QCOMPARE(
        scalar(QStringLiteral("SELECT received_at FROM processed_events WHERE event_id = ?"), {QStringLiteral("e-1")})
            .toLongLong(),
        t);

    Result<QHash<QString, QByteArray>> none = state.processedJobs({});
    VT_OK(none);
    QVERIFY(none->isEmpty());
}

void TriggerStoreTest::processedJobsInChunks()
{
    // More events than one statement takes, written and looked up in chunks.
    const TriggerStateRepository state(db());
    Batch batch;
    QStringList ids;
    QHash<QString, QByteArray> expected;
    for (int i = 0; i < 250; ++i) {
        const QString id = QStringLiteral("событие-%1").arg(i, 3, 10, QLatin1Char('0'));
        const QByteArray jobs = QStringLiteral(R"([{"n":%1}])").arg(i).toUtf8();
        batch.processed.append({id, jobs});
        expected.insert(id, jobs);
        ids << id;
    }
    VT_OK(state.commit(batch, m_clock.nowMs()));
    ids << QStringLiteral("unknown-1") << QStringLiteral("unknown-2");
    Result<QHash<QString, QByteArray>> found = state.processedJobs(ids);
    VT_OK(found);
    QCOMPARE(found->size(), 250);
    QCOMPARE(*found, expected);
}

void TriggerStoreTest::firesSinceListsLaterFiringsOfTheUsers()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const QString u1 = QStringLiteral("анна");
    const QString u2 = QStringLiteral("борис");
    const QString u3 = QStringLiteral("вера");
    Batch batch;
    batch.fires = {{1, u1, QStringLiteral("e-1"), t},
                   {1, u1, QStringLiteral("e-2"), t + 100},
                   {2, u1, QStringLiteral("e-2"), t + 100},
                   {1, u2, QStringLiteral("e-3"), t + 200},
                   {1, u3, QStringLiteral("e-4"), t + 300}};
    VT_OK(state.commit(batch, t + 300));
    // The same firing again (a repeated event) is not counted twice.
    Batch repeat;
    repeat.fires = {{1, u1, QStringLiteral("e-2"), t + 999}};
    VT_OK(state.commit(repeat, t + 999));

    // A firing exactly at `since` is outside the window, as the role counts it.
    Result<QHash<FireKey, QList<qint64>>> since = state.firesSince({u1, u2}, t);
    VT_OK(since);
    QCOMPARE(sorted(*since),
             (QHash<FireKey, QList<qint64>>{{{1, u1}, {t + 100}}, {{2, u1}, {t + 100}}, {{1, u2}, {t + 200}}}));
    Result<QHash<FireKey, QList<qint64>>> all = state.firesSince({u1}, t - 1);
    VT_OK(all);
    QCOMPARE(sorted(*all), (QHash<FireKey, QList<qint64>>{{{1, u1}, {t, t + 100}}, {{2, u1}, {t + 100}}}));
    Result<QHash<FireKey, QList<qint64>>> later = state.firesSince({u1, u2, u3}, t + 200);
    VT_OK(later);
    QCOMPARE(*later, (QHash<FireKey, QList<qint64>>{{{1, u3}, {t + 300}}}));

    Result<QHash<FireKey, QList<qint64>>> nobody = state.firesSince({QStringLiteral("nobody")}, 0);
    VT_OK(nobody);
    QVERIFY(nobody->isEmpty());
    Result<QHash<FireKey, QList<qint64>>> noUsers = state.firesSince({}, 0);
    VT_OK(noUsers);
    QVERIFY(noUsers->isEmpty());
}

void TriggerStoreTest::claimDueTakesOnlyDueSendsInOrder()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const qint64 now = t + 5'000;
    Batch batch;
    batch.scheduled = {scheduled(QStringLiteral("late"), now + 1), scheduled(QStringLiteral("b"), t + 2'000),
                       scheduled(QStringLiteral("a"), t + 1'000), scheduled(QStringLiteral("now"), now),
                       scheduled(QStringLiteral("c"), t + 3'000)};
    VT_OK(state.commit(batch, t));

    Result<Claimed> first = state.claimDue(QStringLiteral("w-1"), now, now + 30'000, 3);
    VT_OK(first);
    QCOMPARE(keysOf(*first), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    QCOMPARE(first->at(0).second, scheduled(QStringLiteral("a"), 0).body);
    QCOMPARE(first->at(2).second, scheduled(QStringLiteral("c"), 0).body);
    Result<Claimed> rest = state.claimDue(QStringLiteral("w-1"), now, now + 30'000, 10);
    VT_OK(rest);
    QCOMPARE(keysOf(*rest), QStringList{QStringLiteral("now")});
    QCOMPARE(rest->at(0).second, scheduled(QStringLiteral("now"), 0).body);
    Result<Claimed> nothing = state.claimDue(QStringLiteral("w-2"), now, now + 30'000, 10);
    VT_OK(nothing);
    QVERIFY(nothing->isEmpty());
    Result<Claimed> late = state.claimDue(QStringLiteral("w-2"), now + 1, now + 30'000, 10);
    VT_OK(late);
    QCOMPARE(keysOf(*late), QStringList{QStringLiteral("late")});
}

void TriggerStoreTest::claimDueRespectsTheLease()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const qint64 leaseEnd = t + 30'000;
    Batch batch;
    batch.scheduled = {scheduled(QStringLiteral("x"), t)};
    VT_OK(state.commit(batch, t));

    Result<Claimed> mine = state.claimDue(QStringLiteral("w-1"), t, leaseEnd, 10);
    VT_OK(mine);
    QCOMPARE(keysOf(*mine), QStringList{QStringLiteral("x")});
    for (const QString &owner : {QStringLiteral("w-2"), QStringLiteral("w-1")}) {
        Result<Claimed> held = state.claimDue(owner, leaseEnd - 1, leaseEnd + 30'000, 10);
        VT_OK(held);
        QVERIFY2(held->isEmpty(), qPrintable(owner + QStringLiteral(" took a send under a running lease")));
    }
    Result<Claimed> taken = state.claimDue(QStringLiteral("w-2"), leaseEnd, leaseEnd + 30'000, 10);
    VT_OK(taken);
    QCOMPARE(keysOf(*taken), QStringList{QStringLiteral("x")});
    QCOMPARE(taken->at(0).second, scheduled(QStringLiteral("x"), 0).body);
    QCOMPARE(scalar(QStringLiteral("SELECT claimed_by FROM scheduled_sends WHERE job_key = ?"), {QStringLiteral("x")})
                 .toString(),
             QStringLiteral("w-2"));
    // Now w-2's lease holds against w-1.
    Result<Claimed> back = state.claimDue(QStringLiteral("w-1"), leaseEnd + 1, leaseEnd + 60'000, 10);
    VT_OK(back);
    QVERIFY(back->isEmpty());
}

void TriggerStoreTest::removeScheduledTakesOnlyThoseKeys()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    Batch batch;
    QStringList sent;
    QStringList waiting;
    for (int i = 0; i < 150; ++i) {
        const QString key = QStringLiteral("k%1").arg(i, 3, 10, QLatin1Char('0'));
        batch.scheduled.append(scheduled(key, t + i));
        (i < 120 ? sent : waiting) << key;
    }
    VT_OK(state.commit(batch, t));
    VT_OK(state.removeScheduled(sent + QStringList{QStringLiteral("ghost")}));
    VT_OK(state.removeScheduled({}));

    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM scheduled_sends")).toInt(), 30);
    Result<Claimed> left = state.claimDue(QStringLiteral("w-1"), t + 1'000, t + 31'000, 1'000);
    VT_OK(left);
    QCOMPARE(keysOf(*left), waiting);
}

void TriggerStoreTest::forgetTakesOnlyOlderRows()
{
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const QString user = QStringLiteral("анна");
    struct Step {
        QString eventId;
        qint64 receivedAtMs;
        qint64 firedAtMs;
    };
    for (const Step &step : {Step{QStringLiteral("e-old"), t, t}, Step{QStringLiteral("e-edge"), t + 1'000, t + 500},
                             Step{QStringLiteral("e-new"), t + 2'000, t + 1'000}}) {
        Batch batch;
        batch.activity = {{user, QStringLiteral("cart.updated"), step.receivedAtMs}};
        batch.processed = {{step.eventId, "[]"}};
        batch.fires = {{7, user, step.eventId, step.firedAtMs}};
        batch.scheduled = {scheduled(step.eventId, t)};
        VT_OK(state.commit(batch, step.receivedAtMs));
    }

    Result<qint64> forgotten = state.forget(t + 1'000, t + 500);
    VT_OK(forgotten);
    QCOMPARE(*forgotten, qint64(2)); // e-old's record and the firing at t

    Result<QHash<QString, QByteArray>> processed =
        state.processedJobs({QStringLiteral("e-old"), QStringLiteral("e-edge"), QStringLiteral("e-new")});
    VT_OK(processed);
    QStringList kept = processed->keys();
    kept.sort();
    QCOMPARE(kept, (QStringList{QStringLiteral("e-edge"), QStringLiteral("e-new")}));
    Result<QHash<FireKey, QList<qint64>>> fires = state.firesSince({user}, 0);
    VT_OK(fires);
    QCOMPARE(sorted(*fires), (QHash<FireKey, QList<qint64>>{{{7, user}, {t + 500, t + 1'000}}}));
    // Scheduled sends, users and their activity are not the idempotency window's.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM scheduled_sends")).toInt(), 3);
    QCOMPARE(scalar(QStringLiteral("SELECT count FROM user_activity WHERE user_id = ?"), {user}).toInt(), 3);

    Result<qint64> again = state.forget(t + 1'000, t + 500);
    VT_OK(again);
    QCOMPARE(*again, qint64(0));
}

void TriggerStoreTest::commitIsAllOrNothing_data()
{
    QTest::addColumn<int>("scheduledRows");
    QTest::addColumn<bool>("dropTable");

    // The last row has no body (NOT NULL); with more rows than one statement takes, the first chunk was in.
    QTest::newRow("scheduled send without a body") << 1 << false;
    QTest::newRow("after a full statement of scheduled sends") << 150 << false;
    QTest::newRow("scheduled sends table gone") << 3 << true;
}

void TriggerStoreTest::commitIsAllOrNothing()
{
    QFETCH(int, scheduledRows);
    QFETCH(bool, dropTable);
    const TriggerStateRepository state(db());
    const UserRepository users(db(), m_clock);
    const UserActivityRepository activity(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    const QString known = QStringLiteral("u-known");
    const QString fresh = QStringLiteral("u-fresh");
    const QString cart = QStringLiteral("cart.updated");
    const QJsonObject storedAttributes{{QStringLiteral("plan"), QStringLiteral("free")}};
    VT_OK(users.upsert(User{known, {}, {}, storedAttributes, 0, 0}));
    VT_OK(activity.record(known, cart, t));

    Batch batch;
    batch.activity = {{known, cart, t + 10}, {fresh, cart, t + 20}};
    batch.attributes.insert(known, QJsonObject{{QStringLiteral("plan"), QStringLiteral("pro")}});
    batch.attributes.insert(fresh, QJsonObject{{QStringLiteral("x"), 1}});
    batch.processed = {{QStringLiteral("e-1"), "[]"}, {QStringLiteral("e-2"), "[]"}};
    batch.fires = {{1, known, QStringLiteral("e-1"), t + 10}};
    for (int i = 0; i < scheduledRows; ++i)
        batch.scheduled.append(scheduled(QStringLiteral("s-%1").arg(i), t + 60'000));
    const bool postgres = db().dialect() == Dialect::Postgres;
    if (dropTable)
        VT_OK(db().execute(QStringLiteral("DROP TABLE scheduled_sends"), QStringLiteral("test: drop a table")));
    else
        batch.scheduled.last().body = QByteArray();

    // PostgreSQL keeps prepared statements per session, rolled back or not. The connection keeps a batch's
    // statements for the next batch (StatementCache), so failed batches, however many, must not add more.
    const QString preparedCount = QStringLiteral("SELECT COUNT(*) FROM pg_prepared_statements");

    const Result<void> committed = state.commit(batch, t + 1'000);
    VT_FAILS_WITH(committed, ErrorCode::Database);
    // PostgreSQL writes the batch as one statement; its error names the table.
    QVERIFY2(committed.error().message.contains(postgres ? QStringLiteral("scheduled_sends")
                                                         : QStringLiteral("cannot schedule the deferred sends")),
             qPrintable(committed.error().message));
    const int preparedAfterOne = postgres ? scalar(preparedCount).toInt() : 0;
    for (int again = 0; again < 3; ++again)
        VT_FAILS_WITH(state.commit(batch, t + 1'000), ErrorCode::Database);

    Result<std::optional<User>> knownUser = users.find(known);
    VT_OK(knownUser);
    QVERIFY(knownUser->has_value());
    QCOMPARE((*knownUser)->attributes, storedAttributes);
    QCOMPARE((*knownUser)->updatedAtMs, t);
    Result<std::optional<User>> freshUser = users.find(fresh);
    VT_OK(freshUser);
    QVERIFY(!freshUser->has_value());
    Result<std::optional<UserActivity>> knownActivity = activity.find(known, cart);
    VT_OK(knownActivity);
    QVERIFY(knownActivity->has_value());
    QCOMPARE(**knownActivity, (UserActivity{known, cart, 1, t, t}));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM user_activity")).toInt(), 1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM processed_events")).toInt(), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM trigger_fires")).toInt(), 0);
    if (!dropTable)
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM scheduled_sends")).toInt(), 0);
    if (postgres)
        QCOMPARE(scalar(preparedCount).toInt(), preparedAfterOne);
}

void TriggerStoreTest::commitKeepsAwkwardTextsAsTheyAre()
{
    // Texts with what SQL and array literals treat as syntax, stored and read back unchanged.
    const TriggerStateRepository state(db());
    const UserRepository users(db(), m_clock);
    const UserActivityRepository activity(db(), m_clock);
    const qint64 t = m_clock.nowMs();
    const QStringList ids{QStringLiteral("a,b"),          QStringLiteral("{brace}"), QStringLiteral("quote\"'"),
                          QStringLiteral("back\\slash"),  QStringLiteral("NULL"),    QStringLiteral(" spaced "),
                          QStringLiteral("Ёжик 🦔")};
    const QString type = QStringLiteral("cart.item_added");
    Batch batch;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        batch.activity.append({ids.at(i), type, t + i});
        batch.processed.append({QStringLiteral("e/") + ids.at(i), QByteArray(R"([{"user_id":"a\"b\\c,{}"}])")});
        batch.fires.append({7, ids.at(i), QStringLiteral("e/") + ids.at(i), t + i});
    }
    batch.attributes.insert(ids.at(2), QJsonObject{{QStringLiteral("имя"), QStringLiteral("О'Нил \"{x}\"")}});
    batch.scheduled.append({QStringLiteral("job,\"1\""), ids.at(3), QByteArray(R"({"body":"\\n"})"), t + 60'000});
    batch.eventFields.append({type, QStringLiteral("товар.название,{1}")});
    VT_OK(state.commit(batch, t + 1'000));

    for (qsizetype i = 0; i < ids.size(); ++i) {
        Result<std::optional<User>> user = users.find(ids.at(i));
        VT_OK(user);
        QVERIFY2(user->has_value(), qPrintable(ids.at(i)));
        Result<std::optional<UserActivity>> stored = activity.find(ids.at(i), type);
        VT_OK(stored);
        QVERIFY2(stored->has_value(), qPrintable(ids.at(i)));
        QCOMPARE(**stored, (UserActivity{ids.at(i), type, 1, t + i, t + i}));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), int(ids.size()));
    Result<std::optional<User>> named = users.find(ids.at(2));
    VT_OK(named);
    QCOMPARE((*named)->attributes, (QJsonObject{{QStringLiteral("имя"), QStringLiteral("О'Нил \"{x}\"")}}));

    Result<QHash<QString, QByteArray>> jobs = state.processedJobs({QStringLiteral("e/") + ids.at(3)});
    VT_OK(jobs);
    QCOMPARE(jobs->value(QStringLiteral("e/") + ids.at(3)), QByteArray(R"([{"user_id":"a\"b\\c,{}"}])"));
    Result<QHash<FireKey, QList<qint64>>> fires = state.firesSince({ids.at(4)}, t);
    VT_OK(fires);
    QCOMPARE(fires->value(FireKey(7, ids.at(4))), (QList<qint64>{t + 4}));

    Result<Claimed> due = state.claimDue(QStringLiteral("w"), t + 60'000, t + 90'000, 10);
    VT_OK(due);
    QCOMPARE(*due, (Claimed{{QStringLiteral("job,\"1\""), QByteArray(R"({"body":"\\n"})")}}));
    Result<QMap<QString, QStringList>> fields = state.eventFields();
    VT_OK(fields);
    QCOMPARE(fields->value(type), QStringList{QStringLiteral("товар.название,{1}")});
}

void TriggerStoreTest::commitIsOneRequestOnPostgres()
{
    if (db().dialect() != Dialect::Postgres)
        QSKIP("one statement per batch is PostgreSQL's way; SQLite commits in its own process");
    // A round trip each for BEGIN, every table's statement and COMMIT would put the trigger's database time on
    // every event's latency: the batch is one statement, prepared once, whatever its number of rows.
    const TriggerStateRepository state(db());
    const qint64 t = m_clock.nowMs();
    const auto batchOf = [t](int events, const QString &prefix) {
        Batch batch;
        for (int i = 0; i < events; ++i) {
            const QString user = prefix + QString::number(i % 3);
            const QString event = prefix + QStringLiteral("-e") + QString::number(i);
            batch.activity.append({user, QStringLiteral("order.cancelled"), t + i});
            batch.processed.append({event, "[]"});
            batch.fires.append({1, user, event, t + i});
        }
        batch.attributes.insert(prefix + QStringLiteral("0"), QJsonObject{{QStringLiteral("plan"), events}});
        batch.scheduled.append(scheduled(prefix + QStringLiteral("-later"), t + 60'000));
        batch.eventFields.append({QStringLiteral("order.cancelled"), prefix});
        return batch;
    };
    VT_OK(state.commit(batchOf(2, QStringLiteral("first")), t)); // prepares the statement

    for (const int events : {1, 5, 40}) {
        const quint64 before = Database::requestsOnThisThread();
        VT_OK(state.commit(batchOf(events, QStringLiteral("b%1").arg(events)), t + events));
        QCOMPARE(Database::requestsOnThisThread() - before, quint64(1));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM processed_events")).toInt(), 2 + 1 + 5 + 40);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM trigger_fires")).toInt(), 2 + 1 + 5 + 40);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM scheduled_sends")).toInt(), 4);
    QCOMPARE(
        scalar(QStringLiteral("SELECT count FROM user_activity WHERE user_id = ?"), {QStringLiteral("b400")}).toInt(),
        14);
}
