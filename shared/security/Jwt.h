#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace vestnik {

class JwtKey;

/// base64url without padding (RFC 7515 section 2).
QByteArray base64UrlEncode(const QByteArray &data);
/// Strict base64url decoding: padding is tolerated, any other character outside the alphabet is an error.
Result<QByteArray> base64UrlDecode(QByteArrayView text);

/// A JWS in compact serialisation carrying JWT claims (RFC 7519). parse() only decodes: trust comes from
/// JwtVerifier or from checking signature() against a key pinned by the caller.
class Jwt final
{
public:
    /// Splits and decodes `header.claims.signature`; fails on anything that is not three base64url parts
    /// with JSON objects in the first two.
    static Result<Jwt> parse(const QByteArray &compact);
    /// Signs `claims` with `key`. The header gets `alg` from the key (its pinned algorithm), `typ` JWT and
    /// `kid` when the key has one; `extraHeader` members are added (and may override `typ`/`kid`, never `alg`).
    static Result<QByteArray> sign(const QJsonObject &claims, const JwtKey &key,
                                   const QJsonObject &extraHeader = QJsonObject());

    const QJsonObject &header() const { return m_header; }
    const QJsonObject &claims() const { return m_claims; }
    /// The header's `alg` and `kid`.
    QString algorithmName() const;
    QString keyId() const;
    /// The bytes the signature covers (`header.claims` as received) and the decoded signature.
    const QByteArray &signingInput() const { return m_signingInput; }
    const QByteArray &signature() const { return m_signature; }

    /// A string claim, or an empty string.
    QString stringClaim(const QString &name) const;
    /// A NumericDate or other integral claim, if present and a number.
    std::optional<qint64> integerClaim(const QString &name) const;
    /// `aud` as a list (a single string becomes a list of one).
    QStringList audiences() const;
    /// `scope` split on spaces.
    QStringList scopes() const;

private:
    QJsonObject m_header;
    QJsonObject m_claims;
    QByteArray m_signingInput;
    QByteArray m_signature;
};

} // namespace vestnik
