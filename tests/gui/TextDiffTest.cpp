// The line diff the template history shows: the longest common subsequence of lines, removals before the
// additions that replace them, and edge cases (empty texts, identical texts, repeated lines).
#include "templates/TextDiff.h"

#include <QTest>

using namespace vestnik;

namespace {

using Kind = TextDiff::Line::Kind;

/// The diff as "  same", "- removed", "+ added" lines, for readable comparisons.
QStringList rendered(const QList<TextDiff::Line> &lines)
{
    QStringList out;
    for (const TextDiff::Line &line : lines) {
        const QString mark = line.kind == Kind::Same    ? QStringLiteral("  ")
                             : line.kind == Kind::Added ? QStringLiteral("+ ")
                                                        : QStringLiteral("- ");
        out << mark + line.text;
    }
    return out;
}

} // namespace

class TextDiffTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compares_data();
    void compares();
    void countsChanges();
    void keepsEveryLineOfBothTexts();
};

void TextDiffTest::compares_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("identical") << QStringLiteral("a\nb") << QStringLiteral("a\nb")
                               << QStringList{QStringLiteral("  a"), QStringLiteral("  b")};
    QTest::newRow("both empty") << QString() << QString() << QStringList();
    QTest::newRow("from nothing") << QString() << QStringLiteral("title: Привет\nbody: x")
                                  << QStringList{QStringLiteral("+ title: Привет"), QStringLiteral("+ body: x")};
    QTest::newRow("to nothing") << QStringLiteral("a") << QString() << QStringList{QStringLiteral("- a")};
    QTest::newRow("changed line") << QStringLiteral("name: Cart\ntitle: {{имя}}, вы забыли\nbody: ждёт")
                                  << QStringLiteral("name: Cart\ntitle: {{имя}}, корзина ждёт\nbody: ждёт")
                                  << QStringList{QStringLiteral("  name: Cart"),
                                                 QStringLiteral("- title: {{имя}}, вы забыли"),
                                                 QStringLiteral("+ title: {{имя}}, корзина ждёт"),
                                                 QStringLiteral("  body: ждёт")};
    QTest::newRow("insertion in the middle")
        << QStringLiteral("a\nb\nc") << QStringLiteral("a\nb\nx\nc")
        << QStringList{QStringLiteral("  a"), QStringLiteral("  b"), QStringLiteral("+ x"), QStringLiteral("  c")};
    QTest::newRow("removal at the start")
        << QStringLiteral("x\na\nb") << QStringLiteral("a\nb")
        << QStringList{QStringLiteral("- x"), QStringLiteral("  a"), QStringLiteral("  b")};
    // The longest common subsequence (two lines), not the first match (one "b", then nothing in common).
    QTest::newRow("lcs over greedy") << QStringLiteral("b\na\nb") << QStringLiteral("a\nb\nb")
                                     << QStringList{QStringLiteral("- b"), QStringLiteral("  a"), QStringLiteral("+ b"),
                                                    QStringLiteral("  b")};
    QTest::newRow("repeated lines") << QStringLiteral("x\nx\nx") << QStringLiteral("x\nx")
                                    << QStringList{QStringLiteral("  x"), QStringLiteral("  x"), QStringLiteral("- x")};
    QTest::newRow("all different") << QStringLiteral("a\nb") << QStringLiteral("c")
                                   << QStringList{QStringLiteral("- a"), QStringLiteral("- b"), QStringLiteral("+ c")};
}

void TextDiffTest::compares()
{
    QFETCH(QString, before);
    QFETCH(QString, after);
    QFETCH(QStringList, expected);
    QCOMPARE(rendered(TextDiff::compare(before, after)), expected);
}

void TextDiffTest::countsChanges()
{
    const QList<TextDiff::Line> lines =
        TextDiff::compare(QStringLiteral("a\nb\nc\nd"), QStringLiteral("a\nB\nc\nd\ne"));
    QCOMPARE(TextDiff::countOf(lines, Kind::Added), 2);
    QCOMPARE(TextDiff::countOf(lines, Kind::Removed), 1);
    QCOMPARE(TextDiff::countOf(lines, Kind::Same), 3);
}

void TextDiffTest::keepsEveryLineOfBothTexts()
{
    // Whatever the texts, the old text is the same and removed lines, the new one the same and added lines.
    const QStringList before{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("2"),
                             QStringLiteral("1"), QStringLiteral("4"), QStringLiteral("5")};
    const QStringList after{QStringLiteral("2"), QStringLiteral("1"), QStringLiteral("4"),
                            QStringLiteral("3"), QStringLiteral("2"), QStringLiteral("6")};
    QStringList oldText;
    QStringList newText;
    int same = 0;
    for (const TextDiff::Line &line : TextDiff::compare(before, after)) {
        if (line.kind != Kind::Added)
            oldText << line.text;
        if (line.kind != Kind::Removed)
            newText << line.text;
        same += line.kind == Kind::Same ? 1 : 0;
    }
    QCOMPARE(oldText, before);
    QCOMPARE(newText, after);
    QCOMPARE(same, 3); // the longest common subsequence of these is 3 lines long (2 1 4, or 2 3 2)
}

QTEST_GUILESS_MAIN(TextDiffTest)
#include "TextDiffTest.moc"
