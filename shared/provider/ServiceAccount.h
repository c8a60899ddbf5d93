#pragma once

#include "security/JwtKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace vestnik {

/// A Google service account as the Firebase console hands it out (the JSON key file).
struct ServiceAccount {
    QString clientEmail;
    QString privateKeyId;
    QString projectId;
    QString tokenUri;  ///< the OAuth token endpoint the assertion is addressed to (its `aud`)
    JwtKey privateKey; ///< RS256

    /// Parses the key file's JSON; errors name the missing or malformed field.
    static Result<ServiceAccount> fromJson(const QByteArray &json);
    static Result<ServiceAccount> fromFile(const QString &path);
};

} // namespace vestnik
