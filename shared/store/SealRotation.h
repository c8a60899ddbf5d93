#pragma once

#include "util/Result.h"

#include <functional>

namespace vestnik {

class Database;
class Sealer;

/// Re-seals what is sealed at rest (device tokens, provider credentials) with the sealer's current key, so
/// a retired key can then be dropped from the configuration. Nothing changes unless every value that needs
/// re-sealing opens with a loaded key. Values are re-sealed in batches, one transaction each; a value that
/// changed between read and write (re-registered meanwhile) is left as it is. Idempotent and resumable:
/// values already on the current key are skipped, so a run stopped halfway is finished by the next one.
/// Workers still sealing with an old key would add old values again: give them the new key first.
class SealRotation final
{
public:
    struct Settings {
        int batchSize = 500;     ///< values read and re-sealed per transaction
        int listedProblems = 20; ///< rows named in the error when values do not open (the rest are counted)
    };

    /// What one table holds or held.
    struct Counts {
        qint64 resealed = 0;         ///< re-sealed with the current key (by check(): would be)
        qint64 current = 0;          ///< already sealed with the current key
        qint64 changedMeanwhile = 0; ///< rewritten by someone else between read and re-seal
    };
    struct Report {
        Counts devices;
        Counts credentials;
        Counts signingKeys; ///< the private keys of the worker's access-token signing keys
    };
    using Progress = std::function<void(const Report &)>;

    SealRotation(const Database &database, const Sealer &sealer, Settings settings);

    /// Reads every sealed value and counts what needs re-sealing, changing nothing; a Crypto error names the
    /// rows (never their values) whose values open with none of the loaded keys.
    Result<Report> check() const;
    /// check(), then re-seals what needs it; `progress` gets the counts after each batch.
    Result<Report> run(const Progress &progress = {}) const;

private:
    const Database &m_database;
    const Sealer &m_sealer;
    Settings m_settings;
};

} // namespace vestnik
