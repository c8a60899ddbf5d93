#include "Worker.h"

#include "Sender.h"
#include "bus/KafkaBus.h"
#include "security/Sealer.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QTimer>

namespace vestnik {

Worker::Worker(Config config, QObject *parent) : QObject(parent), m_config(std::move(config)) {}

Worker::~Worker()
{
    // The roles' consumers hold callbacks into the producer: they go first.
    m_sender.reset();
    m_producer.reset();
}

void Worker::shutdown()
{
    if (!m_sender)
        return;
    m_sender->hold();
    waitForIdle(std::chrono::seconds(m_config.integer(QStringLiteral("worker.shutdown_seconds"))));
    // What the roles produced (send jobs, dead letters) acknowledges their input when the bus confirms it:
    // before the consumers commit, not after.
    if (m_producer && !m_producer->flush(std::chrono::seconds(5)))
        qCWarning(lcWorker) << m_producer->outstanding() << "messages not confirmed; their inputs come again";
    m_sender->stop();
}

void Worker::waitForIdle(std::chrono::milliseconds grace)
{
    if (m_sender->outstanding() == 0)
        return;
    qCInfo(lcWorker) << "waiting up to" << grace.count() << "ms for" << m_sender->outstanding() << "sends in flight";
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(m_sender.get(), &Sender::idle, &loop, &QEventLoop::quit);
    deadline.start(grace);
    loop.exec();
}

Result<void> Worker::startBus()
{
    const QString brokers = m_config.string(QStringLiteral("bus.kafka_brokers"));
    if (brokers.isEmpty()) {
        qCInfo(lcWorker) << "no bus.kafka_brokers: send jobs come only from retries for now";
        return {};
    }
    Result<QHash<QString, QString>> properties =
        KafkaBus::parseProperties(m_config.string(QStringLiteral("bus.kafka_properties")));
    if (!properties)
        return properties.error();
    m_bus = std::make_unique<KafkaBus>(KafkaBus::Settings{brokers, *properties});
    m_producer = m_bus->makeProducer();
    if (Result<void> started = m_producer->start(); !started)
        return started;
    const int partitions = int(m_config.integer(QStringLiteral("bus.partitions")));
    for (const QString &key : {QStringLiteral("bus.sends_topic"), QStringLiteral("bus.dlq_topic")}) {
        const QString topic = m_config.string(key);
        if (Result<void> created = m_producer->ensureTopic(topic, partitions, std::chrono::seconds(15)); !created)
            return created;
    }
    return {};
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
    if (Result<void> bus = startBus(); !bus)
        return bus;
    if (!m_bus)
        return m_sender->startRetriesOnly();
    return m_sender->start(*m_bus, *m_producer);
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
