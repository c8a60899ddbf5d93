#include "bus/KafkaProducer.h"

#include "util/Logging.h"

#include <QDeadlineTimer>

#include <algorithm>
#include <memory>
#include <utility>

namespace vestnik {

namespace {

/// Restarts after fatal errors that follow each other wait this long at first, twice as long each time after.
constexpr std::chrono::milliseconds kFirstRestartDelay{1000};
constexpr std::chrono::milliseconds kMaxRestartDelay{60'000};

} // namespace

KafkaProducer::KafkaProducer(Settings settings, QObject *parent) : BusProducer(parent), m_settings(std::move(settings))
{
    m_poller.setInterval(m_settings.pollInterval);
    connect(&m_poller, &QTimer::timeout, this, &KafkaProducer::poll);
}

KafkaProducer::~KafkaProducer()
{
    if (m_handle && !flush(std::chrono::seconds(10)))
        qCWarning(lcBus) << "producer stopped with" << outstanding() << "messages not confirmed by the broker";
}

Result<void> KafkaProducer::start()
{
    if (m_handle)
        return {};
    Result<kafka::HandlePtr> handle = makeHandle();
    if (!handle)
        return handle.error();
    m_handle = std::move(*handle);
    m_poller.start();
    return {};
}

Result<kafka::HandlePtr> KafkaProducer::makeHandle()
{
    QHash<QString, QString> properties = m_settings.properties;
    properties.insert(QStringLiteral("bootstrap.servers"), m_settings.brokers);
    properties.insert(QStringLiteral("enable.idempotence"), QStringLiteral("true"));
    properties.insert(QStringLiteral("acks"), QStringLiteral("all"));
    if (!properties.contains(QStringLiteral("linger.ms"))
        && !properties.contains(QStringLiteral("queue.buffering.max.ms")))
        properties.insert(QStringLiteral("linger.ms"), QString::number(kDefaultLingerMs));
    kafka::setLatencyDefaults(properties);
    Result<kafka::ConfPtr> conf = kafka::makeConf(properties);
    if (!conf)
        return conf.error();
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaProducer::onDelivery);
    rd_kafka_conf_set_error_cb(conf->get(), &KafkaProducer::onError);
    rd_kafka_conf_set_opaque(conf->get(), this);
    return kafka::makeHandle(RD_KAFKA_PRODUCER, std::move(*conf));
}

void KafkaProducer::produce(const QString &topic, int partition, const QByteArray &key, const QByteArray &value,
                            Delivered delivered)
{
    if (!m_handle) {
        delivered(makeError(ErrorCode::Broker, QStringLiteral("the producer is not started")));
        return;
    }
    auto callback = std::make_unique<Delivered>(std::move(delivered));
    const QByteArray name = topic.toUtf8();
    const rd_kafka_resp_err_t error =
        rd_kafka_producev(m_handle.get(), RD_KAFKA_V_TOPIC(name.constData()), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key.constData(), size_t(key.size())),
                          RD_KAFKA_V_VALUE(const_cast<char *>(value.constData()), size_t(value.size())),
                          RD_KAFKA_V_OPAQUE(callback.get()), RD_KAFKA_V_END);
    if (error) {
        if (error == RD_KAFKA_RESP_ERR__FATAL)
            scheduleRestart();
        (*callback)(makeError(
            ErrorCode::Broker,
            QStringLiteral("cannot produce to %1: %2").arg(topic, QString::fromUtf8(rd_kafka_err2str(error)))));
        return;
    }
    (void)callback.release(); // onDelivery owns it now
}

void KafkaProducer::onDelivery(rd_kafka_t *, const rd_kafka_message_t *message, void *)
{
    std::unique_ptr<Delivered> callback(static_cast<Delivered *>(message->_private));
    if (!callback)
        return;
    if (message->err)
        (*callback)(makeError(ErrorCode::Broker, QStringLiteral("not delivered to %1: %2")
                                                     .arg(QString::fromUtf8(rd_kafka_topic_name(message->rkt)),
                                                          QString::fromUtf8(rd_kafka_err2str(message->err)))));
    else
        (*callback)(Result<void>());
}

void KafkaProducer::onError(rd_kafka_t *, int error, const char *reason, void *opaque)
{
    // Served by rd_kafka_poll() (or rd_kafka_flush()) on the owner's thread.
    auto *self = static_cast<KafkaProducer *>(opaque);
    if (error == RD_KAFKA_RESP_ERR__FATAL) {
        self->scheduleRestart();
        return;
    }
    const QString text =
        QStringLiteral("producer: %1: %2")
            .arg(QString::fromUtf8(rd_kafka_err2name(rd_kafka_resp_err_t(error))), QString::fromUtf8(reason));
    switch (error) {
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
        // The configuration or the broker's ACLs need fixing: nothing gets through until then.
        qCCritical(lcBus).noquote() << text;
        break;
    default:
        // What librdkafka recovers from by itself (a broker away, a connection lost): for the log only.
        qCWarning(lcBus).noquote() << text;
    }
}

void KafkaProducer::scheduleRestart()
{
    if (m_restartScheduled)
        return;
    m_restartScheduled = true;
    QTimer::singleShot(m_restartDelay, this, &KafkaProducer::restart);
}

void KafkaProducer::restart()
{
    m_restartScheduled = false;
    if (!m_handle)
        return;
    const std::optional<QString> fatal = kafka::fatalError(m_handle.get());
    if (!fatal)
        return;
    Result<kafka::HandlePtr> fresh = makeHandle();
    if (!fresh) {
        qCCritical(lcBus).noquote() << "the producer hit a fatal error and cannot start over:" << fresh.error().message
                                    << "- trying again in a second";
        m_restartScheduled = true;
        QTimer::singleShot(std::chrono::seconds(1), this, &KafkaProducer::restart);
        return;
    }
    kafka::HandlePtr old = std::exchange(m_handle, std::move(*fresh));
    ++m_restarts;
    const auto now = std::chrono::steady_clock::now();
    m_restartDelay = m_lastRestart && now - *m_lastRestart < kMaxRestartDelay
                         ? std::clamp(m_restartDelay * 2, kFirstRestartDelay, kMaxRestartDelay)
                         : std::chrono::milliseconds::zero();
    m_lastRestart = now;
    const int unconfirmed = rd_kafka_outq_len(old.get());
    qCCritical(lcBus).noquote() << "the producer hit a fatal error (" << *fatal
                                << "); it starts over with a new one, and the" << unconfirmed
                                << "messages it had not confirmed are offered again by their senders";
    // Everything the old one holds is reported as not delivered (its callbacks may send again at once: through
    // the new one). Answers to requests in flight are not waited for: a message may be stored and offered again.
    rd_kafka_purge(old.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(old.get(), 0);
    if (rd_kafka_outq_len(old.get()) > 0)
        m_retired.push_back(std::move(old)); // polled until its reports are out
    Q_EMIT restarted();
}

QString KafkaProducer::effectiveProperty(const QString &name) const
{
    return kafka::effectiveProperty(m_handle.get(), name);
}

void KafkaProducer::poll()
{
    if (m_handle)
        rd_kafka_poll(m_handle.get(), 0);
    for (auto it = m_retired.begin(); it != m_retired.end();) {
        rd_kafka_poll(it->get(), 0);
        it = rd_kafka_outq_len(it->get()) == 0 ? m_retired.erase(it) : std::next(it);
    }
}

bool KafkaProducer::flush(std::chrono::milliseconds timeout)
{
    if (!m_handle)
        return true;
    // rd_kafka_flush serves the delivery callbacks on this thread while it waits.
    const QDeadlineTimer deadline(timeout);
    for (const kafka::HandlePtr &retired : m_retired)
        rd_kafka_flush(retired.get(), int(deadline.remainingTime()));
    return rd_kafka_flush(m_handle.get(), int(deadline.remainingTime())) == RD_KAFKA_RESP_ERR_NO_ERROR
           && outstanding() == 0;
}

Result<void> KafkaProducer::ensureTopic(const QString &topic, int partitions, std::chrono::milliseconds timeout)
{
    if (!m_handle)
        return makeError(ErrorCode::Broker, QStringLiteral("the producer is not started"));
    return kafka::createTopic(m_handle.get(), topic, partitions, 1, int(timeout.count()));
}

int KafkaProducer::outstanding() const
{
    int count = m_handle ? rd_kafka_outq_len(m_handle.get()) : 0;
    for (const kafka::HandlePtr &retired : m_retired)
        count += rd_kafka_outq_len(retired.get());
    return count;
}

} // namespace vestnik
