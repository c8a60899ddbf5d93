#include "util/Config.h"

#include "util/Logging.h"

#include <QFile>
#include <QHostAddress>

namespace vestnik {

namespace {

using Type = ConfigKey::Type;

QList<ConfigKey> buildSchema()
{
    const auto choice = [](QString key, QString def, QStringList choices, QString description) {
        ConfigKey k;
        k.key = std::move(key);
        k.type = Type::Choice;
        k.defaultValue = std::move(def);
        k.description = std::move(description);
        k.choices = std::move(choices);
        return k;
    };
    const auto integer = [](QString key, qint64 def, qint64 min, qint64 max, QString description) {
        ConfigKey k;
        k.key = std::move(key);
        k.type = Type::Integer;
        k.defaultValue = QString::number(def);
        k.description = std::move(description);
        k.minimum = min;
        k.maximum = max;
        return k;
    };
    const auto string = [](QString key, QString def, QString description, bool secret = false) {
        ConfigKey k;
        k.key = std::move(key);
        k.defaultValue = std::move(def);
        k.description = std::move(description);
        k.isSecret = secret;
        return k;
    };
    const auto boolean = [](QString key, bool def, QString description) {
        ConfigKey k;
        k.key = std::move(key);
        k.type = Type::Boolean;
        k.defaultValue = def ? QStringLiteral("true") : QStringLiteral("false");
        k.description = std::move(description);
        return k;
    };
    const auto path = [](QString key, QString def, QString description) {
        ConfigKey k;
        k.key = std::move(key);
        k.type = Type::Path;
        k.defaultValue = std::move(def);
        k.description = std::move(description);
        return k;
    };

    return {
        path(QStringLiteral("worker.data_dir"), QStringLiteral("vestnik-data"),
             QStringLiteral("Directory for the SQLite database, keys and generated certificates")),
        choice(QStringLiteral("database.driver"), QStringLiteral("sqlite"),
               {QStringLiteral("sqlite"), QStringLiteral("postgres")},
               QStringLiteral("Storage backend: embedded SQLite or PostgreSQL")),
        path(QStringLiteral("database.path"), QStringLiteral("vestnik.db"),
             QStringLiteral("SQLite database file, relative to worker.data_dir")),
        string(QStringLiteral("database.host"), QStringLiteral("127.0.0.1"), QStringLiteral("PostgreSQL host")),
        integer(QStringLiteral("database.port"), 5432, 1, 65535, QStringLiteral("PostgreSQL port")),
        string(QStringLiteral("database.name"), QStringLiteral("vestnik"), QStringLiteral("PostgreSQL database")),
        string(QStringLiteral("database.user"), QStringLiteral("vestnik"), QStringLiteral("PostgreSQL user")),
        string(QStringLiteral("database.password"), QString(), QStringLiteral("PostgreSQL password"), true),
        string(QStringLiteral("database.options"), QString(),
               QStringLiteral("Extra connection options, e.g. sslmode=verify-full;sslrootcert=/path/ca.pem")),
        path(QStringLiteral("security.seal_key_file"), QStringLiteral("seal.key"),
             QStringLiteral("Key file for sealing device tokens and provider keys at rest, relative to "
                            "worker.data_dir; created on first start when missing")),
        string(QStringLiteral("security.seal_key"), QString(),
               QStringLiteral("Sealing key as 64 hex digits; overrides security.seal_key_file"), true),
        string(QStringLiteral("security.retired_seal_keys"), QString(),
               QStringLiteral("Former sealing keys, comma-separated, 64 hex digits each: values sealed with them "
                              "still open until `vestnik-worker rotate-keys` has re-sealed them with the current key"),
               true),
        string(QStringLiteral("security.retired_seal_key_files"), QString(),
               QStringLiteral("Files of former sealing keys (as security.seal_key_file), comma-separated, relative "
                              "to worker.data_dir; never created")),
        string(QStringLiteral("providers.fcm_endpoint"), QStringLiteral("fcm.googleapis.com:443"),
               QStringLiteral("FCM HTTP v1 endpoint as host:port (the simulator's google port in tests and demos)")),
        string(QStringLiteral("providers.apns_production_endpoint"), QStringLiteral("api.push.apple.com:443"),
               QStringLiteral("APNs production endpoint as host:port")),
        string(QStringLiteral("providers.apns_sandbox_endpoint"), QStringLiteral("api.sandbox.push.apple.com:443"),
               QStringLiteral("APNs sandbox (development) endpoint as host:port")),
        string(QStringLiteral("providers.google_token_url"), QString(),
               QStringLiteral("OAuth token endpoint for FCM service accounts; empty: each account's token_uri")),
        path(QStringLiteral("providers.ca_file"), QString(),
             QStringLiteral("PEM file of the CAs trusted for provider connections instead of the system's "
                            "(the simulator's ca.pem); empty: the system's CAs")),
        integer(QStringLiteral("providers.max_connections"), 4, 1, 64,
                QStringLiteral("HTTP/2 connections per app and provider at most")),
        integer(QStringLiteral("delivery.rate_per_second"), 0, 0, 10'000'000,
                QStringLiteral("Pushes per second per app and provider (token bucket, burst of one second); 0: "
                               "no limit")),
        integer(QStringLiteral("delivery.retry_scan_interval_ms"), 1000, 10, 60'000,
                QStringLiteral("How often due retries are claimed and sent again")),
        integer(QStringLiteral("delivery.retry_batch"), 200, 1, 100'000, QStringLiteral("Retries claimed per scan")),
        integer(QStringLiteral("delivery.lease_seconds"), 300, 10, 86'400,
                QStringLiteral("How long a claimed delivery belongs to this worker before another may send it")),
        integer(QStringLiteral("delivery.circuit_cooldown_seconds"), 300, 1, 86'400,
                QStringLiteral("How long an app's provider circuit stays open after its credentials are refused")),
        choice(
            QStringLiteral("devices.source"), QStringLiteral("registry"),
            {QStringLiteral("registry"), QStringLiteral("auth_service"), QStringLiteral("auth_service_then_registry")},
            QStringLiteral("Where senders find users' push tokens: registry (Vestnik's own devices), auth_service "
                           "(the company's Auth Service), auth_service_then_registry (the registry for users the "
                           "Auth Service does not know)")),
        string(QStringLiteral("devices.auth_service_url"), QString(),
               QStringLiteral("Base URL of the company's Auth Service; a user's devices are at "
                              "{url}/v1/users/{id}/devices")),
        string(QStringLiteral("devices.auth_token_url"), QString(),
               QStringLiteral("OAuth 2.0 token endpoint for the client credentials grant; empty: "
                              "{auth_service_url}/oauth2/token")),
        string(QStringLiteral("devices.auth_client_id"), QString(),
               QStringLiteral("OAuth 2.0 client id of this worker at the Auth Service")),
        string(QStringLiteral("devices.auth_client_secret"), QString(),
               QStringLiteral("OAuth 2.0 client secret; overrides devices.auth_client_secret_file"), true),
        path(QStringLiteral("devices.auth_client_secret_file"), QString(),
             QStringLiteral("File holding the client secret (its first line), relative to worker.data_dir")),
        string(QStringLiteral("devices.auth_scope"), QStringLiteral("devices:read"),
               QStringLiteral("Scope asked for with the token; empty: what the Auth Service grants by default")),
        path(QStringLiteral("devices.auth_ca_file"), QString(),
             QStringLiteral("PEM file of the CAs trusted for the Auth Service instead of the system's; empty: the "
                            "system's CAs")),
        integer(QStringLiteral("devices.cache_seconds"), 30, 0, 86'400,
                QStringLiteral("How long a user's devices (or their absence) from the Auth Service are reused; 0: "
                               "asked every time")),
        integer(QStringLiteral("devices.timeout_ms"), 5000, 100, 300'000,
                QStringLiteral("Deadline of one request to the Auth Service, connecting included")),
        string(QStringLiteral("worker.roles"), QStringLiteral("trigger,sender"),
               QStringLiteral("Roles this process runs, comma-separated: trigger (events -> send jobs), sender "
                              "(send jobs -> pushes); --roles overrides")),
        string(QStringLiteral("bus.kafka_brokers"), QString(),
               QStringLiteral("Kafka bootstrap servers (host:port,...). Empty: the embedded bus, a queue in the "
                              "worker's database (one machine)")),
        string(QStringLiteral("bus.kafka_properties"), QString(),
               QStringLiteral("More librdkafka properties as name=value;name=value (security.protocol, sasl.*, ssl.*)"),
               true),
        string(QStringLiteral("bus.kafka_producer_properties"), QString(),
               QStringLiteral("librdkafka properties for the producers only, over bus.kafka_properties (linger.ms, "
                              "default 0; compression.type; batch.size)")),
        string(QStringLiteral("bus.group_id"), QStringLiteral("vestnik-senders"),
               QStringLiteral("Consumer group of the senders: the workers of one deployment share it")),
        string(QStringLiteral("bus.trigger_group_id"), QStringLiteral("vestnik-triggers"),
               QStringLiteral("Consumer group of the trigger role: the workers of one deployment share it")),
        string(QStringLiteral("bus.events_topic"), QStringLiteral("vestnik.events"),
               QStringLiteral("Topic of business events (docs/events.md)")),
        string(QStringLiteral("bus.sends_topic"), QStringLiteral("vestnik.sends"),
               QStringLiteral("Topic of send jobs")),
        string(QStringLiteral("bus.statuses_topic"), QStringLiteral("vestnik.statuses"),
               QStringLiteral("Topic of delivery status changes")),
        string(QStringLiteral("bus.dlq_topic"), QStringLiteral("vestnik.dlq"),
               QStringLiteral("Dead-letter topic: messages that cannot be handled, with the reason")),
        integer(QStringLiteral("bus.partitions"), 12, 1, 10'000,
                QStringLiteral("Partitions of the topics the worker creates when they are missing")),
        integer(QStringLiteral("bus.max_in_flight"), 1000, 1, 1'000'000,
                QStringLiteral("Unacknowledged messages per partition before the worker pauses it")),
        string(QStringLiteral("trigger.default_timezone"), QStringLiteral("UTC"),
               QStringLiteral("IANA time zone for quiet hours of users without a valid one")),
        integer(QStringLiteral("trigger.rules_reload_ms"), 2000, 100, 3'600'000,
                QStringLiteral("How often the trigger role checks the rules for changes")),
        integer(QStringLiteral("trigger.idempotency_hours"), 72, 1, 24 * 365,
                QStringLiteral("How long an event id is remembered: a repeat within this window is processed once")),
        integer(QStringLiteral("stats.retention_days"), 90, 0, 36'500,
                QStringLiteral("Days of per-minute delivery statistics kept for the console's dashboard; older minutes "
                               "are deleted every 10 minutes. 0: keep them all")),
        integer(QStringLiteral("worker.shutdown_seconds"), 10, 0, 3600,
                QStringLiteral("On SIGTERM/SIGINT, how long in-flight sends may take to finish before the worker "
                               "leaves them to their leases and exits")),
        string(QStringLiteral("http.address"), QStringLiteral("127.0.0.1"),
               QStringLiteral("Address the worker listens on")),
        integer(QStringLiteral("http.port"), 8780, 0, 65535,
                QStringLiteral("Port the worker listens on (0 picks a free one)")),
        boolean(QStringLiteral("api.plaintext"), false,
                QStringLiteral("Serve the API over plain HTTP instead of HTTPS (only behind a TLS-terminating proxy "
                               "or for tests; logged as a warning)")),
        path(QStringLiteral("api.cert_file"), QString(),
             QStringLiteral("PEM certificate of the API (leaf first, then its chain), relative to worker.data_dir; "
                            "empty: a self-signed certificate made on first start (api-cert.pem)")),
        path(QStringLiteral("api.key_file"), QString(),
             QStringLiteral("Unencrypted PEM private key (EC or RSA) of api.cert_file, relative to "
                            "worker.data_dir")),
        integer(QStringLiteral("api.max_body_bytes"), 1024 * 1024, 1024, 1024 * 1024 * 1024,
                QStringLiteral("Largest request body accepted (larger ones are answered 413 and the connection "
                               "closed)")),
        integer(QStringLiteral("api.request_timeout_ms"), 10'000, 100, 600'000,
                QStringLiteral("Time a client has to send a whole request (and to finish the TLS handshake); "
                               "slower ones are answered 408 and closed")),
        integer(QStringLiteral("api.idle_timeout_ms"), 60'000, 100, 3'600'000,
                QStringLiteral("An open connection with no request and no answer pending is closed after this")),
        integer(QStringLiteral("api.max_connections"), 1000, 1, 100'000,
                QStringLiteral("Open API connections at most; more are closed at once")),
        integer(QStringLiteral("api.rate_per_second"), 100, 0, 1'000'000,
                QStringLiteral("Requests per second per client (token subject, else network address) on "
                               "average; more are answered 429 with Retry-After. 0: no limit")),
        integer(QStringLiteral("api.rate_burst"), 200, 1, 10'000'000,
                QStringLiteral("Requests a client may send at once before api.rate_per_second applies")),
        string(QStringLiteral("identity.issuer"), QString(),
               QStringLiteral("`iss` of the access tokens the worker issues; empty: the API's own URL")),
        string(QStringLiteral("identity.audience"), QStringLiteral("vestnik"),
               QStringLiteral("`aud` of the access tokens the worker issues and accepts")),
        integer(QStringLiteral("identity.access_token_seconds"), 900, 60, 86'400,
                QStringLiteral("Lifetime of the access tokens the worker issues")),
        string(QStringLiteral("identity.trusted_issuer"), QString(),
               QStringLiteral("`iss` of an external issuer whose access tokens the API accepts too (the company's "
                              "Auth Service); empty: only the worker's own tokens")),
        string(QStringLiteral("identity.trusted_jwks_url"), QString(),
               QStringLiteral("Where that issuer publishes its JWK Set (https; kept fresh, fetched again for an "
                              "unknown key id)")),
        string(QStringLiteral("identity.trusted_audience"), QString(),
               QStringLiteral("`aud` the external issuer's tokens must carry; empty: identity.audience")),
        string(QStringLiteral("identity.trusted_ca_file"), QString(),
               QStringLiteral("PEM CA certificates for the JWKS URL; empty: the system's")),
        string(QStringLiteral("identity.bootstrap_admin_login"), QStringLiteral("admin"),
               QStringLiteral("Login of the first console administrator, created at start when no user exists")),
        string(QStringLiteral("identity.bootstrap_admin_password"), QString(),
               QStringLiteral("Password of that first administrator (at least 10 characters); empty: no "
                              "bootstrap"),
               true),
        choice(QStringLiteral("log.format"), QStringLiteral("json"), {QStringLiteral("json"), QStringLiteral("text")},
               QStringLiteral("Log line format on stderr")),
        choice(QStringLiteral("log.level"), QStringLiteral("info"),
               {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"), QStringLiteral("critical")},
               QStringLiteral("Lowest level written")),
    };
}

const ConfigKey *findKey(const QString &key)
{
    for (const ConfigKey &k : Config::schema()) {
        if (k.key == key)
            return &k;
    }
    return nullptr;
}

QString describeValue(const ConfigKey &key, const QString &value)
{
    return key.isSecret ? QStringLiteral("(secret)") : QLatin1Char('\'') + value + QLatin1Char('\'');
}

// Returns an empty string when the value fits the key, else what is wrong with it.
QString checkValue(const ConfigKey &key, const QString &value)
{
    switch (key.type) {
    case Type::String:
    case Type::Path: return QString();
    case Type::Integer: {
        bool ok = false;
        const qint64 n = value.trimmed().toLongLong(&ok);
        if (!ok)
            return QStringLiteral("%1 is not a whole number").arg(describeValue(key, value));
        if (n < key.minimum || n > key.maximum)
            return QStringLiteral("%1 is outside %2..%3").arg(value).arg(key.minimum).arg(key.maximum);
        return QString();
    }
    case Type::Boolean: {
        static const QStringList valid{QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("yes"),
                                       QStringLiteral("no"),   QStringLiteral("on"),    QStringLiteral("off"),
                                       QStringLiteral("1"),    QStringLiteral("0")};
        if (!valid.contains(value.trimmed().toLower()))
            return QStringLiteral("%1 is not a boolean (true/false, yes/no, on/off, 1/0)")
                .arg(describeValue(key, value));
        return QString();
    }
    case Type::Choice:
        if (!key.choices.contains(value.trimmed()))
            return QStringLiteral("%1 is not one of: %2")
                .arg(describeValue(key, value), key.choices.join(QStringLiteral(", ")));
        return QString();
    }
    return QString();
}

} // namespace

QString ConfigKey::environmentName() const
{
    QString name = key.toUpper();
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    return QStringLiteral("VESTNIK_") + name;
}

const QList<ConfigKey> &Config::schema()
{
    static const QList<ConfigKey> keys = buildSchema();
    return keys;
}

Result<Config> Config::load(const QString &path, const QProcessEnvironment &environment)
{
    if (path.isEmpty())
        return fromIni(QString(), QString(), environment);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return makeError(ErrorCode::InvalidConfig,
                         QStringLiteral("cannot read configuration file %1: %2").arg(path, file.errorString()));
    return fromIni(QString::fromUtf8(file.readAll()), path, environment);
}

Result<Config> Config::fromIni(const QString &text, const QString &origin, const QProcessEnvironment &environment)
{
    Config config;
    for (const ConfigKey &key : schema())
        config.m_values.insert(key.key, Value{key.defaultValue, QStringLiteral("default")});

    QStringList problems;
    QString section;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        const QString where = QStringLiteral("%1:%2").arg(origin).arg(i + 1);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || line.startsWith(QLatin1Char(';')))
            continue;
        if (line.startsWith(QLatin1Char('['))) {
            if (!line.endsWith(QLatin1Char(']'))) {
                problems << QStringLiteral("%1: section header '%2' lacks its closing ']'").arg(where, line);
                continue;
            }
            section = line.mid(1, line.size() - 2).trimmed();
            continue;
        }
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            problems << QStringLiteral("%1: expected 'name = value', got '%2'").arg(where, line);
            continue;
        }
        const QString name = line.left(eq).trimmed();
        QString value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        const QString key = section.isEmpty() ? name : section + QLatin1Char('.') + name;
        if (!findKey(key)) {
            problems << QStringLiteral("%1: unknown key '%2'").arg(where, key);
            continue;
        }
        config.m_values.insert(key, Value{value, where});
    }

    for (const ConfigKey &key : schema()) {
        const QString variable = key.environmentName();
        if (environment.contains(variable))
            config.m_values.insert(key.key, Value{environment.value(variable), variable});
    }

    if (!problems.isEmpty())
        return makeError(ErrorCode::InvalidConfig, problems.join(QLatin1Char('\n')));
    if (Result<void> valid = config.validate(); !valid)
        return valid.error();
    return config;
}

Result<void> Config::validate() const
{
    QStringList problems;
    for (const ConfigKey &key : schema()) {
        const Value &value = m_values.value(key.key);
        const QString problem = checkValue(key, value.text);
        if (!problem.isEmpty())
            problems << QStringLiteral("%1 (from %2): %3").arg(key.key, value.origin, problem);
    }
    if (string(QStringLiteral("database.driver")) == QStringLiteral("postgres")) {
        for (const QString &required :
             {QStringLiteral("database.host"), QStringLiteral("database.name"), QStringLiteral("database.user")}) {
            if (string(required).isEmpty())
                problems << QStringLiteral("%1 (from %2): must be set when database.driver is postgres")
                                .arg(required, origin(required));
        }
    } else if (string(QStringLiteral("database.path")).isEmpty()) {
        problems << QStringLiteral("database.path (from %1): must be set when database.driver is sqlite")
                        .arg(origin(QStringLiteral("database.path")));
    }
    const QString address = string(QStringLiteral("http.address"));
    if (QHostAddress(address).isNull() && address != QStringLiteral("localhost"))
        problems << QStringLiteral("http.address (from %1): '%2' is not an IP address")
                        .arg(origin(QStringLiteral("http.address")), address);
    if (string(QStringLiteral("api.cert_file")).isEmpty() != string(QStringLiteral("api.key_file")).isEmpty())
        problems << QStringLiteral("api.cert_file (from %1) and api.key_file (from %2): set both or neither")
                        .arg(origin(QStringLiteral("api.cert_file")), origin(QStringLiteral("api.key_file")));
    const QString sealKey = string(QStringLiteral("security.seal_key"));
    if (!sealKey.isEmpty()) {
        const QByteArray bytes = QByteArray::fromHex(sealKey.toLatin1());
        if (sealKey.size() != 64 || bytes.size() != 32)
            problems << QStringLiteral("security.seal_key (from %1): must be 64 hex digits (a 256-bit key)")
                            .arg(origin(QStringLiteral("security.seal_key")));
    }
    if (!problems.isEmpty())
        return makeError(ErrorCode::InvalidConfig, problems.join(QLatin1Char('\n')));
    return {};
}

QString Config::string(const QString &key) const
{
    Q_ASSERT_X(findKey(key), "Config::string", "unknown key");
    return m_values.value(key).text.trimmed();
}

qint64 Config::integer(const QString &key) const
{
    return string(key).toLongLong();
}

bool Config::boolean(const QString &key) const
{
    const QString v = string(key).toLower();
    return v == QStringLiteral("true") || v == QStringLiteral("yes") || v == QStringLiteral("on")
           || v == QStringLiteral("1");
}

QString Config::origin(const QString &key) const
{
    return m_values.value(key).origin;
}

QStringList Config::secretValues() const
{
    QStringList values;
    for (const ConfigKey &key : schema()) {
        if (key.isSecret && !string(key.key).isEmpty())
            values << string(key.key);
    }
    return values;
}

Result<void> Config::set(const QString &key, const QString &value, const QString &origin)
{
    const ConfigKey *k = findKey(key);
    if (!k)
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("unknown key '%1'").arg(key));
    const QString problem = checkValue(*k, value);
    if (!problem.isEmpty())
        return makeError(ErrorCode::InvalidConfig, QStringLiteral("%1 (from %2): %3").arg(key, origin, problem));
    m_values.insert(key, Value{value, origin});
    return {};
}

} // namespace vestnik
