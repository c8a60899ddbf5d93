#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace vestnik {

/// An app's APNs credentials as an admin stores them (sealed, per app): token-based (a .p8 key with its
/// team and key ids) or certificate-based (the push certificate and its key), the app's bundle id (the
/// apns-topic) and the environment.
///
/// ```json
/// {"bundle_id": "com.example.shop", "environment": "production",
///  "team_id": "TEAM000001", "key_id": "KEY0000001", "private_key": "-----BEGIN PRIVATE KEY-----..."}
/// {"bundle_id": "com.example.shop", "environment": "sandbox",
///  "certificate": "-----BEGIN CERTIFICATE-----...", "private_key": "-----BEGIN PRIVATE KEY-----..."}
/// ```
struct ApnsCredential {
    QString bundleId;
    bool sandbox = false;
    // Token-based authentication.
    QString teamId;
    QString keyId;
    QByteArray p8Key;
    // Certificate-based authentication.
    QSslCertificate certificate;
    QSslKey certificateKey;

    bool usesToken() const { return certificate.isNull(); }

    /// Reads the stored JSON; InvalidConfig naming the field for anything missing or malformed.
    static Result<ApnsCredential> fromJson(const QByteArray &json);
};

} // namespace vestnik
