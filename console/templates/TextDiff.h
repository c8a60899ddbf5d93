#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace vestnik {

/// A line-based difference between two texts (longest common subsequence of lines), for showing what changed
/// between two versions of a template. Pure: no widgets, so it is tested on its own.
class TextDiff final
{
public:
    /// One line of the difference, in the order a reader goes through both texts.
    struct Line {
        enum class Kind {
            Same,    ///< in both texts
            Removed, ///< only in the older text
            Added,   ///< only in the newer text
        };
        Kind kind = Kind::Same;
        QString text;

        bool operator==(const Line &other) const = default;
    };

    /// The lines of `before` and `after` (split at '\n'); removals come before the additions that replace them.
    static QList<Line> compare(const QString &before, const QString &after);
    static QList<Line> compare(const QStringList &before, const QStringList &after);

    /// Lines added and removed in `lines`.
    static int countOf(const QList<Line> &lines, Line::Kind kind);
};

} // namespace vestnik
