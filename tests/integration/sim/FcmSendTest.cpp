// Drives the shipped vestnik-sim's FCM HTTP v1 endpoint with curl and nghttp and checks every status and body
// against PROVIDERS.md section 1 (the OAuth endpoint it takes tokens from: GoogleOAuthTest).
#include "SimTestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace vestnik::test;

namespace {

const QString kProject = QStringLiteral("demo-project");
const QString kEmail = QStringLiteral("sender@demo-project.iam.gserviceaccount.com");
const QString kFcmScope = QStringLiteral("https://www.googleapis.com/auth/firebase.messaging");
const QString kToken = QStringLiteral("fh_24D06e6VpP-il_9zby1:APA91bGQxyz-sim-device-0001");
const QByteArray kJwtBearer = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";

QJsonObject parse(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray fcmError(int code, const char *status, const char *message, const char *errorCode)
{
    QJsonObject inner{{QStringLiteral("code"), code},
                      {QStringLiteral("message"), QString::fromUtf8(message)},
                      {QStringLiteral("status"), QString::fromLatin1(status)}};
    if (errorCode)
        inner.insert(QStringLiteral("details"),
                     QJsonArray{QJsonObject{{QStringLiteral("@type"),
                                             QStringLiteral("type.googleapis.com/google.firebase.fcm.v1.FcmError")},
                                            {QStringLiteral("errorCode"), QString::fromLatin1(errorCode)}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), inner}}).toJson(QJsonDocument::Compact);
}

} // namespace

class FcmSendTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void sendSucceedsWithGoogleBody();
    void sendAcceptsProjectNumberAndCamelCase();
    void authenticationAndProjectErrors();
    void invalidMessages_data();
    void invalidMessages();
    void sizeLimits();
    void validateOnlyDoesNotDeliver();
    void tokenStates_data();
    void tokenStates();
    void injectedErrors_data();
    void injectedErrors();
    void quotaBurstWithRetryAfter();
    void projectQuota();
    void outageWindow();
    void errorRatesAreReproducible();
    void recordingCountsDeliveriesAndDuplicates();
    void nghttpClientIsServed();

private:
    QByteArray assertion(const QJsonObject &claimsOverride = {}, const QString &key = {}) const;
    QByteArray accessToken(const QString &scope = kFcmScope);
    HttpExchange token(const QByteArray &form);
    HttpExchange send(const QByteArray &body, const QString &project = kProject, const QByteArray &bearer = {});
    HttpExchange sendTo(const QString &deviceToken);
    void patchBehaviour(const QByteArray &json);

    QTemporaryDir m_dir;
    std::unique_ptr<OpenSslTool> m_openssl;
    std::unique_ptr<SimProcess> m_sim;
    QString m_key;
    QByteArray m_accessToken;
};

void FcmSendTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = std::make_unique<OpenSslTool>(m_dir.path());
    m_key = m_openssl->generateRsaKey(QStringLiteral("sa.pem"));
    QVERIFY(!m_key.isEmpty());
    QFile account(m_dir.filePath(QStringLiteral("sa.json")));
    QVERIFY(account.open(QIODevice::WriteOnly));
    account.write(serviceAccountJson(m_key, kEmail, kProject, QStringLiteral("key-1"),
                                     QStringLiteral("https://oauth2.googleapis.com/token")));
    account.close();
    // The config file names the account with a project number, relative to the file.
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"google": {"service_accounts": [{"file": "sa.json", "project_number": "123456789012"}]},
                     "seed": 7})");
    config.close();
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName()}), qPrintable(m_sim->error()));
    QVERIFY(m_sim->google.isValid());
    QVERIFY(QFile::exists(m_sim->caPath));
    m_accessToken = accessToken();
    QVERIFY(m_accessToken.startsWith("ya29."));
}

void FcmSendTest::init()
{
    if (!m_sim)
        return;
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/behaviour"), "{}").status, 200);
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
}

void FcmSendTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QByteArray FcmSendTest::assertion(const QJsonObject &claimsOverride, const QString &key) const
{
    return serviceAccountAssertion(*m_openssl, key.isEmpty() ? m_key : key, kEmail, QStringLiteral("key-1"),
                                   claimsOverride);
}

HttpExchange FcmSendTest::token(const QByteArray &form)
{
    return curl(m_sim->caPath, {QStringLiteral("--data-binary"), QString::fromLatin1(form),
                                m_sim->google.resolved(QUrl(QStringLiteral("/token"))).toString()});
}

QByteArray FcmSendTest::accessToken(const QString &scope)
{
    const HttpExchange reply =
        token("grant_type=" + kJwtBearer + "&assertion=" + assertion({{QStringLiteral("scope"), scope}}));
    return reply.json().value(QStringLiteral("access_token")).toString().toLatin1();
}

HttpExchange FcmSendTest::send(const QByteArray &body, const QString &project, const QByteArray &bearer)
{
    const QString url =
        m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/%1/messages:send").arg(project))).toString();
    QStringList arguments;
    const QByteArray credential = bearer.isNull() ? m_accessToken : bearer;
    if (!credential.isEmpty())
        arguments << QStringLiteral("-H") << QStringLiteral("authorization: Bearer ") + QString::fromLatin1(credential);
    arguments << QStringLiteral("-H") << QStringLiteral("content-type: application/json")
              << QStringLiteral("--data-binary") << QString::fromUtf8(body) << url;
    return curl(m_sim->caPath, arguments);
}

HttpExchange FcmSendTest::sendTo(const QString &deviceToken)
{
    return send(QStringLiteral(R"({"message":{"token":"%1","data":{"k":"v"}}})").arg(deviceToken).toUtf8());
}

void FcmSendTest::patchBehaviour(const QByteArray &json)
{
    const HttpExchange reply =
        adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(reply.status == 200, reply.body.constData());
}

void FcmSendTest::sendSucceedsWithGoogleBody()
{
    const HttpExchange reply = sendTo(kToken);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.httpVersion, QStringLiteral("2"));
    const QString name = reply.json().value(QStringLiteral("name")).toString();
    static const QRegularExpression shape(QStringLiteral(R"(^projects/demo-project/messages/0:\d{16}%[0-9a-f]{16}$)"));
    QVERIFY2(shape.match(name).hasMatch(), qPrintable(name));
    QCOMPARE(reply.json().size(), 1);
    // a second message gets another id
    QVERIFY(sendTo(kToken).json().value(QStringLiteral("name")).toString() != name);
}

void FcmSendTest::sendAcceptsProjectNumberAndCamelCase()
{
    const HttpExchange reply = send(R"({"validateOnly":false,"message":{"token":"abc","android":{"collapseKey":"c1",
        "priority":"HIGH","ttl":"3.5s","restrictedPackageName":"com.shop","directBootOk":true,
        "notification":{"channelId":"orders","titleLocKey":"t","titleLocArgs":["a"],"notificationPriority":"PRIORITY_HIGH",
        "lightSettings":{"color":{"red":1},"lightOnDuration":"1s","lightOffDuration":"2s"},"vibrateTimings":["0.5s"]}},
        "apns":{"headers":{"apns-priority":"10"},"payload":{"aps":{"badge":1}},"fcmOptions":{"analyticsLabel":"l1"}},
        "webpush":{"headers":{"TTL":"15"},"fcmOptions":{"link":"https://shop.example/o/1"}},
        "fcmOptions":{"analyticsLabel":"campaign_7"}}})",
                                    QStringLiteral("123456789012"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json()
                .value(QStringLiteral("name"))
                .toString()
                .startsWith(QStringLiteral("projects/123456789012/messages/0:")));
    QCOMPARE(send(R"({"message":{"token":"abc","android":{"priority":"normal"}}})").status, 200);
}

void FcmSendTest::authenticationAndProjectErrors()
{
    const QByteArray body = R"({"message":{"token":"abc"}})";
    const QByteArray unauthenticated =
        fcmError(401, "UNAUTHENTICATED",
                 "Request had invalid authentication credentials. Expected OAuth 2 access "
                 "token, login cookie or other valid authentication credential. See "
                 "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                 nullptr);
    HttpExchange reply = send(body, kProject, "");
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json(), parse(unauthenticated));
    QVERIFY(reply.headers.contains("www-authenticate"));
    reply = send(body, kProject, "ya29.never-issued");
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.json(), parse(unauthenticated));

    reply = send(body, QStringLiteral("someone-elses-project"));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json(),
             parse(fcmError(403, "PERMISSION_DENIED",
                            "Permission 'cloudmessaging.messages.create' denied on resource "
                            "'//cloudresourcemanager.googleapis.com/projects/someone-elses-project' (or it "
                            "may not exist).",
                            nullptr)));

    reply = curl(m_sim->caPath, {m_sim->google.resolved(QUrl(QStringLiteral("/v1/nothing"))).toString()});
    QCOMPARE(reply.status, 404);
    QVERIFY(reply.body.contains("That\xe2\x80\x99s an error."));
}

void FcmSendTest::invalidMessages_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("field");     // BadRequest field violation, "-" for none
    QTest::addColumn<QString>("errorCode"); // FcmError detail, empty for none

    const QString invalid = QStringLiteral("Request contains an invalid argument.");
    QTest::newRow("not JSON") << QByteArray("{\"message\":")
                              << QStringLiteral("Invalid JSON payload received. Unexpected token.") << QString()
                              << QString();
    QTest::newRow("unknown field")
        << QByteArray(R"({"message":{"token":"a","x":1}})")
        << QStringLiteral("Invalid JSON payload received. Unknown name \"x\" at 'message': Cannot find field.")
        << QStringLiteral("message") << QString();
    QTest::newRow("unknown top-level field")
        << QByteArray(R"({"msg":{}})")
        << QStringLiteral("Invalid JSON payload received. Unknown name \"msg\": Cannot find field.") << QString()
        << QString();
    QTest::newRow("number in data") << QByteArray(R"({"message":{"token":"a","data":{"n":12}}})")
                                    << QStringLiteral("Invalid value at 'message.data[0].value' (TYPE_STRING), 12")
                                    << QStringLiteral("message.data[0].value") << QString();
    QTest::newRow("number in android data")
        << QByteArray(R"({"message":{"token":"a","android":{"data":{"a":"1","b":true}}}})")
        << QStringLiteral("Invalid value at 'message.android.data[1].value' (TYPE_STRING), true")
        << QStringLiteral("message.android.data[1].value") << QString();
    QTest::newRow("bad priority")
        << QByteArray(R"({"message":{"token":"a","android":{"priority":"urgent"}}})")
        << QStringLiteral("Invalid value at 'message.android.priority' "
                          "(type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), \"urgent\"")
        << QStringLiteral("message.android.priority") << QString();
    QTest::newRow("ttl format")
        << QByteArray(R"({"message":{"token":"a","android":{"ttl":"3600"}}})")
        << QStringLiteral(
               "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), \"3600\"")
        << QStringLiteral("message.android.ttl") << QString();
    QTest::newRow("ttl over 4 weeks") << QByteArray(R"({"message":{"token":"a","android":{"ttl":"2419201s"}}})")
                                      << invalid << QStringLiteral("message.android.ttl")
                                      << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("negative ttl") << QByteArray(R"({"message":{"token":"a","android":{"ttl":"-1s"}}})") << invalid
                                  << QStringLiteral("message.android.ttl") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("notification not an object")
        << QByteArray(R"({"message":{"token":"a","notification":"hi"}})")
        << QStringLiteral("Invalid value at 'message.notification' "
                          "(type.googleapis.com/google.firebase.fcm.v1.Notification), \"hi\"")
        << QStringLiteral("message.notification") << QString();
    QTest::newRow("no target") << QByteArray(R"({"message":{"data":{"a":"b"}}})")
                               << QStringLiteral("Recipient of the message is not set.") << QStringLiteral("-")
                               << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("two targets")
        << QByteArray(R"({"message":{"token":"a","topic":"news"}})")
        << QStringLiteral("Invalid value at 'message' (oneof), oneof field 'target' is already set. Cannot set 'topic'")
        << QStringLiteral("message") << QString();
    QTest::newRow("bad token") << QByteArray(R"({"message":{"token":"not a token!"}})") << invalid
                               << QStringLiteral("message.token") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("topic with prefix") << QByteArray(R"({"message":{"topic":"/topics/news"}})") << invalid
                                       << QStringLiteral("message.topic") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("bad condition") << QByteArray(R"({"message":{"condition":"'a' in topics &&"}})")
                                   << QStringLiteral("Invalid condition expression provided.")
                                   << QStringLiteral("message.condition") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("six topics") << QByteArray(
        R"({"message":{"condition":"'a' in topics && 'b' in topics && 'c' in topics && 'd' in topics && 'e' in topics && 'f' in topics"}})")
                                << QStringLiteral("Invalid condition expression provided.")
                                << QStringLiteral("message.condition") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("reserved key from") << QByteArray(R"({"message":{"token":"a","data":{"from":"x"}}})") << invalid
                                       << QStringLiteral("message.data") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("reserved key google.")
        << QByteArray(R"({"message":{"token":"a","data":{"google.c.a":"x"}}})") << invalid
        << QStringLiteral("message.data") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("reserved key gcm") << QByteArray(R"({"message":{"token":"a","android":{"data":{"gcm.n":"x"}}}})")
                                      << invalid << QStringLiteral("message.android.data")
                                      << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("reserved key message_type")
        << QByteArray(R"({"message":{"token":"a","data":{"message_type":"x"}}})") << invalid
        << QStringLiteral("message.data") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("bad color") << QByteArray(R"({"message":{"token":"a","android":{"notification":{"color":"red"}}}})")
                               << invalid << QStringLiteral("message.android.notification.color")
                               << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("image not a URL") << QByteArray(R"({"message":{"token":"a","notification":{"image":"cat.png"}}})")
                                     << invalid << QStringLiteral("message.notification.image")
                                     << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("loc args without key")
        << QByteArray(R"({"message":{"token":"a","android":{"notification":{"body_loc_args":["x"]}}}})") << invalid
        << QStringLiteral("message.android.notification.body_loc_key") << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("bad analytics label") << QByteArray(
        R"({"message":{"token":"a","fcm_options":{"analytics_label":"no spaces"}}})")
                                         << invalid << QStringLiteral("message.fcm_options.analytics_label")
                                         << QStringLiteral("INVALID_ARGUMENT");
    QTest::newRow("http link") << QByteArray(
        R"({"message":{"token":"a","webpush":{"fcm_options":{"link":"http://x.example"}}}})")
                               << invalid << QStringLiteral("message.webpush.fcm_options.link")
                               << QStringLiteral("INVALID_ARGUMENT");
}

void FcmSendTest::invalidMessages()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QFETCH(QString, field);
    QFETCH(QString, errorCode);
    const HttpExchange reply = send(body);
    QCOMPARE(reply.status, 400);
    const QJsonObject error = reply.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toInt(), 400);
    QCOMPARE(error.value(QStringLiteral("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
    QCOMPARE(error.value(QStringLiteral("message")).toString(), message);
    const QJsonArray details = error.value(QStringLiteral("details")).toArray();
    QString foundCode;
    QJsonArray violations;
    for (const QJsonValue &detail : details) {
        const QString type = detail.toObject().value(QStringLiteral("@type")).toString();
        if (type == QStringLiteral("type.googleapis.com/google.firebase.fcm.v1.FcmError"))
            foundCode = detail.toObject().value(QStringLiteral("errorCode")).toString();
        else if (type == QStringLiteral("type.googleapis.com/google.rpc.BadRequest"))
            violations = detail.toObject().value(QStringLiteral("fieldViolations")).toArray();
        else
            QFAIL(qPrintable(QStringLiteral("unexpected detail type ") + type));
    }
    QCOMPARE(foundCode, errorCode);
    if (field == QStringLiteral("-")) {
        QVERIFY(violations.isEmpty());
    } else {
        QCOMPARE(violations.size(), 1);
        QCOMPARE(violations.at(0).toObject().value(QStringLiteral("field")).toString(), field);
        QVERIFY(!violations.at(0).toObject().value(QStringLiteral("description")).toString().isEmpty());
    }
}

void FcmSendTest::sizeLimits()
{
    const auto withData = [](const char *target, int size) {
        return QStringLiteral(R"({"message":{%1,"data":{"k":"%2"}}})")
            .arg(QLatin1String(target), QString(size, QLatin1Char('x')))
            .toUtf8();
    };
    const QByteArray tooBig = fcmError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", nullptr);
    // 4096 bytes for token messages, counted without the target: {"data":{"k":"..."}} is 17 + n bytes
    QCOMPARE(send(withData(R"("token":"a")", 4096 - 17)).status, 200);
    HttpExchange reply = send(withData(R"("token":"a")", 4096 - 16));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json(), parse(tooBig));
    // 2048 bytes for topic messages
    QCOMPARE(send(withData(R"("topic":"news")", 2048 - 17)).status, 200);
    reply = send(withData(R"("topic":"news")", 2048 - 16));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json(), parse(tooBig));
    QCOMPARE(send(withData(R"("condition":"'a' in topics")", 3000)).status, 200);
}

void FcmSendTest::validateOnlyDoesNotDeliver()
{
    const HttpExchange reply =
        send(QStringLiteral(R"({"validate_only":true,"message":{"token":"%1"}})").arg(kToken).toUtf8());
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json()
                .value(QStringLiteral("name"))
                .toString()
                .startsWith(QStringLiteral("projects/demo-project/messages/")));
    const QJsonObject record =
        adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm&token=") + kToken)
            .json()
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(kToken)
            .toObject();
    QCOMPARE(record.value(QStringLiteral("attempts")).toInt(), 1);
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 0);
}

void FcmSendTest::tokenStates_data()
{
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QString>("deviceToken");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("unregistered") << QByteArray(R"({"service":"fcm","token":"gone-1","state":"unregistered"})")
                                  << QStringLiteral("gone-1") << 404
                                  << fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    QTest::newRow("unregistered by prefix")
        << QByteArray(R"({"service":"fcm","token":"gone-","match":"prefix","state":"unregistered"})")
        << QStringLiteral("gone-42:APA91b") << 404
        << fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    QTest::newRow("sender mismatch") << QByteArray(R"({"service":"fcm","token":"other-app","state":"sender_mismatch"})")
                                     << QStringLiteral("other-app") << 403
                                     << fcmError(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH");
    QTest::newRow("third party auth") << QByteArray(
        R"({"service":"fcm","token":"ios-","match":"prefix","state":"third_party_auth_error"})")
                                      << QStringLiteral("ios-1") << 401
                                      << fcmError(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service",
                                                  "THIRD_PARTY_AUTH_ERROR");
}

void FcmSendTest::tokenStates()
{
    QFETCH(QByteArray, rule);
    QFETCH(QString, deviceToken);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    patchBehaviour("{\"tokens\":[" + rule + "]}");
    const HttpExchange reply = sendTo(deviceToken);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json(), parse(body));
    QCOMPARE(sendTo(kToken).status, 200); // other tokens are unaffected

    // an invalid token is a 400 with the token field named
    patchBehaviour(R"({"tokens":[{"service":"fcm","token":"bad-","match":"prefix","state":"invalid"}]})");
    const HttpExchange invalid = sendTo(QStringLiteral("bad-1"));
    QCOMPARE(invalid.status, 400);
    QVERIFY(invalid.body.contains(R"("field":"message.token")"));
    QVERIFY(invalid.body.contains(R"("errorCode":"INVALID_ARGUMENT")"));
}

void FcmSendTest::injectedErrors_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("INTERNAL") << QStringLiteral("INTERNAL") << 500
                              << fcmError(500, "INTERNAL", "Internal error encountered.", "INTERNAL");
    QTest::newRow("UNAVAILABLE") << QStringLiteral(
        "UNAVAILABLE") << 503 << fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
    QTest::newRow("UNREGISTERED") << QStringLiteral("UNREGISTERED") << 404
                                  << fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    QTest::newRow("SENDER_ID_MISMATCH") << QStringLiteral(
        "SENDER_ID_MISMATCH") << 403 << fcmError(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH");
    QTest::newRow("THIRD_PARTY_AUTH_ERROR")
        << QStringLiteral("THIRD_PARTY_AUTH_ERROR") << 401
        << fcmError(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", "THIRD_PARTY_AUTH_ERROR");
    QTest::newRow("INVALID_ARGUMENT") << QStringLiteral("INVALID_ARGUMENT") << 400
                                      << fcmError(400, "INVALID_ARGUMENT", "Request contains an invalid argument.",
                                                  "INVALID_ARGUMENT");
    QTest::newRow("UNSPECIFIED_ERROR") << QStringLiteral("UNSPECIFIED_ERROR") << 500
                                       << fcmError(500, "UNKNOWN", "Unknown Error.", "UNSPECIFIED_ERROR");
}

void FcmSendTest::injectedErrors()
{
    QFETCH(QString, code);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    patchBehaviour(
        QStringLiteral(R"({"errors":[{"service":"fcm","code":"%1","rate":1,"retry_after":7}]})").arg(code).toUtf8());
    const HttpExchange reply = sendTo(kToken);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json(), parse(body));
    QCOMPARE(reply.headers.value("retry-after"), QByteArray("7"));
    // APNs errors do not leak into FCM
    patchBehaviour(R"({"errors":[{"service":"apns","code":"InternalServerError","rate":1}]})");
    QCOMPARE(sendTo(kToken).status, 200);
}

void FcmSendTest::quotaBurstWithRetryAfter()
{
    patchBehaviour(R"({"bursts":[{"service":"fcm","count":2,"retry_after":60}]})");
    for (int i = 0; i < 2; ++i) {
        const HttpExchange reply = sendTo(kToken);
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.headers.value("retry-after"), QByteArray("60"));
        const QJsonObject error = reply.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("status")).toString(), QStringLiteral("RESOURCE_EXHAUSTED"));
        QVERIFY(reply.body.contains(R"("errorCode":"QUOTA_EXCEEDED")"));
        QVERIFY(reply.body.contains(R"("@type":"type.googleapis.com/google.rpc.QuotaFailure")"));
        QVERIFY(reply.body.contains(R"("subject":"project_number:123456789012")"));
    }
    QCOMPARE(sendTo(kToken).status, 200);
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/behaviour"))
                 .json()
                 .value(QStringLiteral("bursts"))
                 .toArray()
                 .size(),
             0);
}

void FcmSendTest::projectQuota()
{
    patchBehaviour(R"({"quota":{"fcm_per_minute":3}})");
    QCOMPARE(sendTo(kToken).status, 200);
    QCOMPARE(send("{\"message\":{}}").status, 400); // invalid messages use up quota too
    QCOMPARE(sendTo(kToken).status, 200);
    const HttpExchange reply = sendTo(kToken);
    QCOMPARE(reply.status, 429);
    QVERIFY(reply.body.contains(R"("errorCode":"QUOTA_EXCEEDED")"));
    QVERIFY(reply.body.contains(R"("subject":"project_number:123456789012")"));
    patchBehaviour(R"({"quota":{"fcm_per_minute":0}})");
    QCOMPARE(sendTo(kToken).status, 200);
}

void FcmSendTest::outageWindow()
{
    patchBehaviour(R"({"outages":[{"service":"fcm","duration_ms":600000,"retry_after":2}]})");
    HttpExchange reply = sendTo(kToken);
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.json(), parse(fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE")));
    QCOMPARE(reply.headers.value("retry-after"), QByteArray("2"));
    // even invalid messages get the 503: the service is down before anything looks at them
    QCOMPARE(send("{").status, 503);
    patchBehaviour(R"({"outages":[]})");
    QCOMPARE(sendTo(kToken).status, 200);
    // a window in the future does not apply yet
    patchBehaviour(R"({"outages":[{"service":"fcm","start_in_ms":600000,"duration_ms":1000}]})");
    QCOMPARE(sendTo(kToken).status, 200);
}

void FcmSendTest::errorRatesAreReproducible()
{
    patchBehaviour(R"({"seed":99,"errors":[{"service":"fcm","code":"UNAVAILABLE","rate":0.5}]})");
    const auto statuses = [this] {
        QList<int> list;
        for (int i = 0; i < 12; ++i)
            list << sendTo(kToken).status;
        return list;
    };
    const QList<int> first = statuses();
    QVERIFY(first.contains(200) && first.contains(503));
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    QCOMPARE(statuses(), first); // same seed, same token, same attempt numbers: same answers
    patchBehaviour(R"({"seed":100})");
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    QVERIFY(statuses() != first);
}

void FcmSendTest::recordingCountsDeliveriesAndDuplicates()
{
    const QByteArray body =
        QStringLiteral(R"({"message":{"token":"%1","data":{"variant":"B"},"android":{"collapse_key":"n-1"}}})")
            .arg(kToken)
            .toUtf8();
    QCOMPARE(send(body).status, 200);
    QCOMPARE(send(body).status, 200);
    patchBehaviour(R"({"errors":[{"service":"fcm","code":"UNAVAILABLE","rate":1}]})");
    QCOMPARE(send(body).status, 503);
    const QJsonObject all = adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries")).json();
    const QJsonObject record = all.value(QStringLiteral("fcm")).toObject().value(kToken).toObject();
    QCOMPARE(record.value(QStringLiteral("attempts")).toInt(), 3);
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 2);
    QCOMPARE(record.value(QStringLiteral("rejected")).toInt(), 1);
    QCOMPARE(record.value(QStringLiteral("last_status")).toInt(), 503);
    QCOMPARE(record.value(QStringLiteral("last_error")).toString(), QStringLiteral("UNAVAILABLE"));
    QCOMPARE(record.value(QStringLiteral("collapse_ids")).toObject().value(QStringLiteral("n-1")).toInt(), 2);
    QCOMPARE(record.value(QStringLiteral("last_payload")).toObject(), parse(body));
    QCOMPARE(record.value(QStringLiteral("last_headers")).toObject().value(QStringLiteral("content-type")).toString(),
             QStringLiteral("application/json"));
    QVERIFY(!record.value(QStringLiteral("last_headers")).toObject().contains(QStringLiteral("authorization")));
    const QJsonObject totals = all.value(QStringLiteral("totals")).toObject().value(QStringLiteral("fcm")).toObject();
    QCOMPARE(totals.value(QStringLiteral("accepted")).toInt(), 2);
    QCOMPARE(totals.value(QStringLiteral("by_status")).toObject().value(QStringLiteral("503")).toInt(), 1);
}

void FcmSendTest::nghttpClientIsServed()
{
    QFile body(m_dir.filePath(QStringLiteral("body.json")));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(QStringLiteral(R"({"message":{"token":"%1","notification":{"title":"Hi"}}})").arg(kToken).toUtf8());
    body.close();
    QByteArray out;
    const QString url =
        m_sim->google.resolved(QUrl(QStringLiteral("/v1/projects/demo-project/messages:send"))).toString();
    QCOMPARE(run(QStringLiteral("nghttp"),
                 {QStringLiteral("-v"), QStringLiteral("-d"), body.fileName(), QStringLiteral("-H"),
                  QStringLiteral("authorization: Bearer ") + QString::fromLatin1(m_accessToken), QStringLiteral("-H"),
                  QStringLiteral("content-type: application/json"), url},
                 &out),
             0);
    // nghttp shows our SETTINGS (Google front ends announce 100 streams) and the answer
    QVERIFY2(out.contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100"), out.constData());
    QVERIFY(out.contains(":status: 200"));
    QVERIFY(out.contains("{\"name\":\"projects/demo-project/messages/0:"));
}

QTEST_GUILESS_MAIN(FcmSendTest)
#include "FcmSendTest.moc"
