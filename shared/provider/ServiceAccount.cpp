#include "provider/ServiceAccount.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace vestnik {

Result<ServiceAccount> ServiceAccount::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonObject object = QJsonDocument::fromJson(json, &parseError).object();
    if (parseError.error != QJsonParseError::NoError)
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("service account file is not JSON: %1").arg(parseError.errorString()));
    if (object.value(QStringLiteral("type")).toString() != QStringLiteral("service_account"))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("service account file: type must be \"service_account\""));
    ServiceAccount account;
    const std::pair<const char *, QString *> fields[] = {{"client_email", &account.clientEmail},
                                                         {"private_key_id", &account.privateKeyId},
                                                         {"project_id", &account.projectId},
                                                         {"token_uri", &account.tokenUri}};
    for (const auto &[key, target] : fields) {
        *target = object.value(QLatin1String(key)).toString();
        if (target->isEmpty())
            return makeError(ErrorCode::InvalidConfig,
                             QStringLiteral("service account file: %1 is missing").arg(QLatin1String(key)));
    }
    Result<JwtKey> key =
        JwtKey::fromPem(object.value(QStringLiteral("private_key")).toString().toUtf8(), JwtAlgorithm::RS256);
    if (!key)
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("service account file: private_key: %1").arg(key.error().message));
    account.privateKey = std::move(*key);
    return account;
}

Result<ServiceAccount> ServiceAccount::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("cannot read service account file %1: %2").arg(path, file.errorString()));
    Result<ServiceAccount> account = fromJson(file.readAll());
    if (!account)
        return makeError(ErrorCode::InvalidConfig, path + QStringLiteral(": ") + account.error().message);
    return account;
}

} // namespace vestnik
