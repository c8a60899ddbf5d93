#pragma once

#include "security/JwtKey.h"
#include "util/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace vestnik {

class Database;
class Sealer;

/// A JWT signing key as stored: the private key (with its kid), when it was made and when it stops verifying.
struct SigningKeyRecord {
    JwtKey key;
    qint64 createdAtMs = 0;
    std::optional<qint64> retiredAtMs; ///< from then on the key no longer verifies

    bool isUsableAt(qint64 nowMs) const { return !retiredAtMs || *retiredAtMs > nowMs; }
};

/// The issuer's JWT signing keys, shared by every worker on the database. Private keys are stored sealed with
/// the kid as context, so a sealed key copied into another row does not open.
class SigningKeyRepository final
{
public:
    SigningKeyRepository(const Database &database, const Sealer &sealer);

    /// The sealing context of a key's private part: authenticated with it, so a key moved to another kid's row
    /// does not open.
    static QByteArray keyContext(const QString &keyId);

    /// Stores a new key (it must have its private part and a kid); Conflict when the kid is taken.
    Result<void> insert(const SigningKeyRecord &record) const;
    /// The keys that still verify at `nowMs`, newest first, opened.
    Result<QList<SigningKeyRecord>> usable(qint64 nowMs) const;
    /// Sets when a key stops verifying, unless it was set before; returns whether this call set it.
    Result<bool> retire(const QString &keyId, qint64 retiredAtMs) const;
    /// Deletes the keys that stopped verifying before `beforeMs`; returns how many.
    Result<int> removeRetired(qint64 beforeMs) const;
    /// Inside the caller's transaction, waits until no other process is rotating keys (PostgreSQL: a transaction
    /// advisory lock; SQLite: nothing to do, WriteTransaction's BEGIN IMMEDIATE already serialises writers).
    Result<void> lockForRotation() const;

private:
    const Database &m_database;
    const Sealer &m_sealer;
};

} // namespace vestnik
