#pragma once

#include "model/Provider.h"

#include <QHashFunctions>
#include <QString>

namespace vestnik {

/// An app's use of one provider: the unit that credentials, circuits and rate limits are kept per.
struct AppProvider final {
    QString appId;
    Provider provider = Provider::Fcm;

    /// "shop/apns", for logs.
    QString describe() const { return appId + QLatin1Char('/') + providerName(provider); }

    friend bool operator==(const AppProvider &, const AppProvider &) = default;
};

inline size_t qHash(const AppProvider &key, size_t seed = 0)
{
    return qHashMulti(seed, key.appId, int(key.provider));
}

} // namespace vestnik
