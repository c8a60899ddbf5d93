#include "trigger/TriggerRule.h"

#include "TestResults.h"

#include <QObject>
#include <QTest>

#include <functional>
#include <nlohmann/json.hpp>

using namespace vestnik;

namespace {

using RuleChange = std::function<void(TriggerRule &)>;

nlohmann::json parsed(const QString &text)
{
    return nlohmann::json::parse(text.toStdString());
}

/// A rule that passes validate(); the cases change one thing in it.
TriggerRule validRule()
{
    TriggerRule rule;
    rule.name = QStringLiteral("Дорогая корзина");
    rule.eventType = QStringLiteral("cart.updated");
    rule.templateId = QStringLiteral("cart-reminder");
    rule.condition = parsed(QStringLiteral(R"({"path": "товар.цена", "op": "gte", "value": 1000})"));
    return rule;
}

/// `depth` levels: `depth - 1` "not"s around one test.
nlohmann::json nested(int depth)
{
    nlohmann::json condition = {{"path", "a"}, {"op", "exists"}};
    for (int i = 1; i < depth; ++i)
        condition = nlohmann::json{{"not", condition}};
    return condition;
}

} // namespace

Q_DECLARE_METATYPE(RuleChange)

class TriggerRuleTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validRulePasses_data();
    void validRulePasses();
    void invalidRuleNamesTheProblem_data();
    void invalidRuleNamesTheProblem();
    void invalidConditionSaysWhere_data();
    void invalidConditionSaysWhere();
    void conditionNestingLimit();
    void evaluatesConditions_data();
    void evaluatesConditions();
    void ruleMatchesByItsCondition();
    void quietHours_data();
    void quietHours();
    void untilQuietEnds_data();
    void untilQuietEnds();
};

void TriggerRuleTest::validRulePasses_data()
{
    QTest::addColumn<RuleChange>("change");

    QTest::newRow("as is") << RuleChange([](TriggerRule &) {});
    QTest::newRow("null condition") << RuleChange([](TriggerRule &r) { r.condition = nullptr; });
    QTest::newRow("empty condition") << RuleChange([](TriggerRule &r) { r.condition = nlohmann::json::object(); });
    QTest::newRow("event type of 100 characters")
        << RuleChange([](TriggerRule &r) { r.eventType = QString(100, QLatin1Char('x')); });
    QTest::newRow("event type of every allowed character")
        << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("a-z_0.9"); });
    QTest::newRow("quiet hours wrapping midnight") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{22 * 60, 8 * 60};
    });
    QTest::newRow("quiet hours at the day's edges") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{0, 1439};
    });
    QTest::newRow("no cap needs no window") << RuleChange([](TriggerRule &r) {
        r.capCount = 0;
        r.capWindowSeconds = 0;
    });
    QTest::newRow("cap with a one-second window") << RuleChange([](TriggerRule &r) {
        r.capCount = 1;
        r.capWindowSeconds = 1;
    });
    QTest::newRow("every op") << RuleChange([](TriggerRule &r) {
        r.condition = parsed(QStringLiteral(R"({"all": [
            {"path": "a", "op": "eq", "value": {"x": [1]}}, {"path": "a", "op": "ne", "value": null},
            {"path": "a", "op": "gt", "value": 1}, {"path": "a", "op": "gte", "value": "b"},
            {"path": "a", "op": "lt", "value": 1.5}, {"path": "a", "op": "lte", "value": -3},
            {"path": "a", "op": "in", "value": []}, {"path": "a", "op": "contains", "value": "ё"},
            {"any": [{"not": {"path": "a.b.c", "op": "exists"}}]}]})"));
    });
}

void TriggerRuleTest::validRulePasses()
{
    QFETCH(RuleChange, change);
    TriggerRule rule = validRule();
    change(rule);
    VT_OK(rule.validate());
}

void TriggerRuleTest::invalidRuleNamesTheProblem_data()
{
    QTest::addColumn<RuleChange>("change");
    QTest::addColumn<QString>("message");

    QTest::newRow("no name") << RuleChange([](TriggerRule &r) { r.name.clear(); })
                             << QStringLiteral("rule: a name is required");
    QTest::newRow("blank name") << RuleChange([](TriggerRule &r) { r.name = QStringLiteral(" \t "); })
                                << QStringLiteral("rule: a name is required");
    QTest::newRow("no event type") << RuleChange([](TriggerRule &r) { r.eventType.clear(); })
                                   << QStringLiteral("rule: event type \"\" must be 1 to 100 characters");
    QTest::newRow("upper-case event type")
        << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("Cart.Updated"); })
        << QStringLiteral("rule: event type \"Cart.Updated\" must be 1 to 100 characters from a-z, 0-9");
    QTest::newRow("event type with a space")
        << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("cart updated"); })
        << QStringLiteral("event type \"cart updated\"");
    QTest::newRow("Cyrillic event type") << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("корзина"); })
                                         << QStringLiteral("event type \"корзина\"");
    QTest::newRow("event type of 101 characters")
        << RuleChange([](TriggerRule &r) { r.eventType = QString(101, QLatin1Char('x')); })
        << QStringLiteral("must be 1 to 100 characters");
    QTest::newRow("event type with a trailing newline")
        << RuleChange([](TriggerRule &r) { r.eventType = QStringLiteral("cart.updated\n"); })
        << QStringLiteral("must be 1 to 100 characters");
    QTest::newRow("no template") << RuleChange([](TriggerRule &r) { r.templateId.clear(); })
                                 << QStringLiteral("rule: a template is required");
    QTest::newRow("quiet start before midnight") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{-1, 480};
    }) << QStringLiteral("rule: quiet hours must be minutes 0 to 1439 after midnight");
    QTest::newRow("quiet end past the day") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{1320, 1440};
    }) << QStringLiteral("rule: quiet hours must be minutes 0 to 1439 after midnight");
    QTest::newRow("quiet hours of no length") << RuleChange([](TriggerRule &r) {
        r.quietHours = QuietHours{600, 600};
    }) << QStringLiteral("rule: quiet hours must not start and end at the same minute");
    QTest::newRow("negative cap") << RuleChange([](TriggerRule &r) { r.capCount = -1; })
                                  << QStringLiteral("rule: the frequency cap must be 0 (none) or more");
    QTest::newRow("cap without a window") << RuleChange([](TriggerRule &r) {
        r.capCount = 3;
        r.capWindowSeconds = 0;
    }) << QStringLiteral("rule: the frequency cap needs a window of at least one second");
    QTest::newRow("cap window over a year") << RuleChange([](TriggerRule &r) {
        r.capCount = 3;
        r.capWindowSeconds = 367 * 86'400;
    }) << QStringLiteral("rule: the frequency cap's window may be at most 366 days");
    QTest::newRow("bad condition") << RuleChange([](TriggerRule &r) {
        r.condition = parsed(QStringLiteral(R"({"path": "товар.цена", "op": "gte"})"));
    }) << QStringLiteral("condition: the condition: \"gte\" needs a \"value\"");
}

void TriggerRuleTest::invalidRuleNamesTheProblem()
{
    QFETCH(RuleChange, change);
    QFETCH(QString, message);
    TriggerRule rule = validRule();
    change(rule);
    const Result<void> valid = rule.validate();
    VT_FAILS_WITH(valid, ErrorCode::InvalidArgument);
    QVERIFY2(valid.error().message.contains(message), qPrintable(valid.error().message));
}

void TriggerRuleTest::invalidConditionSaysWhere_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("message");

    QTest::newRow("array") << QStringLiteral("[]")
                           << QStringLiteral("condition: the condition must be an object, not array");
    QTest::newRow("string") << QStringLiteral(R"("price > 10")")
                            << QStringLiteral("condition: the condition must be an object, not string");
    QTest::newRow("empty all") << QStringLiteral(R"({"all": []})")
                               << QStringLiteral("condition: the condition.all must be a non-empty array");
    QTest::newRow("any of an object") << QStringLiteral(R"({"any": {"path": "a", "op": "exists"}})")
                                      << QStringLiteral("condition: the condition.any must be a non-empty array");
    QTest::newRow("number inside any") << QStringLiteral(R"({"any": [{"path": "a", "op": "exists"}, 5]})")
                                       << QStringLiteral(
                                              "condition: the condition.any[1] must be an object, not number");
    QTest::newRow("all and any together")
        << QStringLiteral(R"({"all": [{"path": "a", "op": "exists"}], "any": [{"path": "a", "op": "exists"}]})")
        << QStringLiteral(R"(the condition needs "all", "any", "not" or a test with a "path" string)");
    QTest::newRow("empty object inside not")
        << QStringLiteral(R"({"not": {}})")
        << QStringLiteral(R"(the condition.not needs "all", "any", "not" or a test with a "path" string)");
    QTest::newRow("no path") << QStringLiteral(R"({"op": "eq", "value": 1})")
                             << QStringLiteral(R"(needs "all", "any", "not" or a test with a "path" string)");
    QTest::newRow("empty path") << QStringLiteral(R"({"path": "", "op": "eq", "value": 1})")
                                << QStringLiteral(R"(needs "all", "any", "not" or a test with a "path" string)");
    QTest::newRow("numeric path") << QStringLiteral(R"({"path": 3, "op": "eq", "value": 1})")
                                  << QStringLiteral(R"(needs "all", "any", "not" or a test with a "path" string)");
    QTest::newRow("no op") << QStringLiteral(R"({"path": "a", "value": 1})")
                           << QStringLiteral(R"(condition: the condition needs an "op" string)");
    QTest::newRow("unknown op") << QStringLiteral(R"({"path": "a", "op": "like", "value": "x%"})")
                                << QStringLiteral(R"(condition: the condition: unknown op "like" (eq, ne, gt)");
    QTest::newRow("comparison without value")
        << QStringLiteral(R"({"path": "a", "op": "ne"})") << QStringLiteral(R"(the condition: "ne" needs a "value")");
    QTest::newRow("exists with a value") << QStringLiteral(R"({"path": "a", "op": "exists", "value": true})")
                                         << QStringLiteral(R"(the condition: "exists" takes no value)");
    QTest::newRow("in without an array") << QStringLiteral(R"({"path": "a", "op": "in", "value": "a,b"})")
                                         << QStringLiteral(R"(the condition: "in" needs an array value)");
    QTest::newRow("gt on a boolean") << QStringLiteral(R"({"path": "a", "op": "gt", "value": true})")
                                     << QStringLiteral(R"(the condition: "gt" compares numbers or strings)");
    QTest::newRow("lte on an array") << QStringLiteral(R"({"path": "a", "op": "lte", "value": [1]})")
                                     << QStringLiteral(R"(the condition: "lte" compares numbers or strings)");
    QTest::newRow("unknown key") << QStringLiteral(R"({"path": "a", "op": "eq", "value": 1, "unit": "RUB"})")
                                 << QStringLiteral(R"(the condition: unknown key "unit")");
    QTest::newRow("deep in the tree") << QStringLiteral(R"({"all": [{"path": "a", "op": "exists"},
                                      {"any": [{"not": {"path": "товар.цена", "op": "≥", "value": 1}}]}]})")
                                      << QStringLiteral(
                                             R"(condition: the condition.all[1].any[0].not: unknown op "≥")");
}

void TriggerRuleTest::invalidConditionSaysWhere()
{
    QFETCH(QString, condition);
    QFETCH(QString, message);
    const Result<void> valid = trigger::validateCondition(parsed(condition));
    VT_FAILS_WITH(valid, ErrorCode::InvalidArgument);
    QVERIFY2(valid.error().message.contains(message), qPrintable(valid.error().message));
}

void TriggerRuleTest::conditionNestingLimit()
{
    VT_OK(trigger::validateCondition(nested(16)));
    QVERIFY(trigger::evaluate(nested(16), nlohmann::json{{"a", 1}}) == false); // 15 "not"s: odd, negated
    const Result<void> tooDeep = trigger::validateCondition(nested(17));
    VT_FAILS_WITH(tooDeep, ErrorCode::InvalidArgument);
    QVERIFY2(tooDeep.error().message.contains(QStringLiteral("nested more than 16 levels deep")),
             qPrintable(tooDeep.error().message));
}

void TriggerRuleTest::evaluatesConditions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("data");
    QTest::addColumn<bool>("matches");

    const QString cart = QStringLiteral(
        R"({"товар": {"цена": 1000, "название": "Ёлочная гирлянда", "теги": ["новинка", 7]}, "qty": 2,
            "coupon": null, "gift": false, "big": 9007199254740993})");
    const auto row = [&cart](const char *name, const char *condition, bool matches) {
        QTest::newRow(name) << QString::fromUtf8(condition) << cart << matches;
    };

    QTest::newRow("null matches all") << QStringLiteral("null") << cart << true;
    QTest::newRow("empty matches all") << QStringLiteral("{}") << QStringLiteral("{}") << true;

    row("eq number", R"({"path": "qty", "op": "eq", "value": 2})", true);
    row("eq integer and float", R"({"path": "товар.цена", "op": "eq", "value": 1000.0})", true);
    row("eq other number", R"({"path": "qty", "op": "eq", "value": 3})", false);
    row("eq string", R"({"path": "товар.название", "op": "eq", "value": "Ёлочная гирлянда"})", true);
    row("eq is case-sensitive", R"({"path": "товар.название", "op": "eq", "value": "ёлочная гирлянда"})", false);
    row("eq number and string", R"({"path": "qty", "op": "eq", "value": "2"})", false);
    row("eq null", R"({"path": "coupon", "op": "eq", "value": null})", true);
    row("eq missing", R"({"path": "нет", "op": "eq", "value": null})", false);
    row("eq large integers exactly", R"({"path": "big", "op": "eq", "value": 9007199254740992})", false);
    row("ne number", R"({"path": "qty", "op": "ne", "value": 3})", true);
    row("ne same", R"({"path": "qty", "op": "ne", "value": 2.0})", false);
    row("ne missing", R"({"path": "нет.совсем", "op": "ne", "value": 1})", true);

    row("gt below", R"({"path": "товар.цена", "op": "gt", "value": 999})", true);
    row("gt at", R"({"path": "товар.цена", "op": "gt", "value": 1000})", false);
    row("gte at", R"({"path": "товар.цена", "op": "gte", "value": 1000})", true);
    row("gte above", R"({"path": "товар.цена", "op": "gte", "value": 1000.5})", false);
    row("lt at", R"({"path": "товар.цена", "op": "lt", "value": 1000})", false);
    row("lt above", R"({"path": "товар.цена", "op": "lt", "value": 1000.01})", true);
    row("lte at", R"({"path": "товар.цена", "op": "lte", "value": 1000})", true);
    row("lte below", R"({"path": "товар.цена", "op": "lte", "value": -1})", false);
    row("gt large integers exactly", R"({"path": "big", "op": "gt", "value": 9007199254740992})", true);
    row("strings order", R"({"path": "товар.название", "op": "gt", "value": "Ёлка"})", true);
    row("Cyrillic after Latin", R"({"path": "товар.название", "op": "gt", "value": "Zebra"})", true);
    row("number against string gte", R"({"path": "товар.цена", "op": "gte", "value": "1"})", false);
    row("number against string lt", R"({"path": "товар.цена", "op": "lt", "value": "9999"})", false);
    row("gt missing", R"({"path": "нет", "op": "gt", "value": 0})", false);
    row("lt on null", R"({"path": "coupon", "op": "lt", "value": 1})", false);

    row("in list", R"({"path": "qty", "op": "in", "value": [1, 2.0, "3"]})", true);
    row("in list of strings", R"({"path": "товар.название", "op": "in", "value": ["Ёлочная гирлянда"]})", true);
    row("not in list", R"({"path": "qty", "op": "in", "value": [1, "2"]})", false);
    row("in empty list", R"({"path": "qty", "op": "in", "value": []})", false);
    row("in missing", R"({"path": "нет", "op": "in", "value": [null]})", false);

    row("contains substring", R"({"path": "товар.название", "op": "contains", "value": "гирл"})", true);
    row("contains other text", R"({"path": "товар.название", "op": "contains", "value": "ель"})", false);
    row("contains array string", R"({"path": "товар.теги", "op": "contains", "value": "новинка"})", true);
    row("contains array number", R"({"path": "товар.теги", "op": "contains", "value": 7.0})", true);
    row("contains array miss", R"({"path": "товар.теги", "op": "contains", "value": "нов"})", false);
    row("contains on a number", R"({"path": "qty", "op": "contains", "value": 2})", false);
    row("contains number in text", R"({"path": "товар.название", "op": "contains", "value": 1})", false);

    row("exists object", R"({"path": "товар", "op": "exists"})", true);
    row("exists false", R"({"path": "gift", "op": "exists"})", true);
    row("exists null", R"({"path": "coupon", "op": "exists"})", false);
    row("exists missing", R"({"path": "товар.вес", "op": "exists"})", false);
    row("path through a number", R"({"path": "qty.value", "op": "exists"})", false);
    row("path through an array", R"({"path": "товар.теги.0", "op": "exists"})", false);
    row("path with an empty part", R"({"path": "товар..цена", "op": "exists"})", false);
    row("path with a trailing dot", R"({"path": "товар.", "op": "exists"})", false);

    row("all true", R"({"all": [{"path": "qty", "op": "eq", "value": 2}, {"path": "товар", "op": "exists"}]})", true);
    row("all with one false", R"({"all": [{"path": "qty", "op": "eq", "value": 2}, {"path": "x", "op": "exists"}]})",
        false);
    row("any with one true", R"({"any": [{"path": "x", "op": "exists"}, {"path": "qty", "op": "gt", "value": 1}]})",
        true);
    row("any all false", R"({"any": [{"path": "x", "op": "exists"}, {"path": "qty", "op": "gt", "value": 2}]})", false);
    row("not", R"({"not": {"path": "coupon", "op": "exists"}})", true);
    row("not not", R"({"not": {"not": {"path": "coupon", "op": "exists"}}})", false);
    row("nested", R"({"all": [{"any": [{"path": "x", "op": "exists"}, {"path": "gift", "op": "eq", "value": false}]},
                              {"not": {"path": "товар.цена", "op": "lt", "value": 500}}]})",
        true);

    QTest::newRow("data not an object") << QStringLiteral(R"({"path": "a", "op": "exists"})")
                                        << QStringLiteral("[1, 2]") << false;
    QTest::newRow("data null, ne") << QStringLiteral(R"({"path": "a", "op": "ne", "value": 1})")
                                   << QStringLiteral("null") << true;
}

void TriggerRuleTest::evaluatesConditions()
{
    QFETCH(QString, condition);
    QFETCH(QString, data);
    QFETCH(bool, matches);
    const nlohmann::json c = parsed(condition);
    VT_OK(trigger::validateCondition(c)); // evaluate() is only ever given valid conditions
    QCOMPARE(trigger::evaluate(c, parsed(data)), matches);
}

void TriggerRuleTest::ruleMatchesByItsCondition()
{
    TriggerRule rule = validRule();
    QVERIFY(rule.matches(parsed(QStringLiteral(R"({"товар": {"цена": 1500}})"))));
    QVERIFY(!rule.matches(parsed(QStringLiteral(R"({"товар": {"цена": 999}})"))));
    QVERIFY(!rule.matches(parsed(QStringLiteral(R"({"цена": 1500})"))));
    rule.condition = nullptr;
    QVERIFY(rule.matches(parsed(QStringLiteral(R"({"цена": 1500})"))));
}

void TriggerRuleTest::quietHours_data()
{
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("end");
    QTest::addColumn<int>("minute");
    QTest::addColumn<bool>("quiet");

    // 22:00-08:00 wraps midnight.
    QTest::newRow("night, 21:59") << 1320 << 480 << 1319 << false;
    QTest::newRow("night, 22:00 (start)") << 1320 << 480 << 1320 << true;
    QTest::newRow("night, 23:59") << 1320 << 480 << 1439 << true;
    QTest::newRow("night, 00:00") << 1320 << 480 << 0 << true;
    QTest::newRow("night, 07:59") << 1320 << 480 << 479 << true;
    QTest::newRow("night, 08:00 (end)") << 1320 << 480 << 480 << false;
    QTest::newRow("night, noon") << 1320 << 480 << 720 << false;
    // 13:00-14:00 within the day.
    QTest::newRow("lunch, 12:59") << 780 << 840 << 779 << false;
    QTest::newRow("lunch, 13:00 (start)") << 780 << 840 << 780 << true;
    QTest::newRow("lunch, 13:59") << 780 << 840 << 839 << true;
    QTest::newRow("lunch, 14:00 (end)") << 780 << 840 << 840 << false;
    QTest::newRow("lunch, 01:00") << 780 << 840 << 60 << false;
    QTest::newRow("lunch, 23:00") << 780 << 840 << 1380 << false;
    // The day's edges.
    QTest::newRow("first minute, 00:00") << 0 << 1 << 0 << true;
    QTest::newRow("first minute, 00:01") << 0 << 1 << 1 << false;
    QTest::newRow("first minute, 23:59") << 0 << 1 << 1439 << false;
    QTest::newRow("last minute, 23:59") << 1439 << 0 << 1439 << true;
    QTest::newRow("last minute, 00:00") << 1439 << 0 << 0 << false;
    QTest::newRow("last minute, 23:58") << 1439 << 0 << 1438 << false;
    QTest::newRow("all but midnight, 00:00") << 1 << 0 << 0 << false;
    QTest::newRow("all but midnight, 00:01") << 1 << 0 << 1 << true;
    QTest::newRow("all but midnight, 23:59") << 1 << 0 << 1439 << true;
    QTest::newRow("all day but 23:59, 23:59") << 0 << 1439 << 1439 << false;
    QTest::newRow("all day but 23:59, 00:00") << 0 << 1439 << 0 << true;
}

void TriggerRuleTest::quietHours()
{
    QFETCH(int, start);
    QFETCH(int, end);
    QFETCH(int, minute);
    QFETCH(bool, quiet);
    QCOMPARE(trigger::isQuiet(QuietHours{start, end}, minute), quiet);
}

void TriggerRuleTest::untilQuietEnds_data()
{
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("end");
    QTest::addColumn<int>("minute");
    QTest::addColumn<qint64>("msIntoMinute");
    QTest::addColumn<qint64>("expected");

    constexpr qint64 minuteMs = 60'000;
    QTest::newRow("night, at 22:00:00") << 1320 << 480 << 1320 << qint64(0) << qint64(600 * minuteMs);
    QTest::newRow("night, at 22:00:30") << 1320 << 480 << 1320 << qint64(30'000) << qint64(600 * minuteMs - 30'000);
    QTest::newRow("night, at 23:59:59.999") << 1320 << 480 << 1439 << qint64(59'999) << qint64(480 * minuteMs + 1);
    QTest::newRow("night, at 00:00:00") << 1320 << 480 << 0 << qint64(0) << qint64(480 * minuteMs);
    QTest::newRow("night, at 07:59:59.999") << 1320 << 480 << 479 << qint64(59'999) << qint64(1);
    QTest::newRow("lunch, at 13:00:00") << 780 << 840 << 780 << qint64(0) << qint64(60 * minuteMs);
    QTest::newRow("lunch, at 13:59:00.001") << 780 << 840 << 839 << qint64(1) << qint64(minuteMs - 1);
    QTest::newRow("last minute, at 23:59:00") << 1439 << 0 << 1439 << qint64(0) << qint64(minuteMs);
    QTest::newRow("all but midnight, at 00:01") << 1 << 0 << 1 << qint64(0) << qint64(1439 * minuteMs);
}

void TriggerRuleTest::untilQuietEnds()
{
    QFETCH(int, start);
    QFETCH(int, end);
    QFETCH(int, minute);
    QFETCH(qint64, msIntoMinute);
    QFETCH(qint64, expected);
    const QuietHours quiet{start, end};
    QVERIFY(trigger::isQuiet(quiet, minute)); // only asked inside the quiet hours
    QCOMPARE(trigger::untilQuietEnds(quiet, minute, msIntoMinute), expected);
}

QTEST_GUILESS_MAIN(TriggerRuleTest)
#include "TriggerRuleTest.moc"
