// The sender role's intake end to end: send jobs on a real Kafka topic -> SendJobConsumer -> Dispatcher ->
// vestnik-sim, on SQLite. Every valid job is pushed once and acknowledged; unreadable jobs and jobs that can
// never be sent land in the dead-letter topic with their reason; what was acknowledged is not read again by the
// group's next consumer.
#include "delivery/SendJobConsumer.h"

#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestDatabase.h"
#include "TestServices.h"
#include "bus/KafkaBus.h"
#include "bus/KafkaConsumer.h"
#include "bus/KafkaProducer.h"
#include "security/Sealer.h"
#include "store/Migrator.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

#include <algorithm>
#include <memory>

using namespace vestnik;
using namespace std::chrono_literals;

namespace {

constexpr int kUsers = 300;

QString fcmToken(int i)
{
    return QStringLiteral("fh_kafka%1:APA91b-").arg(i, 5, 10, QLatin1Char('0')) + QString(40, QLatin1Char('k'));
}

QString unique(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(12);
}

QByteArray jobJson(int user, const QString &templateId)
{
    SendJob job;
    job.eventId = QStringLiteral("cart.abandoned:%1").arg(user);
    job.userId = QStringLiteral("user-%1").arg(user);
    job.templateId = templateId;
    job.variables = {{"название_товара", "Чайник"}};
    return job.toJson();
}

} // namespace

class SendJobConsumerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sendsEveryJobOnceAndDeadLettersTheRest();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    QByteArray m_account;
    QString m_brokers;
};

void SendJobConsumerTest::initTestCase()
{
    const QString missing = test::missingService(QStringLiteral("kafka"));
    if (!missing.isEmpty())
        QFAIL(qPrintable(missing));
    m_brokers = test::kafkaBrokers();
    const test::OpenSslTool openssl(m_dir.path());
    m_account = test::writeFcmSimConfig(openssl, m_dir.path(), QStringLiteral("vestnik@shop.iam.gserviceaccount.com"),
                                        QStringLiteral("shop"));
    QVERIFY(!m_account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));
}

void SendJobConsumerTest::cleanupTestCase()
{
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

void SendJobConsumerTest::sendsEveryJobOnceAndDeadLettersTheRest()
{
    Result<std::unique_ptr<test::TestDatabase>> db = test::TestDatabase::create();
    VT_OK(db);
    VT_OK(Migrator((*db)->database()).migrate());
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x33'));
    VT_OK(sealer);
    DeliveryEngine rt((*db)->database(), *sealer, SystemClock::instance(),
                      test::engineSettings(test::simProviderSettings(*m_sim)));
    VT_OK(rt.apps.upsert(App{QStringLiteral("shop"), QStringLiteral("Shop"), 0}));
    VT_OK(rt.apps.setCredential(QStringLiteral("shop"), Provider::Fcm, m_account));
    PushTemplate t;
    t.id = QStringLiteral("cart");
    t.name = QStringLiteral("Cart");
    t.content.title = QStringLiteral("Вы забыли корзину");
    t.content.body = QStringLiteral("«{{название_товара}}» ждёт");
    QVERIFY(rt.catalog.save(t, {{"название_товара", "Чайник"}}, QStringLiteral("test")).hasValue());
    for (int i = 0; i < kUsers; ++i)
        VT_OK(rt.devices.registerDevice(QStringLiteral("user-%1").arg(i), QStringLiteral("shop"), Platform::Android,
                                        fcmToken(i)));

    const QString sends = unique(QStringLiteral("vestnik.sends.test."));
    const QString dlq = unique(QStringLiteral("vestnik.dlq.test."));
    KafkaProducer producer(KafkaProducer::Settings{m_brokers, {}, 5ms});
    VT_OK(producer.start());
    VT_OK(producer.ensureTopic(sends, 3, 15s));
    VT_OK(producer.ensureTopic(dlq, 1, 15s));
    int produced = 0;
    const auto put = [&](const QByteArray &key, const QByteArray &value) {
        producer.produce(sends, KafkaProducer::kAnyPartition, key, value, [&produced](Result<void> result) {
            if (result)
                ++produced;
        });
    };
    for (int i = 0; i < kUsers; ++i) {
        put(QStringLiteral("user-%1").arg(i).toUtf8(), jobJson(i, t.id));
        if (i % 100 == 50) { // poison among the valid ones
            put("bad", i == 50    ? QByteArray("{not json")
                       : i == 150 ? QByteArray(R"({"event_id": "e", "template_id": "cart"})")
                                  : jobJson(9999, QStringLiteral("no-such-template")));
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(produced, kUsers + 3, 30'000);

    const QString group = unique(QStringLiteral("vestnik-senders-"));
    SendJobConsumer::Settings settings;
    settings.consumer = BusConsumer::Settings{group, {sends}, 500};
    settings.deadLetterTopic = dlq;
    KafkaBus bus(KafkaBus::Settings{m_brokers, {}, 5ms, 100ms});
    auto consumer = std::make_unique<SendJobConsumer>(settings, bus, rt.dispatcher, producer);
    VT_OK(consumer->start());
    QTRY_VERIFY_WITH_TIMEOUT(consumer->counters().jobs == kUsers && consumer->counters().deadLettered == 3, 90'000);
    QCOMPARE(consumer->consumer().inFlight(), 0);

    // Every phone once.
    const QJsonObject fcm = test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                                .json()
                                .value(QStringLiteral("fcm"))
                                .toObject();
    for (int i = 0; i < kUsers; ++i)
        QCOMPARE(fcm.value(fcmToken(i)).toObject().value(QStringLiteral("accepted")).toInt(), 1);

    // The dead letters carry their reasons and the original message.
    QStringList reasons;
    KafkaConsumer letters(
        KafkaConsumer::Settings{m_brokers, unique(QStringLiteral("dlq-reader-")), {dlq}, {}, 100, 5ms, 100ms},
        [&reasons](const BusMessage &message, KafkaConsumer::Ack ack) {
            const QJsonObject letter = QJsonDocument::fromJson(message.value).object();
            reasons << letter.value(QStringLiteral("reason")).toString();
            QVERIFY(letter.contains(QStringLiteral("payload")));
            ack();
        });
    VT_OK(letters.start());
    QTRY_COMPARE_WITH_TIMEOUT(reasons.size(), 3, 30'000);
    for (const QString &expected : {QStringLiteral("no template no-such-template"), QStringLiteral("not valid JSON"),
                                    QStringLiteral("'user_id' is required")}) {
        QVERIFY2(std::any_of(reasons.cbegin(), reasons.cend(),
                             [&expected](const QString &reason) { return reason.contains(expected); }),
                 qPrintable(reasons.join(QStringLiteral(" | "))));
    }
    letters.stop();

    // The group's next consumer starts after what was acknowledged: only a new job arrives.
    consumer->stop();
    consumer.reset();
    put("user-0", jobJson(0, t.id).replace("cart.abandoned:0", "cart.abandoned:again"));
    QTRY_COMPARE_WITH_TIMEOUT(produced, kUsers + 4, 30'000);
    SendJobConsumer next(settings, bus, rt.dispatcher, producer);
    VT_OK(next.start());
    QTRY_VERIFY_WITH_TIMEOUT(next.counters().jobs >= 1, 60'000);
    QTRY_COMPARE_WITH_TIMEOUT(next.consumer().inFlight(), 0, 30'000);
    QCOMPARE(next.counters().jobs, 1);
    QCOMPARE(next.counters().deadLettered, 0);
    next.stop();
    QCOMPARE(test::adminCall(m_sim->admin, QStringLiteral("GET"), QStringLiteral("/admin/deliveries"))
                 .json()
                 .value(QStringLiteral("fcm"))
                 .toObject()
                 .value(fcmToken(0))
                 .toObject()
                 .value(QStringLiteral("accepted"))
                 .toInt(),
             2);
}

QTEST_GUILESS_MAIN(SendJobConsumerTest)
#include "SendJobConsumerTest.moc"
