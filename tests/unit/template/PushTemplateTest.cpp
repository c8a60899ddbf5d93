#include "template/PushTemplate.h"

#include "TemplateFixtures.h"
#include "template/CompiledPushTemplate.h"

#include <QJsonDocument>
#include <QTest>

using namespace vestnik;

namespace {} // namespace

class PushTemplateTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTrip();
    void invalidJson_data();
    void invalidJson();
    void localeFallback_data();
    void localeFallback();
    void compiledRendersTheRecipientsVariant();
    void compileErrorNamesTheField();
    void renderErrorNamesFieldAndVariable();
};

void PushTemplateTest::jsonRoundTrip()
{
    Result<PushTemplate> parsed = PushTemplate::fromJson(test::templateFixtureJson("back_in_stock.json"));
    QVERIFY2(parsed.hasValue(), qPrintable(parsed.hasValue() ? QString() : parsed.error().message));
    QCOMPARE(parsed->name, QStringLiteral("Снова в наличии"));
    QCOMPARE(parsed->content.buttons.size(), 1);
    QCOMPARE(parsed->content.buttons.at(0).label, QStringLiteral("Купить"));
    QCOMPARE(parsed->variants.size(), 2);
    QCOMPARE(parsed->ttlSeconds.value(), 86400);
    QCOMPARE(parsed->android.androidChannel, QStringLiteral("promo"));
    QCOMPARE(parsed->apns.apnsBadge.value(), 1);
    QCOMPARE(parsed->apns.priority, QStringLiteral("normal"));

    Result<PushTemplate> again = PushTemplate::fromJson(parsed->toJson());
    QVERIFY(again.hasValue());
    QCOMPARE(again->toJson(), parsed->toJson());
}

void PushTemplateTest::invalidJson_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("no text") << QStringLiteral(R"({"name":"x"})") << QStringLiteral("body: a push needs a title");
    QTest::newRow("title not string") << QStringLiteral(R"({"title": 5})") << QStringLiteral("title: must be a string");
    QTest::newRow("data not string") << QStringLiteral(R"({"body":"b","data":{"n":1}})")
                                     << QStringLiteral("data.n: must be a string");
    QTest::newRow("button without label") << QStringLiteral(R"({"body":"b","buttons":[{"id":"a"}]})")
                                          << QStringLiteral("buttons.0: a button needs an id and a label");
    QTest::newRow("too many buttons") << QStringLiteral(
        R"({"body":"b","buttons":[{"id":"a","label":"a"},{"id":"b","label":"b"},)"
        R"({"id":"c","label":"c"},{"id":"d","label":"d"}]})")
                                      << QStringLiteral("at most 3 buttons");
    QTest::newRow("bad ttl") << QStringLiteral(R"({"body":"b","ttl_seconds":-5})")
                             << QStringLiteral("ttl_seconds: must be a whole number from 0 to 2419200");
    QTest::newRow("bad priority") << QStringLiteral(R"({"body":"b","android":{"priority":"urgent"}})")
                                  << QStringLiteral("android.priority: must be \"high\" or \"normal\"");
    QTest::newRow("bad variant") << QStringLiteral(R"({"body":"b","variants":{"en":{"body":7}}})")
                                 << QStringLiteral("variants.en.body: must be a string");
}

void PushTemplateTest::invalidJson()
{
    QFETCH(QString, json);
    QFETCH(QString, fragment);
    Result<PushTemplate> parsed = PushTemplate::fromJson(QJsonDocument::fromJson(json.toUtf8()).object());
    QVERIFY(!parsed.hasValue());
    QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(parsed.error().message.contains(fragment), qPrintable(parsed.error().message));
}

void PushTemplateTest::localeFallback_data()
{
    QTest::addColumn<QString>("recipient");
    QTest::addColumn<QString>("chosen");
    QTest::addColumn<QString>("title");
    QTest::newRow("exact") << QStringLiteral("en") << QStringLiteral("en")
                           << QStringLiteral("{{имя|default:\"Friend\"}}, it is back");
    QTest::newRow("region to language") << QStringLiteral("en-GB") << QStringLiteral("en")
                                        << QStringLiteral("{{имя|default:\"Friend\"}}, it is back");
    QTest::newRow("underscore form") << QStringLiteral("en_US") << QStringLiteral("en")
                                     << QStringLiteral("{{имя|default:\"Friend\"}}, it is back");
    QTest::newRow("region variant") << QStringLiteral("ru-UA") << QStringLiteral("ru-UA")
                                    << QStringLiteral("Для вас: товар снова в наличии");
    QTest::newRow("ru-RU to default") << QStringLiteral("ru-RU") << QStringLiteral("ru")
                                      << QStringLiteral("{{имя|default:\"Друг\"}}, товар снова в наличии");
    QTest::newRow("unknown to default") << QStringLiteral("de") << QStringLiteral("ru")
                                        << QStringLiteral("{{имя|default:\"Друг\"}}, товар снова в наличии");
    QTest::newRow("empty to default") << QString() << QStringLiteral("ru")
                                      << QStringLiteral("{{имя|default:\"Друг\"}}, товар снова в наличии");
}

void PushTemplateTest::localeFallback()
{
    QFETCH(QString, recipient);
    QFETCH(QString, chosen);
    QFETCH(QString, title);
    const PushTemplate t = *PushTemplate::fromJson(test::templateFixtureJson("back_in_stock.json"));
    QString actual;
    const TemplateContent content = t.contentFor(recipient, &actual);
    QCOMPARE(actual, chosen);
    QCOMPARE(content.title, title);
    // a variant's empty fields come from the default content
    QVERIFY(!content.deepLink.isEmpty());
    QVERIFY(!content.body.isEmpty());
}

void PushTemplateTest::compiledRendersTheRecipientsVariant()
{
    Result<CompiledPushTemplate, TemplateError> compiled =
        CompiledPushTemplate::compile(*PushTemplate::fromJson(test::templateFixtureJson("back_in_stock.json")));
    QVERIFY2(compiled.hasValue(), qPrintable(compiled.hasValue() ? QString() : compiled.error().message()));
    QCOMPARE(compiled->locales(), (QStringList{QStringLiteral("ru"), QStringLiteral("en"), QStringLiteral("ru-UA")}));
    const nlohmann::json user = {{"имя", "Анна"}, {"название_товара", "Чайник"}, {"sku", "A-17"}};
    const JsonScopes scopes{&user};

    Result<RenderedPush, TemplateError> ru = compiled->render(scopes, QStringLiteral("ru-RU"));
    QVERIFY(ru.hasValue());
    QCOMPARE(ru->locale, QStringLiteral("ru"));
    QCOMPARE(QString::fromStdString(ru->title), QStringLiteral("Анна, товар снова в наличии"));
    QCOMPARE(QString::fromStdString(ru->body), QStringLiteral("«Чайник» ждёт вас"));
    QCOMPARE(ru->imageUrl, std::string("https://cdn.example.com/A-17.jpg"));
    QCOMPARE(ru->buttons.size(), std::size_t(1));
    QCOMPARE(ru->buttons[0].link, std::string("shop://cart/add/A-17"));
    QCOMPARE(ru->data.size(), std::size_t(1));
    QCOMPARE(ru->data[0].second, std::string("A-17"));

    Result<RenderedPush, TemplateError> en = compiled->render(scopes, QStringLiteral("en-US"));
    QVERIFY(en.hasValue());
    QCOMPARE(en->locale, QStringLiteral("en"));
    QCOMPARE(QString::fromStdString(en->title), QStringLiteral("Анна, it is back"));
    QCOMPARE(en->buttons[0].label, std::string("Buy"));

    const nlohmann::json anonymous = {{"название_товара", "Чайник"}, {"sku", "A-17"}};
    Result<RenderedPush, TemplateError> guest = compiled->render(JsonScopes{&anonymous}, QStringLiteral("en"));
    QCOMPARE(QString::fromStdString(guest->title), QStringLiteral("Friend, it is back"));
}

void PushTemplateTest::compileErrorNamesTheField()
{
    PushTemplate t = *PushTemplate::fromJson(test::templateFixtureJson("back_in_stock.json"));
    t.variants[QStringLiteral("en")].buttons[0].label = QStringLiteral("Buy {{count|plural:item}}");
    Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(t);
    QVERIFY(!compiled.hasValue());
    QCOMPARE(compiled.error().field, QStringLiteral("variants.en.buttons.0.label"));
    QCOMPARE(compiled.error().kindName(), QStringLiteral("filter_arguments"));
    QVERIFY2(compiled.error().message().startsWith(QStringLiteral("variants.en.buttons.0.label: line 1, column 13:")),
             qPrintable(compiled.error().message()));
}

void PushTemplateTest::renderErrorNamesFieldAndVariable()
{
    Result<CompiledPushTemplate, TemplateError> compiled =
        CompiledPushTemplate::compile(*PushTemplate::fromJson(test::templateFixtureJson("back_in_stock.json")));
    const nlohmann::json user = {{"sku", "A-17"}};
    Result<RenderedPush, TemplateError> rendered = compiled->render(JsonScopes{&user}, QStringLiteral("ru"));
    QVERIFY(!rendered.hasValue());
    QCOMPARE(rendered.error().field, QStringLiteral("body"));
    QCOMPARE(rendered.error().variable, QStringLiteral("название_товара"));
}

QTEST_GUILESS_MAIN(PushTemplateTest)
#include "PushTemplateTest.moc"
