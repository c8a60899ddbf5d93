#include "SimSettings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace vestnik::sim {

namespace {

Error bad(const QString &key, const QString &what)
{
    return makeError(ErrorCode::InvalidConfig, QStringLiteral("%1: %2").arg(key, what));
}

QString resolve(const QString &path, const QString &base)
{
    if (path.isEmpty() || base.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir(base).filePath(path);
}

Result<int> port(const QString &key, const QJsonValue &value)
{
    const int number = value.toInt(-1);
    if (!value.isDouble() || number < 0 || number > 65535)
        return bad(key, QStringLiteral("must be a port number 0..65535 (0 picks a free port)"));
    return number;
}

Result<int> port(const QString &key, const QString &text)
{
    bool ok = false;
    const int number = text.toInt(&ok);
    if (!ok || number < 0 || number > 65535)
        return bad(key, QStringLiteral("'%1' is not a port number 0..65535 (0 picks a free port)").arg(text));
    return number;
}

Result<QHostAddress> address(const QString &key, const QString &text)
{
    QHostAddress host;
    if (text == QStringLiteral("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    if (!host.setAddress(text))
        return bad(key, QStringLiteral("'%1' is not an IP address").arg(text));
    return host;
}

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array)
        list << item.toString();
    return list;
}

Result<SimSettings::ApnsKeyFile> apnsKeyFromText(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() < 3 || parts.size() > 4 || parts.at(0).isEmpty() || parts.at(1).isEmpty() || parts.at(2).isEmpty())
        return bad(QStringLiteral("--apns-key"),
                   QStringLiteral("'%1' must be TEAMID:KEYID:FILE[:development|production|both]").arg(text));
    return SimSettings::ApnsKeyFile{parts.at(0), parts.at(1), parts.at(2), parts.value(3, QString()), {}};
}

Result<SimSettings::AuthClient> authClientFromText(const QString &text)
{
    // Scopes such as devices:read contain colons themselves: only the first two colons separate.
    const qsizetype first = text.indexOf(QLatin1Char(':'));
    const qsizetype second = first < 0 ? -1 : text.indexOf(QLatin1Char(':'), first + 1);
    if (first <= 0 || second <= first + 1)
        return bad(QStringLiteral("--auth-client"),
                   QStringLiteral("'%1' must be ID:SECRET:SCOPE[,SCOPE...]").arg(text));
    return SimSettings::AuthClient{text.left(first), text.mid(first + 1, second - first - 1),
                                   text.mid(second + 1).split(QLatin1Char(','), Qt::SkipEmptyParts)};
}

Result<void> checkEnvironment(const QString &key, const QString &environment, bool allowBoth)
{
    if (environment == QStringLiteral("development") || environment == QStringLiteral("production")
        || (allowBoth && (environment == QStringLiteral("both") || environment.isEmpty())))
        return {};
    return bad(key, QStringLiteral("'%1' must be development or production%2")
                        .arg(environment, allowBoth ? QStringLiteral(" or both") : QString()));
}

} // namespace

Result<SimSettings> SimSettings::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return bad(path, QStringLiteral("cannot read: %1").arg(file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return bad(path,
                   QStringLiteral("not a JSON object (%1 at offset %2)").arg(error.errorString()).arg(error.offset));
    return fromJson(document.object(), QFileInfo(path).absolutePath());
}

Result<SimSettings> SimSettings::fromJson(const QJsonObject &json, const QString &base)
{
    static const QStringList kKeys = {
        QStringLiteral("data_dir"),    QStringLiteral("host"),      QStringLiteral("admin_host"),
        QStringLiteral("ports"),       QStringLiteral("tls"),       QStringLiteral("google"),
        QStringLiteral("apns"),        QStringLiteral("auth"),      QStringLiteral("fleet"),
        QStringLiteral("fleet_file"),  QStringLiteral("reactions"), QStringLiteral("behaviour"),
        QStringLiteral("record_file"), QStringLiteral("seed"),      QStringLiteral("log_level")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!kKeys.contains(it.key()))
            return bad(it.key(), QStringLiteral("unknown key (known: %1)").arg(kKeys.join(QStringLiteral(", "))));
    }
    SimSettings s;
    if (json.contains(QStringLiteral("data_dir")))
        s.dataDir = resolve(json.value(QStringLiteral("data_dir")).toString(), base);
    for (const auto &[key, target] :
         {std::pair{QStringLiteral("host"), &s.host}, std::pair{QStringLiteral("admin_host"), &s.adminHost}}) {
        if (!json.contains(key))
            continue;
        Result<QHostAddress> host = address(key, json.value(key).toString());
        if (!host)
            return host.error();
        *target = *host;
    }
    const QJsonObject ports = json.value(QStringLiteral("ports")).toObject();
    for (const auto &[key, target] :
         {std::pair{QStringLiteral("google"), &s.googlePort}, std::pair{QStringLiteral("apns"), &s.apnsPort},
          std::pair{QStringLiteral("auth"), &s.authPort}, std::pair{QStringLiteral("admin"), &s.adminPort}}) {
        if (!ports.contains(key))
            continue;
        Result<int> number = port(QStringLiteral("ports.") + key, ports.value(key));
        if (!number)
            return number.error();
        *target = *number;
    }
    const QJsonObject tls = json.value(QStringLiteral("tls")).toObject();
    s.tlsCertificate = resolve(tls.value(QStringLiteral("certificate")).toString(), base);
    s.tlsKey = resolve(tls.value(QStringLiteral("key")).toString(), base);
    s.caOut = resolve(tls.value(QStringLiteral("ca_out")).toString(), base);
    s.serverNames = strings(tls.value(QStringLiteral("names")));

    const QJsonObject google = json.value(QStringLiteral("google")).toObject();
    const QJsonArray accounts = google.value(QStringLiteral("service_accounts")).toArray();
    for (const QJsonValue &account : accounts) {
        if (account.isString())
            s.serviceAccounts << ServiceAccountFile{resolve(account.toString(), base), QString()};
        else
            s.serviceAccounts << ServiceAccountFile{
                resolve(account.toObject().value(QStringLiteral("file")).toString(), base),
                account.toObject().value(QStringLiteral("project_number")).toString()};
    }
    s.googleTokenLifetime = google.value(QStringLiteral("token_lifetime")).toInt(s.googleTokenLifetime);

    const QJsonObject apns = json.value(QStringLiteral("apns")).toObject();
    s.apnsEnvironment = apns.value(QStringLiteral("environment")).toString(s.apnsEnvironment);
    if (Result<void> ok = checkEnvironment(QStringLiteral("apns.environment"), s.apnsEnvironment, false); !ok)
        return ok.error();
    const QJsonArray keys = apns.value(QStringLiteral("keys")).toArray();
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const QJsonObject key = keys.at(i).toObject();
        ApnsKeyFile file{
            key.value(QStringLiteral("team_id")).toString(), key.value(QStringLiteral("key_id")).toString(),
            resolve(key.value(QStringLiteral("file")).toString(), base),
            key.value(QStringLiteral("environment")).toString(), strings(key.value(QStringLiteral("topics")))};
        const QString where = QStringLiteral("apns.keys[%1]").arg(i);
        if (file.teamId.isEmpty() || file.keyId.isEmpty() || file.path.isEmpty())
            return bad(where, QStringLiteral("\"team_id\", \"key_id\" and \"file\" are required"));
        if (Result<void> ok = checkEnvironment(where + QStringLiteral(".environment"), file.environment, true); !ok)
            return ok.error();
        s.apnsKeys << file;
    }
    s.apnsClientCa = resolve(apns.value(QStringLiteral("client_ca")).toString(), base);
    s.apnsDisallowedTopics = strings(apns.value(QStringLiteral("disallowed_topics")));
    s.apnsIdleTimeoutSeconds = apns.value(QStringLiteral("idle_timeout")).toInt(0);

    const QJsonObject auth = json.value(QStringLiteral("auth")).toObject();
    s.authIssuer = auth.value(QStringLiteral("issuer")).toString();
    s.authAudience = auth.value(QStringLiteral("audience")).toString(s.authAudience);
    s.authTokenLifetime = auth.value(QStringLiteral("token_lifetime")).toInt(s.authTokenLifetime);
    const QJsonArray clients = auth.value(QStringLiteral("clients")).toArray();
    for (const QJsonValue &client : clients) {
        const QJsonObject c = client.toObject();
        s.authClients << AuthClient{c.value(QStringLiteral("id")).toString(),
                                    c.value(QStringLiteral("secret")).toString(),
                                    strings(c.value(QStringLiteral("scopes")))};
        if (s.authClients.constLast().id.isEmpty() || s.authClients.constLast().secret.isEmpty())
            return bad(QStringLiteral("auth.clients"), QStringLiteral("every client needs \"id\" and \"secret\""));
    }

    s.fleetFile = resolve(json.value(QStringLiteral("fleet_file")).toString(), base);
    s.fleet = json.value(QStringLiteral("fleet")).toObject();
    s.reactions = json.value(QStringLiteral("reactions")).toObject();
    s.behaviour = json.value(QStringLiteral("behaviour")).toObject();
    s.recordFile = resolve(json.value(QStringLiteral("record_file")).toString(), base);
    if (json.contains(QStringLiteral("seed"))) {
        s.seed = quint64(json.value(QStringLiteral("seed")).toDouble(1));
        s.hasSeed = true;
    }
    s.logLevel = json.value(QStringLiteral("log_level")).toString(s.logLevel);
    return s;
}

Result<void> SimSettings::applyCommandLine(const QCommandLineParser &parser)
{
    const auto isSet = [&parser](const char *name) { return parser.isSet(QLatin1String(name)); };
    const auto value = [&parser](const char *name) { return parser.value(QLatin1String(name)); };
    if (isSet("data-dir"))
        dataDir = value("data-dir");
    for (const auto &[name, target] : {std::pair{"host", &host}, std::pair{"admin-host", &adminHost}}) {
        if (!isSet(name))
            continue;
        Result<QHostAddress> parsed = address(QStringLiteral("--") + QLatin1String(name), value(name));
        if (!parsed)
            return parsed.error();
        *target = *parsed;
    }
    for (const auto &[name, target] : {std::pair{"google-port", &googlePort}, std::pair{"apns-port", &apnsPort},
                                       std::pair{"auth-port", &authPort}, std::pair{"admin-port", &adminPort}}) {
        if (!isSet(name))
            continue;
        Result<int> number = port(QStringLiteral("--") + QLatin1String(name), value(name));
        if (!number)
            return number.error();
        *target = *number;
    }
    if (isSet("tls-cert"))
        tlsCertificate = value("tls-cert");
    if (isSet("tls-key"))
        tlsKey = value("tls-key");
    if (tlsCertificate.isEmpty() != tlsKey.isEmpty())
        return bad(QStringLiteral("--tls-cert/--tls-key"), QStringLiteral("give both or neither"));
    if (isSet("ca-out"))
        caOut = value("ca-out");
    serverNames << parser.values(QStringLiteral("server-name"));
    for (const QString &path : parser.values(QStringLiteral("service-account")))
        serviceAccounts << ServiceAccountFile{path, QString()};
    if (isSet("token-lifetime")) {
        bool ok = false;
        googleTokenLifetime = value("token-lifetime").toInt(&ok);
        if (!ok || googleTokenLifetime < 1)
            return bad(QStringLiteral("--token-lifetime"), QStringLiteral("must be a positive number of seconds"));
    }
    if (isSet("apns-environment")) {
        apnsEnvironment = value("apns-environment");
        if (Result<void> ok = checkEnvironment(QStringLiteral("--apns-environment"), apnsEnvironment, false); !ok)
            return ok;
    }
    for (const QString &text : parser.values(QStringLiteral("apns-key"))) {
        Result<ApnsKeyFile> key = apnsKeyFromText(text);
        if (!key)
            return key.error();
        if (Result<void> ok = checkEnvironment(QStringLiteral("--apns-key"), key->environment, true); !ok)
            return ok;
        apnsKeys << *key;
    }
    if (isSet("apns-client-ca"))
        apnsClientCa = value("apns-client-ca");
    for (const QString &text : parser.values(QStringLiteral("auth-client"))) {
        Result<AuthClient> client = authClientFromText(text);
        if (!client)
            return client.error();
        authClients << *client;
    }
    if (isSet("fleet"))
        fleetFile = value("fleet");
    if (isSet("record-file"))
        recordFile = value("record-file");
    if (isSet("seed")) {
        bool ok = false;
        seed = value("seed").toULongLong(&ok);
        if (!ok)
            return bad(QStringLiteral("--seed"), QStringLiteral("must be a non-negative integer"));
        hasSeed = true;
    }
    if (isSet("log-level"))
        logLevel = value("log-level");
    return {};
}

} // namespace vestnik::sim
