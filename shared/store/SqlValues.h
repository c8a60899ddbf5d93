#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

// Conversions between model values and what both Qt Sql drivers bind and return, so the
// repositories treat NULLs, numbers and JSON the same way for SQLite and PostgreSQL.
namespace vestnik::sqlvalues {

/// A typed NULL for nothing, else the number.
QVariant nullable(std::optional<qint64> value);
/// A typed NULL for nothing, else the number.
QVariant nullable(std::optional<int> value);
/// The text, with a null QString bound as '' (Qt Sql binds a null QString as NULL; NOT NULL text
/// columns take the empty string).
QVariant text(const QString &text);
/// A typed NULL for an empty string (optional text columns hold NULL, never '').
QVariant nullableText(const QString &text);

/// Nothing for NULL, else the number.
std::optional<qint64> optionalInt64(const QVariant &value);
/// Nothing for NULL, else the number.
std::optional<int> optionalInt(const QVariant &value);

/// Compact JSON text of an object (UTF-8 kept as is, no \u escapes).
QString jsonText(const QJsonObject &object);
/// Parses a stored JSON object; `what` names the row for the error.
Result<QJsonObject> jsonObject(const QVariant &value, const QString &what);

/// "(?, ?, ?)" for a row of `columns` placeholders.
QString placeholderRow(int columns);
/// `rows` such rows, comma-separated: the VALUES of a multi-row INSERT.
QString placeholderRows(qsizetype rows, int columns);
/// A comma-separated column list ("id, user_id") with each name qualified by `alias` ("d.id, d.user_id"), for a join.
QString qualified(const QString &columns, const QString &alias);

/// A PostgreSQL array literal of texts ('{"a","b"}'), a null string as a NULL element; bound as one value and cast
/// with CAST(? AS TEXT[]), so that a statement takes any number of rows through unnest() with one fixed text.
QString textArray(const QStringList &values);
/// A PostgreSQL array literal of numbers ('{1,2}'), for CAST(? AS BIGINT[]).
QString bigintArray(const QList<qint64> &values);
/// The same with NULL elements for nothing.
QString bigintArray(const QList<std::optional<qint64>> &values);

} // namespace vestnik::sqlvalues
