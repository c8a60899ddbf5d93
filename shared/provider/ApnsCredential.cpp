#include "provider/ApnsCredential.h"

#include "security/JwtKey.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik {

namespace {

Error invalid(const QString &message)
{
    return Error{ErrorCode::InvalidConfig, QStringLiteral("APNs credentials: ") + message};
}

} // namespace

Result<ApnsCredential> ApnsCredential::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return invalid(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    const auto text = [&object](const char *name) { return object.value(QLatin1String(name)).toString(); };

    ApnsCredential credential;
    credential.bundleId = text("bundle_id");
    if (credential.bundleId.isEmpty())
        return invalid(QStringLiteral("bundle_id is missing"));
    if (const QJsonValue value = object.value(QStringLiteral("environment")); !value.isUndefined() && !value.isString())
        return invalid(QStringLiteral("environment must be the text \"production\" or \"sandbox\""));
    const QString environment = text("environment");
    if (environment == QStringLiteral("sandbox") || environment == QStringLiteral("development"))
        credential.sandbox = true;
    else if (!environment.isEmpty() && environment != QStringLiteral("production"))
        return invalid(
            QStringLiteral("environment must be \"production\" or \"sandbox\", not \"%1\"").arg(environment));
    const QByteArray privateKey = text("private_key").toUtf8();
    if (privateKey.isEmpty())
        return invalid(QStringLiteral("private_key is missing"));

    if (const QString certificate = text("certificate"); !certificate.isEmpty()) {
        credential.certificate = QSslCertificate(certificate.toUtf8(), QSsl::Pem);
        if (credential.certificate.isNull())
            return invalid(QStringLiteral("certificate is not a PEM certificate"));
        for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
            credential.certificateKey = QSslKey(privateKey, algorithm, QSsl::Pem);
            if (!credential.certificateKey.isNull())
                break;
        }
        if (credential.certificateKey.isNull())
            return invalid(QStringLiteral("private_key is not a PEM RSA or EC key"));
        return credential;
    }
    credential.teamId = text("team_id");
    credential.keyId = text("key_id");
    if (credential.teamId.isEmpty() || credential.keyId.isEmpty())
        return invalid(QStringLiteral("team_id and key_id are needed with a .p8 key (or give a certificate)"));
    // Checked now, so that a bad key is refused when it is stored, not at the first push.
    if (!JwtKey::fromPem(privateKey, JwtAlgorithm::ES256))
        return invalid(QStringLiteral("private_key is not an EC P-256 key in PEM (the .p8 file Apple hands out)"));
    credential.p8Key = privateKey;
    return credential;
}

} // namespace vestnik
