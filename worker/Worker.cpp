#include "Worker.h"

#include "Sender.h"
#include "security/Sealer.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonObject>

namespace vestnik {

Worker::Worker(Config config, QObject *parent) : QObject(parent), m_config(std::move(config)) {}

Worker::~Worker() = default;

void Worker::shutdown()
{
    if (m_sender)
        m_sender->shutdown(std::chrono::seconds(m_config.integer(QStringLiteral("worker.shutdown_seconds"))));
}

Result<void> Worker::start()
{
    const QDir dataDir(m_config.string(QStringLiteral("worker.data_dir")));
    if (!QDir().mkpath(dataDir.absolutePath()))
        return makeError(ErrorCode::Io, QStringLiteral("cannot create worker.data_dir %1").arg(dataDir.absolutePath()));

    const QString hexKey = m_config.string(QStringLiteral("security.seal_key"));
    Result<Sealer> sealer =
        hexKey.isEmpty()
            ? Sealer::loadOrCreate(dataDir.absoluteFilePath(m_config.string(QStringLiteral("security.seal_key_file"))))
            : Sealer::fromKey(QByteArray::fromHex(hexKey.toLatin1()));
    if (!sealer)
        return sealer.error();
    m_sealer = std::make_unique<Sealer>(std::move(*sealer));

    Result<std::shared_ptr<Database>> database = Database::open(DatabaseSettings::fromConfig(m_config));
    if (!database)
        return database.error();
    m_database = *database;

    const Migrator migrator(*m_database);
    Result<int> applied = migrator.migrate();
    if (!applied)
        return applied.error();
    Result<int> version = migrator.currentVersion();
    if (!version)
        return version.error();
    m_schemaVersion = *version;
    qCInfo(lcWorker).nospace() << "schema at version " << m_schemaVersion << " (" << *applied << " migrations applied)";

    Result<std::unique_ptr<Sender>> sender = Sender::create(m_config, *m_database, *m_sealer, SystemClock::instance());
    if (!sender)
        return sender.error();
    m_sender = std::move(*sender);
    if (Result<void> http = startHttp(); !http)
        return http;
    return m_sender->start();
}

Result<void> Worker::startHttp()
{
    m_http = std::make_unique<QHttpServer>();
    const QString dialect = dialectName(m_database->dialect());
    m_http->route(QStringLiteral("/healthz"), QHttpServerRequest::Method::Get, [this, dialect] {
        return QHttpServerResponse(QJsonObject{
            {QStringLiteral("status"), QStringLiteral("ok")},
            {QStringLiteral("version"), QCoreApplication::applicationVersion()},
            {QStringLiteral("database"), dialect},
            {QStringLiteral("schema_version"), m_schemaVersion},
            {QStringLiteral("delivery"), m_sender->status()},
        });
    });
    const QString configured = m_config.string(QStringLiteral("http.address"));
    const QHostAddress address(configured == QStringLiteral("localhost") ? QStringLiteral("127.0.0.1") : configured);
    const int port = m_http->listen(address, quint16(m_config.integer(QStringLiteral("http.port"))));
    if (port <= 0)
        return makeError(ErrorCode::Io, QStringLiteral("cannot listen on %1:%2 (in use, or no permission)")
                                            .arg(address.toString())
                                            .arg(m_config.integer(QStringLiteral("http.port"))));
    m_url.setScheme(QStringLiteral("http"));
    m_url.setHost(address.toString());
    m_url.setPort(port);
    return {};
}

} // namespace vestnik
