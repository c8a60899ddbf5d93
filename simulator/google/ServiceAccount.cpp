#include "google/ServiceAccount.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik::sim {

Result<ServiceAccount> ServiceAccount::fromJson(const QByteArray &json, const QString &origin)
{
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(json, &error).object();
    if (error.error != QJsonParseError::NoError)
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1 is not JSON: %2").arg(origin, error.errorString()));
    if (object.value(QStringLiteral("type")).toString() != QStringLiteral("service_account"))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1: \"type\" must be \"service_account\"").arg(origin));
    ServiceAccount account;
    account.clientEmail = object.value(QStringLiteral("client_email")).toString();
    account.projectId = object.value(QStringLiteral("project_id")).toString();
    account.privateKeyId = object.value(QStringLiteral("private_key_id")).toString();
    account.projectNumber = object.value(QStringLiteral("project_number")).toString();
    if (account.clientEmail.isEmpty() || account.projectId.isEmpty())
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1: \"client_email\" and \"project_id\" are required").arg(origin));
    Result<JwtKey> key =
        JwtKey::fromPem(object.value(QStringLiteral("private_key")).toString().toUtf8(), JwtAlgorithm::RS256);
    if (!key)
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("%1: \"private_key\": %2").arg(origin, key.error().message));
    account.publicKey = key->publicKey();
    account.publicKey.setKeyId(account.privateKeyId);
    return account;
}

Result<ServiceAccount> ServiceAccount::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("cannot read service account file %1: %2").arg(path, file.errorString()));
    return fromJson(file.readAll(), path);
}

} // namespace vestnik::sim
