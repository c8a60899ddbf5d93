#include "store/SealRotation.h"

#include "model/Provider.h"
#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Database.h"
#include "store/DeviceRepository.h"
#include "store/SigningKeyRepository.h"

#include <QList>
#include <QStringList>
#include <QVariantList>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>

namespace vestnik {

namespace {

/// One sealed value as read, with what is needed to open it and to write it back.
struct SealedValue {
    QVariantList key; ///< the row's primary key, in the table's order
    QString row;      ///< names the row in messages (ids only, never the value)
    QByteArray context;
    QByteArray sealed;
    bool isKeyIdColumnStale = false; ///< the row's key_id column names another key than its value's header
};

/// A table with a sealed column, read in key order.
class SealedTable
{
public:
    virtual ~SealedTable() = default;
    virtual QString name() const = 0;
    /// Up to `limit` values after the row with key `after` (empty: from the first).
    virtual Result<QList<SealedValue>> batch(const Database &database, const QVariantList &after, int limit) const = 0;
    /// Writes `sealed` over `value` unless the row changed since it was read; returns whether it wrote.
    virtual Result<bool> replace(const Database &database, const SealedValue &value, const QByteArray &sealed,
                                 const QString &keyId) const = 0;
};

class DeviceTokens final : public SealedTable
{
public:
    QString name() const override { return QStringLiteral("device tokens"); }

    Result<QList<SealedValue>> batch(const Database &database, const QVariantList &after, int limit) const override
    {
        const QString what = QStringLiteral("cannot read sealed device tokens");
        Result<QSqlQuery> q =
            after.isEmpty()
                ? database.run(QStringLiteral("SELECT id, app_id, token_sealed FROM devices ORDER BY id LIMIT ?"),
                               {limit}, what)
                : database.run(
                    QStringLiteral("SELECT id, app_id, token_sealed FROM devices WHERE id > ? ORDER BY id LIMIT ?"),
                    {after.constFirst(), limit}, what);
        if (!q)
            return q.error();
        QList<SealedValue> values;
        while (q->next()) {
            const qint64 id = q->value(0).toLongLong();
            const QString appId = q->value(1).toString();
            values.append(SealedValue{{id},
                                      QStringLiteral("device %1 (app %2)").arg(id).arg(appId),
                                      DeviceRepository::tokenContext(appId),
                                      q->value(2).toByteArray(),
                                      false});
        }
        return values;
    }

    Result<bool> replace(const Database &database, const SealedValue &value, const QByteArray &sealed,
                         const QString &) const override
    {
        Result<QSqlQuery> q =
            database.run(QStringLiteral("UPDATE devices SET token_sealed = ? WHERE id = ? AND token_sealed = ?"),
                         {sealed, value.key.constFirst(), value.sealed},
                         QStringLiteral("cannot re-seal the token of %1").arg(value.row));
        if (!q)
            return q.error();
        return q->numRowsAffected() > 0;
    }
};

class ProviderCredentials final : public SealedTable
{
public:
    QString name() const override { return QStringLiteral("provider credentials"); }

    Result<QList<SealedValue>> batch(const Database &database, const QVariantList &after, int limit) const override
    {
        const QString columns = QStringLiteral("SELECT app_id, provider, sealed, key_id FROM provider_credentials");
        const QString order = QStringLiteral(" ORDER BY app_id, provider LIMIT ?");
        const QString what = QStringLiteral("cannot read sealed provider credentials");
        Result<QSqlQuery> q =
            after.isEmpty()
                ? database.run(columns + order, {limit}, what)
                : database.run(columns + QStringLiteral(" WHERE app_id > ? OR (app_id = ? AND provider > ?)") + order,
                               {after.at(0), after.at(0), after.at(1), limit}, what);
        if (!q)
            return q.error();
        QList<SealedValue> values;
        while (q->next()) {
            SealedValue value;
            const QString app = q->value(0).toString();
            const QString providerText = q->value(1).toString();
            value.key = {app, providerText};
            value.row = QStringLiteral("the %1 credential of app %2").arg(providerText, app);
            // An unknown provider gets no context: its value then opens with no key and is reported.
            if (const std::optional<Provider> known = providerFromName(providerText))
                value.context = AppRepository::credentialContext(app, *known);
            value.sealed = q->value(2).toByteArray();
            value.isKeyIdColumnStale = q->value(3).toString() != Sealer::keyIdOf(value.sealed);
            values.append(value);
        }
        return values;
    }

    Result<bool> replace(const Database &database, const SealedValue &value, const QByteArray &sealed,
                         const QString &keyId) const override
    {
        Result<QSqlQuery> q = database.run(QStringLiteral("UPDATE provider_credentials SET sealed = ?, key_id = ?"
                                                          " WHERE app_id = ? AND provider = ? AND sealed = ?"),
                                           {sealed, keyId, value.key.at(0), value.key.at(1), value.sealed},
                                           QStringLiteral("cannot re-seal %1").arg(value.row));
        if (!q)
            return q.error();
        return q->numRowsAffected() > 0;
    }
};

class SigningKeys final : public SealedTable
{
public:
    QString name() const override { return QStringLiteral("token signing keys"); }

    Result<QList<SealedValue>> batch(const Database &database, const QVariantList &after, int limit) const override
    {
        const QString what = QStringLiteral("cannot read sealed signing keys");
        Result<QSqlQuery> q =
            after.isEmpty() ? database.run(
                QStringLiteral("SELECT kid, private_key_sealed, seal_key_id FROM signing_keys ORDER BY kid LIMIT ?"),
                {limit}, what)
                            : database.run(
                                QStringLiteral("SELECT kid, private_key_sealed, seal_key_id FROM signing_keys"
                                               " WHERE kid > ? ORDER BY kid LIMIT ?"),
                                {after.constFirst(), limit}, what);
        if (!q)
            return q.error();
        QList<SealedValue> values;
        while (q->next()) {
            const QString kid = q->value(0).toString();
            const QByteArray sealed = q->value(1).toByteArray();
            values.append(SealedValue{{kid},
                                      QStringLiteral("signing key %1").arg(kid),
                                      SigningKeyRepository::keyContext(kid),
                                      sealed,
                                      q->value(2).toString() != Sealer::keyIdOf(sealed)});
        }
        return values;
    }

    Result<bool> replace(const Database &database, const SealedValue &value, const QByteArray &sealed,
                         const QString &keyId) const override
    {
        Result<QSqlQuery> q = database.run(
            QStringLiteral("UPDATE signing_keys SET private_key_sealed = ?, seal_key_id = ?"
                           " WHERE kid = ? AND private_key_sealed = ?"),
            {sealed, keyId, value.key.constFirst(), value.sealed}, QStringLiteral("cannot re-seal %1").arg(value.row));
        if (!q)
            return q.error();
        return q->numRowsAffected() > 0;
    }
};

bool needsResealing(const SealedValue &value, const QString &currentKeyId)
{
    return Sealer::keyIdOf(value.sealed) != currentKeyId || value.isKeyIdColumnStale;
}

QString keysLoaded(const Sealer &sealer)
{
    const QStringList retired = sealer.retiredKeyIds();
    return QStringLiteral("current key %1, retired keys: %2")
        .arg(sealer.keyId(), retired.isEmpty() ? QStringLiteral("none") : retired.join(QStringLiteral(", ")));
}

const DeviceTokens kDeviceTokens;
const ProviderCredentials kProviderCredentials;
const SigningKeys kSigningKeys;

/// The tables with sealed values, each with the counts of a report it adds to.
std::array<std::pair<const SealedTable *, SealRotation::Counts *>, 3> tablesOf(SealRotation::Report &report)
{
    return {{{&kDeviceTokens, &report.devices},
             {&kProviderCredentials, &report.credentials},
             {&kSigningKeys, &report.signingKeys}}};
}

using BatchHandler = std::function<Result<void>(const QList<SealedValue> &)>;

/// Hands `table` to `handle` in batches of `batchSize`, in key order. With `write`, each batch runs in a write
/// transaction, committed after `handle` succeeded; `committed` hears of each commit.
Result<void> eachBatch(const Database &database, const SealedTable &table, int batchSize, bool write,
                       const BatchHandler &handle, const std::function<void()> &committed = {})
{
    QVariantList cursor;
    for (;;) {
        std::optional<WriteTransaction> tx;
        if (write) {
            tx.emplace(database);
            if (!tx->isActive())
                return tx->error();
        }
        Result<QList<SealedValue>> batch = table.batch(database, cursor, batchSize);
        if (!batch)
            return batch.error();
        if (Result<void> handled = handle(*batch); !handled)
            return handled;
        if (tx) {
            if (Result<void> done = tx->commit(); !done)
                return done;
            if (committed && !batch->isEmpty())
                committed();
        }
        if (batch->size() < batchSize)
            return {};
        cursor = batch->constLast().key;
    }
}

} // namespace

SealRotation::SealRotation(const Database &database, const Sealer &sealer, Settings settings)
    : m_database(database), m_sealer(sealer), m_settings(settings)
{
    m_settings.batchSize = std::max(1, m_settings.batchSize);
}

Result<SealRotation::Report> SealRotation::check() const
{
    Report report;
    QStringList problems;
    qint64 unopened = 0;
    const QString current = m_sealer.keyId();
    for (const auto &[table, counts] : tablesOf(report)) {
        Counts &total = *counts;
        const auto inspect = [&](const QList<SealedValue> &batch) -> Result<void> {
            for (const SealedValue &value : batch) {
                if (!needsResealing(value, current)) {
                    ++total.current;
                    continue;
                }
                Result<QByteArray> opened = m_sealer.open(value.sealed, value.context);
                if (opened)
                    ++total.resealed;
                else if (++unopened <= m_settings.listedProblems)
                    problems.append(value.row + QStringLiteral(": ") + opened.error().message);
            }
            return {};
        };
        if (Result<void> read = eachBatch(m_database, *table, m_settings.batchSize, false, inspect); !read)
            return read.error();
    }
    if (unopened > 0) {
        if (unopened > problems.size())
            problems.append(QStringLiteral("... and %1 more").arg(unopened - problems.size()));
        return makeError(ErrorCode::Crypto,
                         QStringLiteral("%1 sealed values open with none of the loaded keys (%2); nothing was "
                                        "changed. Add the keys they were sealed with to security.retired_seal_keys "
                                        "or security.retired_seal_key_files:\n  %3")
                             .arg(unopened)
                             .arg(keysLoaded(m_sealer), problems.join(QStringLiteral("\n  "))));
    }
    return report;
}

Result<SealRotation::Report> SealRotation::run(const Progress &progress) const
{
    if (Result<Report> checked = check(); !checked)
        return checked.error();
    Report report;
    const QString current = m_sealer.keyId();
    for (const auto &[table, counts] : tablesOf(report)) {
        const SealedTable &t = *table;
        Counts &total = *counts;
        Counts batchCounts;
        const auto reseal = [&](const QList<SealedValue> &batch) -> Result<void> {
            batchCounts = Counts();
            for (const SealedValue &value : batch) {
                if (!needsResealing(value, current)) {
                    ++batchCounts.current;
                    continue;
                }
                // Checked above; a value written since then by a worker with another key ends the run here, with
                // this batch rolled back and the ones before it kept.
                Result<QByteArray> opened = m_sealer.open(value.sealed, value.context);
                if (!opened)
                    return makeError(opened.error().code,
                                     QStringLiteral("%1: %2 (%3 %4 re-sealed before it, none of its batch)")
                                         .arg(value.row, opened.error().message)
                                         .arg(total.resealed)
                                         .arg(t.name()));
                Result<QByteArray> sealed = m_sealer.seal(*opened, value.context);
                if (!sealed)
                    return sealed.error();
                Result<bool> replaced = t.replace(m_database, value, *sealed, current);
                if (!replaced)
                    return replaced.error();
                ++(*replaced ? batchCounts.resealed : batchCounts.changedMeanwhile);
            }
            return {};
        };
        const auto count = [&] {
            total.resealed += batchCounts.resealed;
            total.current += batchCounts.current;
            total.changedMeanwhile += batchCounts.changedMeanwhile;
            if (progress)
                progress(report);
        };
        if (Result<void> rewritten = eachBatch(m_database, t, m_settings.batchSize, true, reseal, count); !rewritten)
            return rewritten.error();
    }
    return report;
}

} // namespace vestnik
