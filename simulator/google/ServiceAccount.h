#pragma once

#include "security/JwtKey.h"
#include "util/Result.h"

#include <QString>

namespace vestnik::sim {

/// A Google service account the simulated OAuth endpoint trusts: read from the same JSON key file the client
/// uses (only the public half of `private_key` is kept).
struct ServiceAccount {
    QString clientEmail;
    QString projectId;
    QString projectNumber; ///< optional; FCM accepts it in place of the project id
    QString privateKeyId;
    JwtKey publicKey; ///< RS256

    static Result<ServiceAccount> fromJson(const QByteArray &json, const QString &origin);
    static Result<ServiceAccount> fromFile(const QString &path);
};

} // namespace vestnik::sim
