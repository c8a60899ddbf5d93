#include "security/JwtKeySet.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik {

Result<JwtKeySet> JwtKeySet::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()
        || !document.object().value(QStringLiteral("keys")).isArray())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a JWK Set must be a JSON object with a \"keys\" array"));
    JwtKeySet set;
    const QJsonArray keys = document.object().value(QStringLiteral("keys")).toArray();
    for (const QJsonValue &value : keys) {
        const QJsonObject jwk = value.toObject();
        const QString use = jwk.value(QStringLiteral("use")).toString();
        if (!use.isEmpty() && use != QStringLiteral("sig"))
            continue;
        Result<JwtKey> key = JwtKey::fromJwk(jwk);
        if (!key)
            continue;
        set.add(*key);
    }
    if (set.m_keys.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the JWK Set holds no usable ES256 or RS256 key"));
    if (set.m_keys.size() > 1) {
        for (const JwtKey &key : std::as_const(set.m_keys)) {
            if (key.keyId().isEmpty())
                return makeError(ErrorCode::InvalidArgument,
                                 QStringLiteral("a JWK Set with several keys needs a kid on each of them"));
        }
    }
    return set;
}

void JwtKeySet::add(const JwtKey &key)
{
    const JwtKey pub = key.publicKey();
    for (JwtKey &existing : m_keys) {
        if (existing.keyId() == pub.keyId()) {
            existing = pub;
            return;
        }
    }
    m_keys.append(pub);
}

const JwtKey *JwtKeySet::find(const QString &keyId) const
{
    if (keyId.isEmpty())
        return m_keys.size() == 1 ? &m_keys.constFirst() : nullptr;
    for (const JwtKey &key : m_keys) {
        if (key.keyId() == keyId)
            return &key;
    }
    return nullptr;
}

QJsonObject JwtKeySet::toJson() const
{
    QJsonArray keys;
    for (const JwtKey &key : m_keys)
        keys.append(key.toJwk());
    return QJsonObject{{QStringLiteral("keys"), keys}};
}

} // namespace vestnik
