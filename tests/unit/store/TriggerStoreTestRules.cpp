#include "TriggerStoreTest.h"
#include "store/TriggerRuleRepository.h"

#include <QSet>

#include <functional>

using namespace vestnik;

namespace {

using RuleChange = std::function<void(TriggerRule &)>;

/// The rule as find() must return it: everything the caller set, plus what the store assigns.
TriggerRule stored(TriggerRule rule, qint64 id, qint64 createdAtMs, qint64 updatedAtMs)
{
    rule.id = id;
    rule.createdAtMs = createdAtMs;
    rule.updatedAtMs = updatedAtMs;
    return rule;
}

void refusalRows()
{
    QTest::addColumn<RuleChange>("change");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const QString invalid = errorCodeName(ErrorCode::InvalidArgument);
    QTest::newRow("blank name") << RuleChange([](TriggerRule &r) { r.name = QStringLiteral("  "); }) << invalid
                                << QStringLiteral("a name is required");
    QTest::newRow("bad event type") << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("Корзина"); })
                                    << invalid << QStringLiteral("event type \"Корзина\"");
    QTest::newRow("bad condition") << RuleChange([](TriggerRule &r) {
        r.condition = nlohmann::json::parse(R"({"any": [{"path": "товар.цена", "op": "around", "value": 1}]})");
    }) << invalid << QStringLiteral("the condition.any[0]: unknown op \"around\"");
    QTest::newRow("empty quiet hours") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{600, 600};
    }) << invalid << QStringLiteral("quiet hours must not start and end at the same minute");
    QTest::newRow("unknown template") << RuleChange([](TriggerRule &r) { r.templateId = QStringLiteral("ghost"); })
                                      << errorCodeName(ErrorCode::NotFound) << QStringLiteral("no template ghost");
    QTest::newRow("unknown app") << RuleChange([](TriggerRule &r) { r.appId = QStringLiteral("ghost-app"); })
                                 << errorCodeName(ErrorCode::NotFound) << QStringLiteral("no app ghost-app");
}

} // namespace

Q_DECLARE_METATYPE(RuleChange)

void TriggerStoreTest::ruleRoundTripsEveryField()
{
    const TriggerRuleRepository rules(db(), m_clock);
    TriggerRule full = rule(QStringLiteral("Гирлянды «дороже 1000»"));
    full.appId = QStringLiteral("shop");
    full.enabled = false;
    full.quietHours = QuietHours{22 * 60, 8 * 60};
    full.capCount = 3;
    full.capWindowSeconds = 3'600;
    Result<qint64> id = rules.create(full);
    VT_OK(id);
    QVERIFY(*id > 0);

    Result<std::optional<TriggerRule>> found = rules.find(*id);
    VT_OK(found);
    QVERIFY(found->has_value());
    const TriggerRule &back = **found;
    QCOMPARE(back.name, full.name);
    QCOMPARE(back.condition.dump(), full.condition.dump());
    QVERIFY(back.quietHours.has_value());
    QCOMPARE(back.quietHours->startMinute, 22 * 60);
    QCOMPARE(back.quietHours->endMinute, 8 * 60);
    QVERIFY(back == stored(full, *id, m_clock.nowMs(), m_clock.nowMs()));
    // The Unicode path still finds the Unicode key after the round trip.
    QVERIFY(back.matches(nlohmann::json::parse(R"({"товар": {"цена": 1500, "название": "ёлка"}})")));

    Result<QList<TriggerRule>> all = rules.all();
    VT_OK(all);
    QCOMPARE(all->size(), 1);
    QVERIFY(all->first() == back);
}

void TriggerStoreTest::ruleWithoutOptionsRoundTrips()
{
    const TriggerRuleRepository rules(db(), m_clock);
    TriggerRule bare = rule(QStringLiteral("every cart"));
    bare.condition = nullptr;
    TriggerRule emptyCondition = rule(QStringLiteral("every cart, too"));
    emptyCondition.condition = nlohmann::json::object();
    Result<qint64> bareId = rules.create(bare);
    VT_OK(bareId);
    Result<qint64> emptyId = rules.create(emptyCondition);
    VT_OK(emptyId);
    QVERIFY(*emptyId > *bareId);

    Result<QList<TriggerRule>> all = rules.all();
    VT_OK(all);
    QCOMPARE(all->size(), 2);
    QVERIFY(all->at(0) == stored(bare, *bareId, m_clock.nowMs(), m_clock.nowMs()));
    QVERIFY(!all->at(0).quietHours.has_value());
    QVERIFY(all->at(0).appId.isEmpty());
    QVERIFY(all->at(0).enabled);
    // An empty condition means the same as none: it comes back as none and matches everything.
    QCOMPARE(all->at(1).id, *emptyId);
    QVERIFY(all->at(1).condition.is_null());
    QVERIFY(all->at(1).matches(nlohmann::json::object()));
}

void TriggerStoreTest::ruleRefusedAtCreate_data()
{
    refusalRows();
}

void TriggerStoreTest::ruleRefusedAtCreate()
{
    QFETCH(RuleChange, change);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const TriggerRuleRepository rules(db(), m_clock);
    Result<QString> before = rules.revision();
    VT_OK(before);
    TriggerRule bad = rule();
    change(bad);

    const Result<qint64> created = rules.create(bad);
    QCOMPARE(test::errorCodeOf(created), code);
    QVERIFY2(created.error().message.contains(message), qPrintable(created.error().message));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM trigger_rules")).toInt(), 0);
    QCOMPARE(rules.revision().valueOr(QString()), *before);
}

void TriggerStoreTest::ruleRefusedAtUpdateKeepsTheStoredRule_data()
{
    refusalRows();
}

void TriggerStoreTest::ruleRefusedAtUpdateKeepsTheStoredRule()
{
    QFETCH(RuleChange, change);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const TriggerRuleRepository rules(db(), m_clock);
    Result<qint64> id = rules.create(rule());
    VT_OK(id);
    Result<QString> before = rules.revision();
    VT_OK(before);
    TriggerRule bad = rule();
    bad.id = *id;
    change(bad);
    m_clock.advance(std::chrono::seconds(1));

    const Result<void> updated = rules.update(bad);
    QCOMPARE(test::errorCodeOf(updated), code);
    QVERIFY2(updated.error().message.contains(message), qPrintable(updated.error().message));
    Result<std::optional<TriggerRule>> found = rules.find(*id);
    VT_OK(found);
    QVERIFY(found->has_value());
    const qint64 created = m_clock.nowMs() - 1'000;
    QVERIFY(**found == stored(rule(), *id, created, created));
    QCOMPARE(rules.revision().valueOr(QString()), *before);
}

void TriggerStoreTest::ruleUpdateReplacesAndKeepsCreationTime()
{
    const TriggerRuleRepository rules(db(), m_clock);
    TriggerRule original = rule();
    original.quietHours = QuietHours{0, 420};
    original.capCount = 1;
    Result<qint64> id = rules.create(original);
    VT_OK(id);
    Result<qint64> other = rules.create(rule(QStringLiteral("другое")));
    VT_OK(other);
    const qint64 created = m_clock.nowMs();
    m_clock.advance(std::chrono::minutes(5));

    TriggerRule changed;
    changed.id = *id;
    changed.name = QStringLiteral("Заказ оплачен");
    changed.eventType = QStringLiteral("order.paid");
    changed.templateId = QStringLiteral("cart-reminder");
    changed.appId = QStringLiteral("shop");
    changed.enabled = false;
    changed.condition = nlohmann::json::parse(R"({"path": "сумма", "op": "in", "value": [1, 2, 3]})");
    changed.capCount = 0;
    changed.capWindowSeconds = 60;
    VT_OK(rules.update(changed));

    Result<std::optional<TriggerRule>> found = rules.find(*id);
    VT_OK(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->createdAtMs, created);
    QCOMPARE((*found)->updatedAtMs, m_clock.nowMs());
    QVERIFY(!(*found)->quietHours.has_value()); // cleared, not kept
    QVERIFY(**found == stored(changed, *id, created, m_clock.nowMs()));
    // The other rule is untouched.
    Result<std::optional<TriggerRule>> untouched = rules.find(*other);
    VT_OK(untouched);
    QVERIFY(untouched->has_value());
    QVERIFY(**untouched == stored(rule(QStringLiteral("другое")), *other, created, created));
}

void TriggerStoreTest::ruleSetEnabledSwitchesOnlyThat()
{
    const TriggerRuleRepository rules(db(), m_clock);
    TriggerRule original = rule();
    original.quietHours = QuietHours{1320, 480};
    Result<qint64> id = rules.create(original);
    VT_OK(id);
    Result<qint64> other = rules.create(rule(QStringLiteral("другое")));
    VT_OK(other);
    const qint64 created = m_clock.nowMs();
    m_clock.advance(std::chrono::seconds(10));

    VT_OK(rules.setEnabled(*id, false));
    Result<std::optional<TriggerRule>> off = rules.find(*id);
    VT_OK(off);
    QVERIFY(off->has_value());
    TriggerRule expected = stored(original, *id, created, m_clock.nowMs());
    expected.enabled = false;
    QVERIFY(**off == expected);
    Result<std::optional<TriggerRule>> untouched = rules.find(*other);
    VT_OK(untouched);
    QVERIFY((*untouched)->enabled);

    m_clock.advance(std::chrono::seconds(10));
    VT_OK(rules.setEnabled(*id, true));
    Result<std::optional<TriggerRule>> on = rules.find(*id);
    VT_OK(on);
    QVERIFY((*on)->enabled);
    QCOMPARE((*on)->updatedAtMs, m_clock.nowMs());
}

void TriggerStoreTest::ruleUnknownIdIsNotFound()
{
    const TriggerRuleRepository rules(db(), m_clock);
    Result<qint64> id = rules.create(rule());
    VT_OK(id);
    const qint64 unknown = *id + 100;
    TriggerRule ghost = rule();
    ghost.id = unknown;
    VT_FAILS_WITH(rules.update(ghost), ErrorCode::NotFound);
    VT_FAILS_WITH(rules.setEnabled(unknown, false), ErrorCode::NotFound);
    Result<bool> removed = rules.remove(unknown);
    VT_OK(removed);
    QVERIFY(!*removed);
    Result<std::optional<TriggerRule>> found = rules.find(unknown);
    VT_OK(found);
    QVERIFY(!found->has_value());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM trigger_rules")).toInt(), 1);
}

void TriggerStoreTest::ruleRemoveTakesOnlyThatRule()
{
    const TriggerRuleRepository rules(db(), m_clock);
    QList<qint64> ids;
    for (const QString &name : {QStringLiteral("три"), QStringLiteral("два"), QStringLiteral("один")}) {
        Result<qint64> id = rules.create(rule(name));
        VT_OK(id);
        ids << *id;
    }
    Result<bool> removed = rules.remove(ids.at(1));
    VT_OK(removed);
    QVERIFY(*removed);
    Result<bool> again = rules.remove(ids.at(1));
    VT_OK(again);
    QVERIFY(!*again);

    Result<QList<TriggerRule>> all = rules.all();
    VT_OK(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).id, ids.at(0));
    QCOMPARE(all->at(0).name, QStringLiteral("три")); // by id, not by name
    QCOMPARE(all->at(1).id, ids.at(2));
    QCOMPARE(all->at(1).name, QStringLiteral("один"));
    Result<std::optional<TriggerRule>> gone = rules.find(ids.at(1));
    VT_OK(gone);
    QVERIFY(!gone->has_value());
}

void TriggerStoreTest::ruleRevisionChangesOnEveryChange()
{
    // The clock never moves here: every change happens within the same millisecond.
    const TriggerRuleRepository rules(db(), m_clock);
    QStringList seen;
    const auto revisionChanged = [&rules, &seen](const char *step) {
        Result<QString> revision = rules.revision();
        if (!revision.hasValue()) {
            qWarning("%s: %s", step, qPrintable(revision.error().toString()));
            return false;
        }
        if (seen.contains(*revision)) {
            qWarning("%s: the revision %s was seen before", step, qPrintable(*revision));
            return false;
        }
        seen << *revision;
        return true;
    };
    QVERIFY(revisionChanged("no rules"));
    Result<qint64> a = rules.create(rule(QStringLiteral("a")));
    VT_OK(a);
    QVERIFY(revisionChanged("create a"));
    Result<qint64> b = rules.create(rule(QStringLiteral("b")));
    VT_OK(b);
    QVERIFY(revisionChanged("create b"));
    // Reading changes nothing.
    QCOMPARE(rules.revision().valueOr(QString()), seen.last());

    TriggerRule changed = rule(QStringLiteral("a, changed"));
    changed.id = *a;
    VT_OK(rules.update(changed));
    QVERIFY(revisionChanged("first update of a"));
    changed.capCount = 2;
    VT_OK(rules.update(changed));
    QVERIFY(revisionChanged("second update of a"));
    // Even an update that stores the same values again.
    VT_OK(rules.update(changed));
    QVERIFY(revisionChanged("third update of a"));
    VT_OK(rules.setEnabled(*a, false));
    QVERIFY(revisionChanged("disable a"));
    VT_OK(rules.setEnabled(*a, true));
    QVERIFY(revisionChanged("enable a"));
    Result<bool> removed = rules.remove(*b);
    VT_OK(removed);
    QVERIFY(*removed);
    QVERIFY(revisionChanged("remove b"));
    Result<qint64> c = rules.create(rule(QStringLiteral("c")));
    VT_OK(c);
    QVERIFY(revisionChanged("create c after removing b"));
    Result<bool> removedA = rules.remove(*a);
    VT_OK(removedA);
    QVERIFY(revisionChanged("remove a"));
}

void TriggerStoreTest::ruleRevisionChangesWhenTheClockGoesBack()
{
    const TriggerRuleRepository rules(db(), m_clock);
    Result<qint64> id = rules.create(rule());
    VT_OK(id);
    Result<QString> before = rules.revision();
    VT_OK(before);
    m_clock.advance(-std::chrono::minutes(1)); // e.g. NTP stepped the clock back
    TriggerRule changed = rule(QStringLiteral("после"));
    changed.id = *id;
    VT_OK(rules.update(changed));
    Result<QString> afterUpdate = rules.revision();
    VT_OK(afterUpdate);
    QVERIFY(*afterUpdate != *before);
    VT_OK(rules.setEnabled(*id, false));
    Result<QString> afterSwitch = rules.revision();
    VT_OK(afterSwitch);
    QVERIFY(*afterSwitch != *afterUpdate);
    QVERIFY(*afterSwitch != *before);
}
