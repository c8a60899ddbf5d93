#pragma once

#include "security/JwtKey.h"

#include <QString>
#include <QStringList>

namespace vestnik::sim {

/// An APNs auth key the simulator trusts for token-based connections (the public half of a .p8).
struct ApnsKey {
    QString teamId;
    QString keyId;
    JwtKey publicKey;    ///< ES256
    QString environment; ///< development, production or both
    QStringList topics;  ///< empty: any topic of the team; else a topic-specific key

    bool servesEnvironment(const QString &name) const
    {
        return environment.isEmpty() || environment == QStringLiteral("both") || environment == name;
    }
};

} // namespace vestnik::sim
