#include "Demo.h"

#include "Worker.h"
#include "bus/MessageBus.h"
#include "model/SendJob.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeliveryRepository.h"
#include "store/DeviceRepository.h"
#include "store/TemplateRepository.h"
#include "store/TriggerRuleRepository.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace vestnik {

namespace {

const QString kApp = QStringLiteral("demo-shop");
const QString kTemplate = QStringLiteral("cart-reminder");
const QString kEventType = QStringLiteral("cart.item_added");

struct DemoDevice {
    QString user;
    Platform platform;
    QString token;
};

const QList<DemoDevice> &demoDevices()
{
    static const QList<DemoDevice> devices{
        {QStringLiteral("anna"), Platform::Android,
         QStringLiteral("fDemoAnna0001:APA91bDemoTokenForAnnasAndroidPhone-0123456789abcdef")},
        {QStringLiteral("anna"), Platform::Ios, QString(64, QLatin1Char('a'))},
        {QStringLiteral("oleg"), Platform::Android,
         QStringLiteral("fDemoOleg0001:APA91bDemoTokenForOlegsAndroidPhone-0123456789abcdef")},
    };
    return devices;
}

Result<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("demo: cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

} // namespace

Demo::Demo(Worker &worker, QString directory, QObject *parent)
    : QObject(parent), m_worker(worker), m_directory(std::move(directory))
{
    m_poller.setInterval(100);
    connect(&m_poller, &QTimer::timeout, this, &Demo::poll);
}

Result<void> Demo::seed()
{
    const Database &db = m_worker.database();
    const Clock &clock = SystemClock::instance();
    const QDir dir(m_directory);
    Result<QByteArray> account = readFile(dir.filePath(QStringLiteral("sa.json")));
    if (!account)
        return account.error();
    Result<QByteArray> apnsKey = readFile(dir.filePath(QStringLiteral("AuthKey_KEYDEMO001.p8")));
    if (!apnsKey)
        return apnsKey.error();

    AppRepository apps(db, clock, m_worker.sealer());
    if (Result<void> done = apps.upsert(App{kApp, QStringLiteral("Demo shop"), 0}); !done)
        return done;
    if (Result<void> done = apps.setCredential(kApp, Provider::Fcm, *account); !done)
        return done;
    const QJsonObject apns{{QStringLiteral("bundle_id"), QStringLiteral("com.vestnik.demo")},
                           {QStringLiteral("environment"), QStringLiteral("production")},
                           {QStringLiteral("team_id"), QStringLiteral("TEAMDEMO01")},
                           {QStringLiteral("key_id"), QStringLiteral("KEYDEMO001")},
                           {QStringLiteral("private_key"), QString::fromUtf8(*apnsKey)}};
    if (Result<void> done =
            apps.setCredential(kApp, Provider::Apns, QJsonDocument(apns).toJson(QJsonDocument::Compact));
        !done)
        return done;

    TemplateRepository templates(db, clock);
    TemplateCatalog catalog(templates);
    PushTemplate t;
    t.id = kTemplate;
    t.name = QStringLiteral("Корзина ждёт");
    t.content.title = QStringLiteral("{{имя|default:\"Друг\"}}, вы кое-что забыли");
    t.content.body =
        QStringLiteral("{{название_товара}} и ещё {{количество|plural:# товар,# товара,# товаров}} ждут в корзине");
    TemplateContent english;
    english.title = QStringLiteral("{{имя|default:\"Friend\"}}, you left something behind");
    english.body =
        QStringLiteral("{{название_товара}} and {{количество|plural:# more item,# more items}} are in your cart");
    t.variants.insert(QStringLiteral("en"), english);
    const nlohmann::json sample = {{"имя", "Анна"}, {"название_товара", "Чайник «Ёж»"}, {"количество", 3}};
    if (auto saved = catalog.save(t, sample, QStringLiteral("demo")); !saved)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("demo: the template was refused"));

    TriggerRuleRepository rules(db, clock);
    Result<QList<TriggerRule>> existing = rules.all();
    if (!existing)
        return existing.error();
    for (const TriggerRule &rule : *existing) {
        if (rule.eventType == kEventType && rule.templateId == kTemplate)
            m_ruleId = rule.id;
    }
    if (m_ruleId == 0) {
        TriggerRule rule;
        rule.name = QStringLiteral("Abandoned cart");
        rule.eventType = kEventType;
        rule.templateId = kTemplate;
        Result<qint64> id = rules.create(rule);
        if (!id)
            return id.error();
        m_ruleId = *id;
    }

    UserRepository users(db, clock);
    User anna{QStringLiteral("anna"),
              QStringLiteral("ru-RU"),
              QStringLiteral("Europe/Moscow"),
              QJsonObject{{QStringLiteral("имя"), QStringLiteral("Анна")}},
              0,
              0};
    User oleg{QStringLiteral("oleg"),
              QStringLiteral("en"),
              QStringLiteral("Europe/Berlin"),
              QJsonObject{{QStringLiteral("имя"), QStringLiteral("Oleg")}},
              0,
              0};
    for (const User &user : {anna, oleg}) {
        if (Result<void> done = users.upsert(user); !done)
            return done;
    }
    DeviceRepository devices(db, clock, m_worker.sealer());
    for (const DemoDevice &device : demoDevices()) {
        if (Result<qint64> id = devices.registerDevice(device.user, kApp, device.platform, device.token); !id)
            return id.error();
    }
    return {};
}

Result<void> Demo::start()
{
    if (Result<void> seeded = seed(); !seeded)
        return seeded;
    if (Result<void> reloaded = m_worker.reloadRules(); !reloaded)
        return reloaded;
    BusProducer *producer = m_worker.producer();
    if (!producer)
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("demo: the worker has no bus"));
    const qint64 now = SystemClock::instance().nowMs();
    m_eventId = QStringLiteral("demo-%1").arg(now);
    const QJsonObject event{
        {QStringLiteral("id"), m_eventId},
        {QStringLiteral("type"), kEventType},
        {QStringLiteral("user_id"), QStringLiteral("anna")},
        {QStringLiteral("occurred_at"), now},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("название_товара"), QStringLiteral("Чайник «Ёж»")},
                                             {QStringLiteral("количество"), 3}}},
    };
    const QByteArray body = QJsonDocument(event).toJson(QJsonDocument::Compact);
    QTextStream(stdout) << "demo: posting event " << body << Qt::endl;
    producer->send(
        m_worker.config().string(QStringLiteral("bus.events_topic")), "anna", body, [this](Result<void> sent) {
            if (!sent) {
                QTextStream(stdout) << "demo: the bus refused the event: " << sent.error().message << Qt::endl;
                return;
            }
            m_poller.start();
        });
    return {};
}

void Demo::poll()
{
    SendJob job;
    job.eventId = m_eventId + QStringLiteral("/r") + QString::number(m_ruleId);
    job.userId = QStringLiteral("anna");
    const Database &db = m_worker.database();
    DeviceRepository devices(db, SystemClock::instance(), m_worker.sealer());
    DeliveryRepository deliveries(db, SystemClock::instance());
    Result<QList<Device>> active = devices.activeForUser(job.userId);
    if (!active)
        return;
    QStringList lines;
    bool done = !active->isEmpty();
    for (const Device &device : *active) {
        const QString nid = job.notificationIdFor(device.id);
        Result<std::optional<Delivery>> row = deliveries.find(nid);
        if (!row || !row->has_value() || (*row)->status == DeliveryStatus::Queued
            || (*row)->status == DeliveryStatus::Sending) {
            done = false;
            break;
        }
        Result<QList<DeliveryEvent>> trail = deliveries.trail(nid);
        QStringList steps;
        for (const DeliveryEvent &event : trail ? *trail : QList<DeliveryEvent>())
            steps << deliveryStatusName(event.status);
        lines << QStringLiteral("demo: %1 push %2 to %3 device %4: %5")
                     .arg(platformName(device.platform), nid, job.userId, QString::number(device.id),
                          steps.join(QStringLiteral(" -> ")));
    }
    if (!done) {
        if (++m_polls == 300)
            QTextStream(stdout) << "demo: no final status after 30 s; see the log" << Qt::endl;
        return;
    }
    m_poller.stop();
    for (const QString &line : std::as_const(lines))
        QTextStream(stdout) << line << Qt::endl;
    QTextStream(stdout) << "demo: every delivery of event " << m_eventId << " has its final status" << Qt::endl;
    Q_EMIT finished();
}

} // namespace vestnik
