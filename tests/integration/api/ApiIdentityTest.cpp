// The worker's identity endpoints and event ingest over real HTTPS, on a Worker started in the test (SQLite,
// the embedded bus): the bootstrap admin logs in, creates a service client, the client gets a token with the
// client-credentials grant and posts events; refresh tokens rotate and a reused one is refused; tokens are
// checked against the JWKS the worker publishes; every change lands in the audit log; an app's tracking report is
// recorded once with the push's token.
#include "ApiTestSupport.h"
#include "TestResults.h"
#include "Worker.h"
#include "security/JwtKeySet.h"
#include "security/TrackingToken.h"
#include "store/DeliveryRepository.h"
#include "util/Clock.h"
#include "util/Config.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("correct horse battery");

using Answer = test::WorkerAnswer;

} // namespace

class ApiIdentityTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void serviceGetsATokenAndPostsEvents();
    void consoleLoginRefreshRotatesAndReuseIsRefused();
    void wrongCredentialsAndRolesAreRefused();
    void changesAreAudited();
    void appReportsAreTrackedOnceWithTheirToken();
    void metricsCountWhatHappened();

private:
    Answer call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QByteArray &bearer = {}, const QByteArray &contentType = "application/json",
                const QByteArray &authorization = {});
    QByteArray adminToken();

    QTemporaryDir m_dir;
    std::unique_ptr<Worker> m_worker;
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
};

void ApiIdentityTest::initTestCase()
{
    const QProcessEnvironment env = test::apiWorkerEnvironment(m_dir.path(), QStringLiteral("trigger"), kAdminPassword);
    Result<Config> config = Config::fromIni(QString(), QString(), env);
    VT_OK(config);
    m_worker = std::make_unique<Worker>(*config);
    VT_OK(m_worker->start());
    QCOMPARE(m_worker->url().scheme(), QStringLiteral("https"));
    m_tls = test::apiWorkerTls(m_dir.path());
}

void ApiIdentityTest::cleanupTestCase()
{
    if (m_worker)
        m_worker->shutdown();
    m_worker.reset();
}

Answer ApiIdentityTest::call(const QByteArray &method, const QString &path, const QByteArray &body,
                             const QByteArray &bearer, const QByteArray &contentType, const QByteArray &authorization)
{
    QNetworkRequest request(m_worker->url().resolved(QUrl(path)));
    request.setSslConfiguration(m_tls);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    else if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    return test::sendWorkerRequest(m_network, request, method, body, 15'000);
}

QByteArray ApiIdentityTest::adminToken()
{
    const Answer login = call("POST", QStringLiteral("/v1/auth/login"),
                              QJsonDocument(QJsonObject{{QStringLiteral("login"), QStringLiteral("admin")},
                                                        {QStringLiteral("password"), kAdminPassword}})
                                  .toJson());
    return login.json.value(QStringLiteral("access_token")).toString().toUtf8();
}

void ApiIdentityTest::serviceGetsATokenAndPostsEvents()
{
    const QByteArray admin = adminToken();
    QVERIFY(!admin.isEmpty());
    const Answer created = call("POST", QStringLiteral("/v1/admin/clients"),
                                R"({"name":"orders service","scopes":["events:write"]})", admin);
    QCOMPARE(created.status, 201);
    const QString id = created.json.value(QStringLiteral("client_id")).toString();
    const QString secret = created.json.value(QStringLiteral("client_secret")).toString();
    QVERIFY(!id.isEmpty() && !secret.isEmpty());
    // The secret is shown once: the list never has it.
    const Answer listed = call("GET", QStringLiteral("/v1/admin/clients"), {}, admin);
    QCOMPARE(listed.status, 200);
    QVERIFY(!listed.body.contains(secret.toUtf8()));

    // RFC 6749 4.4 with client_secret_basic, form-encoded.
    const Answer granted =
        call("POST", QStringLiteral("/oauth/token"), "grant_type=client_credentials&scope=events%3Awrite", {},
             "application/x-www-form-urlencoded",
             QByteArray("Basic ") + QString(id + QLatin1Char(':') + secret).toUtf8().toBase64());
    QCOMPARE(granted.status, 200);
    QCOMPARE(granted.json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(granted.json.value(QStringLiteral("scope")).toString(), QStringLiteral("events:write"));
    const QByteArray token = granted.json.value(QStringLiteral("access_token")).toString().toUtf8();

    // The token verifies with the keys the worker publishes.
    const Answer jwks = call("GET", QStringLiteral("/.well-known/jwks.json"));
    QCOMPARE(jwks.status, 200);
    const QJsonArray keys = jwks.json.value(QStringLiteral("keys")).toArray();
    QVERIFY(!keys.isEmpty());
    for (const QJsonValue &key : keys)
        QVERIFY2(!key.toObject().contains(QStringLiteral("d")), "a private key part in the JWKS");

    const QByteArray event =
        R"({"id":"order-1","type":"order.cancelled","user_id":"u-1","occurred_at":"2026-03-08T12:30:00Z"})";
    const Answer posted = call("POST", QStringLiteral("/v1/events"), event, token);
    QCOMPARE(posted.status, 202);
    QCOMPARE(posted.json.value(QStringLiteral("accepted")).toArray(), QJsonArray{QStringLiteral("order-1")});
    const Answer bad = call("POST", QStringLiteral("/v1/events"), R"({"events":[{"id":"x"}]})", token);
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("invalid_event"));
    // The trigger role took the accepted event from the embedded bus.
    QTRY_COMPARE_WITH_TIMEOUT(call("GET", QStringLiteral("/healthz"))
                                  .json.value(QStringLiteral("trigger"))
                                  .toObject()
                                  .value(QStringLiteral("events"))
                                  .toInt(),
                              1, 15'000);
    // Without a token, or with a token lacking the scope, nothing is accepted.
    QCOMPARE(call("POST", QStringLiteral("/v1/events"), event).status, 401);
    const Answer other =
        call("POST", QStringLiteral("/v1/admin/clients"), R"({"name":"apps","scopes":["track:write"]})", admin);
    const Answer otherToken =
        call("POST", QStringLiteral("/oauth/token"),
             QString(QStringLiteral("grant_type=client_credentials&client_id=")
                     + other.json.value(QStringLiteral("client_id")).toString() + QStringLiteral("&client_secret=")
                     + other.json.value(QStringLiteral("client_secret")).toString())
                 .toUtf8(),
             {}, "application/x-www-form-urlencoded");
    QCOMPARE(otherToken.status, 200);
    QCOMPARE(call("POST", QStringLiteral("/v1/events"), event,
                  otherToken.json.value(QStringLiteral("access_token")).toString().toUtf8())
                 .status,
             403);
}

void ApiIdentityTest::consoleLoginRefreshRotatesAndReuseIsRefused()
{
    const Answer login = call("POST", QStringLiteral("/v1/auth/login"),
                              QJsonDocument(QJsonObject{{QStringLiteral("login"), QStringLiteral("admin")},
                                                        {QStringLiteral("password"), kAdminPassword}})
                                  .toJson());
    QCOMPARE(login.status, 200);
    const QString first = login.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!first.isEmpty());
    const auto refresh = [this](const QString &token) {
        return call("POST", QStringLiteral("/oauth/token"),
                    QByteArray("grant_type=refresh_token&refresh_token=") + QUrl::toPercentEncoding(token), {},
                    "application/x-www-form-urlencoded");
    };
    const Answer second = refresh(first);
    QCOMPARE(second.status, 200);
    const QString next = second.json.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!next.isEmpty() && next != first);
    // The rotated-out token again: refused, and its whole family with it.
    QCOMPARE(refresh(first).status, 400);
    QCOMPARE(refresh(next).status, 400);
}

void ApiIdentityTest::wrongCredentialsAndRolesAreRefused()
{
    const Answer wrong =
        call("POST", QStringLiteral("/v1/auth/login"), R"({"login":"admin","password":"not the password"})");
    QCOMPARE(wrong.status, 400);
    QCOMPARE(wrong.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    const Answer client =
        call("POST", QStringLiteral("/oauth/token"), "grant_type=client_credentials&client_id=nobody&client_secret=x",
             {}, "application/x-www-form-urlencoded");
    QCOMPARE(client.status, 401);
    QCOMPARE(client.json.value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    QCOMPARE(
        call("POST", QStringLiteral("/oauth/token"), "grant_type=password", {}, "application/x-www-form-urlencoded")
            .json.value(QStringLiteral("error"))
            .toString(),
        QStringLiteral("unsupported_grant_type"));

    // A marketer may not administer users.
    const QByteArray admin = adminToken();
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"maria","password":"marketing rules 1","role":"marketer"})", admin)
                 .status,
             201);
    const Answer maria =
        call("POST", QStringLiteral("/v1/auth/login"), R"({"login":"maria","password":"marketing rules 1"})");
    QCOMPARE(maria.status, 200);
    const QByteArray marketer = maria.json.value(QStringLiteral("access_token")).toString().toUtf8();
    QCOMPARE(call("GET", QStringLiteral("/v1/admin/users"), {}, marketer).status, 403);
    QCOMPARE(call("GET", QStringLiteral("/v1/audit"), {}, marketer).status, 403);
}

void ApiIdentityTest::changesAreAudited()
{
    const QByteArray admin = adminToken();
    QCOMPARE(call("POST", QStringLiteral("/v1/admin/users"),
                  R"({"login":"anna","password":"analysts secret 42","role":"analyst"})", admin)
                 .status,
             201);
    const Answer audit = call("GET", QStringLiteral("/v1/audit?action=user.create&target=anna"), {}, admin);
    QCOMPARE(audit.status, 200);
    const QJsonArray entries = audit.json.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject entry = entries.first().toObject();
    QCOMPARE(entry.value(QStringLiteral("actor")).toString(), QStringLiteral("admin"));
    QCOMPARE(entry.value(QStringLiteral("actor_kind")).toString(), QStringLiteral("user"));
    QCOMPARE(entry.value(QStringLiteral("remote_address")).toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(!audit.body.contains("analysts secret 42"));
    // Logins are audited by the identity service itself, failures included.
    QCOMPARE(call("POST", QStringLiteral("/v1/auth/login"), R"({"login":"anna","password":"not her password"})").status,
             400);
    const Answer failed = call("GET", QStringLiteral("/v1/audit?action=login.failed"), {}, admin);
    QVERIFY(!failed.json.value(QStringLiteral("entries")).toArray().isEmpty());
}

void ApiIdentityTest::appReportsAreTrackedOnceWithTheirToken()
{
    Delivery delivery;
    delivery.notificationId = QStringLiteral("n-track-1");
    delivery.userId = QStringLiteral("u-1");
    delivery.deviceId = 5;
    delivery.appId = QStringLiteral("shop");
    delivery.platform = Platform::Android;
    delivery.templateId = QStringLiteral("cart");
    delivery.templateVersion = 1;
    delivery.createdAtMs = SystemClock::instance().nowMs();
    const DeliveryRepository deliveries(m_worker->database(), SystemClock::instance());
    VT_OK(deliveries.insertBatch({delivery}));
    // The token the worker puts into the push: keys derived from its sealing key.
    Result<TrackingToken> tokens = TrackingToken::fromSealer(m_worker->sealer());
    VT_OK(tokens);
    Result<QString> token =
        tokens->issue(delivery.notificationId, delivery.deviceId, QDateTime::currentDateTimeUtc().addDays(7));
    VT_OK(token);
    Result<QString> otherDevice = tokens->issue(delivery.notificationId, 6, QDateTime::currentDateTimeUtc().addDays(7));
    VT_OK(otherDevice);
    const auto report = [this](const QString &event, const QString &tokenText) {
        return call("POST", QStringLiteral("/v1/track"),
                    QJsonDocument(QJsonObject{{QStringLiteral("notification_id"), QStringLiteral("n-track-1")},
                                              {QStringLiteral("event"), event},
                                              {QStringLiteral("tracking_token"), tokenText}})
                        .toJson());
    };
    QCOMPARE(report(QStringLiteral("opened"), *otherDevice).status, 401);
    QCOMPARE(report(QStringLiteral("opened"), *token).status, 204);
    const Answer replay = report(QStringLiteral("opened"), *token);
    QCOMPARE(replay.status, 409);
    QCOMPARE(replay.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
             QStringLiteral("already_reported"));
    QCOMPARE(report(QStringLiteral("sent"), *token).status, 400);
    Result<std::optional<Delivery>> row = deliveries.find(delivery.notificationId);
    VT_OK(row);
    QCOMPARE((*row)->status, DeliveryStatus::Opened);
}

void ApiIdentityTest::metricsCountWhatHappened()
{
    const auto scrape = [this] {
        QNetworkRequest request(m_worker->url().resolved(QUrl(QStringLiteral("/metrics"))));
        request.setSslConfiguration(m_tls);
        QNetworkReply *reply = m_network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QByteArray text;
        if (finished.wait(15'000) && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200
            && reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QStringLiteral("text/plain")))
            text = reply->readAll();
        reply->deleteLater();
        return text;
    };
    // The value of one sample ("name{labels}"), 0 when it is not there yet.
    const auto sample = [](const QByteArray &text, const QByteArray &series) {
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith(QByteArray(series + ' ')))
                return line.mid(series.size() + 1).toDouble();
        }
        return 0.0;
    };
    const QByteArray failedLogins = R"(vestnik_http_requests_total{method="POST",route="/v1/auth/login",status="400"})";
    const QByteArray loginCount = R"(vestnik_http_request_duration_seconds_count{route="/v1/auth/login"})";
    const QByteArray before = scrape();
    QVERIFY(!before.isEmpty());
    QVERIFY(before.contains("# TYPE vestnik_api_events_total counter\n"));
    QVERIFY(before.contains("# TYPE vestnik_trigger_total counter\n"));
    QVERIFY(before.contains("vestnik_api_connections "));
    // The trigger role holds the embedded bus's events topic and has taken everything posted so far.
    const QByteArray triggerLag = R"(vestnik_consumer_lag{role="trigger"})";
    QTRY_VERIFY(scrape().contains(QByteArray(triggerLag + ' ')));
    QTRY_COMPARE(sample(scrape(), triggerLag), 0.0);
    QCOMPARE(call("POST", QStringLiteral("/v1/auth/login"), R"({"login":"nobody","password":"wrong password"})").status,
             400);
    const QByteArray after = scrape();
    QCOMPARE(sample(after, failedLogins), sample(before, failedLogins) + 1);
    QCOMPARE(sample(after, loginCount), sample(before, loginCount) + 1);
}

QTEST_MAIN(ApiIdentityTest)
#include "ApiIdentityTest.moc"
