// The content and configuration endpoints over real HTTPS on a Worker started in the test (SQLite, the embedded
// bus, the trigger and sender roles) with vestnik-sim as FCM and APNs: templates with versions, validation and
// preview; trigger rules; apps and write-only provider credentials; a test push whose per-device outcomes come from
// the real sending path; the role matrix; the audit log; and no secret in any answer the test received.
#include "ApiTestSupport.h"
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "Worker.h"
#include "store/DeviceRepository.h"
#include "store/UserRepository.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("correct horse battery");
const QString kGoodToken = QStringLiteral("content_anna_phone:APA91b-") + QString(40, QLatin1Char('g'));
const QString kDeadToken = QStringLiteral("content_anna_old:APA91b-") + QString(40, QLatin1Char('d'));
const QString kIosToken = QString(64, QLatin1Char('a'));

using Answer = test::WorkerAnswer;

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

/// The template the marketer saves: Cyrillic variables, an English variant.
QJsonObject cartTemplate(const QString &title)
{
    return QJsonObject{
        {QStringLiteral("name"), QStringLiteral("Брошенная корзина")},
        {QStringLiteral("default_locale"), QStringLiteral("ru")},
        {QStringLiteral("title"), title},
        {QStringLiteral("body"), QStringLiteral("{{товар}} ждёт в корзине")},
        {QStringLiteral("variants"),
         QJsonObject{{QStringLiteral("en"), QJsonObject{{QStringLiteral("title"), QStringLiteral("{{имя}}, your cart")},
                                                        {QStringLiteral("body"), QStringLiteral("{{товар}} waits")}}}}},
    };
}

} // namespace

class ApiContentTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void templatesHaveVersionsAndPreviews();
    void badTemplatesAreRefusedAndNothingIsSaved();
    void triggerRulesAreCheckedWhenSaved();
    void appCredentialsAreWriteOnly();
    void testPushReportsEachDevice();
    void rolesDecideWhoMayDoWhat();
    void everyChangeIsAudited();
    void workerWithoutSenderRefusesTestPush();
    void deletedTemplatesKeepTheirVersions(); // after everyChangeIsAudited, which counts the other changes
    void noSecretInAnyAnswer();

private:
    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QByteArray &bearer = {});
    /// call() on another worker, trusting its certificate.
    Answer callOn(Worker &worker, const QSslConfiguration &tls, const QByteArray &method, const QString &path,
                  const QByteArray &body = {}, const QByteArray &bearer = {});
    QByteArray login(const QString &name, const QString &password);
    QList<QJsonObject> audit(const QString &action);

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<Worker> m_worker;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    QByteArray m_account;        ///< the FCM service account JSON (with its private key)
    QByteArray m_apnsKey;        ///< the APNs .p8 key PEM
    QList<QByteArray> m_answers; ///< every body the worker answered in this test
    QByteArray m_admin;
    QByteArray m_marketer;
    QByteArray m_analyst;
};

void ApiContentTest::initTestCase()
{
    const test::OpenSslTool openssl(m_dir.path());
    const QString apnsKeyPath = openssl.generateEcKey(QStringLiteral("AuthKey_KEYCONT001.p8"));
    QVERIFY(!apnsKeyPath.isEmpty());
    QFile keyFile(apnsKeyPath);
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    m_apnsKey = keyFile.readAll();
    m_account = test::writeFcmSimConfig(
        openssl, m_dir.path(), QStringLiteral("sender@content-test.iam.gserviceaccount.com"),
        QStringLiteral("content-test"),
        QJsonObject{{QStringLiteral("apns"),
                     QJsonObject{{QStringLiteral("keys"),
                                  QJsonArray{QJsonObject{{QStringLiteral("team_id"), QStringLiteral("TEAMCONT01")},
                                                         {QStringLiteral("key_id"), QStringLiteral("KEYCONT001")},
                                                         {QStringLiteral("file"), apnsKeyPath}}}}}}});
    QVERIFY(!m_account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
    // The simulator treats the old phone's token as unregistered (the app was removed).
    QCOMPARE(test::unregisterFcmToken(*m_sim, kDeadToken), 200);

    const QString dataDir = m_dir.filePath(QStringLiteral("worker"));
    QProcessEnvironment env = test::apiWorkerEnvironment(dataDir, QStringLiteral("trigger,sender"), kAdminPassword);
    test::addSimProviders(env, *m_sim);
    Result<Config> config = Config::fromIni(QString(), QString(), env);
    VT_OK(config);
    m_worker = std::make_unique<Worker>(*config);
    VT_OK(m_worker->start());
    m_tls = test::apiWorkerTls(dataDir);

    m_admin = login(QStringLiteral("admin"), kAdminPassword);
    QVERIFY(!m_admin.isEmpty());
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"maria","password":"marketing rules 1","role":"marketer"})", m_admin)
                 .status,
             201);
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"anna","password":"analysts secret 42","role":"analyst"})", m_admin)
                 .status,
             201);
    m_marketer = login(QStringLiteral("maria"), QStringLiteral("marketing rules 1"));
    m_analyst = login(QStringLiteral("anna"), QStringLiteral("analysts secret 42"));
    QVERIFY(!m_marketer.isEmpty() && !m_analyst.isEmpty());
}

void ApiContentTest::cleanupTestCase()
{
    if (m_worker)
        m_worker->shutdown();
    m_worker.reset();
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

Answer ApiContentTest::call(const QByteArray &method, const QString &path, const QByteArray &body,
                            const QByteArray &bearer)
{
    return callOn(*m_worker, m_tls, method, path, body, bearer);
}

Answer ApiContentTest::callOn(Worker &worker, const QSslConfiguration &tls, const QByteArray &method,
                              const QString &path, const QByteArray &body, const QByteArray &bearer)
{
    QNetworkRequest request(worker.url().resolved(QUrl(path)));
    request.setSslConfiguration(tls);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    const Answer answer = test::sendWorkerRequest(m_network, request, method, body, 30'000);
    m_answers << answer.body << answer.location;
    return answer;
}

QByteArray ApiContentTest::login(const QString &name, const QString &password)
{
    const Answer answer =
        call("POST", QStringLiteral("/v1/auth/login"),
             json(QJsonObject{{QStringLiteral("login"), name}, {QStringLiteral("password"), password}}));
    return answer.json.value(QStringLiteral("access_token")).toString().toUtf8();
}

QList<QJsonObject> ApiContentTest::audit(const QString &action)
{
    const Answer answer = call("GET", QStringLiteral("/v1/audit?limit=100&action=") + action, {}, m_admin);
    QList<QJsonObject> entries;
    for (const QJsonValue &entry : answer.json.value(QStringLiteral("entries")).toArray())
        entries << entry.toObject();
    return entries;
}

void ApiContentTest::templatesHaveVersionsAndPreviews()
{
    const Answer created = call("PUT", QStringLiteral("/v1/templates/cart"),
                                json(cartTemplate(QStringLiteral("{{имя}}, вы забыли корзину"))), m_marketer);
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("version")).toInt(), 1);
    QCOMPARE(created.location, QByteArray("/v1/templates/cart"));
    // The same content again makes no new version.
    const Answer same = call("PUT", QStringLiteral("/v1/templates/cart"),
                             json(cartTemplate(QStringLiteral("{{имя}}, вы забыли корзину"))), m_marketer);
    QCOMPARE(same.status, 200);
    QCOMPARE(same.json.value(QStringLiteral("version")).toInt(), 1);
    QCOMPARE(same.json.value(QStringLiteral("unchanged")).toBool(), true);
    const Answer second = call("PUT", QStringLiteral("/v1/templates/cart"),
                               json(cartTemplate(QStringLiteral("{{имя}}, корзина ждёт"))), m_admin);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json.value(QStringLiteral("version")).toInt(), 2);

    const Answer list = call("GET", QStringLiteral("/v1/templates"), {}, m_analyst);
    QCOMPARE(list.status, 200);
    const QJsonObject listed = list.json.value(QStringLiteral("templates")).toArray().first().toObject();
    QCOMPARE(listed.value(QStringLiteral("id")).toString(), QStringLiteral("cart"));
    QCOMPARE(listed.value(QStringLiteral("latest_version")).toInt(), 2);

    const Answer shown = call("GET", QStringLiteral("/v1/templates/cart"), {}, m_analyst);
    QCOMPARE(shown.status, 200);
    QCOMPARE(shown.json.value(QStringLiteral("versions")).toArray().size(), 2);
    QCOMPARE(
        shown.json.value(QStringLiteral("versions")).toArray().first().toObject().value(QStringLiteral("created_by")),
        QJsonValue(QStringLiteral("maria")));
    QCOMPARE(shown.json.value(QStringLiteral("latest"))
                 .toObject()
                 .value(QStringLiteral("content"))
                 .toObject()
                 .value(QStringLiteral("title"))
                 .toString(),
             QStringLiteral("{{имя}}, корзина ждёт"));
    const Answer first = call("GET", QStringLiteral("/v1/templates/cart/versions/1"), {}, m_analyst);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json.value(QStringLiteral("content")).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("{{имя}}, вы забыли корзину"));
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/cart/versions/9"), {}, m_analyst).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/cart/versions/x"), {}, m_analyst).status, 400);
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/nosuch"), {}, m_analyst).status, 404);

    // Preview with the request's variables: both platforms' payloads as the sender sends them.
    const Answer preview = call("POST", QStringLiteral("/v1/templates/cart/preview"),
                                R"({"variables":{"имя":"Аня","товар":"Чайник"}})", m_analyst);
    QCOMPARE(preview.status, 200);
    QCOMPARE(preview.json.value(QStringLiteral("version")).toInt(), 2);
    const QJsonArray payloads = preview.json.value(QStringLiteral("payloads")).toArray();
    QCOMPARE(payloads.size(), 2);
    for (const QJsonValue &value : payloads) {
        const QJsonObject payload = value.toObject();
        QCOMPARE(payload.value(QStringLiteral("title")).toString(), QStringLiteral("Аня, корзина ждёт"));
        QCOMPARE(payload.value(QStringLiteral("body")).toString(), QStringLiteral("Чайник ждёт в корзине"));
        const QJsonObject wire = payload.value(QStringLiteral("payload")).toObject();
        const QString title = payload.value(QStringLiteral("provider")).toString() == QStringLiteral("fcm")
                                  ? wire.value(QStringLiteral("message"))
                                        .toObject()
                                        .value(QStringLiteral("notification"))
                                        .toObject()
                                        .value(QStringLiteral("title"))
                                        .toString()
                                  : test::lastApnsAlert(QJsonObject{{QStringLiteral("last_payload"), wire}})
                                        .value(QStringLiteral("title"))
                                        .toString();
        QCOMPARE(title, QStringLiteral("Аня, корзина ждёт"));
    }
    // For a stored user: their attributes and locale (the English variant), a variable of the request on top.
    VT_OK(UserRepository(m_worker->database(), SystemClock::instance())
              .upsert(User{QStringLiteral("boris"), QStringLiteral("en-GB"), QString(),
                           QJsonObject{{QStringLiteral("имя"), QStringLiteral("Boris")}}, 0, 0}));
    const Answer forUser = call("POST", QStringLiteral("/v1/templates/cart/preview"),
                                R"({"user_id":"boris","variables":{"товар":"Kettle"}})", m_marketer);
    QCOMPARE(forUser.status, 200);
    QCOMPARE(forUser.json.value(QStringLiteral("locale")).toString(), QStringLiteral("en"));
    QCOMPARE(forUser.json.value(QStringLiteral("payloads")).toArray().first().toObject().value(QStringLiteral("title")),
             QJsonValue(QStringLiteral("Boris, your cart")));
    QCOMPARE(call("POST", QStringLiteral("/v1/templates/cart/preview"), R"({"user_id":"nobody"})", m_analyst).status,
             404);
}

void ApiContentTest::badTemplatesAreRefusedAndNothingIsSaved()
{
    const Answer broken = call("PUT", QStringLiteral("/v1/templates/broken"),
                               json(cartTemplate(QStringLiteral("Привет, {{#if имя}}{{имя}}"))), m_marketer);
    QCOMPARE(broken.status, 422);
    QCOMPARE(broken.errorCode(), QStringLiteral("invalid_template"));
    const QJsonObject detail = broken.json.value(QStringLiteral("error"))
                                   .toObject()
                                   .value(QStringLiteral("details"))
                                   .toArray()
                                   .first()
                                   .toObject();
    QCOMPARE(detail.value(QStringLiteral("field")).toString(), QStringLiteral("title"));
    QCOMPARE(detail.value(QStringLiteral("line")).toInt(), 1);
    QCOMPARE(detail.value(QStringLiteral("column")).toInt(), 9); // the {{#if}} that is never closed
    QCOMPARE(detail.value(QStringLiteral("kind")).toString(), QStringLiteral("section"));
    QVERIFY(!detail.value(QStringLiteral("message")).toString().isEmpty());
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/broken"), {}, m_admin).status, 404);
    // A bad new version of an existing template leaves it as it was.
    QCOMPARE(call("PUT", QStringLiteral("/v1/templates/cart"), json(cartTemplate(QStringLiteral("{{имя|nosuch}}"))),
                  m_marketer)
                 .status,
             422);
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/cart"), {}, m_admin)
                 .json.value(QStringLiteral("latest_version"))
                 .toInt(),
             2);
    // Malformed JSON and wrong types are 400 with a code and a message.
    const Answer malformed = call("PUT", QStringLiteral("/v1/templates/cart"), "{\"title\": ", m_marketer);
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.errorCode(), QStringLiteral("invalid_json"));
    QVERIFY(!malformed.errorMessage().isEmpty());
    const Answer wrongType = call("PUT", QStringLiteral("/v1/templates/cart"), R"({"name":"x","title":5})", m_marketer);
    QCOMPARE(wrongType.status, 400);
    QCOMPARE(wrongType.errorCode(), QStringLiteral("invalid_request"));
    QVERIFY(wrongType.errorMessage().contains(QStringLiteral("title")));
    // A draft is previewed as it is, unsaved; one that does not compile is refused as a save is.
    const QJsonObject variables{{QStringLiteral("имя"), QStringLiteral("Аня")},
                                {QStringLiteral("товар"), QStringLiteral("Чайник")}};
    const Answer drafted =
        call("POST", QStringLiteral("/v1/templates/draft-only/preview"),
             json(QJsonObject{{QStringLiteral("template"), cartTemplate(QStringLiteral("{{имя}}, ждём"))},
                              {QStringLiteral("variables"), variables}}),
             m_analyst);
    QCOMPARE(drafted.status, 200);
    QCOMPARE(drafted.json.value(QStringLiteral("version")).toInt(), 0);
    QCOMPARE(drafted.json.value(QStringLiteral("payloads")).toArray().first().toObject().value(QStringLiteral("title")),
             QJsonValue(QStringLiteral("Аня, ждём")));
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/draft-only"), {}, m_admin).status, 404);
    const Answer brokenDraft = call(
        "POST", QStringLiteral("/v1/templates/cart/preview"),
        json(QJsonObject{{QStringLiteral("template"), cartTemplate(QStringLiteral("Привет, {{#if имя}}{{имя}}"))}}),
        m_marketer);
    QCOMPARE(brokenDraft.status, 422);
    QCOMPARE(brokenDraft.errorCode(), QStringLiteral("invalid_template"));
    const QJsonObject draftDetail = brokenDraft.json.value(QStringLiteral("error"))
                                        .toObject()
                                        .value(QStringLiteral("details"))
                                        .toArray()
                                        .first()
                                        .toObject();
    QCOMPARE(draftDetail.value(QStringLiteral("field")).toString(), QStringLiteral("title"));
    QCOMPARE(draftDetail.value(QStringLiteral("column")).toInt(), 9);
    QCOMPARE(call("POST", QStringLiteral("/v1/templates/cart/preview"),
                  json(QJsonObject{{QStringLiteral("template"), cartTemplate(QStringLiteral("x"))},
                                   {QStringLiteral("version"), 1}}),
                  m_marketer)
                 .status,
             400);
    const Answer badVariables =
        call("POST", QStringLiteral("/v1/templates/cart/preview"), R"({"variables":[1]})", m_marketer);
    QCOMPARE(badVariables.status, 400);
    QCOMPARE(badVariables.errorCode(), QStringLiteral("invalid_request"));
}

void ApiContentTest::triggerRulesAreCheckedWhenSaved()
{
    const QJsonObject rule{{QStringLiteral("name"), QStringLiteral("Корзина дороже 1000")},
                           {QStringLiteral("event_type"), QStringLiteral("cart.abandoned")},
                           {QStringLiteral("template_id"), QStringLiteral("cart")},
                           {QStringLiteral("condition"), QJsonObject{{QStringLiteral("path"), QStringLiteral("сумма")},
                                                                     {QStringLiteral("op"), QStringLiteral("gte")},
                                                                     {QStringLiteral("value"), 1000}}},
                           {QStringLiteral("quiet_hours"),
                            QJsonObject{{QStringLiteral("start_minute"), 1320}, {QStringLiteral("end_minute"), 480}}},
                           {QStringLiteral("cap_count"), 2}};
    const Answer created = call("POST", QStringLiteral("/v1/trigger-rules"), json(rule), m_marketer);
    QCOMPARE(created.status, 201);
    const qint64 id = created.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);
    const QString path = QStringLiteral("/v1/trigger-rules/%1").arg(id);
    QCOMPARE(created.location, path.toUtf8());
    const Answer read = call("GET", path, {}, m_analyst);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json.value(QStringLiteral("condition")).toObject(),
             rule.value(QStringLiteral("condition")).toObject());
    QCOMPARE(read.json.value(QStringLiteral("quiet_hours")).toObject().value(QStringLiteral("end_minute")).toInt(),
             480);
    QCOMPARE(call("GET", QStringLiteral("/v1/trigger-rules"), {}, m_analyst)
                 .json.value(QStringLiteral("rules"))
                 .toArray()
                 .size(),
             1);

    QJsonObject renamed = rule;
    renamed.insert(QStringLiteral("name"), QStringLiteral("Дорогая корзина"));
    const Answer updated = call("PUT", path, json(renamed), m_marketer);
    QCOMPARE(updated.status, 200);
    QCOMPARE(updated.json.value(QStringLiteral("name")).toString(), QStringLiteral("Дорогая корзина"));
    QCOMPARE(call("POST", path + QStringLiteral("/disable"), {}, m_marketer).json.value(QStringLiteral("enabled")),
             QJsonValue(false));
    QCOMPARE(call("POST", path + QStringLiteral("/enable"), {}, m_marketer).json.value(QStringLiteral("enabled")),
             QJsonValue(true));

    // What the repository refuses is 422 with its message; wrong types are 400.
    QJsonObject unknownTemplate = rule;
    unknownTemplate.insert(QStringLiteral("template_id"), QStringLiteral("nosuch"));
    const Answer noTemplate = call("POST", QStringLiteral("/v1/trigger-rules"), json(unknownTemplate), m_marketer);
    QCOMPARE(noTemplate.status, 422);
    QCOMPARE(noTemplate.errorCode(), QStringLiteral("invalid_rule"));
    QVERIFY2(noTemplate.errorMessage().contains(QStringLiteral("nosuch")), qPrintable(noTemplate.errorMessage()));
    QJsonObject badCondition = rule;
    badCondition.insert(QStringLiteral("condition"), QJsonObject{{QStringLiteral("path"), QStringLiteral("сумма")},
                                                                 {QStringLiteral("op"), QStringLiteral("about")}});
    const Answer condition = call("PUT", path, json(badCondition), m_marketer);
    QCOMPARE(condition.status, 422);
    QVERIFY(!condition.errorMessage().isEmpty());
    QCOMPARE(call("GET", path, {}, m_analyst).json.value(QStringLiteral("name")).toString(),
             QStringLiteral("Дорогая корзина"));
    const Answer wrongType = call("POST", QStringLiteral("/v1/trigger-rules"),
                                  R"({"name":5,"event_type":"x","template_id":"cart"})", m_marketer);
    QCOMPARE(wrongType.status, 400);
    QCOMPARE(wrongType.errorCode(), QStringLiteral("invalid_request"));
    QCOMPARE(call("POST", QStringLiteral("/v1/trigger-rules"), "[1,2]", m_marketer).errorCode(),
             QStringLiteral("invalid_json"));
    QCOMPARE(call("PUT", QStringLiteral("/v1/trigger-rules/999"), json(rule), m_marketer).status, 404);

    QCOMPARE(call("DELETE", path, {}, m_marketer).status, 204);
    QCOMPARE(call("GET", path, {}, m_analyst).status, 404);
    QCOMPARE(call("DELETE", path, {}, m_marketer).status, 404);
}

void ApiContentTest::deletedTemplatesKeepTheirVersions()
{
    const QString path = QStringLiteral("/v1/templates/farewell");
    QCOMPARE(call("PUT", path, json(cartTemplate(QStringLiteral("{{имя}}, до встречи"))), m_marketer).status, 201);
    QCOMPARE(call("PUT", path, json(cartTemplate(QStringLiteral("{{имя}}, до скорой встречи"))), m_marketer).status,
             200);
    const QJsonObject rule{{QStringLiteral("name"), QStringLiteral("Прощание")},
                           {QStringLiteral("event_type"), QStringLiteral("account.closed")},
                           {QStringLiteral("template_id"), QStringLiteral("farewell")}};
    const Answer created = call("POST", QStringLiteral("/v1/trigger-rules"), json(rule), m_marketer);
    QCOMPARE(created.status, 201);
    const QString rulePath =
        QStringLiteral("/v1/trigger-rules/%1").arg(created.json.value(QStringLiteral("id")).toInteger());

    // A template a rule uses is not deleted; analysts delete nothing.
    const Answer inUse = call("DELETE", path, {}, m_marketer);
    QCOMPARE(inUse.status, 409);
    QCOMPARE(inUse.errorCode(), QStringLiteral("template_in_use"));
    QCOMPARE(call("DELETE", path, {}, m_analyst).status, 403);
    QCOMPARE(call("DELETE", rulePath, {}, m_marketer).status, 204);
    QCOMPARE(call("DELETE", path, {}, m_marketer).status, 204);
    QCOMPARE(call("DELETE", QStringLiteral("/v1/templates/nosuch"), {}, m_marketer).status, 404);

    // Gone from the list, kept with its versions (deliveries name them), and no rule may use it now.
    const auto listed = [this](const QString &query) {
        QStringList ids;
        for (const QJsonValue &t : call("GET", QStringLiteral("/v1/templates") + query, {}, m_analyst)
                                       .json.value(QStringLiteral("templates"))
                                       .toArray())
            ids << t.toObject().value(QStringLiteral("id")).toString();
        return ids;
    };
    QVERIFY(!listed(QString()).contains(QStringLiteral("farewell")));
    QVERIFY(listed(QStringLiteral("?deleted=true")).contains(QStringLiteral("farewell")));
    const Answer shown = call("GET", path, {}, m_analyst);
    QCOMPARE(shown.status, 200);
    QVERIFY(shown.json.value(QStringLiteral("deleted_at")).isDouble());
    QCOMPARE(call("GET", path + QStringLiteral("/versions/2"), {}, m_analyst).status, 200);
    QCOMPARE(call("POST", QStringLiteral("/v1/trigger-rules"), json(rule), m_marketer).status, 422);

    // Saved again, it is back and goes on from version 3.
    const Answer again =
        call("PUT", path, json(cartTemplate(QStringLiteral("{{имя}}, снова здравствуйте"))), m_marketer);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json.value(QStringLiteral("version")).toInt(), 3);
    QVERIFY(listed(QString()).contains(QStringLiteral("farewell")));
    QVERIFY(!call("GET", path, {}, m_analyst).json.contains(QStringLiteral("deleted_at")));
    const QList<QJsonObject> deletions = audit(QStringLiteral("template.delete"));
    QCOMPARE(deletions.size(), 1);
    QCOMPARE(deletions.first().value(QStringLiteral("target")).toString(), QStringLiteral("farewell"));
}

void ApiContentTest::appCredentialsAreWriteOnly()
{
    const Answer created = call("PUT", QStringLiteral("/v1/apps/shop"), R"({"name":"Магазин"})", m_admin);
    QCOMPARE(created.status, 201);
    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop"), R"({"name":"Shop"})", m_admin).status, 200);
    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop"), R"({"name":7})", m_admin).status, 400);

    const Answer fcm = call("PUT", QStringLiteral("/v1/apps/shop/credentials/fcm"), m_account, m_admin);
    QCOMPARE(fcm.status, 200);
    QCOMPARE(fcm.json.value(QStringLiteral("project_id")).toString(), QStringLiteral("content-test"));
    const QJsonObject apnsCredential{{QStringLiteral("bundle_id"), QStringLiteral("com.example.shop")},
                                     {QStringLiteral("environment"), QStringLiteral("production")},
                                     {QStringLiteral("team_id"), QStringLiteral("TEAMCONT01")},
                                     {QStringLiteral("key_id"), QStringLiteral("KEYCONT001")},
                                     {QStringLiteral("private_key"), QString::fromLatin1(m_apnsKey)}};
    const Answer apns = call("PUT", QStringLiteral("/v1/apps/shop/credentials/apns"), json(apnsCredential), m_admin);
    QCOMPARE(apns.status, 200);
    QCOMPARE(apns.json.value(QStringLiteral("key_id")).toString(), QStringLiteral("KEYCONT001"));

    // Malformed credentials are refused before they are stored.
    QJsonObject account = QJsonDocument::fromJson(m_account).object();
    const QString pem = account.value(QStringLiteral("private_key")).toString();
    account.insert(QStringLiteral("private_key"), pem.left(pem.size() / 2));
    const Answer badFcm = call("PUT", QStringLiteral("/v1/apps/shop/credentials/fcm"), json(account), m_admin);
    QCOMPARE(badFcm.status, 422);
    QCOMPARE(badFcm.errorCode(), QStringLiteral("invalid_credential"));
    QJsonObject noKeyId = apnsCredential;
    noKeyId.remove(QStringLiteral("key_id"));
    const Answer badApns = call("PUT", QStringLiteral("/v1/apps/shop/credentials/apns"), json(noKeyId), m_admin);
    QCOMPARE(badApns.status, 422);
    QVERIFY(badApns.errorMessage().contains(QStringLiteral("key_id")));
    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop/credentials/gcm"), m_account, m_admin).status, 404);
    QCOMPARE(call("PUT", QStringLiteral("/v1/apps/nosuch/credentials/fcm"), m_account, m_admin).status, 404);

    // Reads say what is configured, never the secret.
    const Answer shown = call("GET", QStringLiteral("/v1/apps/shop"), {}, m_admin);
    QCOMPARE(shown.status, 200);
    const QJsonObject credentials = shown.json.value(QStringLiteral("credentials")).toObject();
    QCOMPARE(credentials.value(QStringLiteral("fcm")).toObject().value(QStringLiteral("project_id")).toString(),
             QStringLiteral("content-test"));
    QCOMPARE(credentials.value(QStringLiteral("fcm")).toObject().value(QStringLiteral("configured")).toBool(), true);
    QVERIFY(credentials.value(QStringLiteral("fcm")).toObject().value(QStringLiteral("updated_at")).toInteger() > 0);
    QCOMPARE(credentials.value(QStringLiteral("apns")).toObject().value(QStringLiteral("team_id")).toString(),
             QStringLiteral("TEAMCONT01"));
    QVERIFY(!shown.body.contains("private_key"));
    const Answer list = call("GET", QStringLiteral("/v1/apps"), {}, m_admin);
    QCOMPARE(list.json.value(QStringLiteral("apps")).toArray().size(), 1);
    QVERIFY(!list.body.contains("private_key"));
}

void ApiContentTest::testPushReportsEachDevice()
{
    const DeviceRepository devices(m_worker->database(), SystemClock::instance(), m_worker->sealer());
    VT_OK(UserRepository(m_worker->database(), SystemClock::instance())
              .upsert(User{QStringLiteral("u-anna"), QStringLiteral("ru-RU"), QString(),
                           QJsonObject{{QStringLiteral("имя"), QStringLiteral("Анна")}}, 0, 0}));
    Result<qint64> phone =
        devices.registerDevice(QStringLiteral("u-anna"), QStringLiteral("shop"), Platform::Android, kGoodToken);
    Result<qint64> old =
        devices.registerDevice(QStringLiteral("u-anna"), QStringLiteral("shop"), Platform::Android, kDeadToken);
    Result<qint64> iphone =
        devices.registerDevice(QStringLiteral("u-anna"), QStringLiteral("shop"), Platform::Ios, kIosToken);
    VT_OK(phone);
    VT_OK(old);
    VT_OK(iphone);

    const Answer pushed =
        call("POST", QStringLiteral("/v1/test-push"),
             R"({"template_id":"cart","user_id":"u-anna","variables":{"товар":"Чайник"}})", m_marketer);
    QCOMPARE(pushed.status, 200);
    QCOMPARE(pushed.json.value(QStringLiteral("version")).toInt(), 2);
    QHash<qint64, QJsonObject> outcomes;
    for (const QJsonValue &value : pushed.json.value(QStringLiteral("devices")).toArray())
        outcomes.insert(value.toObject().value(QStringLiteral("device_id")).toInteger(), value.toObject());
    QCOMPARE(outcomes.size(), 3);
    QCOMPARE(outcomes[*phone].value(QStringLiteral("outcome")).toString(), QStringLiteral("accepted"));
    QCOMPARE(outcomes[*phone].value(QStringLiteral("provider")).toString(), QStringLiteral("fcm"));
    QVERIFY(!outcomes[*phone].value(QStringLiteral("provider_message_id")).toString().isEmpty());
    QCOMPARE(outcomes[*iphone].value(QStringLiteral("outcome")).toString(), QStringLiteral("accepted"));
    QCOMPARE(outcomes[*iphone].value(QStringLiteral("provider")).toString(), QStringLiteral("apns"));
    QCOMPARE(outcomes[*old].value(QStringLiteral("outcome")).toString(), QStringLiteral("invalid_token"));
    QVERIFY2(outcomes[*old].value(QStringLiteral("error_code")).toString().contains(QStringLiteral("UNREGISTERED")),
             pushed.body.constData());
    // Tokens are masked, and the push that reached the simulator carries the rendered texts.
    for (const QString &token : {kGoodToken, kDeadToken, kIosToken})
        QVERIFY(!pushed.body.contains(token.toUtf8()));
    const QJsonObject recorded =
        test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
            .json()
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(kGoodToken)
            .toObject();
    QCOMPARE(
        test::lastFcmMessage(recorded).value(QStringLiteral("notification")).toObject().value(QStringLiteral("title")),
        QJsonValue(QStringLiteral("Анна, корзина ждёт")));

    QCOMPARE(call("POST", QStringLiteral("/v1/test-push"), R"({"template_id":"nosuch","user_id":"u-anna"})", m_marketer)
                 .status,
             404);
    QCOMPARE(call("POST", QStringLiteral("/v1/test-push"), R"({"template_id":"cart"})", m_marketer).status, 400);
}

void ApiContentTest::rolesDecideWhoMayDoWhat()
{
    const QByteArray cart = json(cartTemplate(QStringLiteral("{{имя}}!")));
    QCOMPARE(call("GET", QStringLiteral("/v1/templates")).status, 401);
    QCOMPARE(call("PUT", QStringLiteral("/v1/templates/cart"), cart).status, 401);
    QCOMPARE(call("PUT", QStringLiteral("/v1/templates/cart"), cart, m_analyst).status, 403);
    QCOMPARE(call("POST", QStringLiteral("/v1/trigger-rules"), R"({"name":"x"})", m_analyst).status, 403);
    QCOMPARE(
        call("POST", QStringLiteral("/v1/test-push"), R"({"template_id":"cart","user_id":"u-anna"})", m_analyst).status,
        403);
    for (const QByteArray &token : {m_marketer, m_analyst}) {
        QCOMPARE(call("GET", QStringLiteral("/v1/apps"), {}, token).status, 403);
        QCOMPARE(call("GET", QStringLiteral("/v1/apps/shop"), {}, token).status, 403);
        QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop"), R"({"name":"mine"})", token).status, 403);
        QCOMPARE(call("PUT", QStringLiteral("/v1/apps/shop/credentials/fcm"), m_account, token).status, 403);
    }
    QCOMPARE(call("GET", QStringLiteral("/v1/apps")).status, 401);
    QCOMPARE(call("GET", QStringLiteral("/v1/apps/shop"), {}, m_admin).json.value(QStringLiteral("name")).toString(),
             QStringLiteral("Shop"));
    QCOMPARE(call("GET", QStringLiteral("/v1/templates/cart"), {}, m_admin)
                 .json.value(QStringLiteral("latest_version"))
                 .toInt(),
             2);
}

void ApiContentTest::everyChangeIsAudited()
{
    const QList<QJsonObject> saves = audit(QStringLiteral("template.save"));
    QCOMPARE(saves.size(), 2); // version 1 and 2; the unchanged save and the refused ones made none
    QCOMPARE(saves.last().value(QStringLiteral("actor")).toString(), QStringLiteral("maria"));
    QCOMPARE(saves.last().value(QStringLiteral("target")).toString(), QStringLiteral("cart"));
    QCOMPARE(saves.first().value(QStringLiteral("actor")).toString(), QStringLiteral("admin"));
    for (const QString &action :
         {QStringLiteral("trigger_rule.create"), QStringLiteral("trigger_rule.update"),
          QStringLiteral("trigger_rule.disable"), QStringLiteral("trigger_rule.enable"),
          QStringLiteral("trigger_rule.delete"), QStringLiteral("app.create"), QStringLiteral("test_push.send")})
        QVERIFY2(audit(action).size() == 1, qPrintable(action));
    QCOMPARE(audit(QStringLiteral("app.update")).size(), 1);
    const QList<QJsonObject> credentials = audit(QStringLiteral("app.credential.set"));
    QCOMPARE(credentials.size(), 2);
    QCOMPARE(credentials.first().value(QStringLiteral("target")).toString(), QStringLiteral("shop/apns"));
    QCOMPARE(credentials.first().value(QStringLiteral("remote_address")).toString(), QStringLiteral("127.0.0.1"));
}

void ApiContentTest::workerWithoutSenderRefusesTestPush()
{
    QTemporaryDir dir;
    Result<Config> config = Config::fromIni(
        QString(), QString(), test::apiWorkerEnvironment(dir.path(), QStringLiteral("trigger"), kAdminPassword));
    VT_OK(config);
    Worker worker(*config);
    VT_OK(worker.start());
    const QSslConfiguration tls = test::apiWorkerTls(dir.path());
    const QByteArray admin = callOn(worker, tls, "POST", QStringLiteral("/v1/auth/login"),
                                    json(QJsonObject{{QStringLiteral("login"), QStringLiteral("admin")},
                                                     {QStringLiteral("password"), kAdminPassword}}))
                                 .json.value(QStringLiteral("access_token"))
                                 .toString()
                                 .toUtf8();
    QVERIFY(!admin.isEmpty());
    const Answer refused = callOn(worker, tls, "POST", QStringLiteral("/v1/test-push"),
                                  R"({"template_id":"cart","user_id":"u-anna"})", admin);
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), QStringLiteral("sender_unavailable"));
    worker.shutdown();
}

void ApiContentTest::noSecretInAnyAnswer()
{
    QVERIFY(m_answers.size() > 50);
    const QString accountKey =
        QJsonDocument::fromJson(m_account).object().value(QStringLiteral("private_key")).toString();
    QVERIFY(accountKey.startsWith(QStringLiteral("-----BEGIN")));
    // The base64 of both keys without armour and line breaks; any 16 characters of it count as a leak.
    QList<QByteArray> secrets;
    for (const QByteArray &pem : {accountKey.toLatin1(), m_apnsKey}) {
        QByteArray base64;
        for (const QByteArray &line : pem.split('\n')) {
            if (!line.startsWith("-----"))
                base64 += line.trimmed();
        }
        QVERIFY(base64.size() > 100);
        secrets << base64;
    }
    for (const QByteArray &answer : std::as_const(m_answers)) {
        QByteArray flat = answer;
        flat.replace("\\n", "").replace("\\/", "/");
        QVERIFY(!flat.contains("PRIVATE KEY"));
        for (const QByteArray &secret : std::as_const(secrets)) {
            for (qsizetype at = 0; at + 16 <= secret.size(); at += 8)
                QVERIFY2(!flat.contains(secret.mid(at, 16)), "a piece of a private key in an answer");
        }
    }
}

QTEST_MAIN(ApiContentTest)
#include "ApiContentTest.moc"
