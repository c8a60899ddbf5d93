#include "template/TemplateCompiler.h"

#include <QTest>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

using namespace vestnik;
using nlohmann::json;

namespace {

// (moc's tokenizer trips over backslashes in raw strings, so the one value that needs them is added below)
const json kData = [] {
    json data = json::parse(R"({
    "имя": "Анна",
    "название_товара": "Кроссовки «Вихрь»",
    "товар": {"название": "Чайник", "цена": 1234.5},
    "user": {"city": "Казань", "first_name": "anna"},
    "count": 21,
    "zero": 0,
    "empty": "",
    "nothing": null,
    "coupon": "SALE10",
    "flag": true,
    "price": 1990,
    "price_text": "1234.56",
    "title": "новые поступления",
    "long": "Очень длинное описание товара",
    "date": "2026-03-08T09:30:00Z",
    "day": "2026-12-31",
    "list": [1, 2],
    "obj": {"a": 1},
    "big": 1234567,
    "late": "2026-03-08T20:00:00Z"
})");
    data["quote"] = "Say \"hi\"\\ \n ok";
    return data;
}();

QString render(const QString &source, const QString &locale = QStringLiteral("ru"),
               CompiledTemplate::Escape escape = CompiledTemplate::Escape::None, std::string_view zone = {},
               std::string_view recipientLocale = {})
{
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(source, locale);
    if (!compiled)
        return QStringLiteral("COMPILE ERROR: ") + compiled.error().message();
    const JsonScopes scopes{&kData};
    TemplateRenderOptions options;
    options.escape = escape;
    options.timeZone = zone;
    options.locale = recipientLocale;
    Result<QString, TemplateError> out = compiled->renderToString(scopes, options);
    if (!out)
        return QStringLiteral("RENDER ERROR: ") + out.error().message();
    // ICU uses narrow/no-break spaces in numbers; compare them as plain spaces
    return out->replace(QChar(0x00A0), QLatin1Char(' ')).replace(QChar(0x202F), QLatin1Char(' '));
}

} // namespace

class TemplateEngineTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renders_data();
    void renders();
    void compileErrors_data();
    void compileErrors();
    void renderErrors_data();
    void renderErrors();
    void errorsSpeakRussian();
    void jsonEscaping();
    void scopesAreLayered();
    void listsVariables();
    void rendersConcurrently();
    void formatsForTheRecipient();
    void russianPluralTable();
    void englishPluralTable();
    void pluralFractions();
};

void TemplateEngineTest::renders_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("expected");

    const QString ru = QStringLiteral("ru");
    const QString en = QStringLiteral("en");
    QTest::newRow("plain text") << QStringLiteral("Привет!") << ru << QStringLiteral("Привет!");
    QTest::newRow("cyrillic names") << QStringLiteral("{{имя}}, товар «{{название_товара}}» снова в наличии!") << ru
                                    << QStringLiteral("Анна, товар «Кроссовки «Вихрь»» снова в наличии!");
    QTest::newRow("dotted path") << QStringLiteral("{{товар.название}} в {{user.city}}") << ru
                                 << QStringLiteral("Чайник в Казань");
    QTest::newRow("spaces in tag") << QStringLiteral("{{ имя }}") << ru << QStringLiteral("Анна");
    QTest::newRow("mustache triple") << QStringLiteral("{{{имя}}}") << ru << QStringLiteral("Анна");
    QTest::newRow("mustache ampersand") << QStringLiteral("{{& имя}}") << ru << QStringLiteral("Анна");
    QTest::newRow("comment") << QStringLiteral("a{{! ничего }}b") << ru << QStringLiteral("ab");
    QTest::newRow("integer") << QStringLiteral("{{count}}") << ru << QStringLiteral("21");
    QTest::newRow("float") << QStringLiteral("{{товар.цена}}") << ru << QStringLiteral("1234.5");
    QTest::newRow("boolean") << QStringLiteral("{{flag}}") << ru << QStringLiteral("true");
    QTest::newRow("default used") << QStringLiteral("{{missing|default:\"друг\"}}") << ru << QStringLiteral("друг");
    QTest::newRow("default on empty") << QStringLiteral("{{empty|default:друг}}") << ru << QStringLiteral("друг");
    QTest::newRow("default on null") << QStringLiteral("{{nothing|default:\"\"}}!") << ru << QStringLiteral("!");
    QTest::newRow("default unused") << QStringLiteral("{{имя|default:\"друг\"}}") << ru << QStringLiteral("Анна");
    QTest::newRow("default then upper") << QStringLiteral("{{missing|default:друг|upper}}") << ru
                                        << QStringLiteral("ДРУГ");
    QTest::newRow("quoted default with specials")
        << QStringLiteral(R"({{missing|default:"a, b | \"c\" }}"}})") << ru << QStringLiteral(R"(a, b | "c" }})");
    QTest::newRow("upper") << QStringLiteral("{{title|upper}}") << ru << QStringLiteral("НОВЫЕ ПОСТУПЛЕНИЯ");
    QTest::newRow("lower") << QStringLiteral("{{имя|lower}}") << ru << QStringLiteral("анна");
    QTest::newRow("capitalize") << QStringLiteral("{{title|capitalize}}") << ru << QStringLiteral("Новые поступления");
    QTest::newRow("capitalize latin") << QStringLiteral("{{user.first_name|capitalize}}") << en
                                      << QStringLiteral("Anna");
    QTest::newRow("truncate") << QStringLiteral("{{long|truncate:10}}") << ru << QStringLiteral("Очень дли…");
    QTest::newRow("truncate no-op") << QStringLiteral("{{имя|truncate:4}}") << ru << QStringLiteral("Анна");
    QTest::newRow("number ru") << QStringLiteral("{{товар.цена|number}}") << ru << QStringLiteral("1 234,5");
    QTest::newRow("number en") << QStringLiteral("{{товар.цена|number}}") << en << QStringLiteral("1,234.5");
    QTest::newRow("number decimals") << QStringLiteral("{{price|number:2}}") << en << QStringLiteral("1,990.00");
    QTest::newRow("number from text") << QStringLiteral("{{price_text|number}}") << en << QStringLiteral("1,234.56");
    QTest::newRow("currency ru") << QStringLiteral("{{price|currency:RUB}}") << ru << QStringLiteral("1 990,00 ₽");
    QTest::newRow("currency en usd") << QStringLiteral("{{price|currency:USD}}") << en << QStringLiteral("$1,990.00");
    QTest::newRow("date short ru") << QStringLiteral("{{date|date:short}}") << ru << QStringLiteral("08.03.2026");
    QTest::newRow("date long ru") << QStringLiteral("{{date|date:long}}") << ru << QStringLiteral("8 марта 2026 г.");
    QTest::newRow("date medium en") << QStringLiteral("{{date|date}}") << en << QStringLiteral("Mar 8, 2026");
    QTest::newRow("date-only stays put") << QStringLiteral("{{day|date:short}}") << ru << QStringLiteral("31.12.2026");
    QTest::newRow("plural ru") << QStringLiteral("В корзине {{count}} {{count|plural:товар,товара,товаров}}") << ru
                               << QStringLiteral("В корзине 21 товар");
    QTest::newRow("plural hash") << QStringLiteral("{{price|plural:# рубль,# рубля,# рублей}}") << ru
                                 << QStringLiteral("1 990 рублей");
    QTest::newRow("plural named") << QStringLiteral("{{zero|plural:one=товар,few=товара,many=товаров}}") << ru
                                  << QStringLiteral("товаров");
    QTest::newRow("plural en") << QStringLiteral("{{count}} {{count|plural:item,items}}") << en
                               << QStringLiteral("21 items");
    QTest::newRow("if true") << QStringLiteral("{{#if coupon}}Код {{coupon}}{{else}}Без кода{{/if}}") << ru
                             << QStringLiteral("Код SALE10");
    QTest::newRow("if missing") << QStringLiteral("{{#if missing}}да{{else}}нет{{/if}}") << ru << QStringLiteral("нет");
    QTest::newRow("if zero") << QStringLiteral("{{#if zero}}да{{else}}нет{{/if}}") << ru << QStringLiteral("нет");
    QTest::newRow("if empty string") << QStringLiteral("{{#if empty}}да{{/if}}!") << ru << QStringLiteral("!");
    QTest::newRow("if without else") << QStringLiteral("a{{#if flag}}b{{/if}}c") << ru << QStringLiteral("abc");
    QTest::newRow("unless") << QStringLiteral("{{#unless coupon}}нет кода{{else}}код{{/unless}}") << ru
                            << QStringLiteral("код");
    QTest::newRow("nested") << QStringLiteral("{{#if flag}}1{{#if missing}}2{{else}}3{{/if}}4{{/if}}5") << ru
                            << QStringLiteral("1345");
    QTest::newRow("missing var inside false branch")
        << QStringLiteral("{{#if missing}}{{missing}}{{/if}}ok") << ru << QStringLiteral("ok");
    QTest::newRow("mustache section") << QStringLiteral("{{#coupon}}есть{{/coupon}}{{^missing}} нет{{/missing}}") << ru
                                      << QStringLiteral("есть нет");
    QTest::newRow("escaped braces") << QStringLiteral(R"(\{{имя\}} = {{имя}})") << ru
                                    << QStringLiteral("{{имя}} = Анна");
    QTest::newRow("escaped backslash") << QStringLiteral(R"(a\\b)") << ru << QStringLiteral(R"(a\b)");
    QTest::newRow("lone braces") << QStringLiteral("{a} }") << ru << QStringLiteral("{a} }");
    QTest::newRow("multiline") << QStringLiteral("{{имя}},\nждём вас") << ru << QStringLiteral("Анна,\nждём вас");
}

void TemplateEngineTest::renders()
{
    QFETCH(QString, source);
    QFETCH(QString, locale);
    QFETCH(QString, expected);
    QCOMPARE(render(source, locale), expected);
}

void TemplateEngineTest::compileErrors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("unclosed tag") << QStringLiteral("Привет, {{имя") << 1 << 9 << QStringLiteral("syntax")
                                  << QStringLiteral("not closed");
    QTest::newRow("tag inside tag") << QStringLiteral("{{имя {{x}}") << 1 << 1 << QStringLiteral("syntax")
                                    << QStringLiteral("not closed");
    QTest::newRow("empty tag") << QStringLiteral("a\n  {{ }}") << 2 << 3 << QStringLiteral("syntax")
                               << QStringLiteral("empty tag");
    QTest::newRow("stray close") << QStringLiteral("{имя}}") << 1 << 5 << QStringLiteral("syntax")
                                 << QStringLiteral("without an opening");
    QTest::newRow("digit start") << QStringLiteral("{{1abc}}") << 1 << 3 << QStringLiteral("syntax")
                                 << QStringLiteral("digit");
    QTest::newRow("bad char") << QStringLiteral("{{имя!}}") << 1 << 6 << QStringLiteral("syntax")
                              << QStringLiteral("unexpected '!'");
    QTest::newRow("dangling dot") << QStringLiteral("{{товар.}}") << 1 << 9 << QStringLiteral("syntax")
                                  << QStringLiteral("expected a variable name");
    QTest::newRow("unknown filter") << QStringLiteral("line1\n{{имя|shout}}") << 2 << 7
                                    << QStringLiteral("unknown_filter") << QStringLiteral("unknown filter 'shout'");
    QTest::newRow("missing filter name") << QStringLiteral("{{имя|}}") << 1 << 7 << QStringLiteral("syntax")
                                         << QStringLiteral("filter name");
    QTest::newRow("default no arg") << QStringLiteral("{{имя|default}}") << 1 << 7 << QStringLiteral("filter_arguments")
                                    << QStringLiteral("takes 1 argument");
    QTest::newRow("upper with arg") << QStringLiteral("{{имя|upper:2}}") << 1 << 7 << QStringLiteral("filter_arguments")
                                    << QStringLiteral("no arguments");
    QTest::newRow("truncate not number") << QStringLiteral("{{имя|truncate:abc}}") << 1 << 7
                                         << QStringLiteral("filter_arguments") << QStringLiteral("whole number");
    QTest::newRow("currency unknown") << QStringLiteral("{{p|currency:RUR1}}") << 1 << 5
                                      << QStringLiteral("filter_arguments") << QStringLiteral("ISO 4217");
    QTest::newRow("currency lower") << QStringLiteral("{{p|currency:rub}}") << 1 << 5
                                    << QStringLiteral("filter_arguments") << QStringLiteral("ISO 4217");
    QTest::newRow("date style") << QStringLiteral("{{d|date:tiny}}") << 1 << 5 << QStringLiteral("filter_arguments")
                                << QStringLiteral("short, medium, long or full");
    QTest::newRow("plural too few ru") << QStringLiteral("{{n|plural:товар,товара}}") << 1 << 5
                                       << QStringLiteral("filter_arguments")
                                       << QStringLiteral("3 form(s) for locale 'ru' (one, few, many)");
    QTest::newRow("plural too many ru") << QStringLiteral("{{n|plural:a,b,c,d,e}}") << 1 << 5
                                        << QStringLiteral("filter_arguments")
                                        << QStringLiteral("optionally followed by other");
    QTest::newRow("plural bad category") << QStringLiteral("{{n|plural:one=a,two=b,few=c,many=d}}") << 1 << 5
                                         << QStringLiteral("filter_arguments")
                                         << QStringLiteral("'two' is not a plural category");
    QTest::newRow("plural mixed") << QStringLiteral("{{n|plural:one=a,b,c}}") << 1 << 5
                                  << QStringLiteral("filter_arguments") << QStringLiteral("all named");
    QTest::newRow("unclosed quote") << QStringLiteral("{{a|default:\"x}}") << 1 << 1 << QStringLiteral("syntax")
                                    << QStringLiteral("not closed");
    QTest::newRow("unclosed if") << QStringLiteral("x\n{{#if a}}b") << 2 << 1 << QStringLiteral("section")
                                 << QStringLiteral("never closed");
    QTest::newRow("close without open") << QStringLiteral("b{{/if}}") << 1 << 2 << QStringLiteral("section")
                                        << QStringLiteral("never opened");
    QTest::newRow("mismatched close") << QStringLiteral("{{#if a}}b{{/unless}}") << 1 << 11 << QStringLiteral("section")
                                      << QStringLiteral("expected {{/if}}");
    QTest::newRow("else outside") << QStringLiteral("{{else}}") << 1 << 1 << QStringLiteral("section")
                                  << QStringLiteral("outside");
    QTest::newRow("double else") << QStringLiteral("{{#if a}}1{{else}}2{{else}}3{{/if}}") << 1 << 20
                                 << QStringLiteral("section") << QStringLiteral("second {{else}}");
    QTest::newRow("if two vars") << QStringLiteral("{{#if a b}}x{{/if}}") << 1 << 9 << QStringLiteral("syntax")
                                 << QStringLiteral("one variable");
    QTest::newRow("triple unclosed") << QStringLiteral("{{{имя}}") << 1 << 1 << QStringLiteral("syntax")
                                     << QStringLiteral("'}}}'");
}

void TemplateEngineTest::compileErrors()
{
    QFETCH(QString, source);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, kind);
    QFETCH(QString, fragment);
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(source, QStringLiteral("ru"));
    QVERIFY2(!compiled.hasValue(), "compiled although it should not");
    const TemplateError &error = compiled.error();
    QVERIFY2(error.messageEn.contains(fragment), qPrintable(error.messageEn));
    QCOMPARE(error.kindName(), kind);
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY(!error.messageRu.isEmpty());
    QVERIFY(error.message().startsWith(QStringLiteral("line %1, column %2: ").arg(line).arg(column)));
}

void TemplateEngineTest::renderErrors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("kind");

    QTest::newRow("missing") << QStringLiteral("Привет, {{имя_друга}}!") << QStringLiteral("имя_друга")
                             << QStringLiteral("missing_variable");
    QTest::newRow("missing nested") << QStringLiteral("{{товар.вес}}") << QStringLiteral("товар.вес")
                                    << QStringLiteral("missing_variable");
    QTest::newRow("empty is a hole") << QStringLiteral("{{empty}}") << QStringLiteral("empty")
                                     << QStringLiteral("missing_variable");
    QTest::newRow("null") << QStringLiteral("{{nothing|upper}}") << QStringLiteral("nothing")
                          << QStringLiteral("missing_variable");
    QTest::newRow("filter on missing") << QStringLiteral("{{missing|upper|default:x}}") << QStringLiteral("missing")
                                       << QStringLiteral("missing_variable");
    QTest::newRow("number of text") << QStringLiteral("{{имя|number}}") << QStringLiteral("имя")
                                    << QStringLiteral("wrong_type");
    QTest::newRow("plural of text") << QStringLiteral("{{имя|plural:a,b,c}}") << QStringLiteral("имя")
                                    << QStringLiteral("wrong_type");
    QTest::newRow("date of text") << QStringLiteral("{{имя|date}}") << QStringLiteral("имя")
                                  << QStringLiteral("wrong_type");
    QTest::newRow("object") << QStringLiteral("{{obj}}") << QStringLiteral("obj") << QStringLiteral("wrong_type");
    QTest::newRow("list") << QStringLiteral("{{list}}") << QStringLiteral("list") << QStringLiteral("wrong_type");
}

void TemplateEngineTest::renderErrors()
{
    QFETCH(QString, source);
    QFETCH(QString, variable);
    QFETCH(QString, kind);
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(source, QStringLiteral("ru"));
    QVERIFY2(compiled.hasValue(), qPrintable(compiled.hasValue() ? QString() : compiled.error().message()));
    const JsonScopes scopes{&kData};
    std::string out;
    Result<void, TemplateError> rendered = compiled->render(scopes, out);
    QVERIFY(!rendered.hasValue());
    QCOMPARE(rendered.error().variable, variable);
    QCOMPARE(rendered.error().kindName(), kind);
    QVERIFY(rendered.error().messageEn.contains(variable));
    QVERIFY(rendered.error().messageRu.contains(variable));
}

void TemplateEngineTest::errorsSpeakRussian()
{
    Result<CompiledTemplate, TemplateError> compiled =
        TemplateCompiler::compile(QStringLiteral("{{имя|громко}}"), QStringLiteral("ru"));
    QVERIFY(!compiled.hasValue());
    QCOMPARE(compiled.error().message(QStringLiteral("ru")),
             QStringLiteral("строка 1, столбец 7: неизвестный фильтр «громко»; доступны: default, upper, lower, "
                            "capitalize, truncate, number, currency, date, datetime, plural"));
    Result<CompiledTemplate, TemplateError> badLocale =
        TemplateCompiler::compile(QStringLiteral("x"), QStringLiteral("not a locale!"));
    QVERIFY(!badLocale.hasValue());
    QCOMPARE(badLocale.error().kindName(), QStringLiteral("locale"));
}

void TemplateEngineTest::jsonEscaping()
{
    const QString out =
        render(QStringLiteral("\"{{quote}}\"\t{{имя}}"), QStringLiteral("ru"), CompiledTemplate::Escape::JsonString);
    QCOMPARE(out, QStringLiteral(R"(\"Say \"hi\"\\ \n ok\"\tАнна)"));
    // the rendered text is valid JSON string content and decodes back to the plain render
    const std::string document = "\"" + out.toStdString() + "\"";
    const json parsed = json::parse(document);
    QCOMPARE(QString::fromStdString(parsed.get<std::string>()), render(QStringLiteral("\"{{quote}}\"\t{{имя}}")));
    // filters' output is escaped too
    QCOMPARE(render(QStringLiteral("{{missing|default:\"a\\\"b\"}}"), QStringLiteral("ru"),
                    CompiledTemplate::Escape::JsonString),
             QStringLiteral(R"(a\"b)"));
}

void TemplateEngineTest::scopesAreLayered()
{
    Result<CompiledTemplate, TemplateError> compiled =
        TemplateCompiler::compile(QStringLiteral("{{имя}} {{город}}"), QStringLiteral("ru"));
    QVERIFY(compiled.hasValue());
    const json campaign = {{"имя", "Гость"}};
    const json user = {{"имя", "Анна"}, {"город", "Тверь"}};
    QCOMPARE(compiled->renderToString(JsonScopes{&campaign, &user}).value(), QStringLiteral("Гость Тверь"));
    QCOMPARE(compiled->renderToString(JsonScopes{&user, &campaign}).value(), QStringLiteral("Анна Тверь"));
}

void TemplateEngineTest::listsVariables()
{
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(
        QStringLiteral("{{имя}} {{#if coupon}}{{coupon|upper}}{{/if}} {{имя}} {{товар.название}}"),
        QStringLiteral("ru"));
    QVERIFY(compiled.hasValue());
    QCOMPARE(compiled->variables(),
             (QStringList{QStringLiteral("имя"), QStringLiteral("coupon"), QStringLiteral("товар.название")}));
    QCOMPARE(compiled->locale(), QStringLiteral("ru"));
}

void TemplateEngineTest::rendersConcurrently()
{
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(
        QStringLiteral("{{имя}}: {{count}} {{count|plural:товар,товара,товаров}} на {{price|currency:RUB}}, "
                       "{{date|date:long}}"),
        QStringLiteral("ru"));
    QVERIFY(compiled.hasValue());
    const QString expected = *compiled->renderToString(JsonScopes{&kData});
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            const JsonScopes scopes{&kData};
            for (int i = 0; i < 2000; ++i) {
                Result<QString, TemplateError> out = compiled->renderToString(scopes);
                if (!out || *out != expected)
                    ++mismatches;
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(mismatches.load(), 0);
}

void TemplateEngineTest::formatsForTheRecipient()
{
    const auto none = CompiledTemplate::Escape::None;
    const QString en = QStringLiteral("en");
    QCOMPARE(render(QStringLiteral("{{date|date:short}}"), en), QStringLiteral("3/8/26"));
    QCOMPARE(render(QStringLiteral("{{date|date:short}}"), en, none, {}, "en-GB"), QStringLiteral("08/03/2026"));
    QCOMPARE(render(QStringLiteral("{{big|number}}"), en), QStringLiteral("1,234,567"));
    QCOMPARE(render(QStringLiteral("{{big|number}}"), en, none, {}, "en-IN"), QStringLiteral("12,34,567"));
    QCOMPARE(render(QStringLiteral("{{big|plural:# item,# items}}"), en, none, {}, "en-IN"),
             QStringLiteral("12,34,567 items"));
    // another language than the template's keeps the template's formats
    QCOMPARE(render(QStringLiteral("{{big|number}}"), en, none, {}, "ru-RU"), QStringLiteral("1,234,567"));
    // the recipient's time zone moves the clock, and across midnight the day
    QCOMPARE(render(QStringLiteral("{{date|datetime:short}}"), QStringLiteral("ru"), none, "Europe/Moscow"),
             QStringLiteral("08.03.2026, 12:30"));
    QCOMPARE(render(QStringLiteral("{{late|date:short}}"), QStringLiteral("ru"), none, "Asia/Vladivostok"),
             QStringLiteral("09.03.2026"));
    QCOMPARE(render(QStringLiteral("{{late|date:short}}"), QStringLiteral("ru")), QStringLiteral("08.03.2026"));
}

namespace {

// CLDR's rule for Russian integers, written out independently of ICU.
QString russianForm(int n, const QStringList &forms)
{
    if (n % 10 == 1 && n % 100 != 11)
        return forms.at(0);
    if (n % 10 >= 2 && n % 10 <= 4 && !(n % 100 >= 12 && n % 100 <= 14))
        return forms.at(1);
    return forms.at(2);
}

QString renderNumber(const CompiledTemplate &compiled, const json &n)
{
    const json data = {{"n", n}};
    Result<QString, TemplateError> out = compiled.renderToString(JsonScopes{&data});
    return out ? *out : out.error().message();
}

} // namespace

void TemplateEngineTest::russianPluralTable()
{
    const QStringList forms{QStringLiteral("товар"), QStringLiteral("товара"), QStringLiteral("товаров")};
    Result<CompiledTemplate, TemplateError> compiled =
        TemplateCompiler::compile(QStringLiteral("{{n}} {{n|plural:товар,товара,товаров}}"), QStringLiteral("ru-RU"));
    QVERIFY(compiled.hasValue());
    for (int n = 0; n <= 125; ++n)
        QCOMPARE(renderNumber(*compiled, n), QStringLiteral("%1 %2").arg(n).arg(russianForm(n, forms)));
    // the cases marketers get wrong by hand
    QCOMPARE(renderNumber(*compiled, 1), QStringLiteral("1 товар"));
    QCOMPARE(renderNumber(*compiled, 3), QStringLiteral("3 товара"));
    QCOMPARE(renderNumber(*compiled, 5), QStringLiteral("5 товаров"));
    QCOMPARE(renderNumber(*compiled, 11), QStringLiteral("11 товаров"));
    QCOMPARE(renderNumber(*compiled, 21), QStringLiteral("21 товар"));
    QCOMPARE(renderNumber(*compiled, 112), QStringLiteral("112 товаров"));
    QCOMPARE(renderNumber(*compiled, 1001), QStringLiteral("1001 товар"));
    // numbers given as text count the same
    QCOMPARE(renderNumber(*compiled, "22"), QStringLiteral("22 товара"));
}

void TemplateEngineTest::englishPluralTable()
{
    Result<CompiledTemplate, TemplateError> compiled =
        TemplateCompiler::compile(QStringLiteral("{{n}} {{n|plural:item,items}}"), QStringLiteral("en"));
    QVERIFY(compiled.hasValue());
    for (int n = 0; n <= 125; ++n)
        QCOMPARE(renderNumber(*compiled, n),
                 QStringLiteral("%1 %2").arg(n).arg(n == 1 ? QStringLiteral("item") : QStringLiteral("items")));
}

void TemplateEngineTest::pluralFractions()
{
    Result<CompiledTemplate, TemplateError> withOther =
        TemplateCompiler::compile(QStringLiteral("{{n|plural:# литр,# литра,# литров,# литра}}"), QStringLiteral("ru"));
    QVERIFY(withOther.hasValue());
    QCOMPARE(renderNumber(*withOther, 1.5), QStringLiteral("1,5 литра"));
    QCOMPARE(renderNumber(*withOther, 2), QStringLiteral("2 литра"));
    Result<CompiledTemplate, TemplateError> withoutOther =
        TemplateCompiler::compile(QStringLiteral("{{n|plural:литр,литра,литров}}"), QStringLiteral("ru"));
    QCOMPARE(renderNumber(*withoutOther, 2.5), QStringLiteral("литров"));
    Result<CompiledTemplate, TemplateError> english =
        TemplateCompiler::compile(QStringLiteral("{{n|plural:# mile,# miles}}"), QStringLiteral("en"));
    QCOMPARE(renderNumber(*english, 1.5), QStringLiteral("1.5 miles"));
    QCOMPARE(renderNumber(*english, 1), QStringLiteral("1 mile"));
}

QTEST_GUILESS_MAIN(TemplateEngineTest)
#include "TemplateEngineTest.moc"
