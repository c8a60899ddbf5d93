// The people-data endpoints (devices, users, delivery look-up) over real HTTPS on a Worker started in the test,
// on SQLite or (VESTNIK_TEST_DIALECT=postgres) on a PostgreSQL database of its own: registration is idempotent,
// lists show masked tokens only, bad and SQL-looking input is refused or harmless, the role/scope matrix holds,
// every change is audited, forgetting a user removes their devices, deliveries page newest first. The proof of
// issue 7: no raw device token in any answer, in the database's bytes (SQLite file and WAL, or every text
// column of PostgreSQL) or in any log line of the run.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "TestServices.h"
#include "Worker.h"
#include "model/App.h"
#include "model/Delivery.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeliveryRepository.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>

#include <memory>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("correct horse battery");
const QString kApp = QStringLiteral("shop");
// Tokens as an app would send them; none may appear anywhere but in the requests that carry them.
const QString kTokenA = QStringLiteral("fcmRAWtokenAAAA:APA91bE7q2Zk8xQw3LmN5pRsTuVwXyZ0123456789abcdefAAAA");
const QString kTokenB = QStringLiteral("apnsRAWtokenBBBB0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899BBBB");
const QString kTokenC = QStringLiteral("fcmRAWtokenCCCC:refreshedAfterRotation9876543210zyxwvutsrqponmlkCCCC");
const QString kTokenD = QStringLiteral("fcmRAWtokenDDDD:forgottenUsersDevice0000000000000000000000000000DDDD");
const QString kTokenE = QStringLiteral("fcmRAWtokenEEEE:sqlLookingUsersDevice11111111111111111111111111EEEE");
const QString kSqlLooking = QStringLiteral("x'; DROP TABLE devices; --");

QStringList rawTokens()
{
    return {kTokenA, kTokenB, kTokenC, kTokenD, kTokenE};
}

/// Everything the process logged, for the check that no token reached a log line.
QMutex logMutex;
QByteArray capturedLog;
QtMessageHandler previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        const QMutexLocker lock(&logMutex);
        capturedLog += message.toUtf8() + '\n';
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

using Answer = test::WorkerAnswer;

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString pathId(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

} // namespace

class ApiPeopleTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void devicesRegisterListUpdateUnregister();
    void badInputIsRefusedWithCodeAndMessage();
    void sqlLookingInputIsHarmless();
    void rolesAndScopesDecide();
    void usersUpsertReadAndForget();
    void deliveriesLookUpAndPaging();
    void changesAreAudited();
    void noRawTokenAtRestOrInAnswers();

private:
    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QByteArray &bearer = {}, const QByteArray &contentType = "application/json");
    QByteArray login(const QString &login, const QString &password);
    QByteArray serviceToken(const QStringList &scopes);
    /// Every stored byte of the database: the SQLite file and its WAL, or every text-like column of PostgreSQL.
    QByteArray storedBytes();

    bool m_postgres = false;
    QTemporaryDir m_dir;
    std::unique_ptr<Worker> m_worker;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    QByteArray m_admin;
    QByteArray m_writer;  ///< service with devices:write
    QByteArray m_reader;  ///< service with devices:read
    QByteArray m_tracker; ///< service with track:write only
    QByteArray m_analyst;
    QByteArray m_marketer;
    QByteArrayList m_answers; ///< every answer body of the run
};

void ApiPeopleTest::initTestCase()
{
    previousHandler = qInstallMessageHandler(captureMessage);
    QLoggingCategory::setFilterRules(QStringLiteral("vestnik.*=true"));
    m_postgres = qEnvironmentVariable("VESTNIK_TEST_DIALECT") == QStringLiteral("postgres");
    QProcessEnvironment env = test::apiWorkerEnvironment(m_dir.path(), QStringLiteral("trigger"), kAdminPassword);
    if (m_postgres) {
        const Result<DatabaseSettings> pg = test::createPostgresDatabase(
            QStringLiteral("api_people_") + QUuid::createUuid().toString(QUuid::Id128).left(12));
        VT_OK(pg);
        env.insert(QStringLiteral("VESTNIK_DATABASE_DRIVER"), QStringLiteral("postgres"));
        env.insert(QStringLiteral("VESTNIK_DATABASE_HOST"), pg->host);
        env.insert(QStringLiteral("VESTNIK_DATABASE_PORT"), QString::number(pg->port));
        env.insert(QStringLiteral("VESTNIK_DATABASE_NAME"), pg->name);
        env.insert(QStringLiteral("VESTNIK_DATABASE_USER"), pg->user);
        env.insert(QStringLiteral("VESTNIK_DATABASE_PASSWORD"), pg->password);
    }
    Result<Config> config = Config::fromIni(QString(), QString(), env);
    VT_OK(config);
    m_worker = std::make_unique<Worker>(*config);
    VT_OK(m_worker->start());
    QCOMPARE(m_worker->url().scheme(), QStringLiteral("https"));
    QCOMPARE(m_worker->database().dialect(), m_postgres ? Dialect::Postgres : Dialect::Sqlite);
    m_tls = test::apiWorkerTls(m_dir.path());
    VT_OK(AppRepository(m_worker->database(), SystemClock::instance(), m_worker->sealer())
              .upsert(App{kApp, QStringLiteral("Shop"), 0}));

    m_admin = login(QStringLiteral("admin"), kAdminPassword);
    QVERIFY(!m_admin.isEmpty());
    for (const QString &role : {QStringLiteral("analyst"), QStringLiteral("marketer")}) {
        const Answer created = call("POST", QStringLiteral("/v1/admin/users"),
                                    jsonBody({{QStringLiteral("login"), role},
                                              {QStringLiteral("password"), kAdminPassword},
                                              {QStringLiteral("role"), role}}),
                                    m_admin);
        QCOMPARE(created.status, 201);
    }
    m_analyst = login(QStringLiteral("analyst"), kAdminPassword);
    m_marketer = login(QStringLiteral("marketer"), kAdminPassword);
    m_writer = serviceToken({QStringLiteral("devices:write")});
    m_reader = serviceToken({QStringLiteral("devices:read")});
    m_tracker = serviceToken({QStringLiteral("track:write")});
    QVERIFY(!m_analyst.isEmpty() && !m_marketer.isEmpty());
    QVERIFY(!m_writer.isEmpty() && !m_reader.isEmpty() && !m_tracker.isEmpty());
}

void ApiPeopleTest::cleanupTestCase()
{
    if (m_worker)
        m_worker->shutdown();
    m_worker.reset();
    qInstallMessageHandler(previousHandler);
    // Nothing the worker logged, from start to shutdown, holds a raw token.
    const QMutexLocker lock(&logMutex);
    QVERIFY(!capturedLog.isEmpty());
    for (const QString &token : rawTokens())
        QVERIFY2(!capturedLog.contains(token.toUtf8()), "a raw device token in the log");
}

Answer ApiPeopleTest::call(const QByteArray &method, const QString &path, const QByteArray &body,
                           const QByteArray &bearer, const QByteArray &contentType)
{
    QNetworkRequest request(QUrl(m_worker->url().toString(QUrl::StripTrailingSlash) + path));
    request.setSslConfiguration(m_tls);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    const Answer answer = test::sendWorkerRequest(m_network, request, method, body, 15'000);
    m_answers.append(answer.body);
    return answer;
}

QByteArray ApiPeopleTest::login(const QString &login, const QString &password)
{
    const Answer answer = call("POST", QStringLiteral("/v1/auth/login"),
                               jsonBody({{QStringLiteral("login"), login}, {QStringLiteral("password"), password}}));
    return answer.json.value(QStringLiteral("access_token")).toString().toUtf8();
}

QByteArray ApiPeopleTest::serviceToken(const QStringList &scopes)
{
    const Answer created = call("POST", QStringLiteral("/v1/admin/clients"),
                                jsonBody({{QStringLiteral("name"), scopes.join(QLatin1Char(' '))},
                                          {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}}),
                                m_admin);
    if (created.status != 201)
        return {};
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), created.json.value(QStringLiteral("client_id")).toString());
    form.addQueryItem(
        QStringLiteral("client_secret"),
        QString::fromLatin1(QUrl::toPercentEncoding(created.json.value(QStringLiteral("client_secret")).toString())));
    const Answer granted = call("POST", QStringLiteral("/oauth/token"), form.toString(QUrl::FullyEncoded).toUtf8(), {},
                                "application/x-www-form-urlencoded");
    return granted.json.value(QStringLiteral("access_token")).toString().toUtf8();
}

void ApiPeopleTest::devicesRegisterListUpdateUnregister()
{
    const QJsonObject registration{{QStringLiteral("app_id"), kApp},
                                   {QStringLiteral("platform"), QStringLiteral("android")},
                                   {QStringLiteral("token"), kTokenA},
                                   {QStringLiteral("locale"), QStringLiteral("ru-RU")}};
    const Answer first = call("POST", QStringLiteral("/v1/users/u-1/devices"), jsonBody(registration), m_writer);
    QCOMPARE(first.status, 201);
    const qint64 id = first.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);
    QCOMPARE(first.json.value(QStringLiteral("token_masked")).toString(),
             kTokenA.left(4) + QStringLiteral("…") + kTokenA.right(4));
    QCOMPARE(
        first.json.value(QStringLiteral("token_fingerprint")).toString(),
        QString::fromLatin1(QCryptographicHash::hash(kTokenA.toUtf8(), QCryptographicHash::Sha256).toHex().left(12)));
    // The same token again: the same device, 200.
    const Answer again = call("POST", QStringLiteral("/v1/users/u-1/devices"), jsonBody(registration), m_writer);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("id")).toInteger(), id);
    const Answer ios = call("POST", QStringLiteral("/v1/users/u-1/devices"),
                            jsonBody({{QStringLiteral("app_id"), kApp},
                                      {QStringLiteral("platform"), QStringLiteral("ios")},
                                      {QStringLiteral("token"), kTokenB}}),
                            m_admin);
    QCOMPARE(ios.status, 201);

    const Answer listed = call("GET", QStringLiteral("/v1/users/u-1/devices"), {}, m_reader);
    QCOMPARE(listed.status, 200);
    const QJsonArray devices = listed.json.value(QStringLiteral("devices")).toArray();
    QCOMPARE(devices.size(), 2);
    QCOMPARE(devices.at(0).toObject().value(QStringLiteral("platform")).toString(), QStringLiteral("android"));
    QCOMPARE(devices.at(0).toObject().value(QStringLiteral("locale")).toString(), QStringLiteral("ru-RU"));
    QCOMPARE(devices.at(1).toObject().value(QStringLiteral("platform")).toString(), QStringLiteral("ios"));
    QVERIFY(!devices.at(0).toObject().contains(QStringLiteral("token")));

    // The app refreshed its token: same device id, new token (masked), new locale.
    const Answer updated = call(
        "PATCH", QStringLiteral("/v1/devices/%1").arg(id),
        jsonBody({{QStringLiteral("token"), kTokenC}, {QStringLiteral("locale"), QStringLiteral("en")}}), m_writer);
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(updated.json.value(QStringLiteral("locale")).toString(), QStringLiteral("en"));
    QCOMPARE(updated.json.value(QStringLiteral("token_masked")).toString(),
             kTokenC.left(4) + QStringLiteral("…") + kTokenC.right(4));
    // Another device's token for this one: 409.
    const Answer clash = call("PATCH", QStringLiteral("/v1/devices/%1").arg(id),
                              jsonBody({{QStringLiteral("token"), kTokenB}}), m_writer);
    QCOMPARE(clash.status, 409);
    QCOMPARE(clash.errorCode(), QStringLiteral("conflict"));

    const Answer removed = call("DELETE", QStringLiteral("/v1/devices/%1").arg(id), {}, m_writer);
    QCOMPARE(removed.status, 200);
    QCOMPARE(removed.json.value(QStringLiteral("active")).toBool(), false);
    QCOMPARE(removed.json.value(QStringLiteral("deactivation_reason")).toString(), QStringLiteral("unregistered"));
    QCOMPARE(call("DELETE", QStringLiteral("/v1/devices/999999"), {}, m_writer).status, 404);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/devices/999999"), R"({"locale":"de"})", m_writer).status, 404);
    const Answer after = call("GET", QStringLiteral("/v1/users/u-1/devices"), {}, m_analyst);
    QCOMPARE(after.status, 200);
    QCOMPARE(
        after.json.value(QStringLiteral("devices")).toArray().at(0).toObject().value(QStringLiteral("active")).toBool(),
        false);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/nobody/devices"), {}, m_reader).status, 404);
}

void ApiPeopleTest::badInputIsRefusedWithCodeAndMessage()
{
    struct Case {
        QByteArray body;
        int status;
        QString code;
        QString messagePart;
    };
    const QString longToken(5000, QLatin1Char('t'));
    const QList<Case> cases{
        {"not json", 400, QStringLiteral("invalid_json"), QStringLiteral("JSON")},
        {jsonBody({{QStringLiteral("app_id"), kApp}, {QStringLiteral("platform"), QStringLiteral("android")}}), 400,
         QStringLiteral("invalid_request"), QStringLiteral("'token'")},
        {jsonBody({{QStringLiteral("app_id"), kApp},
                   {QStringLiteral("platform"), QStringLiteral("android")},
                   {QStringLiteral("token"), QString()}}),
         400, QStringLiteral("invalid_request"), QStringLiteral("'token'")},
        {jsonBody({{QStringLiteral("app_id"), kApp},
                   {QStringLiteral("platform"), QStringLiteral("android")},
                   {QStringLiteral("token"), longToken}}),
         400, QStringLiteral("invalid_request"), QStringLiteral("longer than")},
        {jsonBody({{QStringLiteral("app_id"), kApp},
                   {QStringLiteral("platform"), QStringLiteral("blackberry")},
                   {QStringLiteral("token"), QStringLiteral("tok-1234567890abcdef")}}),
         400, QStringLiteral("invalid_request"), QStringLiteral("'platform'")},
        {jsonBody({{QStringLiteral("app_id"), QStringLiteral("no-such-app")},
                   {QStringLiteral("platform"), QStringLiteral("android")},
                   {QStringLiteral("token"), QStringLiteral("tok-1234567890abcdef")}}),
         422, QStringLiteral("unknown_app"), QStringLiteral("no-such-app")},
        {jsonBody({{QStringLiteral("app_id"), kApp},
                   {QStringLiteral("platform"), QStringLiteral("android")},
                   {QStringLiteral("token"), 42}}),
         400, QStringLiteral("invalid_request"), QStringLiteral("must be a string")},
        {jsonBody({{QStringLiteral("app_id"), kApp},
                   {QStringLiteral("platform"), QStringLiteral("android")},
                   {QStringLiteral("token"), QStringLiteral("tok-1234567890abcdef")},
                   {QStringLiteral("colour"), QStringLiteral("red")}}),
         400, QStringLiteral("invalid_request"), QStringLiteral("unknown member 'colour'")},
    };
    for (const Case &c : cases) {
        const Answer answer = call("POST", QStringLiteral("/v1/users/u-bad/devices"), c.body, m_writer);
        QCOMPARE(answer.status, c.status);
        QCOMPARE(answer.errorCode(), c.code);
        QVERIFY2(answer.errorMessage().contains(c.messagePart), qPrintable(answer.errorMessage()));
    }
    const Answer badId = call("PATCH", QStringLiteral("/v1/devices/abc"), R"({"locale":"de"})", m_writer);
    QCOMPARE(badId.status, 400);
    QCOMPARE(badId.errorCode(), QStringLiteral("invalid_request"));
    const Answer nothing = call("PATCH", QStringLiteral("/v1/devices/1"), "{}", m_writer);
    QCOMPARE(nothing.status, 400);
    QVERIFY(nothing.errorMessage().contains(QStringLiteral("nothing to change")));
    const Answer zone = call("PUT", QStringLiteral("/v1/users/u-bad"), R"({"timezone":"Mars/Olympus"})", m_writer);
    QCOMPARE(zone.status, 400);
    QVERIFY(zone.errorMessage().contains(QStringLiteral("IANA")));
    const Answer attributes = call("PUT", QStringLiteral("/v1/users/u-bad"), R"({"attributes":[1,2]})", m_writer);
    QCOMPARE(attributes.status, 400);
    QVERIFY(attributes.errorMessage().contains(QStringLiteral("JSON object")));
    const QByteArray huge = jsonBody(
        {{QStringLiteral("attributes"), QJsonObject{{QStringLiteral("bio"), QString(20'000, QLatin1Char('x'))}}}});
    const Answer tooBig = call("PUT", QStringLiteral("/v1/users/u-bad"), huge, m_writer);
    QCOMPARE(tooBig.status, 400);
    QVERIFY(tooBig.errorMessage().contains(QStringLiteral("at most")));
    const Answer limit = call("GET", QStringLiteral("/v1/users/u-1/deliveries?limit=0"), {}, m_analyst);
    QCOMPARE(limit.status, 400);
    const Answer cursor = call("GET", QStringLiteral("/v1/users/u-1/deliveries?before=@@@"), {}, m_analyst);
    QCOMPARE(cursor.status, 400);
    // None of the refused requests created anything.
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-bad"), {}, m_admin).status, 404);
}

void ApiPeopleTest::sqlLookingInputIsHarmless()
{
    // As a user id it is just an id: stored and found as it was sent, with the devices table intact.
    const Answer registered = call("POST", QStringLiteral("/v1/users/%1/devices").arg(pathId(kSqlLooking)),
                                   jsonBody({{QStringLiteral("app_id"), kApp},
                                             {QStringLiteral("platform"), QStringLiteral("android")},
                                             {QStringLiteral("token"), kTokenE}}),
                                   m_writer);
    QCOMPARE(registered.status, 201);
    QCOMPARE(registered.json.value(QStringLiteral("user_id")).toString(), kSqlLooking);
    const Answer listed = call("GET", QStringLiteral("/v1/users/%1/devices").arg(pathId(kSqlLooking)), {}, m_reader);
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json.value(QStringLiteral("devices")).toArray().size(), 1);
    // As an app id it names no app.
    const Answer app = call("POST", QStringLiteral("/v1/users/u-2/devices"),
                            jsonBody({{QStringLiteral("app_id"), kSqlLooking},
                                      {QStringLiteral("platform"), QStringLiteral("android")},
                                      {QStringLiteral("token"), QStringLiteral("tok-1234567890abcdef")}}),
                            m_writer);
    QCOMPARE(app.status, 422);
    QCOMPARE(call("GET", QStringLiteral("/v1/deliveries/%1").arg(pathId(kSqlLooking)), {}, m_admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1/devices"), {}, m_reader)
                 .json.value(QStringLiteral("devices"))
                 .toArray()
                 .size(),
             2);
}

void ApiPeopleTest::rolesAndScopesDecide()
{
    const QByteArray registration = jsonBody({{QStringLiteral("app_id"), kApp},
                                              {QStringLiteral("platform"), QStringLiteral("android")},
                                              {QStringLiteral("token"), QStringLiteral("tok-matrix-1234567890")}});
    const QString devices = QStringLiteral("/v1/users/u-1/devices");
    QCOMPARE(call("POST", devices, registration).status, 401);
    QCOMPARE(call("GET", devices).status, 401);
    const Answer analyst = call("POST", devices, registration, m_analyst);
    QCOMPARE(analyst.status, 403);
    QCOMPARE(analyst.errorCode(), QStringLiteral("forbidden"));
    QCOMPARE(call("POST", devices, registration, m_marketer).status, 403);
    const Answer tracker = call("POST", devices, registration, m_tracker);
    QCOMPARE(tracker.status, 403);
    QCOMPARE(tracker.errorCode(), QStringLiteral("insufficient_scope"));
    QCOMPARE(call("POST", devices, registration, m_reader).status, 403);
    QCOMPARE(call("GET", devices, {}, m_tracker).status, 403);
    QCOMPARE(call("GET", devices, {}, m_marketer).status, 200);
    QCOMPARE(call("DELETE", QStringLiteral("/v1/devices/1"), {}, m_analyst).status, 403);
    QCOMPARE(call("PATCH", QStringLiteral("/v1/devices/1"), R"({"locale":"de"})", m_reader).status, 403);
    // Users: writes admin or devices:write; reads admin, marketer or devices:read (analysts see no profiles).
    QCOMPARE(call("PUT", QStringLiteral("/v1/users/u-1"), R"({"locale":"de"})", m_marketer).status, 403);
    QCOMPARE(call("DELETE", QStringLiteral("/v1/users/u-1"), {}, m_reader).status, 403);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1"), {}, m_analyst).status, 403);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1"), {}, m_marketer).status, 200);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1"), {}, m_reader).status, 200);
    // Deliveries: people only.
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1/deliveries"), {}, m_reader).status, 403);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1/deliveries"), {}, m_analyst).status, 200);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-1/deliveries")).status, 401);
}

void ApiPeopleTest::usersUpsertReadAndForget()
{
    const Answer created =
        call("PUT", QStringLiteral("/v1/users/u-3"),
             R"({"locale":"ru-RU","timezone":"Europe/Moscow","attributes":{"tier":"gold","age":41}})", m_writer);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("timezone")).toString(), QStringLiteral("Europe/Moscow"));
    // A partial upsert keeps what it does not name.
    const Answer changed = call("PUT", QStringLiteral("/v1/users/u-3"), R"({"locale":"en-GB"})", m_admin);
    QCOMPARE(changed.status, 200);
    const Answer read = call("GET", QStringLiteral("/v1/users/u-3"), {}, m_marketer);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json.value(QStringLiteral("locale")).toString(), QStringLiteral("en-GB"));
    QCOMPARE(read.json.value(QStringLiteral("timezone")).toString(), QStringLiteral("Europe/Moscow"));
    QCOMPARE(read.json.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("tier")).toString(),
             QStringLiteral("gold"));
    QCOMPARE(call("GET", QStringLiteral("/v1/users/nobody"), {}, m_admin).status, 404);

    const Answer device = call("POST", QStringLiteral("/v1/users/u-3/devices"),
                               jsonBody({{QStringLiteral("app_id"), kApp},
                                         {QStringLiteral("platform"), QStringLiteral("android")},
                                         {QStringLiteral("token"), kTokenD}}),
                               m_writer);
    QCOMPARE(device.status, 201);
    const qint64 deviceId = device.json.value(QStringLiteral("id")).toInteger();
    Delivery delivery;
    delivery.notificationId = QStringLiteral("n-forget-1");
    delivery.userId = QStringLiteral("u-3");
    delivery.deviceId = deviceId;
    delivery.appId = kApp;
    VT_OK(DeliveryRepository(m_worker->database(), SystemClock::instance()).insertBatch({delivery}));

    const Answer forgotten = call("DELETE", QStringLiteral("/v1/users/u-3"), {}, m_writer);
    QCOMPARE(forgotten.status, 200);
    const QJsonObject removed = forgotten.json.value(QStringLiteral("removed")).toObject();
    QCOMPARE(removed.value(QStringLiteral("user")).toBool(), true);
    QCOMPARE(removed.value(QStringLiteral("devices")).toInt(), 1);
    QCOMPARE(removed.value(QStringLiteral("deliveries")).toInt(), 1);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-3"), {}, m_admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/v1/users/u-3/devices"), {}, m_admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/v1/deliveries/n-forget-1"), {}, m_admin).status, 404);
    // The device row is gone, not deactivated.
    Result<QSqlQuery> rows = m_worker->database().run(QStringLiteral("SELECT COUNT(*) FROM devices WHERE id = ?"),
                                                      {deviceId}, QStringLiteral("count"));
    VT_OK(rows);
    QVERIFY(rows->next());
    QCOMPARE(rows->value(0).toInt(), 0);
    QCOMPARE(call("DELETE", QStringLiteral("/v1/users/u-3"), {}, m_writer).status, 404);
}

void ApiPeopleTest::deliveriesLookUpAndPaging()
{
    const DeliveryRepository deliveries(m_worker->database(), SystemClock::instance());
    QList<Delivery> batch;
    for (int i = 0; i < 5; ++i) {
        Delivery d;
        d.notificationId = QStringLiteral("n-page-%1").arg(i);
        d.userId = QStringLiteral("u-4");
        d.deviceId = 7;
        d.appId = kApp;
        d.platform = Platform::Ios;
        d.templateId = QStringLiteral("welcome");
        d.templateVersion = 2;
        batch << d;
    }
    Delivery other = batch.first();
    other.notificationId = QStringLiteral("n-other-user");
    other.userId = QStringLiteral("u-5");
    batch << other;
    QCOMPARE(*deliveries.insertBatch(batch), 6);
    VT_OK(deliveries.recordSent(QStringLiteral("n-page-0"), SystemClock::instance().nowMs(), QStringLiteral("apns-1")));
    VT_OK(deliveries.recordFailure(QStringLiteral("n-page-1"), DeliveryStatus::InvalidToken,
                                   SystemClock::instance().nowMs(), QStringLiteral("BadDeviceToken"),
                                   QStringLiteral("the token is not valid")));

    const Answer one = call("GET", QStringLiteral("/v1/deliveries/n-page-1"), {}, m_analyst);
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json.value(QStringLiteral("status")).toString(), QStringLiteral("invalid_token"));
    QCOMPARE(one.json.value(QStringLiteral("provider")).toString(), QStringLiteral("apns"));
    QCOMPARE(one.json.value(QStringLiteral("template_id")).toString(), QStringLiteral("welcome"));
    QCOMPARE(one.json.value(QStringLiteral("error_code")).toString(), QStringLiteral("BadDeviceToken"));
    QVERIFY(!one.json.contains(QStringLiteral("token")));
    const QJsonArray trail = one.json.value(QStringLiteral("trail")).toArray();
    QCOMPARE(trail.size(), 2);
    QCOMPARE(trail.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
    QCOMPARE(trail.at(1).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("invalid_token"));
    QCOMPARE(call("GET", QStringLiteral("/v1/deliveries/n-nope"), {}, m_marketer).status, 404);

    // Two per page, newest first (same creation time: notification id descending), every row once.
    QStringList seen;
    QString cursor;
    int pages = 0;
    do {
        QString path = QStringLiteral("/v1/users/u-4/deliveries?limit=2");
        if (!cursor.isEmpty())
            path += QStringLiteral("&before=") + cursor;
        const Answer page = call("GET", path, {}, m_marketer);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &row : page.json.value(QStringLiteral("deliveries")).toArray())
            seen << row.toObject().value(QStringLiteral("notification_id")).toString();
        cursor = page.json.value(QStringLiteral("next")).toString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen, (QStringList{QStringLiteral("n-page-4"), QStringLiteral("n-page-3"), QStringLiteral("n-page-2"),
                                QStringLiteral("n-page-1"), QStringLiteral("n-page-0")}));
}

void ApiPeopleTest::changesAreAudited()
{
    const Answer audit = call("GET", QStringLiteral("/v1/audit?limit=500"), {}, m_admin);
    QCOMPARE(audit.status, 200);
    QHash<QString, int> actions;
    for (const QJsonValue &value : audit.json.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject entry = value.toObject();
        const QString action = entry.value(QStringLiteral("action")).toString();
        ++actions[action];
        if (action.startsWith(QStringLiteral("device."))) {
            QVERIFY(!entry.value(QStringLiteral("actor")).toString().isEmpty());
            QVERIFY(!entry.value(QStringLiteral("remote_address")).toString().isEmpty());
        }
    }
    // u-1: two new + one repeated registration; the SQL-looking user; u-3's device.
    QCOMPARE(actions.value(QStringLiteral("device.register")), 5);
    QCOMPARE(actions.value(QStringLiteral("device.update")), 1);
    QCOMPARE(actions.value(QStringLiteral("device.unregister")), 1);
    QCOMPARE(actions.value(QStringLiteral("user.upsert")), 2);
    QCOMPARE(actions.value(QStringLiteral("user.forget")), 1);
    const Answer forget = call("GET", QStringLiteral("/v1/audit?action=user.forget"), {}, m_admin);
    const QJsonObject detail = forget.json.value(QStringLiteral("entries"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("detail"))
                                   .toObject();
    QCOMPARE(detail.value(QStringLiteral("devices")).toInt(), 1);
    QCOMPARE(forget.json.value(QStringLiteral("entries"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QStringLiteral("target"))
                 .toString(),
             QStringLiteral("u-3"));
}

QByteArray ApiPeopleTest::storedBytes()
{
    QByteArray bytes;
    if (!m_postgres) {
        const QString path = QDir(m_dir.path()).filePath(QStringLiteral("vestnik.db"));
        for (const QString &file :
             QStringList{path, path + QStringLiteral("-wal"), path + QStringLiteral("-journal")}) {
            QFile f(file);
            if (f.open(QIODevice::ReadOnly))
                bytes += f.readAll();
        }
        return bytes;
    }
    Result<QSqlQuery> columns = m_worker->database().run(
        QStringLiteral("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                       " AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb', 'character')"),
        {}, QStringLiteral("list the columns"));
    if (!columns)
        return {};
    QList<QPair<QString, QString>> names;
    while (columns->next())
        names << qMakePair(columns->value(0).toString(), columns->value(1).toString());
    for (const auto &[table, column] : names) {
        // Identifiers from the catalogue, quoted; bytea is read as its raw bytes.
        Result<QSqlQuery> values = m_worker->database().run(
            QStringLiteral("SELECT \"%2\" FROM \"%1\"").arg(table, column), {}, QStringLiteral("dump a column"));
        if (!values)
            return {};
        while (values->next())
            bytes += values->value(0).toByteArray() + '\n';
    }
    return bytes;
}

void ApiPeopleTest::noRawTokenAtRestOrInAnswers()
{
    const QByteArray stored = storedBytes();
    // The dump saw the data: the user ids and the SQL-looking id are there.
    QVERIFY(stored.contains("u-1"));
    QVERIFY(stored.contains(kSqlLooking.toUtf8()));
    for (const QString &token : rawTokens()) {
        QVERIFY2(!stored.contains(token.toUtf8()), "a raw device token in the database");
        QVERIFY2(!stored.contains(token.toUtf8().toHex()), "a raw device token (hex) in the database");
    }
    QVERIFY(m_answers.size() > 50);
    for (const QByteArray &answer : std::as_const(m_answers)) {
        for (const QString &token : rawTokens())
            QVERIFY2(!answer.contains(token.toUtf8()), answer.constData());
    }
}

QTEST_MAIN(ApiPeopleTest)
#include "ApiPeopleTest.moc"
