#include "model/Provider.h"

namespace vestnik {

QString providerName(Provider provider)
{
    switch (provider) {
    case Provider::Fcm: return QStringLiteral("fcm");
    case Provider::Apns: return QStringLiteral("apns");
    }
    return QString();
}

std::optional<Provider> providerFromName(const QString &name)
{
    for (Provider provider : {Provider::Fcm, Provider::Apns}) {
        if (providerName(provider) == name)
            return provider;
    }
    return std::nullopt;
}

} // namespace vestnik
