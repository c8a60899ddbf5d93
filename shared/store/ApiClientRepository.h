#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QSqlQuery;

namespace vestnik {

class Clock;
class Database;

/// A service that authenticates with the client-credentials grant, without its secret.
struct ApiClientRecord {
    QString id;
    QString name;
    QStringList scopes;
    qint64 createdAtMs = 0;
    std::optional<qint64> disabledAtMs;

    bool isDisabled() const { return disabledAtMs.has_value(); }
};

/// The OAuth2 service clients. The secret is kept only as a hash, which only credentials() reads back.
class ApiClientRepository final
{
public:
    /// A client with the hash of its secret, for authentication only.
    struct Credentials {
        ApiClientRecord client;
        QByteArray secretHash;
    };

    ApiClientRepository(const Database &database, const Clock &clock);

    /// Creates the client (its creation time is now); Conflict when the id is taken.
    Result<void> create(const ApiClientRecord &client, const QByteArray &secretHash) const;
    /// The client, or nothing.
    Result<std::optional<ApiClientRecord>> find(const QString &id) const;
    /// The client with its secret hash, or nothing.
    Result<std::optional<Credentials>> credentials(const QString &id) const;
    /// All clients, by name then id.
    Result<QList<ApiClientRecord>> list() const;
    /// Disables the client for good; false when it already was, NotFound for an unknown id.
    Result<bool> disable(const QString &id) const;

private:
    static ApiClientRecord clientFrom(const QSqlQuery &query);

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
