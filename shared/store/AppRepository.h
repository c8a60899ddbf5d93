#pragma once

#include "model/App.h"
#include "model/ProviderCredential.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace vestnik {

class Clock;
class Database;
class Sealer;

/// Apps and their provider credentials. Credentials are stored sealed, never in the clear.
class AppRepository final
{
public:
    AppRepository(const Database &database, const Clock &clock, const Sealer &sealer);

    /// What a sealed credential is bound to (authenticated, not stored): a value copied to another app or
    /// provider does not open.
    static QByteArray credentialContext(const QString &appId, Provider provider);

    /// Creates the app or renames it; keeps the creation time.
    Result<void> upsert(const App &app) const;
    /// The app, or nothing when there is none.
    Result<std::optional<App>> find(const QString &id) const;
    /// All apps, by id.
    Result<QList<App>> list() const;

    /// Stores (or replaces) the app's secret for a provider, sealed; NotFound for an unknown app.
    Result<void> setCredential(const QString &appId, Provider provider, const QByteArray &secret) const;
    /// The app's opened secret for a provider, or nothing when none is set; a Crypto error when it
    /// does not open (wrong key, tampered or moved value).
    Result<std::optional<ProviderCredential>> credential(const QString &appId, Provider provider) const;
    /// When the app's credential for `provider` was last set (nothing when it has none), without opening it.
    Result<std::optional<qint64>> credentialUpdatedAt(const QString &appId, Provider provider) const;

private:
    const Database &m_database;
    const Clock &m_clock;
    const Sealer &m_sealer;
};

} // namespace vestnik
