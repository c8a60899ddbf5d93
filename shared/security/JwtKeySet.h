#pragma once

#include "security/JwtKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace vestnik {

/// A JWK Set (RFC 7517 section 5): the public keys of an issuer, found by `kid`. Each key keeps the algorithm
/// it was published with, so a token can never choose another one.
class JwtKeySet final
{
public:
    /// Parses `{"keys":[...]}`. Keys of unsupported types (and `use` other than "sig") are skipped, as RFC 7517
    /// asks; a set with no usable key, or a usable key without `kid` next to others, is an error.
    static Result<JwtKeySet> fromJson(const QByteArray &json);

    /// Adds (or replaces, by kid) a key; only its public part is kept.
    void add(const JwtKey &key);
    /// The key with this kid, or nullptr. With an empty kid, the only key of the set (if there is one).
    const JwtKey *find(const QString &keyId) const;
    const QList<JwtKey> &keys() const { return m_keys; }
    bool isEmpty() const { return m_keys.isEmpty(); }

    QJsonObject toJson() const;

private:
    QList<JwtKey> m_keys;
};

} // namespace vestnik
