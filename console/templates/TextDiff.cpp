#include "TextDiff.h"

#include <algorithm>
#include <vector>

namespace vestnik {

namespace {

QStringList splitLines(const QString &text)
{
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char('\n'));
}

} // namespace

QList<TextDiff::Line> TextDiff::compare(const QString &before, const QString &after)
{
    return compare(splitLines(before), splitLines(after));
}

QList<TextDiff::Line> TextDiff::compare(const QStringList &before, const QStringList &after)
{
    // Common lines at both ends are taken as they are, so the table covers only the changed middle (templates
    // are short, but a one-line change in a long body should not cost a full table).
    qsizetype head = 0;
    while (head < before.size() && head < after.size() && before.at(head) == after.at(head))
        ++head;
    qsizetype tail = 0;
    while (tail < before.size() - head && tail < after.size() - head
           && before.at(before.size() - 1 - tail) == after.at(after.size() - 1 - tail))
        ++tail;
    const qsizetype n = before.size() - head - tail;
    const qsizetype m = after.size() - head - tail;

    // lcs[i][j]: the longest common subsequence of before[head+i..] and after[head+j..] (the middle parts).
    std::vector<std::vector<int>> lcs(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            lcs[size_t(i)][size_t(j)] = before.at(head + i) == after.at(head + j)
                                            ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                                            : std::max(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
        }
    }

    QList<Line> lines;
    lines.reserve(before.size() + after.size());
    for (qsizetype k = 0; k < head; ++k)
        lines.append({Line::Kind::Same, before.at(k)});
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before.at(head + i) == after.at(head + j)) {
            lines.append({Line::Kind::Same, before.at(head + i)});
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[size_t(i + 1)][size_t(j)] >= lcs[size_t(i)][size_t(j + 1)])) {
            lines.append({Line::Kind::Removed, before.at(head + i)});
            ++i;
        } else {
            lines.append({Line::Kind::Added, after.at(head + j)});
            ++j;
        }
    }
    for (qsizetype k = before.size() - tail; k < before.size(); ++k)
        lines.append({Line::Kind::Same, before.at(k)});
    return lines;
}

int TextDiff::countOf(const QList<Line> &lines, Line::Kind kind)
{
    return int(std::count_if(lines.cbegin(), lines.cend(), [kind](const Line &line) { return line.kind == kind; }));
}

} // namespace vestnik
