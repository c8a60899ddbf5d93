// The console's dashboard endpoints over real HTTPS on a Worker started in the test (SQLite, the embedded bus, the
// trigger and sender roles) with vestnik-sim as FCM: events posted by a service go through trigger rules to pushes,
// and GET /v1/stats counts what happened to them once per delivery (a repeated event's send jobs and a replayed
// tracking report count nothing more), per minute with every minute of the range present, filtered by template and
// by rule; GET /v1/schema/fields lists the user attributes and event fields seen; PATCH /v1/admin/users/{login}
// changes a role (at the next login), disables, enables and sets passwords, audited.
#include "ApiTestSupport.h"
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "Worker.h"
#include "api/StatsEndpoints.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/StatsRepository.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("correct horse battery");

/// The first column of the first row `sql` answers; -1 when it fails.
qint64 scalarOf(const Database &db, const QString &sql)
{
    Result<QSqlQuery> q = db.run(sql, {}, QStringLiteral("test query"));
    return q && q->next() ? q->value(0).toLongLong() : -1;
}
const QString kAnnaPhone = QStringLiteral("stats_anna_phone:APA91b-") + QString(40, QLatin1Char('a'));
const QString kAnnaOldPhone = QStringLiteral("stats_anna_old:APA91b-") + QString(40, QLatin1Char('o'));
const QString kBorisPhone = QStringLiteral("stats_boris_phone:APA91b-") + QString(40, QLatin1Char('b'));
constexpr qint64 kMinute = 60'000;
const QStringList kMetrics{QStringLiteral("queued"),
                           QStringLiteral("sent"),
                           QStringLiteral("failed"),
                           QStringLiteral("failed_invalid_token"),
                           QStringLiteral("failed_permanent"),
                           QStringLiteral("failed_credentials"),
                           QStringLiteral("retry"),
                           QStringLiteral("delivered"),
                           QStringLiteral("opened"),
                           QStringLiteral("clicked"),
                           QStringLiteral("converted")};

using Answer = test::WorkerAnswer;

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject pushTemplate(const QString &title, const QString &body = QStringLiteral("{{название_товара}}"))
{
    return QJsonObject{{QStringLiteral("name"), title},
                       {QStringLiteral("default_locale"), QStringLiteral("ru")},
                       {QStringLiteral("title"), title},
                       {QStringLiteral("body"), body}};
}

/// The `role` claim of an access token (its payload is base64url JSON).
QString roleOf(const QByteArray &accessToken)
{
    const QList<QByteArray> parts = accessToken.split('.');
    if (parts.size() != 3)
        return QString();
    const QByteArray payload =
        QByteArray::fromBase64(parts.at(1), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return QJsonDocument::fromJson(payload).object().value(QStringLiteral("role")).toString();
}

} // namespace

class ApiStatsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void deliveriesAreCountedOnce();
    void seriesIsZeroFilledAndMinuteAligned();
    void statsFilterByTemplateAndRule();
    void badRangesAreRefused();
    void minutesPastRetentionAreDeleted();
    void onlyConsoleRolesReadStats();
    void fieldsListUserAttributesAndEventFields();
    void adminChangesUsersAndItIsAudited();

private:
    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QByteArray &bearer = {});
    Answer login(const QString &name, const QString &password);
    QByteArray loginToken(const QString &name, const QString &password);
    /// GET /v1/stats with `query` as the analyst; its totals.
    QJsonObject totals(const QString &query = QString());
    qint64 healthCounter(const QString &role, const QString &counter);
    void postEvent(const QJsonObject &event);

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<Worker> m_worker;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    QByteArray m_admin;
    QByteArray m_analyst;
    QByteArray m_service; ///< a service's token with events:write
    QString m_cartRule;   ///< the id of the rule "cart.item_added" -> template cart
    QString m_promoRule;  ///< the id of the rule "promo.viewed" -> template promo
};

void ApiStatsTest::initTestCase()
{
    const test::OpenSslTool openssl(m_dir.path());
    const QByteArray account =
        test::writeFcmSimConfig(openssl, m_dir.path(), QStringLiteral("sender@stats-test.iam.gserviceaccount.com"),
                                QStringLiteral("stats-test"));
    QVERIFY(!account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
    // Anna's old phone no longer has the app: its pushes fail with an invalid token.
    QCOMPARE(test::unregisterFcmToken(*m_sim, kAnnaOldPhone), 200);

    const QString dataDir = m_dir.filePath(QStringLiteral("worker"));
    QProcessEnvironment env = test::apiWorkerEnvironment(dataDir, QStringLiteral("trigger,sender"), kAdminPassword);
    test::addSimProviders(env, *m_sim);
    Result<Config> config = Config::fromIni(QString(), QString(), env);
    VT_OK(config);
    m_worker = std::make_unique<Worker>(*config);
    VT_OK(m_worker->start());
    m_tls = test::apiWorkerTls(dataDir);

    m_admin = loginToken(QStringLiteral("admin"), kAdminPassword);
    QVERIFY(!m_admin.isEmpty());
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"anna","password":"analysts secret 42","role":"analyst"})", m_admin)
                 .status,
             201);
    m_analyst = loginToken(QStringLiteral("anna"), QStringLiteral("analysts secret 42"));
    QVERIFY(!m_analyst.isEmpty());
    const Answer client = call("POST", QStringLiteral("/v1/admin/clients"),
                               R"({"name":"shop-backend","scopes":["events:write"]})", m_admin);
    QCOMPARE(client.status, 201);
    const Answer token = call("POST", QStringLiteral("/oauth/token"),
                              QStringLiteral("grant_type=client_credentials&client_id=%1&client_secret=%2")
                                  .arg(client.json.value(QStringLiteral("client_id")).toString(),
                                       client.json.value(QStringLiteral("client_secret")).toString())
                                  .toUtf8());
    QCOMPARE(token.status, 200);
    m_service = token.json.value(QStringLiteral("access_token")).toString().toUtf8();

    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop"), R"({"name":"Магазин"})", m_admin).status, 201);
    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop/credentials/fcm"), account, m_admin).status, 200);
    QCOMPARE(call("PUT", QStringLiteral("/v1/templates/cart"), json(pushTemplate(QStringLiteral("Корзина"))), m_admin)
                 .status,
             201);
    QCOMPARE(call("PUT", QStringLiteral("/v1/templates/promo"),
                  json(pushTemplate(QStringLiteral("Скидка"), QStringLiteral("{{скидка}}%"))), m_admin)
                 .status,
             201);
    const auto rule = [this](const QString &eventType, const QString &templateId) {
        const Answer created = call("POST", QStringLiteral("/v1/trigger-rules"),
                                    json(QJsonObject{{QStringLiteral("name"), eventType},
                                                     {QStringLiteral("event_type"), eventType},
                                                     {QStringLiteral("template_id"), templateId}}),
                                    m_admin);
        return created.status == 201 ? QString::number(created.json.value(QStringLiteral("id")).toInteger())
                                     : QString();
    };
    m_cartRule = rule(QStringLiteral("cart.item_added"), QStringLiteral("cart"));
    m_promoRule = rule(QStringLiteral("promo.viewed"), QStringLiteral("promo"));
    QVERIFY(!m_cartRule.isEmpty() && !m_promoRule.isEmpty());
    // The rules are in force (the trigger role reloads them after a change).
    QTRY_COMPARE_WITH_TIMEOUT(healthCounter(QStringLiteral("trigger"), QStringLiteral("rules")), 2, 15'000);

    const DeviceRepository devices(m_worker->database(), SystemClock::instance(), m_worker->sealer());
    for (const auto &[user, deviceToken] :
         {std::pair(QStringLiteral("u-anna"), kAnnaPhone), std::pair(QStringLiteral("u-anna"), kAnnaOldPhone),
          std::pair(QStringLiteral("u-boris"), kBorisPhone)})
        VT_OK(devices.registerDevice(user, QStringLiteral("shop"), Platform::Android, deviceToken));
}

void ApiStatsTest::cleanupTestCase()
{
    if (m_worker)
        m_worker->shutdown();
    m_worker.reset();
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

Answer ApiStatsTest::call(const QByteArray &method, const QString &path, const QByteArray &body,
                          const QByteArray &bearer)
{
    QNetworkRequest request(m_worker->url().resolved(QUrl(path)));
    request.setSslConfiguration(m_tls);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          body.startsWith("grant_type") ? QByteArrayLiteral("application/x-www-form-urlencoded")
                                                        : QByteArrayLiteral("application/json"));
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    return test::sendWorkerRequest(m_network, request, method, body, 30'000);
}

Answer ApiStatsTest::login(const QString &name, const QString &password)
{
    return call("POST", QStringLiteral("/v1/auth/login"),
                json(QJsonObject{{QStringLiteral("login"), name}, {QStringLiteral("password"), password}}));
}

QByteArray ApiStatsTest::loginToken(const QString &name, const QString &password)
{
    return login(name, password).json.value(QStringLiteral("access_token")).toString().toUtf8();
}

QJsonObject ApiStatsTest::totals(const QString &query)
{
    const Answer answer = call("GET", QStringLiteral("/v1/stats") + query, {}, m_analyst);
    if (answer.status != 200)
        qWarning("GET /v1/stats%s: %d %s", qPrintable(query), answer.status, answer.body.constData());
    return answer.json.value(QStringLiteral("totals")).toObject();
}

qint64 ApiStatsTest::healthCounter(const QString &role, const QString &counter)
{
    return call("GET", QStringLiteral("/healthz")).json.value(role).toObject().value(counter).toInteger();
}

void ApiStatsTest::postEvent(const QJsonObject &event)
{
    const Answer posted = call("POST", QStringLiteral("/v1/events"), json(event), m_service);
    QCOMPARE(posted.status, 202);
}

void ApiStatsTest::deliveriesAreCountedOnce()
{
    const QJsonObject event{
        {QStringLiteral("id"), QStringLiteral("cart-1")},
        {QStringLiteral("type"), QStringLiteral("cart.item_added")},
        {QStringLiteral("user_id"), QStringLiteral("u-anna")},
        {QStringLiteral("occurred_at"), QDateTime::currentMSecsSinceEpoch()},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("название_товара"), QStringLiteral("Чайник")},
                                             {QStringLiteral("товар"), QJsonObject{{QStringLiteral("цена"), 990}}}}},
        {QStringLiteral("attributes"), QJsonObject{{QStringLiteral("имя"), QStringLiteral("Анна")}}},
    };
    postEvent(event);
    // Two devices: one push accepted, one refused for its dead token.
    QTRY_COMPARE_WITH_TIMEOUT(totals().value(QStringLiteral("sent")).toInteger(), 1, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(totals().value(QStringLiteral("failed_invalid_token")).toInteger(), 1, 30'000);
    const qint64 jobsBefore = healthCounter(QStringLiteral("delivery"), QStringLiteral("jobs"));

    // The same event again: its stored send job goes to the senders a second time, and finds its deliveries.
    postEvent(event);
    QTRY_COMPARE_WITH_TIMEOUT(healthCounter(QStringLiteral("trigger"), QStringLiteral("duplicates")), 1, 30'000);
    QTRY_COMPARE_WITH_TIMEOUT(healthCounter(QStringLiteral("delivery"), QStringLiteral("jobs")), jobsBefore + 1,
                              30'000);

    // The app reports the push: once counted, a replay refused and not counted.
    const QJsonObject data =
        test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?token=") + kAnnaPhone)
            .json()
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(kAnnaPhone)
            .toObject()
            .value(QStringLiteral("last_payload"))
            .toObject()
            .value(QStringLiteral("message"))
            .toObject()
            .value(QStringLiteral("data"))
            .toObject();
    QVERIFY(!data.value(QStringLiteral("vestnik_track")).toString().isEmpty());
    const auto track = [&](const QString &what) {
        return call("POST", QStringLiteral("/v1/track"),
                    json(QJsonObject{{QStringLiteral("notification_id"), data.value(QStringLiteral("vestnik_nid"))},
                                     {QStringLiteral("event"), what},
                                     {QStringLiteral("tracking_token"), data.value(QStringLiteral("vestnik_track"))}}))
            .status;
    };
    QCOMPARE(track(QStringLiteral("delivered")), 204);
    QCOMPARE(track(QStringLiteral("delivered")), 409);
    QCOMPARE(track(QStringLiteral("opened")), 204);
    QCOMPARE(track(QStringLiteral("opened")), 409);

    const QJsonObject counted = totals();
    QCOMPARE(counted.value(QStringLiteral("queued")).toInteger(), 2);
    QCOMPARE(counted.value(QStringLiteral("sent")).toInteger(), 1);
    QCOMPARE(counted.value(QStringLiteral("failed_invalid_token")).toInteger(), 1);
    QCOMPARE(counted.value(QStringLiteral("failed")).toInteger(), 1);
    QCOMPARE(counted.value(QStringLiteral("failed_permanent")).toInteger(), 0);
    QCOMPARE(counted.value(QStringLiteral("delivered")).toInteger(), 1);
    QCOMPARE(counted.value(QStringLiteral("opened")).toInteger(), 1);
    QCOMPARE(counted.value(QStringLiteral("clicked")).toInteger(), 0);
    QCOMPARE(counted.value(QStringLiteral("retry")).toInteger(), 0);
    for (const QString &metric : kMetrics)
        QVERIFY2(counted.value(metric).isDouble(), qPrintable(metric));
}

void ApiStatsTest::seriesIsZeroFilledAndMinuteAligned()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 currentMinute = now / kMinute * kMinute;
    // Ends that fall inside minutes: the range widens to whole minutes, the end exclusive.
    const qint64 from = currentMinute - 30 * kMinute + 1'234;
    const qint64 to = currentMinute + 45'678;
    const Answer answer = call("GET", QStringLiteral("/v1/stats?from=%1&to=%2").arg(from).arg(to), {}, m_analyst);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json.value(QStringLiteral("from")).toInteger(), currentMinute - 30 * kMinute);
    QCOMPARE(answer.json.value(QStringLiteral("to")).toInteger(), currentMinute + kMinute);
    QCOMPARE(answer.json.value(QStringLiteral("step_ms")).toInteger(), kMinute);
    const QJsonArray series = answer.json.value(QStringLiteral("series")).toArray();
    QCOMPARE(series.size(), 31);
    qint64 sent = 0;
    int minutesWithAnything = 0;
    for (qsizetype i = 0; i < series.size(); ++i) {
        const QJsonObject minute = series.at(i).toObject();
        QCOMPARE(minute.value(QStringLiteral("minute")).toInteger(), currentMinute - (30 - i) * kMinute);
        bool any = false;
        for (const QString &metric : kMetrics) {
            QVERIFY2(minute.value(metric).isDouble(), qPrintable(metric)); // present, zero when nothing happened
            any = any || minute.value(metric).toInteger() != 0;
        }
        minutesWithAnything += any ? 1 : 0;
        sent += minute.value(QStringLiteral("sent")).toInteger();
    }
    // The earlier test's pushes went out within the last few minutes; every other minute is zero.
    QVERIFY(minutesWithAnything >= 1 && minutesWithAnything <= 3);
    QCOMPARE(sent, answer.json.value(QStringLiteral("totals")).toObject().value(QStringLiteral("sent")).toInteger());
    QCOMPARE(sent, 1);

    // By default the last 60 minutes, the current one last.
    const Answer defaults = call("GET", QStringLiteral("/v1/stats"), {}, m_analyst);
    QCOMPARE(defaults.status, 200);
    const QJsonArray hour = defaults.json.value(QStringLiteral("series")).toArray();
    QCOMPARE(hour.size(), 60);
    const qint64 last = hour.last().toObject().value(QStringLiteral("minute")).toInteger();
    QVERIFY(last >= currentMinute && last <= QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(defaults.json.value(QStringLiteral("to")).toInteger(), last + kMinute);
    QCOMPARE(defaults.json.value(QStringLiteral("from")).toInteger(), last - 59 * kMinute);
    // A range before anything happened: all zero.
    const Answer before = call("GET", QStringLiteral("/v1/stats?from=0&to=%1").arg(5 * kMinute), {}, m_analyst);
    QCOMPARE(before.status, 200);
    QCOMPARE(before.json.value(QStringLiteral("series")).toArray().size(), 5);
    for (const QString &metric : kMetrics)
        QCOMPARE(before.json.value(QStringLiteral("totals")).toObject().value(metric).toInteger(), 0);
}

void ApiStatsTest::statsFilterByTemplateAndRule()
{
    postEvent(QJsonObject{{QStringLiteral("id"), QStringLiteral("promo-1")},
                          {QStringLiteral("type"), QStringLiteral("promo.viewed")},
                          {QStringLiteral("user_id"), QStringLiteral("u-boris")},
                          {QStringLiteral("occurred_at"), QDateTime::currentMSecsSinceEpoch()},
                          {QStringLiteral("data"), QJsonObject{{QStringLiteral("скидка"), 10}}}});
    QTRY_COMPARE_WITH_TIMEOUT(totals().value(QStringLiteral("sent")).toInteger(), 2, 30'000);

    const auto counted = [this](const QString &query, const QString &metric) {
        return totals(query).value(metric).toInteger();
    };
    QCOMPARE(counted(QStringLiteral("?template_id=promo"), QStringLiteral("sent")), 1);
    QCOMPARE(counted(QStringLiteral("?template_id=promo"), QStringLiteral("queued")), 1);
    QCOMPARE(counted(QStringLiteral("?template_id=cart"), QStringLiteral("queued")), 2);
    QCOMPARE(counted(QStringLiteral("?template_id=cart"), QStringLiteral("failed_invalid_token")), 1);
    QCOMPARE(counted(QStringLiteral("?rule_id=") + m_promoRule, QStringLiteral("sent")), 1);
    QCOMPARE(counted(QStringLiteral("?rule_id=") + m_cartRule, QStringLiteral("queued")), 2);
    QCOMPARE(counted(QStringLiteral("?rule_id=") + m_cartRule, QStringLiteral("delivered")), 1);
    QCOMPARE(counted(QStringLiteral("?template_id=cart&rule_id=") + m_cartRule, QStringLiteral("sent")), 1);
    QCOMPARE(counted(QStringLiteral("?template_id=cart&rule_id=") + m_promoRule, QStringLiteral("queued")), 0);
    QCOMPARE(counted(QStringLiteral("?template_id=nosuch"), QStringLiteral("queued")), 0);
    QCOMPARE(counted(QString(), QStringLiteral("queued")), 3);
}

void ApiStatsTest::badRangesAreRefused()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 week = 7 * 24 * 60 * kMinute;
    for (const QString &query :
         {QStringLiteral("?from=%1&to=%2").arg(now).arg(now - kMinute), QStringLiteral("?from=%1&to=%1").arg(now),
          QStringLiteral("?from=%1&to=%2").arg(now - week - kMinute).arg(now),
          QStringLiteral("?from=%1").arg(now - 8 * 24 * 60 * kMinute), QStringLiteral("?to=yesterday"),
          QStringLiteral("?from=-60000"), QStringLiteral("?from=1.5")}) {
        const Answer refused = call("GET", QStringLiteral("/v1/stats") + query, {}, m_analyst);
        QVERIFY2(refused.status == 400, qPrintable(query));
        QCOMPARE(refused.errorCode(), QStringLiteral("invalid_request"));
    }
    // Exactly seven days is allowed.
    const qint64 end = now / kMinute * kMinute;
    const Answer week7 = call("GET", QStringLiteral("/v1/stats?from=%1&to=%2").arg(end - week).arg(end), {}, m_analyst);
    QCOMPARE(week7.status, 200);
    QCOMPARE(week7.json.value(QStringLiteral("series")).toArray().size(), 7 * 24 * 60);
}

void ApiStatsTest::minutesPastRetentionAreDeleted()
{
    // A clock 200 days in the past, so that the other tests' minutes (today's) are never past its retention; minutes
    // 100, 91 and 89 days before its now, and its now.
    constexpr qint64 kDay = 24LL * 60 * 60'000;
    ManualClock clock(SystemClock::instance().nowMs() - 200 * kDay);
    const Database &db = m_worker->database();
    const StatsRepository stats(db);
    StatsRepository::Tally tally;
    for (const qint64 age : {100 * kDay, 91 * kDay, 89 * kDay, qint64(0)})
        tally.add(clock.nowMs() - age, QStringLiteral("old-sale"), QString(), DeliveryMetric::Sent, 2);
    VT_OK(stats.add(tally));
    const auto minutesLeft = [&] {
        Result<QMap<qint64, StatsRepository::Counts>> minutes =
            stats.minutes(clock.nowMs() - 101 * kDay, clock.nowMs() + kDay, {QStringLiteral("old-sale"), QString()});
        return minutes ? minutes->size() : -1;
    };
    const auto forgetOld = [](const StatsEndpoints &endpoints) {
        Result<qint64> forgotten = endpoints.forgetOld();
        return forgotten ? *forgotten : -1;
    };
    QCOMPARE(minutesLeft(), 4);
    const qint64 todaysRows = scalarOf(db, QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute")) - 16;

    StatsEndpoints endpoints(db, clock);
    // Retention 0 keeps everything.
    endpoints.startRetention(std::chrono::milliseconds(0));
    QCOMPARE(forgetOld(endpoints), 0);
    // 90 days: the first pass runs right after start-up and deletes the two older minutes, a row at each of the
    // four scopes.
    endpoints.startRetention(std::chrono::days(90));
    QTRY_COMPARE(minutesLeft(), 2);
    QCOMPARE(forgetOld(endpoints), 0);
    // Two days later the 89-day-old minute is past retention too.
    clock.advance(std::chrono::days(2));
    QCOMPARE(forgetOld(endpoints), 4);
    QCOMPARE(minutesLeft(), 1);
    QCOMPARE(scalarOf(db, QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute")), todaysRows + 4);
}

void ApiStatsTest::onlyConsoleRolesReadStats()
{
    for (const QString &path : {QStringLiteral("/v1/stats"), QStringLiteral("/v1/schema/fields")}) {
        QCOMPARE(call("GET", path).status, 401);
        const Answer service = call("GET", path, {}, m_service);
        QCOMPARE(service.status, 403);
        QCOMPARE(call("GET", path, {}, m_analyst).status, 200);
        QCOMPARE(call("GET", path, {}, m_admin).status, 200);
    }
}

void ApiStatsTest::fieldsListUserAttributesAndEventFields()
{
    const Answer fields = call("GET", QStringLiteral("/v1/schema/fields"), {}, m_analyst);
    QCOMPARE(fields.status, 200);
    const QJsonArray attributes = fields.json.value(QStringLiteral("user_attributes")).toArray();
    QVERIFY2(attributes.contains(QStringLiteral("имя")), fields.body.constData());
    const QJsonObject events = fields.json.value(QStringLiteral("event_fields")).toObject();
    const QJsonArray cart = events.value(QStringLiteral("cart.item_added")).toArray();
    QVERIFY2(cart.contains(QStringLiteral("название_товара")), fields.body.constData());
    QVERIFY2(cart.contains(QStringLiteral("товар.цена")), fields.body.constData());
    QCOMPARE(events.value(QStringLiteral("promo.viewed")).toArray(), QJsonArray{QStringLiteral("скидка")});
}

void ApiStatsTest::adminChangesUsersAndItIsAudited()
{
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"olga","password":"first password 1","role":"analyst"})", m_admin)
                 .status,
             201);
    const QByteArray before = loginToken(QStringLiteral("olga"), QStringLiteral("first password 1"));
    QCOMPARE(roleOf(before), QStringLiteral("analyst"));

    const Answer promoted = call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"role":"marketer"})", m_admin);
    QCOMPARE(promoted.status, 200);
    QCOMPARE(promoted.json.value(QStringLiteral("role")).toString(), QStringLiteral("marketer"));
    QCOMPARE(promoted.json.value(QStringLiteral("disabled")).toBool(), false);
    // The token she holds keeps its role until it runs out; the next login carries the new one.
    QCOMPARE(
        call("PUT", QStringLiteral("/v1/templates/olga"), json(pushTemplate(QStringLiteral("Ольга"))), before).status,
        403);
    const QByteArray after = loginToken(QStringLiteral("olga"), QStringLiteral("first password 1"));
    QCOMPARE(roleOf(after), QStringLiteral("marketer"));
    QCOMPARE(
        call("PUT", QStringLiteral("/v1/templates/olga"), json(pushTemplate(QStringLiteral("Ольга"))), after).status,
        201);

    // Disabled: no login; enabled again: her password works as before; a new password replaces the old one.
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"disabled":true})", m_admin)
                 .json.value(QStringLiteral("disabled"))
                 .toBool(),
             true);
    QCOMPARE(login(QStringLiteral("olga"), QStringLiteral("first password 1")).status, 400);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"disabled":false})", m_admin).status, 200);
    QCOMPARE(login(QStringLiteral("olga"), QStringLiteral("first password 1")).status, 200);
    QCOMPARE(
        call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"password":"second password 2"})", m_admin).status,
        200);
    QCOMPARE(login(QStringLiteral("olga"), QStringLiteral("first password 1")).status, 400);
    QCOMPARE(login(QStringLiteral("olga"), QStringLiteral("second password 2")).status, 200);

    // Refused requests change nothing.
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"role":"owner"})", m_admin).status, 400);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"role":"analyst","password":"short"})", m_admin)
                 .status,
             400);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"disabled":"yes"})", m_admin).status, 400);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), "{}", m_admin).status, 400);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/nobody"), R"({"role":"analyst"})", m_admin).status, 404);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/admin"), R"({"role":"analyst"})", m_admin).status, 409);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"role":"admin"})", after).status, 403);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/admin/users/olga"), R"({"role":"admin"})", m_service).status, 403);
    QCOMPARE(roleOf(loginToken(QStringLiteral("olga"), QStringLiteral("second password 2"))),
             QStringLiteral("marketer"));

    // Each change is in the audit log with who made it; the password is not.
    const Answer audit = call("GET", QStringLiteral("/v1/audit?action=user.update&target=olga"), {}, m_admin);
    QCOMPARE(audit.status, 200);
    const QJsonArray entries = audit.json.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 4);
    const QJsonObject first = entries.last().toObject(); // newest first
    QCOMPARE(first.value(QStringLiteral("actor")).toString(), QStringLiteral("admin"));
    QCOMPARE(first.value(QStringLiteral("detail")).toObject().value(QStringLiteral("role")).toString(),
             QStringLiteral("marketer"));
    QCOMPARE(entries.first().toObject().value(QStringLiteral("detail")).toObject(),
             (QJsonObject{{QStringLiteral("password_changed"), true}}));
    QVERIFY(!audit.body.contains("second password"));
    QVERIFY(!audit.body.contains("first password"));
}

QTEST_MAIN(ApiStatsTest)
#include "ApiStatsTest.moc"
