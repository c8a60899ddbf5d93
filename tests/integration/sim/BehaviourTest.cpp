// Behaviour control without a process: parsing the behaviour JSON (with messages that name the key), latency
// distributions, and the fault injector's reproducible decisions.
#include "control/Behaviour.h"

#include "control/FaultInjector.h"
#include "control/LatencyDistribution.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik;
using namespace vestnik::sim;

namespace {

Result<Behaviour> parse(const QByteArray &json, qint64 nowMs = 0)
{
    return Behaviour::fromJson(QJsonDocument::fromJson(json).object(), nowMs, Behaviour());
}

} // namespace

class BehaviourTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEverySection();
    void rejectsWithTheKeyNamed_data();
    void rejectsWithTheKeyNamed();
    void partialUpdatesKeepTheRest();
    void latencyDistributions_data();
    void latencyDistributions();
    void tokenRulesExactBeforeLongestPrefix();
    void errorRatesFollowTheSeed();
    void burstsAreConsumedInOrder();
    void outagesHaveAWindow();
};

void BehaviourTest::parsesEverySection()
{
    Result<Behaviour> behaviour = parse(R"({"seed": 5,
        "tokens": [{"service":"apns","token":"ab","match":"prefix","state":"unregistered","timestamp":1700000000000},
                   {"service":"apns","token":"cd","state":"topic","topic":"com.shop"}],
        "errors": [{"service":"fcm","code":"UNAVAILABLE","rate":0.25,"retry_after":3}],
        "bursts": [{"service":"apns","count":2}],
        "latency": {"fcm":"uniform:1,5"},
        "goaway": [{"service":"fcm","after_streams":10,"reason":"Rotate"}],
        "streams": {"fcm":50,"apns_initial":1,"apns":500},
        "outages": [{"service":"fcm","start_in_ms":100,"duration_ms":50}]})",
                                        1000);
    QVERIFY(behaviour);
    QCOMPARE(behaviour->seed, quint64(5));
    QCOMPARE(behaviour->tokens.size(), 2);
    QVERIFY(behaviour->tokens.at(0).isPrefix);
    QCOMPARE(behaviour->tokens.at(0).timestampMs, 1700000000000);
    QCOMPARE(behaviour->errors.at(0).retryAfterSeconds, 3);
    QCOMPARE(behaviour->bursts.at(0).code, QStringLiteral("TooManyRequests")); // APNs' 429 by default
    QCOMPARE(behaviour->fcmLatency.toString(), QStringLiteral("uniform:1,5"));
    QVERIFY(behaviour->apnsLatency.isNone());
    QCOMPARE(behaviour->goAways.at(0).afterStreams, 10u);
    QCOMPARE(behaviour->fcmMaxConcurrentStreams, 50u);
    QCOMPARE(behaviour->apnsMaxConcurrentStreams, 500u);
    QCOMPARE(behaviour->outages.at(0).startMs, 1100);
    QCOMPARE(behaviour->outages.at(0).endMs, 1150);
    // and back: what GET /admin/behaviour shows parses to the same
    Result<Behaviour> again = Behaviour::fromJson(behaviour->toJson(), 0, Behaviour());
    QVERIFY(again);
    QCOMPARE(again->toJson(), behaviour->toJson());
}

void BehaviourTest::rejectsWithTheKeyNamed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key") << QByteArray(R"({"latencies":{}})")
                                 << QStringLiteral("behaviour.latencies: unknown key");
    QTest::newRow("service") << QByteArray(R"({"errors":[{"service":"hms","code":"X","rate":1}]})")
                             << QStringLiteral("behaviour.errors[0]: \"service\" must be");
    QTest::newRow("fcm code") << QByteArray(R"({"errors":[{"service":"fcm","code":"Unregistered","rate":1}]})")
                              << QStringLiteral("unknown fcm error code 'Unregistered'");
    QTest::newRow("apns code") << QByteArray(R"({"errors":[{"service":"apns","code":"UNREGISTERED","rate":1}]})")
                               << QStringLiteral("unknown apns error code 'UNREGISTERED'");
    QTest::newRow("rate") << QByteArray(R"({"errors":[{"service":"fcm","code":"INTERNAL","rate":2}]})")
                          << QStringLiteral("\"rate\" must be between 0 and 1");
    QTest::newRow("state") << QByteArray(R"({"tokens":[{"service":"fcm","token":"a","state":"expired"}]})")
                           << QStringLiteral("behaviour.tokens[0]: \"state\" must be one of unregistered");
    QTest::newRow("topic state") << QByteArray(R"({"tokens":[{"service":"apns","token":"a","state":"topic"}]})")
                                 << QStringLiteral("needs \"topic\"");
    QTest::newRow("burst count") << QByteArray(R"({"bursts":[{"service":"fcm","count":0}]})")
                                 << QStringLiteral("behaviour.bursts[0]: \"count\"");
    QTest::newRow("latency") << QByteArray(R"({"latency":{"fcm":"gaussian:1"}})")
                             << QStringLiteral("behaviour.latency.fcm");
    QTest::newRow("streams") << QByteArray(R"({"streams":{"apns":0}})") << QStringLiteral("behaviour.streams.apns");
    QTest::newRow("outage") << QByteArray(R"({"outages":[{"service":"fcm"}]})")
                            << QStringLiteral("behaviour.outages[0]");
    QTest::newRow("not a list") << QByteArray(R"({"tokens":{}})")
                                << QStringLiteral("behaviour.tokens: must be an array");
}

void BehaviourTest::rejectsWithTheKeyNamed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const Result<Behaviour> behaviour = parse(json);
    QVERIFY(!behaviour);
    QVERIFY2(behaviour.error().message.contains(expected), qPrintable(behaviour.error().message));
}

void BehaviourTest::partialUpdatesKeepTheRest()
{
    Result<Behaviour> base =
        parse(R"({"errors":[{"service":"fcm","code":"INTERNAL","rate":0.5}],"latency":{"apns":"fixed:3"}})");
    QVERIFY(base);
    Result<Behaviour> updated = Behaviour::fromJson(QJsonDocument::fromJson(R"({"tokens":[]})").object(), 0, *base);
    QVERIFY(updated);
    QCOMPARE(updated->errors.size(), 1);
    QCOMPARE(updated->apnsLatency.toString(), QStringLiteral("fixed:3"));
}

void BehaviourTest::latencyDistributions_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<double>("u1");
    QTest::addColumn<double>("u2");
    QTest::addColumn<int>("expected");
    QTest::newRow("fixed") << QStringLiteral("fixed:7") << 0.3 << 0.9 << 7;
    QTest::newRow("uniform low") << QStringLiteral("uniform:10,20") << 0.0 << 0.5 << 10;
    QTest::newRow("uniform mid") << QStringLiteral("uniform:10,20") << 0.5 << 0.5 << 15;
    QTest::newRow("normal at the mean") << QStringLiteral("normal:50,10") << std::exp(-0.5) << 0.25
                                        << 50;                                                  // cos(pi/2) = 0
    QTest::newRow("normal clamps at 0") << QStringLiteral("normal:1,100") << 1e-9 << 0.5 << 0;  // cos(pi) = -1
    QTest::newRow("exponential median") << QStringLiteral("exponential:10") << 0.5 << 0.0 << 7; // 10 ln 2
    QTest::newRow("lognormal median") << QStringLiteral("lognormal:20,0.5") << std::exp(-0.5) << 0.25 << 20;
}

void BehaviourTest::latencyDistributions()
{
    QFETCH(QString, spec);
    QFETCH(double, u1);
    QFETCH(double, u2);
    QFETCH(int, expected);
    Result<LatencyDistribution> distribution = LatencyDistribution::parse(spec);
    QVERIFY(distribution);
    QCOMPARE(int(distribution->sample(u1, u2).count()), expected);
    QCOMPARE(distribution->toString(), spec);
}

void BehaviourTest::tokenRulesExactBeforeLongestPrefix()
{
    ManualClock clock;
    FaultInjector faults(clock);
    faults.setBehaviour(*parse(R"({"tokens":[
        {"service":"fcm","token":"a","match":"prefix","state":"unregistered"},
        {"service":"fcm","token":"ab","match":"prefix","state":"invalid"},
        {"service":"fcm","token":"abc","state":"sender_mismatch"},
        {"service":"apns","token":"a","match":"prefix","state":"expired"}]})"));
    QCOMPARE(faults.tokenRule(PushService::Fcm, "abc")->state, QStringLiteral("sender_mismatch"));
    QCOMPARE(faults.tokenRule(PushService::Fcm, "abcd")->state, QStringLiteral("invalid"));
    QCOMPARE(faults.tokenRule(PushService::Fcm, "az")->state, QStringLiteral("unregistered"));
    QVERIFY(!faults.tokenRule(PushService::Fcm, "b"));
    QCOMPARE(faults.tokenRule(PushService::Apns, "abc")->state, QStringLiteral("expired"));
}

void BehaviourTest::errorRatesFollowTheSeed()
{
    ManualClock clock;
    FaultInjector faults(clock);
    faults.setBehaviour(*parse(R"({"seed":3,"errors":[{"service":"fcm","code":"INTERNAL","rate":0.2},
                                                      {"service":"fcm","code":"UNAVAILABLE","rate":0.3}]})"));
    int internal = 0;
    int unavailable = 0;
    QList<bool> pattern;
    for (quint64 attempt = 0; attempt < 2000; ++attempt) {
        const std::optional<FaultInjector::Fault> fault = faults.fault(PushService::Fcm, "t", attempt);
        internal += fault && fault->code == QStringLiteral("INTERNAL");
        unavailable += fault && fault->code == QStringLiteral("UNAVAILABLE");
        pattern << bool(fault);
    }
    QVERIFY2(internal > 320 && internal < 480, qPrintable(QString::number(internal)));
    QVERIFY2(unavailable > 510 && unavailable < 690, qPrintable(QString::number(unavailable)));
    // the same (seed, token, attempt) always gives the same answer; the APNs side is untouched
    for (quint64 attempt = 0; attempt < 50; ++attempt)
        QCOMPARE(bool(faults.fault(PushService::Fcm, "t", attempt)), pattern.at(qsizetype(attempt)));
    QVERIFY(!faults.fault(PushService::Apns, "t", 0));
    QCOMPARE(faults.unit(PushService::Fcm, "t", 1, 1), faults.unit(PushService::Fcm, "t", 1, 1));
    QVERIFY(faults.unit(PushService::Fcm, "t", 1, 1) != faults.unit(PushService::Fcm, "u", 1, 1));
}

void BehaviourTest::burstsAreConsumedInOrder()
{
    ManualClock clock;
    FaultInjector faults(clock);
    faults.setBehaviour(*parse(R"({"bursts":[{"service":"fcm","count":2,"retry_after":9},
                                             {"service":"fcm","count":1,"code":"UNAVAILABLE"}]})"));
    QCOMPARE(faults.fault(PushService::Fcm, "t", 0)->retryAfterSeconds, 9);
    QCOMPARE(faults.fault(PushService::Fcm, "t", 1)->code, QStringLiteral("QUOTA_EXCEEDED"));
    QCOMPARE(faults.fault(PushService::Fcm, "t", 2)->code, QStringLiteral("UNAVAILABLE"));
    QVERIFY(!faults.fault(PushService::Fcm, "t", 3));
    QVERIFY(faults.behaviour().bursts.isEmpty());
}

void BehaviourTest::outagesHaveAWindow()
{
    ManualClock clock(10'000);
    FaultInjector faults(clock);
    faults.setBehaviour(*parse(R"({"outages":[{"service":"apns","start_at":11000,"end_at":12000,"retry_after":4}]})"));
    QVERIFY(!faults.outage(PushService::Apns));
    clock.setMs(11'000);
    QCOMPARE(faults.outage(PushService::Apns)->code, QStringLiteral("ServiceUnavailable"));
    QCOMPARE(faults.outage(PushService::Apns)->retryAfterSeconds, 4);
    QVERIFY(!faults.outage(PushService::Fcm));
    clock.setMs(12'000);
    QVERIFY(!faults.outage(PushService::Apns));
}

QTEST_GUILESS_MAIN(BehaviourTest)
#include "BehaviourTest.moc"
