#include "store/SigningKeyRepository.h"

#include "security/Sealer.h"
#include "store/Database.h"
#include "store/SqlValues.h"

namespace vestnik {

namespace {

// Any constant unique to Vestnik's key rotation ("VstnkKey").
constexpr qint64 kRotationLockId = 0x5673'746e'6b4b'6579;

} // namespace

QByteArray SigningKeyRepository::keyContext(const QString &keyId)
{
    return (QStringLiteral("signing_keys.private_key:") + keyId).toUtf8();
}

SigningKeyRepository::SigningKeyRepository(const Database &database, const Sealer &sealer)
    : m_database(database), m_sealer(sealer)
{}

Result<void> SigningKeyRepository::insert(const SigningKeyRecord &record) const
{
    const QString keyId = record.key.keyId();
    const QString what = QStringLiteral("cannot store signing key %1").arg(keyId);
    if (keyId.isEmpty() || !record.key.hasPrivateKey())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": it needs a kid and a private key"));
    Result<QByteArray> sealed = m_sealer.seal(record.key.privateKeyPem(), keyContext(keyId));
    if (!sealed)
        return makeError(sealed.error().code, what + QStringLiteral(": ") + sealed.error().message);
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO signing_keys (kid, algorithm, private_key_sealed, seal_key_id, created_at,"
                       " retired_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kid) DO NOTHING RETURNING kid"),
        {keyId, jwtAlgorithmName(record.key.algorithm()), *sealed, m_sealer.keyId(), record.createdAtMs,
         sqlvalues::nullable(record.retiredAtMs)},
        what);
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Conflict, what + QStringLiteral(": the kid is taken"));
    return {};
}

Result<QList<SigningKeyRecord>> SigningKeyRepository::usable(qint64 nowMs) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT kid, algorithm, private_key_sealed, created_at, retired_at FROM signing_keys"
                       " WHERE retired_at IS NULL OR retired_at > ? ORDER BY created_at DESC, kid DESC"),
        {nowMs}, QStringLiteral("cannot read the signing keys"));
    if (!q)
        return q.error();
    QList<SigningKeyRecord> records;
    while (q->next()) {
        const QString keyId = q->value(0).toString();
        const std::optional<JwtAlgorithm> algorithm = jwtAlgorithmFromName(q->value(1).toString());
        if (!algorithm)
            return makeError(
                ErrorCode::Database,
                QStringLiteral("signing key %1 has an unknown algorithm '%2'").arg(keyId, q->value(1).toString()));
        Result<QByteArray> pem = m_sealer.open(q->value(2).toByteArray(), keyContext(keyId));
        if (!pem)
            return makeError(pem.error().code,
                             QStringLiteral("cannot open signing key %1: %2").arg(keyId, pem.error().message));
        Result<JwtKey> key = JwtKey::fromPem(*pem, *algorithm);
        if (!key)
            return makeError(key.error().code,
                             QStringLiteral("signing key %1 does not load: %2").arg(keyId, key.error().message));
        key->setKeyId(keyId);
        records.append(SigningKeyRecord{*key, q->value(3).toLongLong(), sqlvalues::optionalInt64(q->value(4))});
    }
    return records;
}

Result<bool> SigningKeyRepository::retire(const QString &keyId, qint64 retiredAtMs) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL"),
                       {retiredAtMs, keyId}, QStringLiteral("cannot retire signing key %1").arg(keyId));
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

Result<int> SigningKeyRepository::removeRetired(qint64 beforeMs) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("DELETE FROM signing_keys WHERE retired_at < ?"), {beforeMs},
                                         QStringLiteral("cannot remove retired signing keys"));
    if (!q)
        return q.error();
    return std::max(0, q->numRowsAffected());
}

Result<void> SigningKeyRepository::lockForRotation() const
{
    if (m_database.dialect() != Dialect::Postgres)
        return {};
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT pg_advisory_xact_lock(?)"), {kRotationLockId},
                                         QStringLiteral("cannot take the key rotation lock"));
    if (!q)
        return q.error();
    return {};
}

} // namespace vestnik
