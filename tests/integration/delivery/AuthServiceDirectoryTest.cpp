// The device directory of the company's Auth Service against vestnik-sim's reference Auth Service (real TLS,
// HTTP/2, OAuth 2 client credentials): devices mapped as the service lists them, answers cached for their TTL
// (unknown users too), the users of a batch fetched in parallel within the bound, a refused token refreshed once
// (the service rotated its signing key), a missing scope and an outage opening the circuit that then fails at
// once and closes again with the service back; answers that no Auth Service should give; and the Auth Service in
// front of the own registry.
#include "delivery/AuthServiceDirectory.h"

#include "AuthSim.h"
#include "SimTestSupport.h"
#include "TestResults.h"
#include "delivery/AuthServiceThenRegistryDirectory.h"
#include "provider/ClientCredentialsTokenSource.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const QString kApp = QStringLiteral("shop");
const QString kAnnaPhone = QStringLiteral("fcm-anna-phone:APA91b-anna");
const QString kAnnaIphone = QStringLiteral("a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90");
const QString kBorisPhone = QStringLiteral("fcm-boris-phone:APA91b-boris");
const QString kVeraPhone = QStringLiteral("fcm-vera-phone:APA91b-vera");
constexpr int kGenerated = 40;

QJsonObject fleetDevice(const QString &platform, const QString &token, const QString &locale = {})
{
    QJsonObject d{
        {QStringLiteral("platform"), platform}, {QStringLiteral("token"), token}, {QStringLiteral("app"), kApp}};
    if (!locale.isEmpty())
        d.insert(QStringLiteral("locale"), locale);
    return d;
}

QJsonObject client(const QString &id, const QString &scope)
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("secret"), QString(id + QStringLiteral("-secret"))},
                       {QStringLiteral("scopes"), QJsonArray{QJsonValue(scope)}}};
}

} // namespace

class AuthServiceDirectoryTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void devicesAreMappedAsTheServiceListsThem();
    void answersAreCachedForTheirTtl();
    void aBatchIsFetchedInParallelWithinTheBound();
    void aUserAskedTwiceAtOnceIsFetchedOnce();
    void deviceByIdPicksTheListedDevice();
    void refusedTokenIsRefreshedOnce();
    void missingScopeOpensTheCircuit();
    void outageOpensTheCircuitThenItRecovers();
    void silentServiceTimesOut();
    void answersNoAuthServiceShouldGive_data();
    void answersNoAuthServiceShouldGive();
    void registryAnswersForUsersTheAuthServiceDoesNotKnow();

private:
    /// A token source and directory over the simulator, on the test's clock.
    struct Client {
        std::unique_ptr<ClientCredentialsTokenSource> tokens;
        std::unique_ptr<AuthServiceDirectory> directory;
    };
    Client makeClient(AuthServiceDirectory::Settings settings, const QString &clientId = QStringLiteral("worker"),
                      std::optional<QUrl> tokenEndpoint = std::nullopt);
    AuthServiceDirectory::Settings settings() const;
    Result<DeviceDirectory::Devices> activeDevices(DeviceDirectory &directory, const QStringList &users);
    Result<AuthServiceDirectory::Users> users(AuthServiceDirectory &directory, const QStringList &ids);
    Result<std::optional<Device>> device(DeviceDirectory &directory, const QString &user, qint64 id);
    int lookups() const { return m_sim->counter(QStringLiteral("device_lookups")); }

    QTemporaryDir m_dir;
    std::unique_ptr<test::AuthSim> m_sim;
    QNetworkAccessManager m_network;
    ManualClock m_clock{QDateTime::currentMSecsSinceEpoch()};
    QHash<QString, QString> m_generatedTokens; ///< gen-N -> its token, as the simulator's fleet says
};

void AuthServiceDirectoryTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QJsonArray users{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("anna")},
                    {QStringLiteral("locale"), QStringLiteral("ru-RU")},
                    {QStringLiteral("devices"),
                     QJsonArray{fleetDevice(QStringLiteral("android"), kAnnaPhone),
                                fleetDevice(QStringLiteral("ios"), kAnnaIphone.toUpper(), QStringLiteral("en-US"))}}},
        QJsonObject{{QStringLiteral("id"), QStringLiteral("boris")},
                    {QStringLiteral("locale"), QStringLiteral("en-GB")},
                    {QStringLiteral("devices"), QJsonArray{fleetDevice(QStringLiteral("android"), kBorisPhone)}}},
        // An id that needs percent-encoding in the path.
        QJsonObject{{QStringLiteral("id"), QStringLiteral("вера мария")},
                    {QStringLiteral("locale"), QStringLiteral("ru-RU")},
                    {QStringLiteral("devices"), QJsonArray{fleetDevice(QStringLiteral("android"), kVeraPhone)}}},
        QJsonObject{{QStringLiteral("id"), QStringLiteral("gleb")}, {QStringLiteral("devices"), QJsonArray{}}}};
    const QJsonObject config{
        {QStringLiteral("auth"),
         QJsonObject{{QStringLiteral("audience"), QStringLiteral("vestnik-worker")},
                     {QStringLiteral("clients"),
                      QJsonArray{client(QStringLiteral("worker"), QStringLiteral("devices:read")),
                                 client(QStringLiteral("tracker"), QStringLiteral("track:write"))}}}},
        {QStringLiteral("fleet"),
         QJsonObject{{QStringLiteral("users"), users},
                     {QStringLiteral("generate"), QJsonObject{{QStringLiteral("users"), kGenerated},
                                                              {QStringLiteral("id_prefix"), QStringLiteral("gen-")},
                                                              {QStringLiteral("app"), kApp}}}}}};
    m_sim = std::make_unique<test::AuthSim>(m_dir.path(), config);
    QVERIFY2(m_sim->start(), qPrintable(m_sim->error()));
    const QJsonArray fleet =
        test::adminCall(m_sim->process().admin, QStringLiteral("GET"), QStringLiteral("/admin/fleet"))
            .json()
            .value(QStringLiteral("users"))
            .toArray();
    for (const QJsonValue &user : fleet) {
        const QJsonObject u = user.toObject();
        const QString id = u.value(QStringLiteral("user_id")).toString();
        if (id.startsWith(QStringLiteral("gen-")))
            m_generatedTokens.insert(id, u.value(QStringLiteral("devices"))
                                             .toArray()
                                             .at(0)
                                             .toObject()
                                             .value(QStringLiteral("token"))
                                             .toString());
    }
    QCOMPARE(m_generatedTokens.size(), kGenerated);
}

void AuthServiceDirectoryTest::cleanupTestCase()
{
    if (m_sim)
        QVERIFY2(m_sim->stop(), qPrintable(m_sim->error()));
}

AuthServiceDirectory::Settings AuthServiceDirectoryTest::settings() const
{
    AuthServiceDirectory::Settings s;
    s.baseUrl = m_sim->auth();
    s.caCertificates = QSslCertificate::fromPath(m_sim->caPath());
    s.cacheTtl = 30s;
    s.timeout = 10s;
    s.maxConcurrentRequests = 8;
    s.circuitCoolDown = 30s;
    return s;
}

AuthServiceDirectoryTest::Client AuthServiceDirectoryTest::makeClient(AuthServiceDirectory::Settings settings,
                                                                      const QString &clientId,
                                                                      std::optional<QUrl> tokenEndpoint)
{
    ClientCredentialsTokenSource::Options options;
    options.tokenEndpoint = tokenEndpoint.value_or(m_sim->auth().resolved(QUrl(QStringLiteral("/oauth2/token"))));
    options.clientId = clientId;
    options.clientSecret = clientId + QStringLiteral("-secret");
    options.caCertificates = QSslCertificate::fromPath(m_sim->caPath());
    Client c;
    c.tokens = std::make_unique<ClientCredentialsTokenSource>(options, m_network, m_clock);
    c.directory = std::make_unique<AuthServiceDirectory>(std::move(settings), *c.tokens, m_network, m_clock);
    return c;
}

Result<DeviceDirectory::Devices> AuthServiceDirectoryTest::activeDevices(DeviceDirectory &directory,
                                                                         const QStringList &users)
{
    std::optional<Result<DeviceDirectory::Devices>> result;
    directory.activeDevices(users,
                            [&result](Result<DeviceDirectory::Devices> devices) { result = std::move(devices); });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 30'000))
        return makeError(ErrorCode::Internal, QStringLiteral("the directory never called back"));
    return *result;
}

Result<AuthServiceDirectory::Users> AuthServiceDirectoryTest::users(AuthServiceDirectory &directory,
                                                                    const QStringList &ids)
{
    std::optional<Result<AuthServiceDirectory::Users>> result;
    directory.users(ids, [&result](Result<AuthServiceDirectory::Users> users) { result = std::move(users); });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 30'000))
        return makeError(ErrorCode::Internal, QStringLiteral("the directory never called back"));
    return *result;
}

Result<std::optional<Device>> AuthServiceDirectoryTest::device(DeviceDirectory &directory, const QString &user,
                                                               qint64 id)
{
    std::optional<Result<std::optional<Device>>> result;
    directory.device(user, id, [&result](Result<std::optional<Device>> found) { result = std::move(found); });
    if (!QTest::qWaitFor([&result] { return result.has_value(); }, 15'000))
        return makeError(ErrorCode::Internal, QStringLiteral("the directory never called back"));
    return *result;
}

void AuthServiceDirectoryTest::devicesAreMappedAsTheServiceListsThem()
{
    Client c = makeClient(settings());
    Result<DeviceDirectory::Devices> devices =
        activeDevices(*c.directory, {QStringLiteral("anna"), QStringLiteral("boris"), QStringLiteral("вера мария"),
                                     QStringLiteral("gleb"), QStringLiteral("nobody")});
    VT_OK(devices);
    QCOMPARE(devices->size(), 3); // gleb has no devices, nobody is unknown
    const QList<Device> anna = devices->value(QStringLiteral("anna"));
    QCOMPARE(anna.size(), 2);
    QCOMPARE(anna.at(0).platform, Platform::Android);
    QCOMPARE(anna.at(0).token, kAnnaPhone);
    QCOMPARE(anna.at(0).appId, kApp);
    QCOMPARE(anna.at(0).locale, QStringLiteral("ru-RU")); // the user's, the device names none
    QCOMPARE(anna.at(0).userId, QStringLiteral("anna"));
    QVERIFY(anna.at(0).isActive);
    QCOMPARE(anna.at(0).id, AuthServiceDirectory::deviceIdFor(kApp, kAnnaPhone));
    QVERIFY(anna.at(0).id < 0);
    QCOMPARE(anna.at(1).platform, Platform::Ios);
    QCOMPARE(anna.at(1).token, kAnnaIphone); // the service keeps APNs tokens in lower case
    QCOMPARE(anna.at(1).locale, QStringLiteral("en-US"));
    QCOMPARE(anna.at(1).id, AuthServiceDirectory::deviceIdFor(kApp, kAnnaIphone));
    QVERIFY(anna.at(1).id != anna.at(0).id);
    QCOMPARE(devices->value(QStringLiteral("boris")).size(), 1);
    QCOMPARE(devices->value(QStringLiteral("boris")).at(0).locale, QStringLiteral("en-GB"));
    QCOMPARE(devices->value(QStringLiteral("вера мария")).size(), 1);
    QCOMPARE(devices->value(QStringLiteral("вера мария")).at(0).token, kVeraPhone);

    // users() tells a known user without devices from an unknown one.
    Result<AuthServiceDirectory::Users> known = users(*c.directory, {QStringLiteral("gleb"), QStringLiteral("nobody")});
    VT_OK(known);
    QVERIFY(known->contains(QStringLiteral("gleb")));
    QVERIFY(known->value(QStringLiteral("gleb")).isEmpty());
    QVERIFY(!known->contains(QStringLiteral("nobody")));
    QCOMPARE(c.directory->counters().unknownUsers, 1);
    QCOMPARE(c.tokens->fetchCount(), 1);
}

void AuthServiceDirectoryTest::answersAreCachedForTheirTtl()
{
    AuthServiceDirectory::Settings s = settings();
    s.cacheTtl = 20s;
    Client c = makeClient(s);
    const int before = lookups();
    VT_OK(activeDevices(*c.directory, {QStringLiteral("boris"), QStringLiteral("nobody")}));
    QCOMPARE(lookups(), before + 2);

    // Within the TTL: answered before the call returns, without asking; "no such user" included.
    m_clock.advance(19s);
    bool answered = false;
    c.directory->activeDevices({QStringLiteral("boris"), QStringLiteral("nobody")},
                               [&answered](Result<DeviceDirectory::Devices> devices) {
                                   answered = true;
                                   QVERIFY(devices.hasValue());
                                   QCOMPARE(devices->keys(), QList<QString>{QStringLiteral("boris")});
                               });
    QVERIFY(answered);
    QCOMPARE(lookups(), before + 2);
    QCOMPARE(c.directory->counters().cacheHits, 2);
    QCOMPARE(c.directory->counters().requests, 2);

    // After it: asked again.
    m_clock.advance(2s);
    VT_OK(activeDevices(*c.directory, {QStringLiteral("boris"), QStringLiteral("nobody")}));
    QCOMPARE(lookups(), before + 4);
    QCOMPARE(c.directory->counters().requests, 4);
}

void AuthServiceDirectoryTest::aBatchIsFetchedInParallelWithinTheBound()
{
    AuthServiceDirectory::Settings s = settings();
    s.maxConcurrentRequests = 4;
    Client c = makeClient(s);
    QStringList ids = m_generatedTokens.keys();
    const int before = lookups();
    const int tokensBefore = m_sim->counter(QStringLiteral("token_requests"));
    Result<DeviceDirectory::Devices> devices = activeDevices(*c.directory, ids);
    VT_OK(devices);
    QCOMPARE(devices->size(), kGenerated);
    for (const QString &id : std::as_const(ids)) {
        QCOMPARE(devices->value(id).size(), 1);
        QCOMPARE(devices->value(id).at(0).token, m_generatedTokens.value(id));
    }
    QCOMPARE(lookups(), before + kGenerated);
    QCOMPARE(c.directory->counters().peakInFlight, 4); // in parallel, and never more than the bound
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), tokensBefore + 1); // one token for all of them
}

void AuthServiceDirectoryTest::aUserAskedTwiceAtOnceIsFetchedOnce()
{
    Client c = makeClient(settings());
    const int before = lookups();
    int answers = 0;
    c.directory->activeDevices({QStringLiteral("anna")}, [&answers](Result<DeviceDirectory::Devices> devices) {
        answers += devices && devices->value(QStringLiteral("anna")).size() == 2 ? 1 : 100;
    });
    c.directory->device(
        QStringLiteral("anna"), AuthServiceDirectory::deviceIdFor(kApp, kAnnaPhone),
        [&answers](Result<std::optional<Device>> device) { answers += device && device->has_value() ? 1 : 100; });
    QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 15'000);
    QCOMPARE(lookups(), before + 1);
}

void AuthServiceDirectoryTest::deviceByIdPicksTheListedDevice()
{
    Client c = makeClient(settings());
    const auto find = [&](const QString &user, qint64 id) { return device(*c.directory, user, id); };
    const qint64 iphone = AuthServiceDirectory::deviceIdFor(kApp, kAnnaIphone);
    Result<std::optional<Device>> found = find(QStringLiteral("anna"), iphone);
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->token, kAnnaIphone);
    QCOMPARE((*found)->platform, Platform::Ios);

    // A token the service no longer lists for the user (or a user it does not know): the device is gone.
    Result<std::optional<Device>> other = find(QStringLiteral("boris"), iphone);
    VT_OK(other);
    QVERIFY(!other->has_value());
    Result<std::optional<Device>> unknown = find(QStringLiteral("nobody"), iphone);
    VT_OK(unknown);
    QVERIFY(!unknown->has_value());
}

void AuthServiceDirectoryTest::refusedTokenIsRefreshedOnce()
{
    AuthServiceDirectory::Settings s = settings();
    s.cacheTtl = 0s;
    Client c = makeClient(s);
    VT_OK(activeDevices(*c.directory, {QStringLiteral("anna")}));
    QCOMPARE(c.tokens->fetchCount(), 1);

    // The Auth Service comes back signing with a new key: the cached token is now refused (401).
    QVERIFY2(m_sim->restart(true), qPrintable(m_sim->error()));
    Result<DeviceDirectory::Devices> devices = activeDevices(*c.directory, {QStringLiteral("anna")});
    VT_OK(devices);
    QCOMPARE(devices->value(QStringLiteral("anna")).size(), 2);
    QCOMPARE(c.directory->counters().tokenRefreshes, 1);
    QCOMPARE(c.tokens->fetchCount(), 2);
    QCOMPARE(m_sim->counter(QStringLiteral("token_requests")), 1); // the new process counts from zero
    QCOMPARE(m_sim->counter(QStringLiteral("device_lookups")), 2); // refused, then answered
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Closed);
}

void AuthServiceDirectoryTest::missingScopeOpensTheCircuit()
{
    AuthServiceDirectory::Settings s = settings();
    s.cacheTtl = 0s;
    Client c = makeClient(s, QStringLiteral("tracker"));
    Result<DeviceDirectory::Devices> devices = activeDevices(*c.directory, {QStringLiteral("anna")});
    QVERIFY(!devices);
    QVERIFY2(devices.error().message.contains(QStringLiteral("insufficient_scope"))
                 && devices.error().message.contains(QStringLiteral("grant it the scope devices:read")),
             qPrintable(devices.error().message));
    QCOMPARE(c.directory->counters().requests, 1); // a fresh token would have the same scopes: no retry
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Open);

    bool answered = false;
    c.directory->activeDevices({QStringLiteral("boris")}, [&answered](Result<DeviceDirectory::Devices> again) {
        answered = true;
        QVERIFY(!again);
        QVERIFY2(again.error().message.contains(QStringLiteral("circuit is open")), qPrintable(again.error().message));
        QVERIFY(again.error().message.contains(QStringLiteral("insufficient_scope")));
    });
    QVERIFY(answered);
    QCOMPARE(c.directory->counters().requests, 1);
    QCOMPARE(c.directory->counters().fastFailures, 1);
}

void AuthServiceDirectoryTest::outageOpensTheCircuitThenItRecovers()
{
    AuthServiceDirectory::Settings s = settings();
    s.cacheTtl = 0s;
    Client c = makeClient(s);
    VT_OK(activeDevices(*c.directory, {QStringLiteral("boris")})); // a token is cached, the service works

    QVERIFY2(m_sim->stop(), qPrintable(m_sim->error()));
    Result<DeviceDirectory::Devices> down = activeDevices(*c.directory, {QStringLiteral("boris")});
    QVERIFY(!down);
    QVERIFY2(down.error().message.startsWith(
                 QStringLiteral("cannot look up the devices of user boris at %1: ").arg(s.baseUrl.toString())),
             qPrintable(down.error().message));
    QCOMPARE(c.directory->counters().requests, 3); // the one that worked, the failure and its retry
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Open);

    // Open: look-ups fail before the call returns, nothing is sent, and the message says why.
    const auto failsAtOnce = [&c] {
        bool answered = false;
        c.directory->activeDevices(
            {QStringLiteral("boris"), QStringLiteral("anna")}, [&answered](Result<DeviceDirectory::Devices> devices) {
                answered = true;
                QVERIFY(!devices);
                QVERIFY2(
                    devices.error().message.contains(QStringLiteral("its circuit is open after repeated failures")),
                    qPrintable(devices.error().message));
            });
        return answered;
    };
    QVERIFY(failsAtOnce());
    QCOMPARE(c.directory->counters().requests, 3);
    QCOMPARE(c.directory->counters().fastFailures, 2);

    // After the cool-down one probe goes while the batch's other user waits for its verdict; the service is
    // still down, so the circuit opens again and the waiting one fails without a request.
    m_clock.advance(31s);
    Result<DeviceDirectory::Devices> stillDown =
        activeDevices(*c.directory, {QStringLiteral("boris"), QStringLiteral("anna")});
    QVERIFY(!stillDown);
    QCOMPARE(c.directory->counters().requests, 5); // the probe and its retry
    QCOMPARE(c.directory->counters().fastFailures, 3);
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Open);

    // Back, but the circuit waits for its cool-down.
    QVERIFY2(m_sim->restart(false), qPrintable(m_sim->error()));
    QVERIFY(failsAtOnce());
    QCOMPARE(c.directory->counters().requests, 5);

    // The next probe succeeds and closes the circuit; the user that waited for it is looked up too.
    m_clock.advance(31s);
    Result<DeviceDirectory::Devices> back =
        activeDevices(*c.directory, {QStringLiteral("boris"), QStringLiteral("anna")});
    VT_OK(back);
    QCOMPARE(back->size(), 2);
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Closed);
    QCOMPARE(c.directory->counters().requests, 7);
    QCOMPARE(c.directory->counters().fastFailures, 5);
    VT_OK(activeDevices(*c.directory, {QStringLiteral("вера мария")}));
}

void AuthServiceDirectoryTest::silentServiceTimesOut()
{
    QTcpServer silent; // accepts connections and never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    AuthServiceDirectory::Settings s = settings();
    s.baseUrl = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(silent.serverPort()));
    s.timeout = 200ms;
    Client c = makeClient(s); // tokens still come from the simulator
    Result<DeviceDirectory::Devices> devices = activeDevices(*c.directory, {QStringLiteral("anna")});
    QVERIFY(!devices);
    QVERIFY2(devices.error().message.endsWith(QStringLiteral(": no answer within 200 ms")),
             qPrintable(devices.error().message));
    QCOMPARE(c.directory->counters().requests, 2);
    QCOMPARE(c.directory->circuitState(), CircuitBreaker::State::Open);
}

void AuthServiceDirectoryTest::answersNoAuthServiceShouldGive_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected"); ///< the error, or "devices:N" for the number of devices kept
    QTest::newRow("not JSON") << 200 << QByteArray("<html>maintenance</html>")
                              << QStringLiteral("the answer for user anna is not a JSON object");
    QTest::newRow("no devices array") << 200 << QByteArray(R"({"user_id":"anna","devices":"none"})")
                                      << QStringLiteral("the answer for user anna has no \"devices\" array");
    QTest::newRow("someone else") << 200 << QByteArray(R"({"user_id":"boris","devices":[]})")
                                  << QStringLiteral("the answer for user anna is about user boris");
    QTest::newRow("unusable devices skipped")
        << 200
        << QByteArray(R"({"user_id":"anna","devices":[{"platform":"symbian","token":"t1","app":"shop"},)"
                      R"({"platform":"android","token":"","app":"shop"},{"platform":"android","token":"t2"},)"
                      R"({"platform":"android","token":"t3","app":"shop","active":false},)"
                      R"({"platform":"web","token":"t4","app":"shop"}]})")
        << QStringLiteral("devices:2");
    QTest::newRow("bad request") << 400 << QByteArray(R"({"error":"invalid_request","error_description":"bad id"})")
                                 << QStringLiteral("the Auth Service answered HTTP 400 for user anna "
                                                   "(invalid_request: bad id)");
    QTest::newRow("server error") << 503 << QByteArray("{}") << QStringLiteral(": HTTP 503");
}

void AuthServiceDirectoryTest::answersNoAuthServiceShouldGive()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    // A plain-HTTP service on loopback (allowed there) that hands out a token and answers with the row's body.
    QHttpServer server;
    server.route(QStringLiteral("/oauth2/token"), QHttpServerRequest::Method::Post, [] {
        return QHttpServerResponse(QJsonObject{{QStringLiteral("access_token"), QStringLiteral("local-token")},
                                               {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                               {QStringLiteral("expires_in"), 300}});
    });
    server.route(QStringLiteral("/v1/users/<arg>/devices"), QHttpServerRequest::Method::Get,
                 [status, body](const QString &) {
                     return QHttpServerResponse(QByteArrayLiteral("application/json"), body,
                                                QHttpServerResponse::StatusCode(status));
                 });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    AuthServiceDirectory::Settings s = settings();
    s.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    VT_OK(AuthServiceDirectory::validate(s));
    Client c = makeClient(s, QStringLiteral("worker"), s.baseUrl.resolved(QUrl(QStringLiteral("/oauth2/token"))));
    Result<AuthServiceDirectory::Users> answer = users(*c.directory, {QStringLiteral("anna")});
    if (expected.startsWith(QStringLiteral("devices:"))) {
        VT_OK(answer);
        const QList<Device> devices = answer->value(QStringLiteral("anna"));
        QCOMPARE(devices.size(), expected.mid(8).toInt());
        QCOMPARE(devices.at(0).token, QStringLiteral("t3"));
        QVERIFY(!devices.at(0).isActive);
        QCOMPARE(devices.at(1).platform, Platform::Web);
        VT_OK(activeDevices(*c.directory, {QStringLiteral("anna")}));
        return;
    }
    QVERIFY(!answer);
    QVERIFY2(answer.error().message.contains(expected), qPrintable(answer.error().message));
    // A broken answer is the service's fault (retried once, then the circuit); a refused request is not.
    const bool serviceFault = status != 400;
    QCOMPARE(c.directory->counters().requests, serviceFault ? 2 : 1);
    QCOMPARE(c.directory->circuitState(), serviceFault ? CircuitBreaker::State::Open : CircuitBreaker::State::Closed);
}

void AuthServiceDirectoryTest::registryAnswersForUsersTheAuthServiceDoesNotKnow()
{
    DatabaseSettings databaseSettings;
    databaseSettings.path = m_dir.filePath(QStringLiteral("registry.db"));
    Result<std::shared_ptr<Database>> database = Database::open(databaseSettings);
    VT_OK(database);
    VT_OK(Migrator(**database).migrate());
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x17'));
    VT_OK(sealer);
    AppRepository apps(**database, m_clock, *sealer);
    VT_OK(apps.upsert(App{kApp, QStringLiteral("Shop"), 0}));
    DeviceRepository registry(**database, m_clock, *sealer);
    Result<qint64> zoyaPhone =
        registry.registerDevice(QStringLiteral("zoya"), kApp, Platform::Android, QStringLiteral("registry-zoya-phone"));
    VT_OK(zoyaPhone);
    // Gleb is known to the Auth Service (with no devices): an old registration of his must not be used.
    VT_OK(registry.registerDevice(QStringLiteral("gleb"), kApp, Platform::Android, QStringLiteral("registry-gleb")));
    VT_OK(registry.registerDevice(QStringLiteral("anna"), kApp, Platform::Android, QStringLiteral("registry-anna")));
    RegistryDeviceDirectory registryDirectory(registry);

    Client c = makeClient(settings());
    AuthServiceThenRegistryDirectory directory(std::move(c.directory), registryDirectory);
    Result<DeviceDirectory::Devices> devices = activeDevices(
        directory, {QStringLiteral("anna"), QStringLiteral("zoya"), QStringLiteral("gleb"), QStringLiteral("nobody")});
    VT_OK(devices);
    QCOMPARE(devices->size(), 2);
    QStringList annaTokens;
    for (const Device &device : devices->value(QStringLiteral("anna")))
        annaTokens << device.token;
    QCOMPARE(annaTokens, (QStringList{kAnnaPhone, kAnnaIphone})); // the Auth Service's, not the registry's
    QCOMPARE(devices->value(QStringLiteral("zoya")).size(), 1);
    QCOMPARE(devices->value(QStringLiteral("zoya")).at(0).token, QStringLiteral("registry-zoya-phone"));
    QCOMPARE(devices->value(QStringLiteral("zoya")).at(0).id, *zoyaPhone);

    // A retry asks the source the device came from.
    const auto find = [&](const QString &user, qint64 id) { return device(directory, user, id); };
    Result<std::optional<Device>> fromRegistry = find(QStringLiteral("zoya"), *zoyaPhone);
    VT_OK(fromRegistry);
    QCOMPARE(fromRegistry->value_or(Device()).token, QStringLiteral("registry-zoya-phone"));
    Result<std::optional<Device>> fromAuthService =
        find(QStringLiteral("anna"), AuthServiceDirectory::deviceIdFor(kApp, kAnnaPhone));
    VT_OK(fromAuthService);
    QCOMPARE(fromAuthService->value_or(Device()).token, kAnnaPhone);
}

QTEST_GUILESS_MAIN(AuthServiceDirectoryTest)
#include "AuthServiceDirectoryTest.moc"
