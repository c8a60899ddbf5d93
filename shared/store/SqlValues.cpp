#include "store/SqlValues.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace vestnik::sqlvalues {

QVariant nullable(std::optional<qint64> value)
{
    return value ? QVariant(qlonglong(*value)) : QVariant(QMetaType::fromType<qlonglong>());
}

QVariant nullable(std::optional<int> value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<int>());
}

QVariant text(const QString &text)
{
    return text.isNull() ? QVariant(QStringLiteral("")) : QVariant(text);
}

QVariant nullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

std::optional<qint64> optionalInt64(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

std::optional<int> optionalInt(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toInt();
}

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Result<QJsonObject> jsonObject(const QVariant &value, const QString &what)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(value.toString().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorCode::Database,
                         QStringLiteral("%1 holds no JSON object: %2").arg(what, error.errorString()));
    return document.object();
}

QString placeholderRow(int columns)
{
    QString row = QStringLiteral("(");
    for (int i = 0; i < columns; ++i)
        row += i == 0 ? QStringLiteral("?") : QStringLiteral(", ?");
    row += QLatin1Char(')');
    return row;
}

namespace {

/// "{a,b}" with `element` appending each value.
template<typename Value, typename Append>
QString arrayLiteral(const QList<Value> &values, Append element)
{
    QString literal = QStringLiteral("{");
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            literal += QLatin1Char(',');
        element(literal, values.at(i));
    }
    literal += QLatin1Char('}');
    return literal;
}

} // namespace

QString textArray(const QStringList &values)
{
    return arrayLiteral(values, [](QString &literal, const QString &value) {
        if (value.isNull()) {
            literal += QStringLiteral("NULL");
            return;
        }
        // Quoted, so that nothing in the value (commas, braces, spaces, the word NULL) is read as syntax; inside
        // the quotes only the quote and the backslash are escaped.
        literal += QLatin1Char('"');
        for (const QChar c : value) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                literal += QLatin1Char('\\');
            literal += c;
        }
        literal += QLatin1Char('"');
    });
}

QString bigintArray(const QList<qint64> &values)
{
    return arrayLiteral(values, [](QString &literal, qint64 value) { literal += QString::number(value); });
}

QString bigintArray(const QList<std::optional<qint64>> &values)
{
    return arrayLiteral(values, [](QString &literal, const std::optional<qint64> &value) {
        literal += value ? QString::number(*value) : QStringLiteral("NULL");
    });
}

QString placeholderRows(qsizetype rows, int columns)
{
    const QString row = placeholderRow(columns);
    QString all;
    all.reserve(rows * (row.size() + 2));
    for (qsizetype i = 0; i < rows; ++i) {
        if (i > 0)
            all += QStringLiteral(", ");
        all += row;
    }
    return all;
}

QString qualified(const QString &columns, const QString &alias)
{
    QStringList names = columns.split(QLatin1Char(','));
    for (QString &name : names)
        name = alias + QLatin1Char('.') + name.trimmed();
    return names.join(QStringLiteral(", "));
}

} // namespace vestnik::sqlvalues
