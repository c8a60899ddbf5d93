#include "store/AppRepository.h"

#include "security/Sealer.h"
#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

App appFrom(const QSqlQuery &q)
{
    return App{q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()};
}

} // namespace

QByteArray AppRepository::credentialContext(const QString &appId, Provider provider)
{
    return (QStringLiteral("provider_credentials:") + appId + QLatin1Char(':') + providerName(provider)).toUtf8();
}

AppRepository::AppRepository(const Database &database, const Clock &clock, const Sealer &sealer)
    : m_database(database), m_clock(clock), m_sealer(sealer)
{}

Result<void> AppRepository::upsert(const App &app) const
{
    if (app.id.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("an app needs an id"));
    Result<QSqlQuery> q = m_database.run(QStringLiteral("INSERT INTO apps (id, name, created_at) VALUES (?, ?, ?)"
                                                        " ON CONFLICT (id) DO UPDATE SET name = excluded.name"),
                                         {app.id, sqlvalues::text(app.name), m_clock.nowMs()},
                                         QStringLiteral("cannot save app %1").arg(app.id));
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<App>> AppRepository::find(const QString &id) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT id, name, created_at FROM apps WHERE id = ?"), {id},
                                         QStringLiteral("cannot read app %1").arg(id));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<App>();
    return std::optional<App>(appFrom(*q));
}

Result<QList<App>> AppRepository::list() const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT id, name, created_at FROM apps ORDER BY id"), {},
                                         QStringLiteral("cannot list apps"));
    if (!q)
        return q.error();
    QList<App> apps;
    while (q->next())
        apps.append(appFrom(*q));
    return apps;
}

Result<void> AppRepository::setCredential(const QString &appId, Provider provider, const QByteArray &secret) const
{
    const QString what = QStringLiteral("cannot store the %1 credential of app %2").arg(providerName(provider), appId);
    if (secret.isEmpty())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": the secret is empty"));
    Result<std::optional<App>> app = find(appId);
    if (!app)
        return app.error();
    if (!app->has_value())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such app"));
    Result<QByteArray> sealed = m_sealer.seal(secret, credentialContext(appId, provider));
    if (!sealed)
        return makeError(sealed.error().code, what + QStringLiteral(": ") + sealed.error().message);
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("INSERT INTO provider_credentials (app_id, provider, sealed, key_id, updated_at)"
                                      " VALUES (?, ?, ?, ?, ?)"
                                      " ON CONFLICT (app_id, provider) DO UPDATE SET sealed = excluded.sealed,"
                                      " key_id = excluded.key_id, updated_at = excluded.updated_at"),
                       {appId, providerName(provider), *sealed, m_sealer.keyId(), m_clock.nowMs()}, what);
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<ProviderCredential>> AppRepository::credential(const QString &appId, Provider provider) const
{
    const QString what = QStringLiteral("cannot read the %1 credential of app %2").arg(providerName(provider), appId);
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT sealed, key_id, updated_at FROM provider_credentials"
                                                        " WHERE app_id = ? AND provider = ?"),
                                         {appId, providerName(provider)}, what);
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ProviderCredential>();
    Result<QByteArray> secret = m_sealer.open(q->value(0).toByteArray(), credentialContext(appId, provider));
    if (!secret)
        return makeError(secret.error().code, what + QStringLiteral(": ") + secret.error().message);
    return std::optional<ProviderCredential>(
        ProviderCredential{appId, provider, *secret, q->value(1).toString(), q->value(2).toLongLong()});
}

Result<std::optional<qint64>> AppRepository::credentialUpdatedAt(const QString &appId, Provider provider) const
{
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("SELECT updated_at FROM provider_credentials WHERE app_id = ? AND provider = ?"),
        {appId, providerName(provider)},
        QStringLiteral("cannot read when the %1 credential of app %2 changed").arg(providerName(provider), appId));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<qint64>();
    return std::optional<qint64>(q->value(0).toLongLong());
}

} // namespace vestnik
