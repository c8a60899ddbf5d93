#include "api/BodyFields.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik::bodyfields {

namespace {

Error wrongType(const QString &key, const char *expected)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("'%1' must be %2").arg(key, QLatin1String(expected)));
}

bool isAbsent(const QJsonValue &value)
{
    return value.isUndefined() || value.isNull();
}

} // namespace

Result<std::optional<QString>> string(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (isAbsent(value))
        return std::optional<QString>();
    if (!value.isString())
        return wrongType(key, "a string");
    return std::optional<QString>(value.toString());
}

Result<QString> requiredString(const QJsonObject &body, const QString &key)
{
    Result<std::optional<QString>> value = string(body, key);
    if (!value)
        return value.error();
    if (!value->has_value() || (*value)->trimmed().isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("'%1' is required").arg(key));
    return **value;
}

Result<std::optional<qint64>> integer(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (isAbsent(value))
        return std::optional<qint64>();
    // Whole numbers within 2^53, where a JSON double is exact.
    constexpr double kExact = 9007199254740992.0;
    if (!value.isDouble() || value.toDouble() != double(qint64(value.toDouble())) || value.toDouble() > kExact
        || value.toDouble() < -kExact)
        return wrongType(key, "a whole number");
    return std::optional<qint64>(qint64(value.toDouble()));
}

Result<std::optional<bool>> boolean(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (isAbsent(value))
        return std::optional<bool>();
    if (!value.isBool())
        return wrongType(key, "true or false");
    return std::optional<bool>(value.toBool());
}

Result<std::optional<QJsonObject>> object(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (isAbsent(value))
        return std::optional<QJsonObject>();
    if (!value.isObject())
        return wrongType(key, "an object");
    return std::optional<QJsonObject>(value.toObject());
}

nlohmann::json toNlohmann(const QJsonValue &value)
{
    // Wrapped in an array so that scalars pass through QJsonDocument too.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    const nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    return parsed.is_array() && !parsed.empty() ? parsed.at(0) : nlohmann::json();
}

QJsonValue fromNlohmann(const nlohmann::json &value)
{
    const std::string text = nlohmann::json::array({value}).dump();
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).array().at(0);
}

} // namespace vestnik::bodyfields
