#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QString>

#include <nlohmann/json.hpp>
#include <optional>

namespace vestnik::bodyfields {

/// Typed reads of a request body's fields for the endpoint modules: an absent (or null) field is nothing, a field of
/// another type is InvalidArgument naming it ("'name' must be a string"), which ApiResponse::fromError answers with
/// 400 invalid_request.
Result<std::optional<QString>> string(const QJsonObject &body, const QString &key);
/// string(), but absence or an empty text is an error too.
Result<QString> requiredString(const QJsonObject &body, const QString &key);
Result<std::optional<qint64>> integer(const QJsonObject &body, const QString &key);
Result<std::optional<bool>> boolean(const QJsonObject &body, const QString &key);
Result<std::optional<QJsonObject>> object(const QJsonObject &body, const QString &key);

/// The same JSON as nlohmann's value (conditions, template variables).
nlohmann::json toNlohmann(const QJsonValue &value);
/// The same JSON as Qt's value.
QJsonValue fromNlohmann(const nlohmann::json &value);

} // namespace vestnik::bodyfields
