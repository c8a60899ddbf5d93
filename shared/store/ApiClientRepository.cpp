#include "store/ApiClientRepository.h"

#include "store/Database.h"
#include "store/SqlValues.h"
#include "util/Clock.h"

namespace vestnik {

namespace {

const QString kColumns = QStringLiteral("id, name, scopes, created_at, disabled_at");

} // namespace

ApiClientRepository::ApiClientRepository(const Database &database, const Clock &clock)
    : m_database(database), m_clock(clock)
{}

ApiClientRecord ApiClientRepository::clientFrom(const QSqlQuery &q)
{
    ApiClientRecord client;
    client.id = q.value(0).toString();
    client.name = q.value(1).toString();
    client.scopes = q.value(2).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    client.createdAtMs = q.value(3).toLongLong();
    client.disabledAtMs = sqlvalues::optionalInt64(q.value(4));
    return client;
}

Result<void> ApiClientRepository::create(const ApiClientRecord &client, const QByteArray &secretHash) const
{
    const QString what = QStringLiteral("cannot create API client %1").arg(client.id);
    if (client.id.isEmpty() || secretHash.isEmpty())
        return makeError(ErrorCode::InvalidArgument, what + QStringLiteral(": it needs an id and a secret hash"));
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("INSERT INTO api_clients (id, name, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT (id) DO NOTHING RETURNING id"),
        {client.id, sqlvalues::text(client.name), secretHash, client.scopes.join(QLatin1Char(' ')), m_clock.nowMs()},
        what);
    if (!q)
        return q.error();
    if (!q->next())
        return makeError(ErrorCode::Conflict, what + QStringLiteral(": the id is taken"));
    return {};
}

Result<std::optional<ApiClientRecord>> ApiClientRepository::find(const QString &id) const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM api_clients WHERE id = ?"), {id},
                       QStringLiteral("cannot read API client %1").arg(id));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<ApiClientRecord>();
    return std::optional<ApiClientRecord>(clientFrom(*q));
}

Result<std::optional<ApiClientRepository::Credentials>> ApiClientRepository::credentials(const QString &id) const
{
    Result<QSqlQuery> q = m_database.run(QStringLiteral("SELECT ") + kColumns
                                             + QStringLiteral(", secret_hash FROM api_clients WHERE id = ?"),
                                         {id}, QStringLiteral("cannot read API client %1").arg(id));
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<Credentials>();
    return std::optional<Credentials>(Credentials{clientFrom(*q), q->value(5).toByteArray()});
}

Result<QList<ApiClientRecord>> ApiClientRepository::list() const
{
    Result<QSqlQuery> q =
        m_database.run(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM api_clients ORDER BY name, id"), {},
                       QStringLiteral("cannot list API clients"));
    if (!q)
        return q.error();
    QList<ApiClientRecord> clients;
    while (q->next())
        clients.append(clientFrom(*q));
    return clients;
}

Result<bool> ApiClientRepository::disable(const QString &id) const
{
    const QString what = QStringLiteral("cannot disable API client %1").arg(id);
    Result<QSqlQuery> q = m_database.run(
        QStringLiteral("UPDATE api_clients SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL RETURNING id"),
        {m_clock.nowMs(), id}, what);
    if (!q)
        return q.error();
    if (q->next())
        return true;
    Result<std::optional<ApiClientRecord>> existing = find(id);
    if (!existing)
        return existing.error();
    if (!existing->has_value())
        return makeError(ErrorCode::NotFound, what + QStringLiteral(": no such client"));
    return false;
}

} // namespace vestnik
