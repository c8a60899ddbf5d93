#include "security/Jwt.h"

#include "security/JwtKey.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace vestnik {

namespace {

Error malformed(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("malformed JWT: ") + what);
}

bool isBase64UrlCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Result<QJsonObject> decodeObject(QByteArrayView part, const QString &what)
{
    Result<QByteArray> json = base64UrlDecode(part);
    if (!json)
        return malformed(what + QStringLiteral(" is not base64url"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return malformed(what + QStringLiteral(" is not a JSON object"));
    return document.object();
}

} // namespace

QByteArray base64UrlEncode(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<QByteArray> base64UrlDecode(QByteArrayView text)
{
    qsizetype end = text.size();
    while (end > 0 && text[end - 1] == '=')
        --end;
    for (qsizetype i = 0; i < end; ++i) {
        if (!isBase64UrlCharacter(text[i]))
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("not base64url"));
    }
    if (end % 4 == 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("not base64url (bad length)"));
    return QByteArray::fromBase64(text.first(end).toByteArray(), QByteArray::Base64UrlEncoding);
}

Result<Jwt> Jwt::parse(const QByteArray &compact)
{
    const qsizetype firstDot = compact.indexOf('.');
    const qsizetype secondDot = firstDot < 0 ? -1 : compact.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot < 0 || compact.indexOf('.', secondDot + 1) >= 0)
        return malformed(QStringLiteral("expected three dot-separated parts"));
    const QByteArrayView view(compact);
    Result<QJsonObject> header = decodeObject(view.first(firstDot), QStringLiteral("the header"));
    if (!header)
        return header.error();
    Result<QJsonObject> claims =
        decodeObject(view.sliced(firstDot + 1, secondDot - firstDot - 1), QStringLiteral("the claims"));
    if (!claims)
        return claims.error();
    Result<QByteArray> signature = base64UrlDecode(view.sliced(secondDot + 1));
    if (!signature)
        return malformed(QStringLiteral("the signature is not base64url"));
    Jwt jwt;
    jwt.m_header = std::move(*header);
    jwt.m_claims = std::move(*claims);
    jwt.m_signingInput = compact.left(secondDot);
    jwt.m_signature = std::move(*signature);
    return jwt;
}

Result<QByteArray> Jwt::sign(const QJsonObject &claims, const JwtKey &key, const QJsonObject &extraHeader)
{
    if (key.isNull())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no key to sign the JWT with"));
    QJsonObject header{{QStringLiteral("alg"), jwtAlgorithmName(key.algorithm())},
                       {QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (!key.keyId().isEmpty())
        header.insert(QStringLiteral("kid"), key.keyId());
    for (auto it = extraHeader.begin(); it != extraHeader.end(); ++it) {
        if (it.key() == QStringLiteral("alg"))
            continue;
        if (it.value().isNull())
            header.remove(it.key());
        else
            header.insert(it.key(), it.value());
    }
    const QByteArray input = base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
                             + base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    Result<QByteArray> signature = key.sign(input);
    if (!signature)
        return signature.error();
    return QByteArray(input + '.' + base64UrlEncode(*signature));
}

QString Jwt::algorithmName() const
{
    return m_header.value(QStringLiteral("alg")).toString();
}

QString Jwt::keyId() const
{
    return m_header.value(QStringLiteral("kid")).toString();
}

QString Jwt::stringClaim(const QString &name) const
{
    return m_claims.value(name).toString();
}

std::optional<qint64> Jwt::integerClaim(const QString &name) const
{
    const QJsonValue value = m_claims.value(name);
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || std::abs(number) > 9.0e15)
        return std::nullopt;
    return qint64(std::floor(number));
}

QStringList Jwt::audiences() const
{
    const QJsonValue value = m_claims.value(QStringLiteral("aud"));
    if (value.isString())
        return {value.toString()};
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            list << item.toString();
    }
    return list;
}

QStringList Jwt::scopes() const
{
    return stringClaim(QStringLiteral("scope")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace vestnik
