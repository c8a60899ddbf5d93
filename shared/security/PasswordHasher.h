#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <atomic>

namespace vestnik {

/// Hashes console passwords with scrypt, a memory-hard KDF, into a self-describing string
/// `$scrypt$ln=16,r=8,p=1$<salt>$<hash>` (standard base64 without padding, as in the PHC string format), so
/// a hash keeps verifying after the parameters change and needsRehash() tells when to upgrade it.
/// scrypt rather than Argon2id: Debian 12 ships OpenSSL 3.0, whose EVP_KDF has SCRYPT but no Argon2 (3.2+),
/// and no other dependency is needed for it. Thread-safe.
class PasswordHasher final
{
public:
    /// scrypt's cost: N = 2^costLog2 blocks of 128 * blockSize bytes (memory = 128 * r * N).
    struct Parameters {
        int costLog2 = 16;   ///< ln: 2^16 with r = 8 is 64 MiB and about 0.1-0.3 s per hash
        int blockSize = 8;   ///< r
        int parallelism = 1; ///< p

        /// The memory one derivation needs, in bytes.
        qint64 memoryBytes() const;
        /// Why these parameters are unusable (too small, or beyond the 1 GiB / p <= 16 bounds), or empty.
        QString problem() const;
        bool operator==(const Parameters &other) const = default;
    };

    /// A hasher with the production parameters.
    PasswordHasher();
    /// A hasher with other parameters (tests use small ones); unusable parameters make hash() fail.
    explicit PasswordHasher(const Parameters &parameters);

    const Parameters &parameters() const { return m_parameters; }

    /// The encoded hash of `password` (NFC-normalised, UTF-8) with a fresh random 16-byte salt.
    Result<QString> hash(const QString &password) const;
    /// Whether `password` matches `encoded` (compared in constant time). An encoding that is malformed, names
    /// another algorithm or out-of-bounds parameters (a tampered row must not make us allocate gigabytes) is an
    /// InvalidArgument error, not a mismatch.
    Result<bool> verify(const QString &password, const QString &encoded) const;
    /// Whether `encoded` was made with other parameters than this hasher's (or does not parse) and should be
    /// replaced by a new hash at the next successful login.
    bool needsRehash(const QString &encoded) const;
    /// The parameters an encoded hash names.
    static Result<Parameters> parametersOf(const QString &encoded);

    /// How many derivations this hasher ran (hash() and verify() each run one): a seam for tests that prove
    /// every login attempt costs the same work.
    quint64 derivations() const { return m_derivations.load(); }

private:
    Result<QByteArray> derive(const QString &password, const QByteArray &salt, const Parameters &parameters,
                              int length) const;

    Parameters m_parameters;
    mutable std::atomic<quint64> m_derivations{0};
};

} // namespace vestnik
