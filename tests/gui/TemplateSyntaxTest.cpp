// What the studio reads from template text without the worker: tokens for highlighting, the variables a text
// uses (for completion), where a completion starts, and the engine's code-point columns as editor offsets.
#include "templates/TemplateSyntax.h"

#include <QTest>

using namespace vestnik;

namespace {

using Kind = TemplateSyntax::Token::Kind;

/// The tokens of `line` as "kind:text".
QStringList tokens(const QString &line)
{
    static const char *const names[] = {"tag", "variable", "section", "filter", "argument", "comment"};
    QStringList out;
    for (const TemplateSyntax::Token &token : TemplateSyntax::tokenize(line))
        out << QLatin1String(names[int(token.kind)]) + QLatin1Char(':') + line.mid(token.start, token.length);
    return out;
}

} // namespace

class TemplateSyntaxTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenizes_data();
    void tokenizes();
    void findsVariables();
    void findsCompletionStart_data();
    void findsCompletionStart();
    void mapsColumnsToOffsets();
};

void TemplateSyntaxTest::tokenizes_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("variable") << QStringLiteral("Привет, {{имя}}!")
                              << QStringList{QStringLiteral("tag:{{имя}}"), QStringLiteral("variable:имя")};
    QTest::newRow("plural") << QStringLiteral("{{n|plural:товар,товара,товаров}}")
                            << QStringList{QStringLiteral("tag:{{n|plural:товар,товара,товаров}}"),
                                           QStringLiteral("variable:n"), QStringLiteral("filter:plural"),
                                           QStringLiteral("argument:товар,товара,товаров")};
    QTest::newRow("chained filters") << QStringLiteral("{{ имя | default:\"a|b\" | upper }}")
                                     << QStringList{QStringLiteral("tag:{{ имя | default:\"a|b\" | upper }}"),
                                                    QStringLiteral("variable:имя"), QStringLiteral("filter:default"),
                                                    QStringLiteral("argument:\"a|b\" "),
                                                    QStringLiteral("filter:upper")};
    QTest::newRow("section") << QStringLiteral("{{#if coupon}}x{{else}}y{{/if}}")
                             << QStringList{QStringLiteral("tag:{{#if coupon}}"), QStringLiteral("section:#if"),
                                            QStringLiteral("variable:coupon"),    QStringLiteral("tag:{{else}}"),
                                            QStringLiteral("section:else"),       QStringLiteral("tag:{{/if}}"),
                                            QStringLiteral("section:/if")};
    QTest::newRow("comment") << QStringLiteral("{{! заметка }}")
                             << QStringList{QStringLiteral("tag:{{! заметка }}"), QStringLiteral("comment:! заметка ")};
    QTest::newRow("escaped braces") << QStringLiteral("\\{{имя}}") << QStringList();
    QTest::newRow("triple braces") << QStringLiteral("{{{имя}}}")
                                   << QStringList{QStringLiteral("tag:{{{имя}}}"), QStringLiteral("variable:имя")};
    QTest::newRow("unclosed") << QStringLiteral("a {{имя")
                              << QStringList{QStringLiteral("tag:{{имя"), QStringLiteral("variable:имя")};
}

void TemplateSyntaxTest::tokenizes()
{
    QFETCH(QString, line);
    QFETCH(QStringList, expected);
    QCOMPARE(tokens(line), expected);
}

void TemplateSyntaxTest::findsVariables()
{
    QCOMPARE(TemplateSyntax::variablesIn(QStringLiteral("{{имя}}, {{товар.название|upper}}\n{{#if coupon}}{{coupon}}"
                                                        "{{/if}} {{имя}} {{count|plural:a,b}}")),
             (QStringList{QStringLiteral("имя"), QStringLiteral("товар.название"), QStringLiteral("coupon"),
                          QStringLiteral("count")}));
    QVERIFY(TemplateSyntax::variablesIn(QStringLiteral("no tags, \\{{literal}}")).isEmpty());
}

void TemplateSyntaxTest::findsCompletionStart_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("position");
    QTest::addColumn<int>("start");
    QTest::newRow("just opened") << QStringLiteral("Привет, {{") << 10 << 10;
    QTest::newRow("typing a name") << QStringLiteral("Привет, {{им") << 12 << 10;
    QTest::newRow("after #if") << QStringLiteral("{{#if co") << 8 << 6;
    QTest::newRow("spaces") << QStringLiteral("{{ им") << 5 << 3;
    QTest::newRow("closed tag") << QStringLiteral("{{имя}} x") << 9 << -1;
    QTest::newRow("in a filter") << QStringLiteral("{{имя|up") << 8 << -1;
    QTest::newRow("no tag") << QStringLiteral("hello") << 5 << -1;
    QTest::newRow("escaped") << QStringLiteral("\\{{им") << 5 << -1;
}

void TemplateSyntaxTest::findsCompletionStart()
{
    QFETCH(QString, line);
    QFETCH(int, position);
    QFETCH(int, start);
    QCOMPARE(TemplateSyntax::completionStart(line, position), start);
}

void TemplateSyntaxTest::mapsColumnsToOffsets()
{
    QCOMPARE(TemplateSyntax::offsetOfColumn(QStringLiteral("Привет, {{#if"), 9), 8);
    // A character outside the BMP is one column but two UTF-16 units.
    const QString emoji = QString::fromUtf8("\xF0\x9F\x9B\x92 {{x");
    QCOMPARE(TemplateSyntax::offsetOfColumn(emoji, 3), 3);
    QCOMPARE(TemplateSyntax::offsetOfColumn(QStringLiteral("ab"), 10), 2);
}

QTEST_GUILESS_MAIN(TemplateSyntaxTest)
#include "TemplateSyntaxTest.moc"
