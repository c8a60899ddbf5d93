#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

struct evp_pkey_st;

namespace vestnik {

/// The JWS algorithms Vestnik signs and verifies with. Never `none`, never HMAC: a key is pinned to exactly
/// one of these when it is loaded, and a token whose header names another algorithm is refused.
enum class JwtAlgorithm {
    ES256, ///< ECDSA P-256 + SHA-256, signature raw r||s (64 bytes)
    RS256, ///< RSASSA-PKCS1-v1_5 + SHA-256
};

/// "ES256" / "RS256".
QString jwtAlgorithmName(JwtAlgorithm algorithm);
/// The algorithm a JOSE header names, if it is one of ours.
std::optional<JwtAlgorithm> jwtAlgorithmFromName(QStringView name);

/// An asymmetric key pinned to one JWS algorithm: loaded from PEM (private PKCS#8 / SEC1 / PKCS#1, public
/// SPKI, or an X.509 certificate), from a JWK, or freshly generated. Cheap to copy (the key is shared).
class JwtKey final
{
public:
    JwtKey();
    ~JwtKey();
    JwtKey(const JwtKey &other);
    JwtKey &operator=(const JwtKey &other);
    JwtKey(JwtKey &&other) noexcept;
    JwtKey &operator=(JwtKey &&other) noexcept;

    /// A new random key: EC P-256 for ES256, RSA 2048 for RS256.
    static Result<JwtKey> generate(JwtAlgorithm algorithm);
    /// Parses PEM text; fails when the key's type does not fit `algorithm` (EC P-256 for ES256, RSA of at
    /// least 2048 bits for RS256).
    static Result<JwtKey> fromPem(const QByteArray &pem, JwtAlgorithm algorithm);
    static Result<JwtKey> fromPemFile(const QString &path, JwtAlgorithm algorithm);
    /// A public key from a JWK (RFC 7517): EC P-256 (`x`, `y`) or RSA (`n`, `e`). The algorithm comes from
    /// `alg` when present, else from the key type; `kid` becomes keyId().
    static Result<JwtKey> fromJwk(const QJsonObject &jwk);

    bool isNull() const { return !m_key; }
    bool hasPrivateKey() const { return m_hasPrivate; }
    JwtAlgorithm algorithm() const { return m_algorithm; }

    /// The `kid` this key is known by (empty if none).
    QString keyId() const { return m_keyId; }
    void setKeyId(const QString &keyId) { m_keyId = keyId; }

    /// The same key without its private part.
    JwtKey publicKey() const;
    /// The public key as a JWK with kty, crv/x/y or n/e, alg, use "sig" and kid (when set).
    QJsonObject toJwk() const;
    /// SPKI PEM of the public key.
    QByteArray publicKeyPem() const;
    /// PKCS#8 PEM of the private key (empty without one).
    QByteArray privateKeyPem() const;

    /// The JWS signature over `signingInput` (raw r||s for ES256). Needs the private key.
    Result<QByteArray> sign(const QByteArray &signingInput) const;
    /// Whether `signature` is this key's JWS signature over `signingInput`.
    bool verify(const QByteArray &signingInput, const QByteArray &signature) const;

private:
    JwtKey(std::shared_ptr<evp_pkey_st> key, JwtAlgorithm algorithm, bool hasPrivate);
    static Result<JwtKey> adopt(evp_pkey_st *key, JwtAlgorithm algorithm, bool hasPrivate);

    std::shared_ptr<evp_pkey_st> m_key;
    JwtAlgorithm m_algorithm = JwtAlgorithm::ES256;
    bool m_hasPrivate = false;
    QString m_keyId;
};

} // namespace vestnik
