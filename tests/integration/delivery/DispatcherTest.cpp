// The dispatcher end to end against vestnik-sim (real TLS and HTTP/2), on a real database: send jobs become
// delivery rows, pushes and recorded outcomes; every outcome class of both providers; Retry-After to the second
// on an injected clock; a minute of 30 % 503s; GOAWAY in the middle of 10,000 sends; a restart with retries
// pending.
#include "delivery/Dispatcher.h"

#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestDatabase.h"
#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/RetryPolicy.h"
#include "delivery/RetryScanner.h"
#include "delivery/TokenBucket.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

const QString kApp = QStringLiteral("shop");
const QString kProject = QStringLiteral("shop-test");
const QString kEmail = QStringLiteral("vestnik@shop-test.iam.gserviceaccount.com");
const QString kTeam = QStringLiteral("TEAM000001");
const QString kKeyId = QStringLiteral("KEY0000001");
const QString kBundle = QStringLiteral("com.example.shop");
const QString kTemplate = QStringLiteral("back-in-stock");

QString fcmToken(int i)
{
    return QStringLiteral("fh_dev%1:APA91b-").arg(i, 6, 10, QLatin1Char('0')) + QString(40, QLatin1Char('x'));
}

QString apnsToken(int i)
{
    return QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
}

SendJob eventJob(const QString &eventId, const QString &userId, const nlohmann::json &variables)
{
    SendJob job;
    job.eventId = eventId;
    job.userId = userId;
    job.templateId = kTemplate;
    job.variables = variables;
    return job;
}

/// The registry's devices without their users' rows, as a directory over the Auth Service answers: the dispatcher
/// reads the users itself.
class DevicesOnlyDirectory final : public DeviceDirectory
{
public:
    DevicesOnlyDirectory(DeviceDirectory &registry, int &lookups) : m_registry(registry), m_lookups(lookups) {}

    void activeDevices(const QStringList &userIds, DevicesCallback callback) override
    {
        ++m_lookups;
        m_registry.activeDevices(userIds, std::move(callback));
    }
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override
    {
        m_registry.device(userId, deviceId, std::move(callback));
    }

private:
    DeviceDirectory &m_registry;
    int &m_lookups;
};

/// The registry's answer with every user's name changed: what the dispatcher renders shows whether it used the users
/// that came with the devices or read them again.
class RenamingDirectory final : public DeviceDirectory
{
public:
    explicit RenamingDirectory(DeviceDirectory &registry) : m_registry(registry) {}

    void activeDevices(const QStringList &userIds, DevicesCallback callback) override
    {
        m_registry.activeDevices(userIds, std::move(callback));
    }
    void activeDevicesAndUsers(const QStringList &userIds, DevicesAndUsersCallback callback) override
    {
        m_registry.activeDevicesAndUsers(userIds, [callback = std::move(callback)](Result<DevicesAndUsers> found) {
            if (found && found->users) {
                for (User &user : *found->users)
                    user.attributes.insert(QStringLiteral("имя"), QStringLiteral("Вера"));
            }
            callback(std::move(found));
        });
    }
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override
    {
        m_registry.device(userId, deviceId, std::move(callback));
    }

private:
    DeviceDirectory &m_registry;
};

} // namespace

class DispatcherTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void rendersPerLocaleAndSendsOncePerDevice_data();
    void rendersPerLocaleAndSendsOncePerDevice();
    void usersComeWithTheirDevicesFromTheRegistry();
    void repeatedJobSendsNothingTwice();
    void aTemplateVersionSavedElsewhereIsSentWithinTheRecentWindow();
    void outcomeClassesOfFcm();
    void outcomeClassesOfApns();
    void credentialsProblemRefreshesOnceThenOpensTheCircuit();
    void apnsCertificateAuthentication();
    void unknownTemplateIsRefusedForGood();
    void retryAfterIsRespectedToTheSecond();
    void thirtyPercentUnavailableForAMinute();
    void goawayInTheMiddleOfTenThousandSends();
    void restartResumesPendingRetries();
    void rateLimitSpacesTheSends();
    void sentOutcomesWaitForTheDatabaseInsteadOfBeingSentAgain();
    void changedCredentialsTakeOverWithoutARestart();

private:
    ProviderClients::Settings providerSettings() const;
    void restart(DeliveryEngine::DirectoryFactory directory = {});
    void addUser(const QString &userId, const QString &locale, const QJsonObject &attributes = {});
    qint64 addDevice(const QString &userId, Platform platform, const QString &token, const QString &locale = {});
    QList<Dispatcher::JobReport> dispatch(const QList<SendJob> &jobs);
    int scanAndWait();
    void putBehaviour(const QByteArray &json);
    QJsonObject recording(const QString &service);
    QString statusOf(const QString &notificationId);
    QMap<QString, int> statusCounts();

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::OpenSslTool> m_openssl;
    QByteArray m_serviceAccount;
    QByteArray m_unknownServiceAccount;
    QByteArray m_p8;
    QByteArray m_unknownP8;

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<ManualClock> m_clock;
    std::optional<Sealer> m_sealer;
    std::unique_ptr<DeliveryEngine> m_rt;
    int m_directoryLookups = 0; ///< activeDevices() calls a DevicesOnlyDirectory answered
};

void DispatcherTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    m_openssl = std::make_unique<test::OpenSslTool>(m_dir.path());
    const QString otherRsa = m_openssl->generateRsaKey(QStringLiteral("other-sa.pem"));
    const QString ec = m_openssl->generateEcKey(QStringLiteral("AuthKey_%1.p8").arg(kKeyId));
    const QString otherEc = m_openssl->generateEcKey(QStringLiteral("other.p8"));
    QVERIFY(!otherRsa.isEmpty() && !ec.isEmpty() && !otherEc.isEmpty());
    m_unknownServiceAccount = test::serviceAccountJson(
        otherRsa, QStringLiteral("stranger@elsewhere.iam.gserviceaccount.com"), QStringLiteral("elsewhere"),
        QStringLiteral("key-9"), QStringLiteral("https://oauth2.googleapis.com/token"));
    for (const auto &[path, target] : {std::pair{ec, &m_p8}, std::pair{otherEc, &m_unknownP8}}) {
        QFile key(path);
        QVERIFY(key.open(QIODevice::ReadOnly));
        *target = key.readAll();
    }
    const QJsonObject apns{
        {QStringLiteral("environment"), QStringLiteral("development")},
        {QStringLiteral("keys"),
         QJsonArray{QJsonObject{{QStringLiteral("team_id"), kTeam},
                                {QStringLiteral("key_id"), kKeyId},
                                {QStringLiteral("file"), QStringLiteral("AuthKey_%1.p8").arg(kKeyId)}}}}};
    m_serviceAccount = test::writeFcmSimConfig(*m_openssl, m_dir.path(), kEmail, kProject,
                                               {{QStringLiteral("apns"), apns}, {QStringLiteral("seed"), 5}});
    QVERIFY(!m_serviceAccount.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
    QVERIFY(!QSslCertificate::fromPath(m_sim->caPath).isEmpty());
}

void DispatcherTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

void DispatcherTest::init()
{
    putBehaviour("{}");
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("DELETE"), QStringLiteral("/admin/deliveries")).status, 204);
    Result<std::unique_ptr<test::TestDatabase>> db = test::TestDatabase::create();
    QVERIFY2(db.hasValue(), test::errorText(db).constData());
    m_db = std::move(*db);
    VT_OK(Migrator(m_db->database()).migrate());
    // The real time: the simulator checks the age of APNs provider tokens and OAuth assertions.
    m_clock = std::make_unique<ManualClock>(QDateTime::currentMSecsSinceEpoch());
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x5a'));
    QVERIFY(sealer.hasValue());
    m_sealer.emplace(std::move(*sealer));
    restart();

    VT_OK(m_rt->apps.upsert(App{kApp, QStringLiteral("Shop"), 0}));
    VT_OK(m_rt->apps.setCredential(kApp, Provider::Fcm, m_serviceAccount));
    const QJsonObject apns{{QStringLiteral("bundle_id"), kBundle},
                           {QStringLiteral("environment"), QStringLiteral("production")},
                           {QStringLiteral("team_id"), kTeam},
                           {QStringLiteral("key_id"), kKeyId},
                           {QStringLiteral("private_key"), QString::fromUtf8(m_p8)}};
    VT_OK(m_rt->apps.setCredential(kApp, Provider::Apns, QJsonDocument(apns).toJson()));

    PushTemplate t;
    t.id = kTemplate;
    t.name = QStringLiteral("Back in stock");
    t.defaultLocale = QStringLiteral("ru");
    t.content.title = QStringLiteral("{{имя|default:\"Друг\"}}, товар снова в наличии");
    t.content.body = QStringLiteral("«{{название_товара}}» ждёт вас");
    TemplateContent en;
    en.title = QStringLiteral("{{имя|default:\"Friend\"}}, it is back in stock");
    en.body = QStringLiteral("\"{{название_товара}}\" is waiting for you");
    t.variants.insert(QStringLiteral("en"), en);
    const nlohmann::json sample = {{"имя", "Анна"}, {"название_товара", "Чайник"}};
    Result<SavedTemplate, QList<TemplateIssue>> saved = m_rt->catalog.save(t, sample, QStringLiteral("test"));
    QVERIFY(saved.hasValue());
}

void DispatcherTest::cleanup()
{
    m_rt.reset();
    m_db.reset();
}

ProviderClients::Settings DispatcherTest::providerSettings() const
{
    return test::simProviderSettings(*m_sim);
}

void DispatcherTest::restart(DeliveryEngine::DirectoryFactory directory)
{
    m_rt.reset();
    DeliveryEngine::Settings settings = test::engineSettings(providerSettings());
    settings.directory = std::move(directory);
    m_rt = std::make_unique<DeliveryEngine>(m_db->database(), *m_sealer, *m_clock, std::move(settings));
}

void DispatcherTest::addUser(const QString &userId, const QString &locale, const QJsonObject &attributes)
{
    User user;
    user.id = userId;
    user.locale = locale;
    user.attributes = attributes;
    VT_OK(m_rt->users.upsert(user));
}

qint64 DispatcherTest::addDevice(const QString &userId, Platform platform, const QString &token, const QString &locale)
{
    Result<qint64> id = m_rt->devices.registerDevice(userId, kApp, platform, token, locale);
    if (!id) {
        qWarning("%s", test::errorText(id).constData());
        return 0;
    }
    return *id;
}

QList<Dispatcher::JobReport> DispatcherTest::dispatch(const QList<SendJob> &jobs)
{
    auto reports = std::make_shared<QList<Dispatcher::JobReport>>();
    for (const SendJob &job : jobs)
        m_rt->dispatcher.submit(job, [reports](const Dispatcher::JobReport &report) { reports->append(report); });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(m_rt->dispatcher.outstanding() == 0, 120'000); }();
    return *reports;
}

int DispatcherTest::scanAndWait()
{
    Result<int> claimed = m_rt->scanner.scanOnce();
    if (!claimed) {
        qWarning("%s", test::errorText(claimed).constData());
        return -1;
    }
    [&] { QTRY_VERIFY_WITH_TIMEOUT(m_rt->dispatcher.outstanding() == 0, 120'000); }();
    return *claimed;
}

void DispatcherTest::putBehaviour(const QByteArray &json)
{
    const test::HttpExchange put =
        test::adminCall(m_sim->admin, QStringLiteral("PUT"), QStringLiteral("/admin/behaviour"), json);
    QVERIFY2(put.status == 200, put.body.constData());
}

QJsonObject DispatcherTest::recording(const QString &service)
{
    return test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=") + service)
        .json()
        .value(service)
        .toObject();
}

QString DispatcherTest::statusOf(const QString &notificationId)
{
    Result<std::optional<Delivery>> d = m_rt->deliveries.find(notificationId);
    if (!d || !d->has_value())
        return QStringLiteral("<none>");
    return deliveryStatusName((*d)->status);
}

QMap<QString, int> DispatcherTest::statusCounts()
{
    QMap<QString, int> counts;
    Result<QMap<DeliveryStatus, qint64>> byStatus = m_rt->deliveries.countsByStatus();
    if (!byStatus)
        return counts;
    for (auto it = byStatus->cbegin(); it != byStatus->cend(); ++it)
        counts.insert(deliveryStatusName(it.key()), int(it.value()));
    return counts;
}

void DispatcherTest::rendersPerLocaleAndSendsOncePerDevice_data()
{
    QTest::addColumn<bool>("directoryReadsUsers");
    QTest::newRow("the registry reads devices and users together") << true;
    QTest::newRow("a directory without the users") << false;
}

void DispatcherTest::rendersPerLocaleAndSendsOncePerDevice()
{
    QFETCH(bool, directoryReadsUsers);
    m_directoryLookups = 0;
    if (!directoryReadsUsers) {
        restart([this](QNetworkAccessManager &, DeviceDirectory &registry) {
            return std::make_unique<DevicesOnlyDirectory>(registry, m_directoryLookups);
        });
    }
    addUser(QStringLiteral("anna"), QStringLiteral("ru-RU"), {{QStringLiteral("имя"), QStringLiteral("Анна")}});
    addUser(QStringLiteral("john"), QStringLiteral("en-GB"), {{QStringLiteral("имя"), QStringLiteral("John")}});
    const qint64 annaPhone = addDevice(QStringLiteral("anna"), Platform::Android, fcmToken(1));
    const qint64 annaIphone = addDevice(QStringLiteral("anna"), Platform::Ios, apnsToken(1), QStringLiteral("en-US"));
    const qint64 johnPhone = addDevice(QStringLiteral("john"), Platform::Android, fcmToken(2));
    QVERIFY(annaPhone > 0 && annaIphone > 0 && johnPhone > 0);

    const nlohmann::json product = {{"название_товара", "Чайник"}};
    const QList<Dispatcher::JobReport> reports =
        dispatch({eventJob(QStringLiteral("evt-1"), QStringLiteral("anna"), product),
                  eventJob(QStringLiteral("evt-1"), QStringLiteral("john"), product)});
    QCOMPARE(reports.size(), 2);
    for (const Dispatcher::JobReport &report : reports) {
        QVERIFY2(report.isDurable(), qPrintable(report.error ? report.error->toString() : QString()));
        QCOMPARE(report.sent, report.devices);
    }
    QCOMPARE(reports.at(0).devices + reports.at(1).devices, 3);
    QCOMPARE(m_directoryLookups, directoryReadsUsers ? 0 : 1);

    // The user's locale for a device without one, the device's own where it has one.
    const QJsonObject fcm = recording(QStringLiteral("fcm"));
    const QJsonObject annaFcm = fcm.value(fcmToken(1)).toObject();
    QCOMPARE(annaFcm.value(QStringLiteral("accepted")).toInt(), 1);
    const QJsonObject annaMessage = test::lastFcmMessage(annaFcm);
    QCOMPARE(annaMessage.value(QStringLiteral("notification")).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Анна, товар снова в наличии"));
    const SendJob annaJob = eventJob(QStringLiteral("evt-1"), QStringLiteral("anna"), product);
    const QString annaNid = annaJob.notificationIdFor(annaPhone);
    QCOMPARE(annaMessage.value(QStringLiteral("android")).toObject().value(QStringLiteral("collapse_key")).toString(),
             annaNid);
    const QJsonObject johnMessage = test::lastFcmMessage(fcm.value(fcmToken(2)).toObject());
    QCOMPARE(johnMessage.value(QStringLiteral("notification")).toObject().value(QStringLiteral("body")).toString(),
             QStringLiteral("\"Чайник\" is waiting for you"));
    const QJsonObject iphone = recording(QStringLiteral("apns")).value(apnsToken(1)).toObject();
    QCOMPARE(iphone.value(QStringLiteral("accepted")).toInt(), 1);
    QCOMPARE(test::lastApnsAlert(iphone).value(QStringLiteral("title")).toString(),
             QStringLiteral("Анна, it is back in stock"));
    QCOMPARE(iphone.value(QStringLiteral("last_headers")).toObject().value(QStringLiteral("apns-topic")).toString(),
             kBundle);
    QCOMPARE(
        iphone.value(QStringLiteral("collapse_ids")).toObject().value(annaJob.notificationIdFor(annaIphone)).toInt(),
        1);

    // The rows: sent, with the provider's message id, the deadline and the job they came from.
    Result<std::optional<Delivery>> row = m_rt->deliveries.find(annaNid);
    VT_OK(row);
    QVERIFY(row->has_value());
    QCOMPARE((*row)->status, DeliveryStatus::Sent);
    QVERIFY(!annaFcm.value(QStringLiteral("last_message_id")).toString().isEmpty());
    QCOMPARE((*row)->providerMessageId, QStringLiteral("projects/%1/messages/").arg(kProject)
                                            + annaFcm.value(QStringLiteral("last_message_id")).toString());
    QCOMPARE((*row)->jobId, annaJob.key());
    QCOMPARE((*row)->templateVersion, std::optional<int>(1));
    QVERIFY((*row)->expiresAtMs.has_value());
    QVERIFY(*(*row)->expiresAtMs > m_clock->nowMs() + qint64(27) * 24 * 3600 * 1000);
    Result<QList<DeliveryEvent>> trail = m_rt->deliveries.trail(annaNid);
    VT_OK(trail);
    QCOMPARE(trail->size(), 2);
    QCOMPARE(trail->at(0).status, DeliveryStatus::Queued);
    QCOMPARE(trail->at(1).status, DeliveryStatus::Sent);
    QCOMPARE(m_rt->dispatcher.counters().sent, 3);
}

void DispatcherTest::usersComeWithTheirDevicesFromTheRegistry()
{
    addUser(QStringLiteral("anna"), QStringLiteral("ru-RU"), {{QStringLiteral("имя"), QStringLiteral("Анна")}});
    QVERIFY(addDevice(QStringLiteral("anna"), Platform::Android, fcmToken(1)) > 0);

    // The registry answers with the users' rows.
    std::optional<Result<DeviceDirectory::DevicesAndUsers>> found;
    m_rt->directory.activeDevicesAndUsers(
        {QStringLiteral("anna"), QStringLiteral("nobody")},
        [&found](Result<DeviceDirectory::DevicesAndUsers> answer) { found = std::move(answer); });
    QVERIFY(found.has_value());
    VT_OK(*found);
    QCOMPARE((*found)->devices.value(QStringLiteral("anna")).size(), 1);
    QVERIFY((*found)->users.has_value());
    QCOMPARE((*found)->users->size(), 1);
    QCOMPARE((*found)->users->value(QStringLiteral("anna")).attributes.value(QStringLiteral("имя")).toString(),
             QStringLiteral("Анна"));

    // The dispatcher renders with the users that came with the devices: it does not read them again.
    restart([](QNetworkAccessManager &, DeviceDirectory &registry) {
        return std::make_unique<RenamingDirectory>(registry);
    });
    const QList<Dispatcher::JobReport> reports =
        dispatch({eventJob(QStringLiteral("evt-1"), QStringLiteral("anna"), {{"название_товара", "Чайник"}})});
    QCOMPARE(reports.size(), 1);
    QCOMPARE(reports.at(0).sent, 1);
    const QJsonObject message = test::lastFcmMessage(recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject());
    QCOMPARE(message.value(QStringLiteral("notification")).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Вера, товар снова в наличии"));
}

void DispatcherTest::repeatedJobSendsNothingTwice()
{
    addUser(QStringLiteral("anna"), QStringLiteral("ru-RU"));
    QVERIFY(addDevice(QStringLiteral("anna"), Platform::Android, fcmToken(1)) > 0);
    QVERIFY(addDevice(QStringLiteral("anna"), Platform::Ios, apnsToken(1)) > 0);
    const SendJob job = eventJob(QStringLiteral("evt-7"), QStringLiteral("anna"), {{"название_товара", "Чайник"}});
    QList<Dispatcher::JobReport> first = dispatch({job});
    QCOMPARE(first.size(), 1);
    QCOMPARE(first.at(0).sent, 2);
    // The broker hands the same job out again (a consumer died before committing): nothing is sent twice.
    QList<Dispatcher::JobReport> again = dispatch({job, job});
    QCOMPARE(again.size(), 2);
    for (const Dispatcher::JobReport &report : again) {
        QVERIFY(report.isDurable());
        QCOMPARE(report.devices, 2);
        QCOMPARE(report.alreadyDone, 2);
        QCOMPARE(report.sent, 0);
    }
    QCOMPARE(recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject().value(QStringLiteral("attempts")).toInt(),
             1);
    QCOMPARE(recording(QStringLiteral("apns")).value(apnsToken(1)).toObject().value(QStringLiteral("attempts")).toInt(),
             1);
    // The same new job twice in one batch: sent once.
    const SendJob twice = eventJob(QStringLiteral("evt-9"), QStringLiteral("anna"), {{"название_товара", "Чайник"}});
    QList<Dispatcher::JobReport> pair = dispatch({twice, twice});
    QCOMPARE(pair.size(), 2);
    QCOMPARE(pair.at(0).sent + pair.at(1).sent, 2);
    QCOMPARE(pair.at(0).alreadyDone + pair.at(1).alreadyDone, 2);
    QCOMPARE(recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject().value(QStringLiteral("attempts")).toInt(),
             2);
    // Another event is another notification.
    QList<Dispatcher::JobReport> other =
        dispatch({eventJob(QStringLiteral("evt-8"), QStringLiteral("anna"), {{"название_товара", "Чайник"}})});
    QCOMPARE(other.at(0).sent, 2);
}

void DispatcherTest::aTemplateVersionSavedElsewhereIsSentWithinTheRecentWindow()
{
    addUser(QStringLiteral("anna"), QStringLiteral("ru-RU"));
    const qint64 phone = addDevice(QStringLiteral("anna"), Platform::Android, fcmToken(1));
    QVERIFY(phone > 0);
    const auto sendAndGetVersion = [&](const QString &eventId) -> std::optional<int> {
        const SendJob job = eventJob(eventId, QStringLiteral("anna"), {{"название_товара", "Чайник"}});
        const QList<Dispatcher::JobReport> reports = dispatch({job});
        if (reports.size() != 1 || reports.at(0).sent != 1)
            return std::nullopt;
        Result<std::optional<Delivery>> row = m_rt->deliveries.find(job.notificationIdFor(phone));
        if (!row || !row->has_value())
            return std::nullopt;
        return (*row)->templateVersion;
    };
    QCOMPARE(sendAndGetVersion(QStringLiteral("evt-v1")), std::optional<int>(1));

    // Another process's catalog (the API of another worker) saves version 2: the sender goes on with the version
    // it read less than TemplateCatalog::kRecentLatest ago, without asking the database each batch, then sends 2.
    PushTemplate t = *PushTemplate::fromJson(m_rt->templates.version(kTemplate, 1)->value().content);
    t.content.body = QStringLiteral("«{{название_товара}}» вернулся");
    TemplateCatalog elsewhere(m_rt->templates);
    QCOMPARE(elsewhere.save(t, {{"название_товара", "Чайник"}}, QStringLiteral("test"))->version, 2);
    QCOMPARE(sendAndGetVersion(QStringLiteral("evt-v1-again")), std::optional<int>(1));
    m_clock->advance(TemplateCatalog::kRecentLatest);
    QCOMPARE(sendAndGetVersion(QStringLiteral("evt-v2")), std::optional<int>(2));
    QCOMPARE(test::lastFcmMessage(recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject())
                 .value(QStringLiteral("notification"))
                 .toObject()
                 .value(QStringLiteral("body"))
                 .toString(),
             QStringLiteral("«Чайник» вернулся"));

    // One saved through the engine's own catalog is sent at once.
    t.content.body = QStringLiteral("«{{название_товара}}» снова в продаже");
    QCOMPARE(m_rt->catalog.save(t, {{"название_товара", "Чайник"}}, QStringLiteral("test"))->version, 3);
    QCOMPARE(sendAndGetVersion(QStringLiteral("evt-v3")), std::optional<int>(3));
}

void DispatcherTest::outcomeClassesOfFcm()
{
    // 1: unavailable (retry), 2: unregistered and 3: malformed (invalid tokens), 4: accepted, 5: a message too
    // large for FCM (permanent failure).
    QList<qint64> devices;
    QList<SendJob> jobs;
    for (int i = 1; i <= 5; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        addUser(user, QStringLiteral("ru"));
        devices << addDevice(user, Platform::Android, fcmToken(i));
        const std::string product = i == 5 ? std::string(5000, 'x') : std::string("Чайник");
        jobs << eventJob(QStringLiteral("evt-1"), user, {{"название_товара", product}});
    }
    putBehaviour(QStringLiteral(R"({"tokens": [
        {"service": "fcm", "token": "%1", "state": "unregistered"},
        {"service": "fcm", "token": "%2", "state": "invalid"}],
        "bursts": [{"service": "fcm", "count": 1, "code": "UNAVAILABLE", "retry_after": 30}]})")
                     .arg(fcmToken(2), fcmToken(3))
                     .toUtf8());
    dispatch({jobs.at(0)}); // alone, so that the burst's one 503 is its answer
    QCOMPARE(statusOf(jobs.at(0).notificationIdFor(devices.at(0))), QStringLiteral("retry_scheduled"));
    const QList<Dispatcher::JobReport> reports = dispatch(jobs.mid(1));
    QCOMPARE(reports.size(), 4);
    QCOMPARE(statusOf(jobs.at(1).notificationIdFor(devices.at(1))), QStringLiteral("invalid_token"));
    QCOMPARE(statusOf(jobs.at(2).notificationIdFor(devices.at(2))), QStringLiteral("invalid_token"));
    QCOMPARE(statusOf(jobs.at(3).notificationIdFor(devices.at(3))), QStringLiteral("sent"));
    QCOMPARE(statusOf(jobs.at(4).notificationIdFor(devices.at(4))), QStringLiteral("failed"));

    // Dead tokens deactivate their devices; the others stay.
    Result<std::optional<Device>> dead = m_rt->devices.find(devices.at(1));
    VT_OK(dead);
    QVERIFY(!(*dead)->isActive);
    QCOMPARE((*dead)->deactivationReason, QStringLiteral("fcm.UNREGISTERED"));
    QVERIFY(!(*m_rt->devices.find(devices.at(2)))->isActive);
    QVERIFY((*m_rt->devices.find(devices.at(3)))->isActive);
    QVERIFY((*m_rt->devices.find(devices.at(4)))->isActive);
    const Delivery failed = **m_rt->deliveries.find(jobs.at(4).notificationIdFor(devices.at(4)));
    QCOMPARE(failed.errorCode, QStringLiteral("fcm.INVALID_ARGUMENT"));

    // The retry: stored with the provider's Retry-After, sent when it is due.
    Result<std::optional<Delivery>> retry = m_rt->deliveries.find(jobs.at(0).notificationIdFor(devices.at(0)));
    QCOMPARE((*retry)->attempts, 1);
    QVERIFY((*retry)->nextAttemptAtMs.has_value());
    m_clock->setMs(*(*retry)->nextAttemptAtMs);
    QCOMPARE(scanAndWait(), 1);
    QCOMPARE(statusOf(jobs.at(0).notificationIdFor(devices.at(0))), QStringLiteral("sent"));
    QCOMPARE(m_rt->dispatcher.counters().invalidTokens, 2);
    QCOMPARE(m_rt->dispatcher.counters().failed, 1);
    QCOMPARE(m_rt->dispatcher.counters().retries, 1);
    QCOMPARE(m_rt->dispatcher.counters().sent, 2);
}

void DispatcherTest::outcomeClassesOfApns()
{
    const qint64 now = m_clock->nowMs();
    QList<qint64> devices;
    QList<SendJob> jobs;
    for (int i = 1; i <= 6; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        addUser(user, QStringLiteral("ru"));
        devices << addDevice(user, Platform::Ios, apnsToken(i));
        const std::string product = i == 6 ? std::string(5000, 'x') : std::string("Чайник");
        jobs << eventJob(QStringLiteral("evt-1"), user, {{"название_товара", product}});
    }
    // 2: unregistered after the registration (deactivate), 3: unregistered before it (re-registered since:
    // keep and retry), 4: a token of another app and 5: a malformed token (invalid tokens), 6: a payload over
    // 4 KB (permanent).
    putBehaviour(QStringLiteral(R"({"tokens": [
        {"service": "apns", "token": "%1", "state": "unregistered", "timestamp": %2},
        {"service": "apns", "token": "%3", "state": "unregistered", "timestamp": %4},
        {"service": "apns", "token": "%5", "state": "topic", "topic": "com.example.other"},
        {"service": "apns", "token": "%6", "state": "invalid"}]})")
                     .arg(apnsToken(2))
                     .arg(now + 60'000)
                     .arg(apnsToken(3))
                     .arg(now - 3'600'000)
                     .arg(apnsToken(4), apnsToken(5))
                     .toUtf8());
    const QList<Dispatcher::JobReport> reports = dispatch(jobs);
    QCOMPARE(reports.size(), 6);
    QCOMPARE(statusOf(jobs.at(0).notificationIdFor(devices.at(0))), QStringLiteral("sent"));
    QCOMPARE(statusOf(jobs.at(1).notificationIdFor(devices.at(1))), QStringLiteral("invalid_token"));
    QCOMPARE(statusOf(jobs.at(2).notificationIdFor(devices.at(2))), QStringLiteral("retry_scheduled"));
    QCOMPARE(statusOf(jobs.at(3).notificationIdFor(devices.at(3))), QStringLiteral("invalid_token"));
    QCOMPARE(statusOf(jobs.at(4).notificationIdFor(devices.at(4))), QStringLiteral("invalid_token"));
    QCOMPARE(statusOf(jobs.at(5).notificationIdFor(devices.at(5))), QStringLiteral("failed"));
    QVERIFY(!(*m_rt->devices.find(devices.at(1)))->isActive);
    QVERIFY((*m_rt->devices.find(devices.at(2)))->isActive);
    QCOMPARE((*m_rt->deliveries.find(jobs.at(3).notificationIdFor(devices.at(3))))->errorCode,
             QStringLiteral("apns.DeviceTokenNotForTopic"));
    QCOMPARE((*m_rt->deliveries.find(jobs.at(5).notificationIdFor(devices.at(5))))->errorCode,
             QStringLiteral("apns.PayloadTooLarge"));
    QVERIFY((*m_rt->devices.find(devices.at(5)))->isActive);

    // A 503 from APNs: a retry no sooner than APNs asks (15 minutes after a 5xx).
    putBehaviour(R"({"bursts": [{"service": "apns", "count": 1, "code": "ServiceUnavailable"}]})");
    addUser(QStringLiteral("u7"), QStringLiteral("ru"));
    const qint64 seventh = addDevice(QStringLiteral("u7"), Platform::Ios, apnsToken(7));
    const SendJob job = eventJob(QStringLiteral("evt-1"), QStringLiteral("u7"), {{"название_товара", "Чайник"}});
    const qint64 before = m_clock->nowMs();
    dispatch({job});
    Result<std::optional<Delivery>> retry = m_rt->deliveries.find(job.notificationIdFor(seventh));
    QCOMPARE((*retry)->status, DeliveryStatus::RetryScheduled);
    QVERIFY(*(*retry)->nextAttemptAtMs >= before + 15 * 60'000);
}

void DispatcherTest::credentialsProblemRefreshesOnceThenOpensTheCircuit()
{
    // Another app whose service account and APNs key the providers do not know.
    const QString app = QStringLiteral("stranger");
    VT_OK(m_rt->apps.upsert(App{app, QStringLiteral("Stranger"), 0}));
    VT_OK(m_rt->apps.setCredential(app, Provider::Fcm, m_unknownServiceAccount));
    const QJsonObject apns{{QStringLiteral("bundle_id"), kBundle},
                           {QStringLiteral("team_id"), QStringLiteral("TEAM999999")},
                           {QStringLiteral("key_id"), QStringLiteral("KEY9999999")},
                           {QStringLiteral("private_key"), QString::fromUtf8(m_unknownP8)}};
    VT_OK(m_rt->apps.setCredential(app, Provider::Apns, QJsonDocument(apns).toJson()));
    addUser(QStringLiteral("u1"), QStringLiteral("ru"));
    Result<qint64> android = m_rt->devices.registerDevice(QStringLiteral("u1"), app, Platform::Android, fcmToken(1));
    Result<qint64> iphone = m_rt->devices.registerDevice(QStringLiteral("u1"), app, Platform::Ios, apnsToken(1));
    VT_OK(android);
    VT_OK(iphone);
    // A device of the app with working credentials keeps getting pushes meanwhile.
    const qint64 healthy = addDevice(QStringLiteral("u1"), Platform::Android, fcmToken(2));

    const SendJob job = eventJob(QStringLiteral("evt-1"), QStringLiteral("u1"), {{"название_товара", "Чайник"}});
    const QList<Dispatcher::JobReport> reports = dispatch({job});
    QCOMPARE(reports.size(), 1);
    QCOMPARE(reports.at(0).sent, 1);
    QCOMPARE(reports.at(0).retries, 2);
    QCOMPARE(statusOf(job.notificationIdFor(healthy)), QStringLiteral("sent"));
    QCOMPARE(statusOf(job.notificationIdFor(*android)), QStringLiteral("retry_scheduled"));
    QCOMPARE(statusOf(job.notificationIdFor(*iphone)), QStringLiteral("retry_scheduled"));
    // One refresh each, then the circuits of both providers of that app open, with an alert each.
    QCOMPARE(m_rt->dispatcher.counters().credentialRefreshes, 2);
    QCOMPARE(m_rt->circuits.alerts(), quint64(2));
    QCOMPARE(m_rt->circuits.state({app, Provider::Fcm}, m_clock->nowMs()), CircuitBreaker::State::Open);
    QCOMPARE(m_rt->circuits.state({app, Provider::Apns}, m_clock->nowMs()), CircuitBreaker::State::Open);
    QCOMPARE(m_rt->circuits.state({kApp, Provider::Fcm}, m_clock->nowMs()), CircuitBreaker::State::Closed);
    // The retries wait for the circuit: not before it lets a probe through.
    const Delivery retry = **m_rt->deliveries.find(job.notificationIdFor(*android));
    QVERIFY(*retry.nextAttemptAtMs >= *m_rt->circuits.openUntilMs({app, Provider::Fcm}));
    // APNs saw exactly two requests of that app: the first and the one resend.
    QCOMPARE(recording(QStringLiteral("apns")).value(apnsToken(1)).toObject().value(QStringLiteral("attempts")).toInt(),
             2);
}

void DispatcherTest::apnsCertificateAuthentication()
{
    // Two more apps on certificate authentication: one with a development push certificate for the sandbox,
    // one whose certificate is for production while the app says sandbox (APNs: BadCertificateEnvironment).
    const QString dataDir = m_dir.filePath(QStringLiteral("data"));
    const QString ca = QDir(dataDir).filePath(QStringLiteral("ca.pem"));
    const QString caKey = QDir(dataDir).filePath(QStringLiteral("ca.key"));
    const QString key = m_openssl->generateEcKey(QStringLiteral("push-client.key"));
    const QString subject =
        QStringLiteral("/UID=com.example.cert/CN=Apple Development IOS Push Services: com.example.cert");
    const QString development = m_openssl->issueCertificate(QStringLiteral("dev-push"), key, subject, ca, caKey,
                                                            {QStringLiteral("1.2.840.113635.100.6.3.1=ASN1:NULL")});
    const QString production = m_openssl->issueCertificate(QStringLiteral("prod-push"), key, subject, ca, caKey,
                                                           {QStringLiteral("1.2.840.113635.100.6.3.2=ASN1:NULL")});
    QVERIFY(!development.isEmpty() && !production.isEmpty());
    const auto pem = [](const QString &path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    };
    QList<qint64> devices;
    int i = 0;
    for (const QString &certificate : {development, production}) {
        const QString app = QStringLiteral("cert-app-%1").arg(i);
        VT_OK(m_rt->apps.upsert(App{app, app, 0}));
        const QJsonObject credential{{QStringLiteral("bundle_id"), QStringLiteral("com.example.cert")},
                                     {QStringLiteral("environment"), QStringLiteral("sandbox")},
                                     {QStringLiteral("certificate"), pem(certificate)},
                                     {QStringLiteral("private_key"), pem(key)}};
        VT_OK(m_rt->apps.setCredential(app, Provider::Apns, QJsonDocument(credential).toJson()));
        Result<qint64> device =
            m_rt->devices.registerDevice(QStringLiteral("u1"), app, Platform::Ios, apnsToken(100 + i));
        VT_OK(device);
        devices << *device;
        ++i;
    }
    const SendJob job = eventJob(QStringLiteral("evt-1"), QStringLiteral("u1"), {{"название_товара", "Чайник"}});
    const QList<Dispatcher::JobReport> reports = dispatch({job});
    QCOMPARE(reports.size(), 1);
    QCOMPARE(reports.at(0).sent, 1);
    QCOMPARE(reports.at(0).retries, 1);
    QCOMPARE(statusOf(job.notificationIdFor(devices.at(0))), QStringLiteral("sent"));
    const QJsonObject accepted = recording(QStringLiteral("apns")).value(apnsToken(100)).toObject();
    QCOMPARE(accepted.value(QStringLiteral("accepted")).toInt(), 1);
    QCOMPARE(accepted.value(QStringLiteral("last_headers")).toObject().value(QStringLiteral("apns-topic")).toString(),
             QStringLiteral("com.example.cert"));
    const Delivery refused = **m_rt->deliveries.find(job.notificationIdFor(devices.at(1)));
    QCOMPARE(refused.status, DeliveryStatus::RetryScheduled);
    QCOMPARE(refused.errorCode, QStringLiteral("apns.BadCertificateEnvironment"));
    QCOMPARE(m_rt->circuits.state({QStringLiteral("cert-app-1"), Provider::Apns}, m_clock->nowMs()),
             CircuitBreaker::State::Open);
}

void DispatcherTest::unknownTemplateIsRefusedForGood()
{
    addUser(QStringLiteral("u1"), QStringLiteral("ru"));
    const qint64 device = addDevice(QStringLiteral("u1"), Platform::Android, fcmToken(1));
    QVERIFY(device > 0);
    SendJob job = eventJob(QStringLiteral("evt-1"), QStringLiteral("u1"), {});
    job.templateId = QStringLiteral("no-such-template");
    const QList<Dispatcher::JobReport> reports = dispatch({job});
    QCOMPARE(reports.size(), 1);
    QVERIFY(!reports.at(0).isDurable());
    QVERIFY(reports.at(0).permanent);
    QVERIFY(reports.at(0).error->message.contains(QStringLiteral("no-such-template")));
    QVERIFY(statusCounts().isEmpty());
    // A variable the template needs and the job lacks fails the delivery with the reason, not the job.
    SendJob missing = eventJob(QStringLiteral("evt-2"), QStringLiteral("u1"), {});
    const QList<Dispatcher::JobReport> second = dispatch({missing});
    QCOMPARE(second.at(0).failed, 1);
    QVERIFY(second.at(0).isDurable());
    const Delivery failed = **m_rt->deliveries.find(missing.notificationIdFor(device));
    QCOMPARE(failed.errorCode, QStringLiteral("template.render"));
    QVERIFY2(failed.errorMessage.contains(QStringLiteral("название_товара")), qPrintable(failed.errorMessage));
    QCOMPARE(recording(QStringLiteral("fcm")).size(), 0);
}

void DispatcherTest::retryAfterIsRespectedToTheSecond()
{
    addUser(QStringLiteral("u1"), QStringLiteral("ru"));
    const qint64 device = addDevice(QStringLiteral("u1"), Platform::Android, fcmToken(1));
    putBehaviour(R"({"bursts": [{"service": "fcm", "count": 1, "code": "UNAVAILABLE", "retry_after": 37}]})");
    const SendJob job = eventJob(QStringLiteral("evt-1"), QStringLiteral("u1"), {{"название_товара", "Чайник"}});
    const qint64 sentAt = m_clock->nowMs();
    dispatch({job});
    const QString nid = job.notificationIdFor(device);
    QCOMPARE(statusOf(nid), QStringLiteral("retry_scheduled"));
    QCOMPARE(*(**m_rt->deliveries.find(nid)).nextAttemptAtMs, sentAt + 37'000);
    m_clock->setMs(sentAt + 36'999);
    QCOMPARE(scanAndWait(), 0);
    QCOMPARE(recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject().value(QStringLiteral("attempts")).toInt(),
             1);
    m_clock->setMs(sentAt + 37'000);
    QCOMPARE(scanAndWait(), 1);
    QCOMPARE(statusOf(nid), QStringLiteral("sent"));
    const QJsonObject token = recording(QStringLiteral("fcm")).value(fcmToken(1)).toObject();
    QCOMPARE(token.value(QStringLiteral("attempts")).toInt(), 2);
    QCOMPARE(token.value(QStringLiteral("accepted")).toInt(), 1);
}

void DispatcherTest::thirtyPercentUnavailableForAMinute()
{
    constexpr int kDevices = 1000;
    constexpr int kRetryAfterSeconds = 10;
    QList<SendJob> jobs;
    QStringList nids;
    for (int i = 0; i < kDevices; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        const qint64 device = addDevice(user, Platform::Android, fcmToken(i));
        jobs << eventJob(QStringLiteral("sale"), user, {{"название_товара", "Чайник"}});
        nids << jobs.last().notificationIdFor(device);
    }
    putBehaviour(QStringLiteral(R"({"errors": [{"service": "fcm", "code": "UNAVAILABLE", "rate": 0.3,
        "retry_after": %1}]})")
                     .arg(kRetryAfterSeconds)
                     .toUtf8());
    const qint64 start = m_clock->nowMs();
    dispatch(jobs);
    const int firstRetries = statusCounts().value(QStringLiteral("retry_scheduled"));
    QVERIFY2(firstRetries > 200 && firstRetries < 400, qPrintable(QString::number(firstRetries)));
    // A minute of it, a second at a time; then the service recovers.
    while (m_clock->nowMs() < start + 60'000) {
        m_clock->advance(1s);
        QVERIFY(scanAndWait() >= 0);
    }
    putBehaviour("{}");
    // The backoff grew for pushes refused several times: move the clock to each next due retry.
    for (int i = 0; i < 100 && statusCounts().value(QStringLiteral("sent")) < kDevices; ++i) {
        Result<QSqlQuery> due =
            m_db->database().run(QStringLiteral("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = ?"),
                                 {QStringLiteral("retry_scheduled")}, QStringLiteral("next due retry"));
        VT_OK(due);
        QVERIFY(due->next());
        m_clock->setMs(std::max(m_clock->nowMs(), due->value(0).toLongLong()));
        QVERIFY(scanAndWait() >= 0);
    }
    QCOMPARE(statusCounts(), (QMap<QString, int>{{QStringLiteral("sent"), kDevices}}));

    // Every phone got its push exactly once, and no retry went out before its Retry-After.
    const QJsonObject fcm = recording(QStringLiteral("fcm"));
    int rejected = 0;
    for (int i = 0; i < kDevices; ++i) {
        const QJsonObject token = fcm.value(fcmToken(i)).toObject();
        QCOMPARE(token.value(QStringLiteral("accepted")).toInt(), 1);
        rejected += token.value(QStringLiteral("rejected")).toInt();
    }
    QVERIFY(rejected > firstRetries); // some were refused again during the minute
    int retriesSeen = 0;
    for (const QString &nid : std::as_const(nids)) {
        Result<QList<DeliveryEvent>> trail = m_rt->deliveries.trail(nid);
        VT_OK(trail);
        std::optional<qint64> scheduledAt;
        for (const DeliveryEvent &event : std::as_const(*trail)) {
            if (event.status == DeliveryStatus::RetryScheduled) {
                scheduledAt = event.atMs;
                ++retriesSeen;
            } else if (event.status == DeliveryStatus::Sending && scheduledAt) {
                QVERIFY2(event.atMs >= *scheduledAt + kRetryAfterSeconds * 1000,
                         qPrintable(QStringLiteral("%1 resent %2 ms after its retry was scheduled")
                                        .arg(nid)
                                        .arg(event.atMs - *scheduledAt)));
            }
        }
    }
    QCOMPARE(retriesSeen, rejected);
}

void DispatcherTest::goawayInTheMiddleOfTenThousandSends()
{
    constexpr int kDevices = 10'000;
    putBehaviour(R"({"goaway": [{"service": "fcm", "after_streams": 3000}]})");
    QList<SendJob> jobs;
    QStringList nids;
    for (int i = 0; i < kDevices; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        const qint64 device = addDevice(user, Platform::Android, fcmToken(i));
        QVERIFY(device > 0);
        jobs << eventJob(QStringLiteral("flash-sale"), user, {{"название_товара", "Чайник"}});
        nids << jobs.last().notificationIdFor(device);
    }
    const QList<Dispatcher::JobReport> reports = dispatch(jobs);
    QCOMPARE(reports.size(), kDevices);
    int sent = 0;
    for (const Dispatcher::JobReport &report : reports)
        sent += report.sent;
    QCOMPARE(sent, kDevices);
    QCOMPARE(statusCounts(), (QMap<QString, int>{{QStringLiteral("sent"), kDevices}}));
    const QJsonObject fcm = recording(QStringLiteral("fcm"));
    for (int i = 0; i < kDevices; ++i)
        QCOMPARE(fcm.value(fcmToken(i)).toObject().value(QStringLiteral("accepted")).toInt(), 1);
    // Exactly one final status per delivery in the trail.
    for (const QString &nid : std::as_const(nids)) {
        Result<QList<DeliveryEvent>> trail = m_rt->deliveries.trail(nid);
        VT_OK(trail);
        QCOMPARE(std::count_if(trail->cbegin(), trail->cend(),
                               [](const DeliveryEvent &e) { return e.status == DeliveryStatus::Sent; }),
                 1);
    }
}

void DispatcherTest::restartResumesPendingRetries()
{
    constexpr int kDevices = 5;
    QList<SendJob> jobs;
    QStringList nids;
    for (int i = 0; i < kDevices; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        const qint64 device = addDevice(user, Platform::Android, fcmToken(i));
        jobs << eventJob(QStringLiteral("evt-1"), user, {{"название_товара", "Чайник"}, {"имя", "Ольга"}});
        nids << jobs.last().notificationIdFor(device);
    }
    putBehaviour(R"({"outages": [{"service": "fcm", "start_in_ms": 0, "duration_ms": 600000, "retry_after": 60}]})");
    dispatch(jobs);
    QCOMPARE(statusCounts(), (QMap<QString, int>{{QStringLiteral("retry_scheduled"), kDevices}}));

    // The process goes away with its retries stored, and comes back.
    restart();
    putBehaviour("{}");
    m_clock->advance(60s);
    m_rt->scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(statusCounts().value(QStringLiteral("sent")), kDevices, 30'000);
    m_rt->scanner.stop();
    const QJsonObject fcm = recording(QStringLiteral("fcm"));
    for (int i = 0; i < kDevices; ++i) {
        const QJsonObject token = fcm.value(fcmToken(i)).toObject();
        QCOMPARE(token.value(QStringLiteral("accepted")).toInt(), 1);
        // Rendered again from the stored job, with its variables.
        QCOMPARE(test::lastFcmMessage(token)
                     .value(QStringLiteral("notification"))
                     .toObject()
                     .value(QStringLiteral("title"))
                     .toString(),
                 QStringLiteral("Ольга, товар снова в наличии"));
    }
}

void DispatcherTest::rateLimitSpacesTheSends()
{
    TokenBucket limits(TokenBucket::Limit{5, 5});
    Dispatcher limited(Dispatcher::Dependencies{m_rt->deliveries, m_rt->users, m_rt->catalog, m_rt->directory,
                                                m_rt->clients, m_rt->recorder, m_rt->circuits, &limits, *m_clock},
                       test::engineSettings(providerSettings()).dispatcher);
    auto done = std::make_shared<int>(0);
    for (int i = 0; i < 20; ++i) {
        const QString user = QStringLiteral("u%1").arg(i);
        QVERIFY(addDevice(user, Platform::Android, fcmToken(i)) > 0);
        limited.submit(eventJob(QStringLiteral("evt-1"), user, {{"название_товара", "Чайник"}}),
                       [done](const Dispatcher::JobReport &) { ++*done; });
    }
    // The first five go at once (the bucket's burst); the others wait for tokens on the dispatcher's clock.
    QTRY_COMPARE(*done, 5);
    QCOMPARE(limited.counters().rateLimited, 15);
    QCOMPARE(recording(QStringLiteral("fcm")).size(), 5);
    m_clock->advance(1s);
    QTRY_COMPARE(*done, 10);
    QCOMPARE(recording(QStringLiteral("fcm")).size(), 10);
    // A longer pause still allows no more than the burst at once.
    m_clock->advance(5s);
    QTRY_COMPARE(*done, 15);
    QCOMPARE(recording(QStringLiteral("fcm")).size(), 15);
    m_clock->advance(1s);
    QTRY_COMPARE(*done, 20);
    QTRY_COMPARE(limited.outstanding(), 0);
}

void DispatcherTest::sentOutcomesWaitForTheDatabaseInsteadOfBeingSentAgain()
{
    // The database refuses to record outcomes for a while (as during a restart) after the pushes went out.
    const Database &db = m_db->database();
    VT_OK(db.execute(QStringLiteral("CREATE TABLE record_block (x INTEGER)"), QStringLiteral("block table")));
    if (db.dialect() == Dialect::Sqlite) {
        VT_OK(db.execute(QStringLiteral("CREATE TRIGGER block_updates BEFORE UPDATE ON deliveries"
                                        " WHEN EXISTS (SELECT 1 FROM record_block)"
                                        " BEGIN SELECT RAISE(ABORT, 'recording blocked by the test'); END"),
                         QStringLiteral("block trigger")));
    } else {
        VT_OK(db.execute(QStringLiteral("CREATE FUNCTION block_updates() RETURNS trigger LANGUAGE plpgsql AS $$"
                                        " BEGIN IF EXISTS (SELECT 1 FROM record_block) THEN"
                                        " RAISE EXCEPTION 'recording blocked by the test'; END IF; RETURN NEW; END $$"),
                         QStringLiteral("block function")));
        VT_OK(db.execute(QStringLiteral("CREATE TRIGGER block_updates BEFORE UPDATE ON deliveries FOR EACH ROW"
                                        " EXECUTE FUNCTION block_updates()"),
                         QStringLiteral("block trigger")));
    }
    VT_OK(db.execute(QStringLiteral("INSERT INTO record_block VALUES (1)"), QStringLiteral("block")));

    constexpr int kUsers = 20;
    for (int i = 0; i < kUsers; ++i) {
        addUser(QStringLiteral("r%1").arg(i), QStringLiteral("ru"));
        QVERIFY(addDevice(QStringLiteral("r%1").arg(i), Platform::Android, fcmToken(500 + i)) > 0);
    }
    auto reports = std::make_shared<QList<Dispatcher::JobReport>>();
    for (int i = 0; i < kUsers; ++i)
        m_rt->dispatcher.submit(
            eventJob(QStringLiteral("evt-db"), QStringLiteral("r%1").arg(i), {{"название_товара", "Чайник"}}),
            [reports](const Dispatcher::JobReport &report) { reports->append(report); });
    const auto accepted = [this] {
        int total = 0;
        const QJsonObject fcm = recording(QStringLiteral("fcm"));
        for (int i = 0; i < kUsers; ++i)
            total += fcm.value(fcmToken(500 + i)).toObject().value(QStringLiteral("accepted")).toInt();
        return total;
    };
    QTRY_COMPARE_WITH_TIMEOUT(accepted(), kUsers, 30'000);
    // Sent, not recorded: the jobs are not finished (a consumer would not acknowledge them yet).
    QVERIFY(reports->isEmpty());
    QCOMPARE(statusCounts().value(QStringLiteral("sending")), kUsers);

    VT_OK(db.execute(QStringLiteral("DELETE FROM record_block"), QStringLiteral("unblock")));
    QTRY_COMPARE_WITH_TIMEOUT(reports->size(), kUsers, 30'000);
    for (const Dispatcher::JobReport &report : std::as_const(*reports)) {
        QVERIFY(report.isDurable());
        QCOMPARE(report.sent, 1);
    }
    QCOMPARE(statusCounts().value(QStringLiteral("sent")), kUsers);
    QCOMPARE(accepted(), kUsers); // recorded, not sent again
}

void DispatcherTest::changedCredentialsTakeOverWithoutARestart()
{
    addUser(QStringLiteral("u1"), QStringLiteral("ru"), {});
    addDevice(QStringLiteral("u1"), Platform::Ios, apnsToken(200));
    const auto topic = [this] {
        return recording(QStringLiteral("apns"))
            .value(apnsToken(200))
            .toObject()
            .value(QStringLiteral("last_headers"))
            .toObject()
            .value(QStringLiteral("apns-topic"))
            .toString();
    };
    int events = 0;
    const auto send = [&] {
        const SendJob job = eventJob(QStringLiteral("evt-credential-%1").arg(++events), QStringLiteral("u1"),
                                     {{"название_товара", "Чайник"}});
        const QList<Dispatcher::JobReport> reports = dispatch({job});
        return reports.size() == 1 ? reports.at(0).sent : -1;
    };
    QCOMPARE(send(), 1);
    QCOMPARE(topic(), kBundle);

    // The app's credential changes (through the API, on any worker): another bundle id.
    m_clock->advance(std::chrono::seconds(1));
    const QJsonObject renamed{{QStringLiteral("bundle_id"), QStringLiteral("com.example.renamed")},
                              {QStringLiteral("environment"), QStringLiteral("production")},
                              {QStringLiteral("team_id"), kTeam},
                              {QStringLiteral("key_id"), kKeyId},
                              {QStringLiteral("private_key"), QString::fromUtf8(m_p8)}};
    VT_OK(m_rt->apps.setCredential(kApp, Provider::Apns, QJsonDocument(renamed).toJson()));
    // Within the check interval the client made before goes on; after it, a client of the new credential.
    QCOMPARE(send(), 1);
    QCOMPARE(topic(), kBundle);
    m_clock->advance(ProviderClients::Settings().credentialCheckInterval);
    QCOMPARE(send(), 1);
    QCOMPARE(topic(), QStringLiteral("com.example.renamed"));
}

QTEST_GUILESS_MAIN(DispatcherTest)
#include "DispatcherTest.moc"
