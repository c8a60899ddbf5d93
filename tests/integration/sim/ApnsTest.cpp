// Drives the shipped vestnik-sim's APNs endpoint with curl (HTTP/2) and checks every reason code of
// PROVIDERS.md 3.4 in the validation order of 3.7, token and certificate authentication, and what is recorded.
#include "SimTestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace vestnik::test;

namespace {

const QString kTeam = QStringLiteral("TEAM123456");
const QString kOtherTeam = QStringLiteral("TEAM999999");
const QString kKey = QStringLiteral("KEY1234567");
const QString kSecondKey = QStringLiteral("KEY2345678");
const QString kProductionKey = QStringLiteral("KEYPROD001");
const QString kScopedKey = QStringLiteral("KEYSCOPE01");
const QString kTopic = QStringLiteral("com.shop.app");
const QString kDevice = QStringLiteral("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
const QString kUuid = QStringLiteral("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");

} // namespace

class ApnsTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void pushSucceeds();
    void reasons_data();
    void reasons();
    void unregisteredTokensCarryTheTimestamp();
    void injectedReasons_data();
    void injectedReasons();
    void oneTeamAndKeyPerConnection();
    void tokenUpdatesAtMostEveryTwentyMinutes();
    void certificateAuthentication();
    void outageAnswersServiceUnavailable();

private:
    QByteArray providerToken(const QString &key, const QString &keyId, const QString &team,
                             qint64 ageSeconds = 0) const;
    QStringList request(const QStringList &headers, const QByteArray &body = "{\"aps\":{\"alert\":\"hi\"}}",
                        const QString &path = QStringLiteral("/3/device/") + kDevice) const;
    QStringList authorized(QStringList headers, const QByteArray &token = {}) const;
    HttpExchange push(const QStringList &arguments, const QStringList &clientCertificate = {}) const;
    void patchBehaviour(const QByteArray &json);

    QTemporaryDir m_dir;
    std::unique_ptr<OpenSslTool> m_openssl;
    std::unique_ptr<SimProcess> m_sim;
    QHash<QString, QString> m_keys; // key id -> .p8 path
    QByteArray m_token;
};

void ApnsTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = std::make_unique<OpenSslTool>(m_dir.path());
    for (const QString &id :
         {kKey, kSecondKey, kProductionKey, kScopedKey, QStringLiteral("OTHERTEAM1"), QStringLiteral("ROGUE00001")}) {
        m_keys.insert(id, m_openssl->generateEcKey(QStringLiteral("AuthKey_%1.p8").arg(id)));
        QVERIFY(!m_keys.value(id).isEmpty());
    }
    QFile config(m_dir.filePath(QStringLiteral("sim.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral(R"({"apns": {"environment": "development",
        "keys": [{"team_id": "%1", "key_id": "%2", "file": "AuthKey_%2.p8"},
                 {"team_id": "%1", "key_id": "%3", "file": "AuthKey_%3.p8"},
                 {"team_id": "%1", "key_id": "%4", "file": "AuthKey_%4.p8", "environment": "production"},
                 {"team_id": "%1", "key_id": "%5", "file": "AuthKey_%5.p8", "topics": ["com.shop.other"]},
                 {"team_id": "%6", "key_id": "OTHERTEAM1", "file": "AuthKey_OTHERTEAM1.p8"}],
        "disallowed_topics": ["com.shop.banned"]}})")
                     .arg(kTeam, kKey, kSecondKey, kProductionKey, kScopedKey, kOtherTeam)
                     .toUtf8());
    config.close();
    m_sim = std::make_unique<SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), config.fileName()}), qPrintable(m_sim->error()));
    QVERIFY(m_sim->apns.isValid());
    m_token = providerToken(m_keys.value(kKey), kKey, kTeam);
    QVERIFY(!m_token.isEmpty());
}

void ApnsTest::init()
{
    if (!m_sim)
        return;
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/behaviour"), "{}").status, 200);
    QCOMPARE(adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
}

void ApnsTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

QByteArray ApnsTest::providerToken(const QString &key, const QString &keyId, const QString &team,
                                   qint64 ageSeconds) const
{
    return m_openssl->signJwt(key, {{QStringLiteral("alg"), QStringLiteral("ES256")}, {QStringLiteral("kid"), keyId}},
                              {{QStringLiteral("iss"), team},
                               {QStringLiteral("iat"), double(QDateTime::currentSecsSinceEpoch() - ageSeconds)}});
}

QStringList ApnsTest::request(const QStringList &headers, const QByteArray &body, const QString &path) const
{
    QStringList arguments;
    for (const QString &header : headers)
        arguments << QStringLiteral("-H") << header;
    if (!body.isNull())
        arguments << QStringLiteral("--data-binary") << QString::fromUtf8(body);
    arguments << m_sim->apns.resolved(QUrl(path)).toString();
    return arguments;
}

QStringList ApnsTest::authorized(QStringList headers, const QByteArray &token) const
{
    headers.prepend(QStringLiteral("authorization: bearer ") + QString::fromLatin1(token.isEmpty() ? m_token : token));
    return headers;
}

HttpExchange ApnsTest::push(const QStringList &arguments, const QStringList &clientCertificate) const
{
    return curl(m_sim->caPath, clientCertificate + arguments);
}

void ApnsTest::patchBehaviour(const QByteArray &json)
{
    const HttpExchange reply =
        adminCall(m_sim->admin, QStringLiteral("PATCH"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(reply.status == 200, reply.body.constData());
}

void ApnsTest::pushSucceeds()
{
    const QByteArray payload = R"({"aps":{"alert":{"title":"Order shipped"},"mutable-content":1},"n":"x"})";
    HttpExchange reply =
        push(request(authorized({QStringLiteral("apns-topic: ") + kTopic, QStringLiteral("apns-push-type: alert"),
                                 QStringLiteral("apns-priority: 10"), QStringLiteral("apns-id: ") + kUuid,
                                 QStringLiteral("apns-expiration: 0"), QStringLiteral("apns-collapse-id: n-1")}),
                     payload));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.httpVersion, QStringLiteral("2"));
    QCOMPARE(reply.headers.value("apns-id"), kUuid.toLatin1());
    QVERIFY(reply.headers.contains("apns-unique-id")); // development environment
    QVERIFY(reply.body.isEmpty());

    // without apns-id APNs makes one up; push type and priority have defaults
    reply = push(request(authorized({QStringLiteral("apns-topic: ") + kTopic})));
    QCOMPARE(reply.status, 200);
    static const QRegularExpression uuid(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    QVERIFY(uuid.match(QString::fromLatin1(reply.headers.value("apns-id"))).hasMatch());

    const QJsonObject record =
        adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=apns"))
            .json()
            .value(QStringLiteral("apns"))
            .toObject()
            .value(kDevice)
            .toObject();
    QCOMPARE(record.value(QStringLiteral("accepted")).toInt(), 2);
    QCOMPARE(record.value(QStringLiteral("collapse_ids")).toObject().value(QStringLiteral("n-1")).toInt(), 1);
    QCOMPARE(record.value(QStringLiteral("last_headers")).toObject().value(QStringLiteral("apns-topic")).toString(),
             kTopic);
    QVERIFY(!record.value(QStringLiteral("last_headers")).toObject().contains(QStringLiteral("authorization")));
    QCOMPARE(record.value(QStringLiteral("last_payload")).toObject().value(QStringLiteral("aps")).toObject(),
             QJsonObject({{QStringLiteral("alert"), QStringLiteral("hi")}}));

    // VoIP pushes may be larger
    const QByteArray voip = "{\"aps\":{},\"p\":\"" + QByteArray(5100, 'x') + "\"}";
    QCOMPARE(push(request(authorized({QStringLiteral("apns-topic: com.shop.app.voip"),
                                      QStringLiteral("apns-push-type: voip")}),
                          voip))
                 .status,
             200);
}

void ApnsTest::reasons_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");

    const QString topic = QStringLiteral("apns-topic: ") + kTopic;
    const QByteArray alert = "{\"aps\":{\"alert\":\"hi\"}}";
    QTest::newRow("DuplicateHeaders") << request(authorized({topic, topic})) << 400
                                      << QStringLiteral("DuplicateHeaders");
    QTest::newRow("BadMessageId") << request(authorized({topic, QStringLiteral("apns-id: 42")})) << 400
                                  << QStringLiteral("BadMessageId");
    QTest::newRow("BadMessageId upper case")
        << request(authorized({topic, QStringLiteral("apns-id: ") + kUuid.toUpper()})) << 400
        << QStringLiteral("BadMessageId");
    QTest::newRow("MethodNotAllowed") << (QStringList{QStringLiteral("-X"), QStringLiteral("GET")}
                                          + request(authorized({topic}), QByteArray()))
                                      << 405 << QStringLiteral("MethodNotAllowed");
    QTest::newRow("MissingTopic") << request(authorized({})) << 400 << QStringLiteral("MissingTopic");
    QTest::newRow("BadCollapseId") << request(
        authorized({topic, QStringLiteral("apns-collapse-id: ") + QString(65, QLatin1Char('c'))}))
                                   << 400 << QStringLiteral("BadCollapseId");
    QTest::newRow("BadPriority") << request(authorized({topic, QStringLiteral("apns-priority: 7")})) << 400
                                 << QStringLiteral("BadPriority");
    QTest::newRow("BadPriority for background") << request(
        authorized({topic, QStringLiteral("apns-push-type: background"), QStringLiteral("apns-priority: 10")}))
                                                << 400 << QStringLiteral("BadPriority");
    QTest::newRow("InvalidPushType") << request(authorized({topic, QStringLiteral("apns-push-type: email")})) << 400
                                     << QStringLiteral("InvalidPushType");
    QTest::newRow("BadTopic for voip") << request(authorized({topic, QStringLiteral("apns-push-type: voip")})) << 400
                                       << QStringLiteral("BadTopic");
    QTest::newRow("BadExpirationDate") << request(authorized({topic, QStringLiteral("apns-expiration: tomorrow")}))
                                       << 400 << QStringLiteral("BadExpirationDate");
    QTest::newRow("MissingDeviceToken") << request(authorized({topic}), alert, QStringLiteral("/3/device/")) << 400
                                        << QStringLiteral("MissingDeviceToken");
    QTest::newRow("BadDeviceToken") << request(authorized({topic}), alert, QStringLiteral("/3/device/not-hex")) << 400
                                    << QStringLiteral("BadDeviceToken");
    QTest::newRow("BadDeviceToken short") << request(authorized({topic}), alert, QStringLiteral("/3/device/abcdef"))
                                          << 400 << QStringLiteral("BadDeviceToken");
    QTest::newRow("BadPath") << request(authorized({topic}), alert, QStringLiteral("/3/devices/") + kDevice) << 404
                             << QStringLiteral("BadPath");
    QTest::newRow("MissingProviderToken") << request({topic}) << 403 << QStringLiteral("MissingProviderToken");
    QTest::newRow("MissingProviderToken not bearer") << request({topic, QStringLiteral("authorization: basic eA==")})
                                                     << 403 << QStringLiteral("MissingProviderToken");
    QTest::newRow("InvalidProviderToken garbage")
        << request(authorized({topic}, "not.a.token")) << 403 << QStringLiteral("InvalidProviderToken");
    QTest::newRow("InvalidProviderToken bad signature")
        << request(authorized({topic}, providerToken(m_keys.value(QStringLiteral("ROGUE00001")), kKey, kTeam))) << 403
        << QStringLiteral("InvalidProviderToken");
    QTest::newRow("InvalidProviderToken unknown key") << request(authorized(
        {topic}, providerToken(m_keys.value(QStringLiteral("ROGUE00001")), QStringLiteral("ROGUE00001"), kTeam)))
                                                      << 403 << QStringLiteral("InvalidProviderToken");
    QTest::newRow("InvalidProviderToken key of another team")
        << request(authorized({topic}, providerToken(m_keys.value(kKey), kKey, kOtherTeam))) << 403
        << QStringLiteral("InvalidProviderToken");
    QTest::newRow("InvalidProviderToken topic not allowed for key")
        << request(authorized({topic}, providerToken(m_keys.value(kScopedKey), kScopedKey, kTeam))) << 403
        << QStringLiteral("InvalidProviderToken");
    QTest::newRow("BadEnvironmentKeyIdInToken")
        << request(authorized({topic}, providerToken(m_keys.value(kProductionKey), kProductionKey, kTeam))) << 403
        << QStringLiteral("BadEnvironmentKeyIdInToken");
    QTest::newRow("ExpiredProviderToken")
        << request(authorized({topic}, providerToken(m_keys.value(kKey), kKey, kTeam, 3601))) << 403
        << QStringLiteral("ExpiredProviderToken");
    QTest::newRow("TopicDisallowed") << request(authorized({QStringLiteral("apns-topic: com.shop.banned")})) << 400
                                     << QStringLiteral("TopicDisallowed");
    QTest::newRow("PayloadEmpty") << request(authorized({topic}), QByteArray("")) << 400
                                  << QStringLiteral("PayloadEmpty");
    QTest::newRow("PayloadTooLarge") << request(authorized({topic}), QByteArray(4097, ' ')) << 413
                                     << QStringLiteral("PayloadTooLarge");
    QTest::newRow("PayloadTooLarge voip") << request(
        authorized({QStringLiteral("apns-topic: com.shop.app.voip"), QStringLiteral("apns-push-type: voip")}),
        QByteArray(5121, ' ')) << 413 << QStringLiteral("PayloadTooLarge");
    // order: the first broken rule wins (a bad apns-id before a missing topic, a bad path before auth)
    QTest::newRow("order: message id first")
        << request({QStringLiteral("apns-id: x")}) << 400 << QStringLiteral("BadMessageId");
    QTest::newRow("order: token before auth")
        << request({topic}, alert, QStringLiteral("/3/device/zz")) << 400 << QStringLiteral("BadDeviceToken");
}

void ApnsTest::reasons()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    QFETCH(QString, reason);
    const HttpExchange reply = push(arguments);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json(), QJsonObject({{QStringLiteral("reason"), reason}}));
    QCOMPARE(reply.headers.value("content-type"), QByteArray("application/json"));
    QVERIFY(!reply.headers.value("apns-id").isEmpty());
}

void ApnsTest::unregisteredTokensCarryTheTimestamp()
{
    patchBehaviour(QStringLiteral(R"({"tokens":[
        {"service":"apns","token":"%1","state":"unregistered","timestamp":1767225600000},
        {"service":"apns","token":"ee","match":"prefix","state":"expired","timestamp":1767225600123},
        {"service":"apns","token":"dd","match":"prefix","state":"topic","topic":"com.shop.other"},
        {"service":"apns","token":"cc","match":"prefix","state":"invalid"}]})")
                       .arg(kDevice)
                       .toUtf8());
    const QString topic = QStringLiteral("apns-topic: ") + kTopic;
    HttpExchange reply = push(request(authorized({topic, QStringLiteral("apns-id: ") + kUuid})));
    QCOMPARE(reply.status, 410);
    QCOMPARE(reply.json(), QJsonObject({{QStringLiteral("reason"), QStringLiteral("Unregistered")},
                                        {QStringLiteral("timestamp"), 1767225600000.0}}));
    QCOMPARE(reply.headers.value("apns-id"), kUuid.toLatin1());
    const QString other = QStringLiteral("/3/device/") + QString(64, QLatin1Char('e'));
    reply = push(request(authorized({topic}), "{}", other));
    QCOMPARE(reply.status, 410);
    QCOMPARE(reply.json(), QJsonObject({{QStringLiteral("reason"), QStringLiteral("ExpiredToken")},
                                        {QStringLiteral("timestamp"), 1767225600123.0}}));
    reply = push(request(authorized({topic}), "{}", QStringLiteral("/3/device/") + QString(64, QLatin1Char('d'))));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("DeviceTokenNotForTopic"));
    reply = push(request(authorized({topic}), "{}", QStringLiteral("/3/device/") + QString(64, QLatin1Char('c'))));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("BadDeviceToken"));
}

void ApnsTest::injectedReasons_data()
{
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("status");
    QTest::newRow("IdleTimeout") << QStringLiteral("IdleTimeout") << 400;
    QTest::newRow("Forbidden") << QStringLiteral("Forbidden") << 403;
    QTest::newRow("TooManyRequests") << QStringLiteral("TooManyRequests") << 429;
    QTest::newRow("InternalServerError") << QStringLiteral("InternalServerError") << 500;
    QTest::newRow("ServiceUnavailable") << QStringLiteral("ServiceUnavailable") << 503;
    QTest::newRow("Shutdown") << QStringLiteral("Shutdown") << 503;
    QTest::newRow("Unregistered") << QStringLiteral("Unregistered") << 410;
}

void ApnsTest::injectedReasons()
{
    QFETCH(QString, reason);
    QFETCH(int, status);
    patchBehaviour(QStringLiteral(R"({"errors":[{"service":"apns","code":"%1","rate":1,"retry_after":30}]})")
                       .arg(reason)
                       .toUtf8());
    const HttpExchange reply = push(request(authorized({QStringLiteral("apns-topic: ") + kTopic})));
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), reason);
    QCOMPARE(reply.json().contains(QStringLiteral("timestamp")), status == 410);
    QCOMPARE(reply.headers.value("retry-after"), QByteArray("30"));
    // a burst of 429s, then service again
    patchBehaviour(R"({"errors":[],"bursts":[{"service":"apns","count":1,"retry_after":5}]})");
    const HttpExchange limited = push(request(authorized({QStringLiteral("apns-topic: ") + kTopic})));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json().value(QStringLiteral("reason")).toString(), QStringLiteral("TooManyRequests"));
    QCOMPARE(push(request(authorized({QStringLiteral("apns-topic: ") + kTopic}))).status, 200);
}

void ApnsTest::oneTeamAndKeyPerConnection()
{
    const QString topic = QStringLiteral("apns-topic: ") + kTopic;
    const QByteArray second = providerToken(m_keys.value(kSecondKey), kSecondKey, kTeam, -1300); // a valid later iat
    const QByteArray otherTeam =
        providerToken(m_keys.value(QStringLiteral("OTHERTEAM1")), QStringLiteral("OTHERTEAM1"), kOtherTeam, -1300);
    const QList<HttpExchange> replies =
        curlSequence(m_sim->caPath, {request(authorized({topic})), request(authorized({topic}, second)),
                                     request(authorized({topic}, otherTeam)), request(authorized({topic}))});
    QCOMPARE(replies.size(), 4);
    QCOMPARE(replies.at(0).status, 200);
    QCOMPARE(replies.at(0).newConnections, 1);
    QCOMPARE(replies.at(1).newConnections, 0); // the same connection
    QCOMPARE(replies.at(1).status, 403);
    QCOMPARE(replies.at(1).json().value(QStringLiteral("reason")).toString(), QStringLiteral("UnrelatedKeyIdInToken"));
    QCOMPARE(replies.at(2).status, 403);
    QCOMPARE(replies.at(2).json().value(QStringLiteral("reason")).toString(), QStringLiteral("InvalidProviderToken"));
    QCOMPARE(replies.at(3).status, 200);
    // the other key is fine on a connection of its own
    QCOMPARE(push(request(authorized({topic}, second))).status, 200);
}

void ApnsTest::tokenUpdatesAtMostEveryTwentyMinutes()
{
    const QString topic = QStringLiteral("apns-topic: ") + kTopic;
    const QByteArray first = providerToken(m_keys.value(kKey), kKey, kTeam, 1500);
    const QByteArray tooSoon = providerToken(m_keys.value(kKey), kKey, kTeam, 600); // 15 minutes later
    const QByteArray later = providerToken(m_keys.value(kKey), kKey, kTeam, 200);   // 21:40 later
    const QList<HttpExchange> replies =
        curlSequence(m_sim->caPath, {request(authorized({topic}, first)), request(authorized({topic}, tooSoon)),
                                     request(authorized({topic}, first)), request(authorized({topic}, later)),
                                     request(authorized({topic}, later))});
    QCOMPARE(replies.size(), 5);
    QCOMPARE(replies.at(0).status, 200);
    QCOMPARE(replies.at(1).status, 429);
    QCOMPARE(replies.at(1).json().value(QStringLiteral("reason")).toString(),
             QStringLiteral("TooManyProviderTokenUpdates"));
    QCOMPARE(replies.at(2).status, 200); // the old token still works
    QCOMPARE(replies.at(3).status, 200); // a token 20+ minutes younger replaces it
    QCOMPARE(replies.at(4).status, 200);
    for (qsizetype i = 1; i < replies.size(); ++i)
        QCOMPARE(replies.at(i).newConnections, 0);
}

void ApnsTest::certificateAuthentication()
{
    const QString dataDir = m_dir.filePath(QStringLiteral("data"));
    const QString ca = QDir(dataDir).filePath(QStringLiteral("ca.pem"));
    const QString caKey = QDir(dataDir).filePath(QStringLiteral("ca.key"));
    const QString key = m_openssl->generateEcKey(QStringLiteral("client.key"));
    const QString development = QStringLiteral("1.2.840.113635.100.6.3.1=ASN1:NULL");
    const QString production = QStringLiteral("1.2.840.113635.100.6.3.2=ASN1:NULL");
    const QString subject = QStringLiteral("/UID=com.shop.app/CN=Apple Development IOS Push Services: com.shop.app");
    const QString good = m_openssl->issueCertificate(QStringLiteral("good"), key, subject, ca, caKey, {development});
    const QString wrongEnvironment =
        m_openssl->issueCertificate(QStringLiteral("prod"), key, subject, ca, caKey, {production});
    const QString selfSigned =
        m_openssl->issueCertificate(QStringLiteral("self"), key, subject, QString(), QString(), {development});
    const QString multiTopic = m_openssl->issueCertificate(
        QStringLiteral("multi"), key, subject, ca, caKey,
        {development, QStringLiteral("1.2.840.113635.100.6.3.6=ASN1:SEQUENCE:topics"), QStringLiteral("[topics]"),
         QStringLiteral("t1=UTF8String:com.shop.app"), QStringLiteral("t2=UTF8String:com.shop.watch")});
    QVERIFY(!good.isEmpty() && !wrongEnvironment.isEmpty() && !selfSigned.isEmpty() && !multiTopic.isEmpty());
    const auto withCertificate = [&key](const QString &certificate) {
        return QStringList{QStringLiteral("--cert"), certificate, QStringLiteral("--key"), key};
    };

    // no authorization header and no apns-topic: the certificate's bundle ID is the topic
    HttpExchange reply = push(request({}), withCertificate(good));
    QCOMPARE(reply.status, 200);
    reply = push(request({QStringLiteral("apns-topic: com.shop.app.voip"), QStringLiteral("apns-push-type: voip")}),
                 withCertificate(good));
    QCOMPARE(reply.status, 200);
    reply = push(request({QStringLiteral("apns-topic: com.other.app")}), withCertificate(good));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("TopicDisallowed"));
    reply = push(request({QStringLiteral("apns-topic: com.shop.app.location-query"),
                          QStringLiteral("apns-push-type: location")}),
                 withCertificate(good));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("Forbidden"));

    reply = push(request({}), withCertificate(selfSigned));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("BadCertificate"));
    reply = push(request({}), withCertificate(wrongEnvironment));
    QCOMPARE(reply.status, 403);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("BadCertificateEnvironment"));

    // a multi-topic certificate needs apns-topic, and may use any of its topics
    reply = push(request({}), withCertificate(multiTopic));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json().value(QStringLiteral("reason")).toString(), QStringLiteral("MissingTopic"));
    QCOMPARE(push(request({QStringLiteral("apns-topic: com.shop.watch")}), withCertificate(multiTopic)).status, 200);
}

void ApnsTest::outageAnswersServiceUnavailable()
{
    patchBehaviour(R"({"outages":[{"service":"apns","duration_ms":600000,"retry_after":60}]})");
    const HttpExchange reply = push(request(authorized({QStringLiteral("apns-topic: ") + kTopic})));
    QCOMPARE(reply.status, 503);
    QCOMPARE(reply.json(), QJsonObject({{QStringLiteral("reason"), QStringLiteral("ServiceUnavailable")}}));
    QCOMPARE(reply.headers.value("retry-after"), QByteArray("60"));
}

QTEST_GUILESS_MAIN(ApnsTest)
#include "ApnsTest.moc"
