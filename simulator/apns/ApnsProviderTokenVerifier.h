#pragma once

#include "apns/ApnsKey.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace vestnik::sim {

class ApnsConnectionState;

/// Token-based APNs authentication (PROVIDERS.md 3.5): an ES256 JWT with kid = key ID and iss = team ID, at most
/// an hour old, from a key of this environment that may push to the topic; one team and key per connection,
/// and a new token on a connection no sooner than 20 minutes (by iat) after the one it replaces. A token is
/// verified once per connection and compared afterwards, as clients reuse it for up to an hour.
class ApnsProviderTokenVerifier final
{
public:
    static constexpr qint64 kMaxAgeSeconds = 3600;
    static constexpr qint64 kMinUpdateIntervalSeconds = 1200;

    explicit ApnsProviderTokenVerifier(const QString &environment) : m_environment(environment) {}

    void addKey(const ApnsKey &key) { m_keys.insert(key.keyId, key); }
    bool hasKeys() const { return !m_keys.isEmpty(); }

    /// The APNs reason to refuse with, or an empty string when the request is authenticated; on success the
    /// connection is bound to the token's team and key and the token becomes its current one.
    QString check(const QByteArray *authorization, const QString &topic, ApnsConnectionState &state,
                  qint64 nowSeconds) const;

private:
    QString m_environment;
    QHash<QString, ApnsKey> m_keys; // by key ID
};

} // namespace vestnik::sim
