#include "RepositoryTest.h"
#include "model/User.h"
#include "store/DeliveryRepository.h"
#include "store/StatsRepository.h"
#include "store/UserRepository.h"

#include <QJsonObject>

using namespace vestnik;

// The per-minute delivery statistics that DeliveryRepository writes with each change (counted once per delivery
// however often a change is reported), read back by StatsRepository; the trigger rule kept with a delivery; the
// user attribute keys the console offers as template variables.

namespace {

constexpr qint64 kLeaseMs = 60'000;
constexpr qint64 kMinute = StatsRepository::kMinuteMs;
const QString kWorker = QStringLiteral("worker-a");

/// The counts of every minute in [from, to), added up.
StatsRepository::Counts totals(const Database &db, qint64 from, qint64 to, const StatsRepository::Filter &filter = {})
{
    StatsRepository::Counts sum{};
    Result<QMap<qint64, StatsRepository::Counts>> minutes = StatsRepository(db).minutes(from, to, filter);
    if (!minutes) {
        qWarning("%s", qPrintable(minutes.error().toString()));
        sum.fill(-1);
        return sum;
    }
    for (const StatsRepository::Counts &counts : std::as_const(*minutes)) {
        for (std::size_t i = 0; i < sum.size(); ++i)
            sum[i] += counts[i];
    }
    return sum;
}

qint64 count(const StatsRepository::Counts &counts, DeliveryMetric metric)
{
    return counts[std::size_t(metric)];
}

} // namespace

void RepositoryTest::statsCountEachDeliveryOnce()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 from = StatsRepository::minuteOf(m_clock.nowMs());
    const qint64 to = from + 10 * kMinute;
    const auto total = [&](DeliveryMetric metric) { return count(totals(db(), from, to), metric); };
    Delivery a = delivery(QStringLiteral("a"));
    Delivery b = delivery(QStringLiteral("b"));
    a.ruleId = b.ruleId = QStringLiteral("7");

    // The same send job twice (a broker redelivery): the second finds its rows and creates none.
    VT_OK(deliveries.insertAndClaim({}, {a, b}, kWorker, kLeaseMs));
    VT_OK(deliveries.insertAndClaim({}, {a, b}, kWorker, kLeaseMs));
    VT_OK(deliveries.insertBatch({a}));
    QCOMPARE(total(DeliveryMetric::Queued), 2);

    // Sent once per delivery: a report twice in one batch, again in a later batch, again one by one.
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.recordSentBatch({{a.notificationId, t, QStringLiteral("m-a")},
                                      {b.notificationId, t, QStringLiteral("m-b")},
                                      {a.notificationId, t + 1, QStringLiteral("m-a2")}}));
    VT_OK(deliveries.recordSentBatch({{a.notificationId, t + 2, QStringLiteral("m-a3")}}));
    VT_OK(deliveries.recordSent(b.notificationId, t + 3, QStringLiteral("m-b2")));
    QCOMPARE(total(DeliveryMetric::Sent), 2);

    // The app's reports: a replay is refused and not counted; a second click (another button) is no second click.
    Result<bool> delivered = deliveries.recordReport(a.notificationId, DeliveryStatus::Delivered, t, QString());
    VT_OK(delivered);
    QVERIFY(*delivered);
    delivered = deliveries.recordReport(a.notificationId, DeliveryStatus::Delivered, t, QString());
    VT_OK(delivered);
    QVERIFY(!*delivered);
    VT_OK(deliveries.recordReport(a.notificationId, DeliveryStatus::Opened, t, QString()));
    VT_OK(deliveries.recordReport(a.notificationId, DeliveryStatus::Clicked, t, QStringLiteral("buy")));
    VT_OK(deliveries.recordReport(a.notificationId, DeliveryStatus::Clicked, t, QStringLiteral("later")));
    VT_OK(deliveries.recordReport(a.notificationId, DeliveryStatus::Dismissed, t, QString()));
    VT_OK(deliveries.recordStatus(a.notificationId, DeliveryStatus::Converted, t));
    VT_OK(deliveries.recordStatus(a.notificationId, DeliveryStatus::Converted, t));
    QCOMPARE(total(DeliveryMetric::Delivered), 1);
    QCOMPARE(total(DeliveryMetric::Opened), 1);
    QCOMPARE(total(DeliveryMetric::Clicked), 1);
    QCOMPARE(total(DeliveryMetric::Converted), 1);

    // Every retry scheduled counts; the end of a delivery once.
    Delivery c = delivery(QStringLiteral("c"));
    VT_OK(deliveries.insertBatch({c}));
    VT_OK(deliveries.scheduleRetry(c.notificationId, t + 1000, QStringLiteral("429"), QString()));
    VT_OK(deliveries.scheduleRetry(c.notificationId, t + 5000, QStringLiteral("503"), QString()));
    VT_OK(deliveries.recordFailure(c.notificationId, DeliveryStatus::Failed, t, QStringLiteral("retry.exhausted"),
                                   QString()));
    VT_OK(deliveries.recordFailure(c.notificationId, DeliveryStatus::Failed, t, QStringLiteral("retry.exhausted"),
                                   QString()));
    QCOMPARE(total(DeliveryMetric::Retry), 2);
    QCOMPARE(total(DeliveryMetric::FailedPermanent), 1);
    QCOMPARE(total(DeliveryMetric::Queued), 3);
    // The trail keeps every report; only the statistics count once.
    Result<QList<DeliveryEvent>> trail = deliveries.trail(a.notificationId);
    VT_OK(trail);
    QVERIFY(trail->size() >= 8);
}

void RepositoryTest::statsCountFailuresByCause()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 from = StatsRepository::minuteOf(m_clock.nowMs());
    const qint64 t = m_clock.nowMs();
    VT_OK(deliveries.insertBatch(
        {delivery(QStringLiteral("dead")), delivery(QStringLiteral("bad")), delivery(QStringLiteral("keys"))}));
    VT_OK(deliveries.recordFailure(QStringLiteral("dead"), DeliveryStatus::InvalidToken, t,
                                   QStringLiteral("Unregistered"), QString()));
    VT_OK(deliveries.recordFailure(QStringLiteral("bad"), DeliveryStatus::Failed, t, QStringLiteral("BadTopic"),
                                   QString(), DeliveryRepository::FailureCause::Permanent));
    VT_OK(deliveries.recordFailure(QStringLiteral("keys"), DeliveryStatus::Failed, t, QStringLiteral("retry.expired"),
                                   QString(), DeliveryRepository::FailureCause::Credentials));
    // A later failure of an ended delivery changes nothing in the statistics.
    VT_OK(deliveries.recordFailure(QStringLiteral("dead"), DeliveryStatus::Failed, t, QStringLiteral("again"),
                                   QString(), DeliveryRepository::FailureCause::Credentials));
    const StatsRepository::Counts sum = totals(db(), from, from + kMinute);
    QCOMPARE(count(sum, DeliveryMetric::FailedInvalidToken), 1);
    QCOMPARE(count(sum, DeliveryMetric::FailedPermanent), 1);
    QCOMPARE(count(sum, DeliveryMetric::FailedCredentials), 1);
    QCOMPARE(count(sum, DeliveryMetric::Sent), 0);
}

void RepositoryTest::statsFollowTheMinuteOfEachChange()
{
    const DeliveryRepository deliveries(db(), m_clock);
    const qint64 m0 = StatsRepository::minuteOf(m_clock.nowMs()) + 10 * kMinute;
    m_clock.setMs(m0 + 10'000);
    VT_OK(deliveries.insertBatch({delivery(QStringLiteral("a")), delivery(QStringLiteral("b"))}));
    // Accepted in the next minute: counted there, however late the report reaches the database.
    VT_OK(deliveries.recordSentBatch({{QStringLiteral("a"), m0 + kMinute + 59'999, QString()}}));
    m_clock.setMs(m0 + 2 * kMinute + 5'000);
    VT_OK(deliveries.scheduleRetry(QStringLiteral("b"), m_clock.nowMs() + 1000, QStringLiteral("429"), QString()));

    Result<QMap<qint64, StatsRepository::Counts>> minutes =
        StatsRepository(db()).minutes(m0 - kMinute, m0 + 5 * kMinute);
    VT_OK(minutes);
    QCOMPARE(minutes->keys(), (QList<qint64>{m0, m0 + kMinute, m0 + 2 * kMinute}));
    QCOMPARE(count(minutes->value(m0), DeliveryMetric::Queued), 2);
    QCOMPARE(count(minutes->value(m0), DeliveryMetric::Sent), 0);
    QCOMPARE(count(minutes->value(m0 + kMinute), DeliveryMetric::Sent), 1);
    QCOMPARE(count(minutes->value(m0 + 2 * kMinute), DeliveryMetric::Retry), 1);
    // The end of a range is exclusive, its start inclusive.
    Result<QMap<qint64, StatsRepository::Counts>> middle =
        StatsRepository(db()).minutes(m0 + kMinute, m0 + 2 * kMinute);
    VT_OK(middle);
    QCOMPARE(middle->keys(), QList<qint64>{m0 + kMinute});
}

void RepositoryTest::statsFilterByTemplateAndRule()
{
    const DeliveryRepository deliveries(db(), m_clock);
    Delivery welcomeByRule = delivery(QStringLiteral("w7"));
    welcomeByRule.ruleId = QStringLiteral("7");
    Delivery welcomeByCampaign = delivery(QStringLiteral("wc"), QStringLiteral("spring"));
    Delivery promoByRule = delivery(QStringLiteral("p8"));
    promoByRule.templateId = QStringLiteral("promo");
    promoByRule.ruleId = QStringLiteral("8");
    Delivery bare = delivery(QStringLiteral("bare"));
    bare.templateId.clear();
    VT_OK(deliveries.insertBatch({welcomeByRule, welcomeByCampaign, promoByRule, bare}));

    const qint64 from = StatsRepository::minuteOf(m_clock.nowMs());
    const auto queued = [&](const QString &templateId, const QString &ruleId) {
        return count(totals(db(), from, from + kMinute, StatsRepository::Filter{templateId, ruleId}),
                     DeliveryMetric::Queued);
    };
    QCOMPARE(queued(QString(), QString()), 4);
    QCOMPARE(queued(QStringLiteral("welcome"), QString()), 2);
    QCOMPARE(queued(QString(), QStringLiteral("7")), 1);
    QCOMPARE(queued(QStringLiteral("promo"), QStringLiteral("8")), 1);
    QCOMPARE(queued(QStringLiteral("promo"), QStringLiteral("7")), 0);
    QCOMPARE(queued(QStringLiteral("nosuch"), QString()), 0);
    // A row per minute, template and rule (the missing template and rule stored as ''), and the same counts per
    // template, per rule and in all: each question reads one scope.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute WHERE scope = 0")).toInt(), 4);
    QCOMPARE(scalar(QStringLiteral("SELECT queued FROM delivery_stats_minute"
                                   " WHERE scope = 0 AND template_id = '' AND rule_id = ''"))
                 .toInt(),
             1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute")).toInt(), 4 + 3 + 3 + 1);
    QCOMPARE(scalar(QStringLiteral("SELECT queued FROM delivery_stats_minute WHERE scope = 3")).toInt(), 4);
}

void RepositoryTest::statsBeforeACutOffAreForgotten()
{
    const StatsRepository stats(db());
    VT_OK(stats.forget(StatsRepository::minuteOf(m_clock.nowMs()))); // nothing to forget is no error
    // Two days of minutes in 2001, one every half hour, of one template and rule: four rows each.
    const qint64 m0 = 978'307'200'000; // 2001-01-01T00:00:00Z
    constexpr qint64 kHalfHour = 30 * kMinute;
    StatsRepository::Tally tally;
    for (int k = 0; k < 96; ++k)
        tally.add(m0 + k * kHalfHour, QStringLiteral("forget-me"), QStringLiteral("7"), DeliveryMetric::Sent);
    VT_OK(stats.add(tally));
    const QString rowsIn2001 = QStringLiteral("SELECT COUNT(*) FROM delivery_stats_minute WHERE minute_start < %1")
                                   .arg(m0 + 3 * 24 * 60 * kMinute);
    QCOMPARE(scalar(rowsIn2001).toInt(), 96 * 4);

    // 30 hours in: five slices of at most six hours, 60 minutes deleted at four scopes; the cut-off minute stays.
    Result<qint64> forgotten = stats.forget(m0 + 60 * kHalfHour);
    VT_OK(forgotten);
    QCOMPARE(*forgotten, qint64(60 * 4));
    QCOMPARE(scalar(rowsIn2001).toInt(), 36 * 4);
    Result<QMap<qint64, StatsRepository::Counts>> left =
        stats.minutes(m0, m0 + 96 * kHalfHour, {QStringLiteral("forget-me"), QStringLiteral("7")});
    VT_OK(left);
    QCOMPARE(left->firstKey(), m0 + 60 * kHalfHour);
    QCOMPARE(left->size(), 36);
    forgotten = stats.forget(m0 + 60 * kHalfHour);
    VT_OK(forgotten);
    QCOMPARE(*forgotten, qint64(0));
}

void RepositoryTest::deliveryRuleIdRoundTrips()
{
    const DeliveryRepository deliveries(db(), m_clock);
    Delivery byRule = delivery(QStringLiteral("by-rule"));
    byRule.ruleId = QStringLiteral("12");
    Delivery claimed = delivery(QStringLiteral("claimed"));
    claimed.ruleId = QStringLiteral("13");
    VT_OK(deliveries.insertBatch({byRule, delivery(QStringLiteral("bare"))}));
    VT_OK(deliveries.insertAndClaim({}, {claimed}, kWorker, kLeaseMs));
    for (const auto &[id, rule] :
         {std::pair(QStringLiteral("by-rule"), QStringLiteral("12")),
          std::pair(QStringLiteral("claimed"), QStringLiteral("13")), std::pair(QStringLiteral("bare"), QString())}) {
        Result<std::optional<Delivery>> found = deliveries.find(id);
        VT_OK(found);
        QVERIFY(found->has_value());
        QCOMPARE((*found)->ruleId, rule);
    }
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM deliveries WHERE rule_id IS NULL")).toInt(), 1);
}

void RepositoryTest::userAttributeKeysComeFromTheRecentUsers()
{
    const UserRepository users(db(), m_clock);
    VT_OK(users.upsert(User{QStringLiteral("old"), QString(), QString(),
                            QJsonObject{{QStringLiteral("имя"), QStringLiteral("Анна")},
                                        {QStringLiteral("адрес"), QJsonObject{{QStringLiteral("город"), 1}}}},
                            0, 0}));
    m_clock.advance(std::chrono::seconds(1));
    VT_OK(users.upsert(
        User{QStringLiteral("new"), QString(), QString(),
             QJsonObject{{QStringLiteral("уровень"), 3}, {QStringLiteral("имя"), QStringLiteral("Борис")}}, 0, 0}));
    m_clock.advance(std::chrono::seconds(1));
    VT_OK(users.ensureExists(QStringLiteral("bare")));

    Result<QStringList> recent = users.attributeKeys(2);
    VT_OK(recent);
    QCOMPARE(*recent, (QStringList{QStringLiteral("имя"), QStringLiteral("уровень")}));
    Result<QStringList> all = users.attributeKeys(500);
    VT_OK(all);
    QCOMPARE(*all, (QStringList{QStringLiteral("адрес.город"), QStringLiteral("имя"), QStringLiteral("уровень")}));
}
