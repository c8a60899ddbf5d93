#include "trigger/TriggerRole.h"

#include "bus/DeadLetter.h"
#include "store/Database.h"
#include "store/TriggerRuleRepository.h"
#include "store/UserRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTimeZone>

#include <algorithm>

namespace vestnik {

namespace {

QJsonObject toQt(const nlohmann::json &object)
{
    const std::string text = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return QJsonDocument::fromJson(QByteArray(text.data(), qsizetype(text.size()))).object();
}

/// The stored form of an event's immediate jobs: a JSON array of their wire forms.
QByteArray storedJobs(const QList<QByteArray> &bodies)
{
    QByteArray json = "[";
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        if (i > 0)
            json += ',';
        json += bodies.at(i);
    }
    json += ']';
    return json;
}

/// Bounds of the data fields recorded: paths this deep, this long and this many per event are enough for variable
/// completion; the process remembers this many (type, field) pairs and records no new ones beyond.
constexpr int kMaxFieldDepth = 4;
constexpr int kMaxFieldLength = 200;
constexpr int kMaxFieldsPerEvent = 100;
constexpr int kMaxKnownFields = 20'000;

/// The dotted paths of the leaves (values that are not objects; arrays count as leaves) of `object`.
void collectFields(const nlohmann::json &object, const QString &prefix, int depth, QStringList &fields)
{
    for (auto it = object.begin(); it != object.end() && fields.size() < kMaxFieldsPerEvent; ++it) {
        const QString path = prefix + QString::fromStdString(it.key());
        if (path.size() > kMaxFieldLength)
            continue;
        if (it->is_object() && !it->empty() && depth < kMaxFieldDepth)
            collectFields(*it, path + QLatin1Char('.'), depth + 1, fields);
        else
            fields.append(path);
    }
}

QString fieldKey(const QString &eventType, const QString &field)
{
    return eventType + QChar(0x1f) + field;
}

/// The (key, wire form) of each job in their stored form.
QList<QPair<QByteArray, QByteArray>> jobsFromStored(const QByteArray &stored)
{
    QList<QPair<QByteArray, QByteArray>> jobs;
    const nlohmann::json array = nlohmann::json::parse(stored.begin(), stored.end(), nullptr, false);
    for (const nlohmann::json &job : array.is_array() ? array : nlohmann::json::array()) {
        const std::string text = job.dump();
        const QByteArray body(text.data(), qsizetype(text.size()));
        if (Result<SendJob> parsed = SendJob::fromJson(body))
            jobs.append({parsed->userId.toUtf8(), body});
    }
    return jobs;
}

} // namespace

/// One event's (or repeat's) jobs on their way to the bus; the event is acknowledged when all are confirmed.
struct TriggerRole::Outgoing {
    QList<BusConsumer::Ack> acks;
    QList<QPair<QByteArray, QByteArray>> jobs; ///< (key, wire form)
    int remaining = 0;
    bool duplicate = false;
};

TriggerRole::TriggerRole(Settings settings, MessageBus &bus, BusProducer &producer, const Database &database,
                         const Clock &clock, QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_producer(producer),
      m_database(database),
      m_clock(clock),
      m_state(database)
{
    m_consumer = bus.makeConsumer(
        m_settings.consumer,
        [this](const BusMessage &message, BusConsumer::Ack ack) { receive(message, std::move(ack)); }, this);
    m_reloadTimer.setInterval(m_settings.rulesReloadInterval);
    connect(&m_reloadTimer, &QTimer::timeout, this, [this] {
        if (Result<void> reloaded = reloadRules(); !reloaded)
            qCWarning(lcWorker).noquote() << "cannot reload the trigger rules:" << reloaded.error().message;
    });
    m_schedulerTimer.setInterval(m_settings.schedulerInterval);
    connect(&m_schedulerTimer, &QTimer::timeout, this, &TriggerRole::releaseDue);
    m_forgetTimer.setInterval(std::chrono::minutes(10));
    connect(&m_forgetTimer, &QTimer::timeout, this, &TriggerRole::forgetOld);
}

TriggerRole::~TriggerRole()
{
    m_consumer.reset();
}

Result<void> TriggerRole::start()
{
    if (Result<void> loaded = reloadRules(); !loaded)
        return loaded;
    if (Result<void> started = m_consumer->start(); !started)
        return started;
    m_reloadTimer.start();
    m_schedulerTimer.start();
    m_forgetTimer.start();
    forgetOld();
    return {};
}

void TriggerRole::hold()
{
    m_holding = true;
    m_consumer->hold();
    m_schedulerTimer.stop();
}

void TriggerRole::stop()
{
    m_reloadTimer.stop();
    m_schedulerTimer.stop();
    m_forgetTimer.stop();
    m_consumer->stop();
}

int TriggerRole::outstanding() const
{
    return m_outstanding + m_releasing;
}

Result<void> TriggerRole::reloadRules()
{
    const TriggerRuleRepository repository(m_database, m_clock);
    Result<QString> revision = repository.revision();
    if (!revision)
        return revision.error();
    if (*revision == m_rulesRevision && !m_rulesRevision.isEmpty())
        return {};
    Result<QList<TriggerRule>> rules = repository.all();
    if (!rules)
        return rules.error();
    m_rules.clear();
    for (TriggerRule &rule : *rules) {
        if (rule.enabled)
            m_rules.append(std::move(rule));
    }
    m_rulesRevision = *revision;
    qCInfo(lcWorker) << "trigger rules loaded:" << m_rules.size() << "enabled";
    Q_EMIT rulesReloaded(int(m_rules.size()));
    return {};
}

void TriggerRole::receive(const BusMessage &message, BusConsumer::Ack ack)
{
    ++m_outstanding;
    m_pending.append(Pending{message, std::move(ack)});
    if (!m_batchScheduled && !m_retrying) {
        m_batchScheduled = true;
        QTimer::singleShot(0, this, &TriggerRole::processBatch);
    }
}

void TriggerRole::processBatch()
{
    m_batchScheduled = false;
    m_retrying = false;
    if (m_pending.isEmpty())
        return;
    const qsizetype count = std::min<qsizetype>(m_pending.size(), m_settings.maxBatch);
    QList<Pending> batch = m_pending.mid(0, count);
    m_pending.remove(0, count);
    if (Result<void> done = evaluate(batch); !done) {
        // Nothing of the batch is acknowledged: it goes back in front, in order, and everything waits for it.
        m_pending = batch + m_pending;
        m_retryDelay = std::clamp(m_retryDelay * 2, m_settings.firstRetryDelay, m_settings.maxRetryDelay);
        ++m_counters.retried;
        qCWarning(lcWorker).noquote() << "trigger batch of" << batch.size() << "events failed (" << done.error().message
                                      << "); trying again in" << m_retryDelay.count() << "ms";
        m_retrying = true;
        QTimer::singleShot(m_retryDelay, this, &TriggerRole::processBatch);
        return;
    }
    m_retryDelay = std::chrono::milliseconds::zero();
    if (!m_pending.isEmpty()) {
        m_batchScheduled = true;
        QTimer::singleShot(0, this, &TriggerRole::processBatch);
    }
}

Result<void> TriggerRole::evaluate(QList<Pending> &batch)
{
    struct Item {
        Event event;
        QList<BusConsumer::Ack> acks;
    };
    QList<Item> items;
    QHash<QString, qsizetype> byId;
    QList<Pending> readable;
    for (Pending &pending : batch) {
        Result<Event> event = Event::fromJson(pending.message.value);
        if (!event) {
            deadLetter(pending.message, pending.ack, event.error().message);
            continue;
        }
        readable.append(pending);
        if (const auto seen = byId.constFind(event->id); seen != byId.cend()) {
            items[*seen].acks.append(pending.ack); // the same event twice in one batch: done once
            ++m_counters.duplicates;
            continue;
        }
        byId.insert(event->id, items.size());
        items.append(Item{std::move(*event), {pending.ack}});
    }
    // The unreadable ones are on their way to the dead-letter topic: a retry must not send them twice.
    batch = std::move(readable);
    if (items.isEmpty())
        return {};

    const qint64 now = m_clock.nowMs();
    Result<QHash<QString, QByteArray>> processed = m_state.processedJobs(byId.keys());
    if (!processed)
        return processed.error();

    QStringList users;
    const bool needTimeZones = std::any_of(m_rules.cbegin(), m_rules.cend(),
                                           [](const TriggerRule &rule) { return rule.quietHours.has_value(); });
    const qint64 longestCap = longestCapMs();
    for (const Item &item : std::as_const(items)) {
        if (!processed->contains(item.event.id))
            users.append(item.event.userId);
    }
    users.removeDuplicates();
    QHash<QString, User> known;
    if (needTimeZones && !users.isEmpty()) {
        Result<QHash<QString, User>> found = UserRepository(m_database, m_clock).findMany(users);
        if (!found)
            return found.error();
        known = std::move(*found);
    }
    QHash<QPair<qint64, QString>, QList<qint64>> fires;
    if (longestCap > 0 && !users.isEmpty()) {
        Result<QHash<QPair<qint64, QString>, QList<qint64>>> since = m_state.firesSince(users, now - longestCap);
        if (!since)
            return since.error();
        fires = std::move(*since);
    }

    TriggerStateRepository::Batch write;
    QSet<QString> newFields;
    QList<std::shared_ptr<Outgoing>> outgoing;
    int deferred = 0;
    int capped = 0;
    for (Item &item : items) {
        auto out = std::make_shared<Outgoing>();
        out->acks = item.acks;
        const Event &event = item.event;
        if (const auto stored = processed->constFind(event.id); stored != processed->cend()) {
            // A repeat: the same jobs again; the senders skip what was delivered.
            out->duplicate = true;
            out->jobs = jobsFromStored(*stored);
            outgoing.append(out);
            continue;
        }
        write.activity.append({event.userId, event.type, event.occurredAtMs});
        noteFields(event, write, newFields);
        if (event.attributes.is_object() && !event.attributes.empty()) {
            QJsonObject &attributes = write.attributes[event.userId];
            const QJsonObject carried = toQt(event.attributes);
            for (auto it = carried.begin(); it != carried.end(); ++it)
                attributes.insert(it.key(), it.value());
        }
        QList<QByteArray> immediate;
        for (const TriggerRule &rule : std::as_const(m_rules)) {
            if (rule.eventType != event.type || !rule.matches(event.data))
                continue;
            if (rule.capCount > 0) {
                QList<qint64> &times = fires[qMakePair(rule.id, event.userId)];
                const qint64 since = now - rule.capWindowSeconds * 1000;
                const auto recent =
                    std::count_if(times.cbegin(), times.cend(), [since](qint64 at) { return at > since; });
                if (recent >= rule.capCount) {
                    ++capped;
                    continue;
                }
                times.append(now);
            }
            write.fires.append({rule.id, event.userId, event.id, now});
            SendJob job;
            job.eventId = event.id + QStringLiteral("/r") + QString::number(rule.id);
            job.ruleId = QString::number(rule.id);
            job.userId = event.userId;
            job.appId = rule.appId;
            job.templateId = rule.templateId;
            job.variables = event.data;
            job.locale = event.locale;
            job.createdAtMs = now;
            const qint64 delay =
                rule.quietHours ? quietDelayMs(rule, known.value(event.userId).timezone.toUtf8(), now) : 0;
            if (delay > 0) {
                job.createdAtMs = now + delay; // its time to live starts when it may go
                write.scheduled.append({job.key(), job.userId, job.toJson(), now + delay});
                ++deferred;
                continue;
            }
            const QByteArray body = job.toJson();
            immediate.append(body);
            out->jobs.append({job.userId.toUtf8(), body});
        }
        write.processed.append({event.id, storedJobs(immediate)});
        outgoing.append(out);
    }
    if (Result<void> committed = m_state.commit(write, now); !committed)
        return committed;
    m_knownFields.unite(newFields);

    m_counters.deferred += deferred;
    m_counters.capped += capped;
    for (const std::shared_ptr<Outgoing> &out : std::as_const(outgoing))
        sendJobs(out);
    return {};
}

void TriggerRole::noteFields(const Event &event, TriggerStateRepository::Batch &batch, QSet<QString> &inBatch) const
{
    if (!event.data.is_object() || m_knownFields.size() + inBatch.size() >= kMaxKnownFields)
        return;
    QStringList fields;
    collectFields(event.data, QString(), 1, fields);
    for (const QString &field : std::as_const(fields)) {
        const QString key = fieldKey(event.type, field);
        if (m_knownFields.contains(key) || inBatch.contains(key))
            continue;
        inBatch.insert(key);
        batch.eventFields.append({event.type, field});
    }
}

void TriggerRole::sendJobs(const std::shared_ptr<Outgoing> &outgoing)
{
    if (outgoing->jobs.isEmpty()) {
        jobsSent(*outgoing);
        return;
    }
    outgoing->remaining = int(outgoing->jobs.size());
    for (const auto &[key, body] : std::as_const(outgoing->jobs))
        sendJob(outgoing, key, body);
}

void TriggerRole::sendJob(const std::shared_ptr<Outgoing> &outgoing, const QByteArray &key, const QByteArray &body)
{
    QPointer<TriggerRole> self(this);
    m_producer.send(m_settings.sendsTopic, key, body, [self, outgoing, key, body](Result<void> delivered) {
        TriggerRole *role = self.data();
        if (!role)
            return; // stopping: the event stays unacknowledged and comes again
        if (!delivered) {
            // Offered again (the same job twice is harmless: the senders find its rows).
            qCWarning(lcWorker).noquote()
                << "send job not taken by the bus:" << delivered.error().message << "; trying again";
            QTimer::singleShot(role->m_settings.firstRetryDelay, role, [self, outgoing, key, body] {
                if (TriggerRole *again = self.data())
                    again->sendJob(outgoing, key, body);
            });
            return;
        }
        ++role->m_counters.jobs;
        if (--outgoing->remaining == 0)
            role->jobsSent(*outgoing);
    });
}

void TriggerRole::jobsSent(const Outgoing &outgoing)
{
    if (outgoing.duplicate)
        ++m_counters.duplicates;
    else
        ++m_counters.events;
    for (const BusConsumer::Ack &ack : outgoing.acks)
        ack();
    finished(int(outgoing.acks.size()));
}

void TriggerRole::deadLetter(const BusMessage &message, BusConsumer::Ack ack, const QString &reason)
{
    QPointer<TriggerRole> self(this);
    sendDeadLetter(m_producer, m_settings.deadLetterTopic, message, reason, this, m_settings.firstRetryDelay,
                   [self, ack] {
                       if (TriggerRole *role = self.data()) {
                           ++role->m_counters.deadLettered;
                           ack();
                           role->finished(1);
                       }
                   });
}

void TriggerRole::finished(int count)
{
    m_outstanding -= count;
    if (outstanding() == 0)
        Q_EMIT idle();
}

qint64 TriggerRole::quietDelayMs(const TriggerRule &rule, const QByteArray &timeZone, qint64 nowMs) const
{
    QTimeZone zone(timeZone);
    if (timeZone.isEmpty() || !zone.isValid())
        zone = QTimeZone(m_settings.defaultTimeZone);
    if (!zone.isValid())
        zone = QTimeZone::utc();
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(nowMs, zone);
    const QTime time = local.time();
    const int minute = time.hour() * 60 + time.minute();
    if (!trigger::isQuiet(*rule.quietHours, minute))
        return 0;
    return trigger::untilQuietEnds(*rule.quietHours, minute, time.second() * 1000 + time.msec());
}

void TriggerRole::releaseDue()
{
    if (m_holding || m_releasing > 0)
        return;
    const qint64 now = m_clock.nowMs();
    Result<QList<QPair<QString, QByteArray>>> due =
        m_state.claimDue(m_settings.workerId, now, now + m_settings.scheduledLease.count(), m_settings.maxBatch);
    if (!due) {
        qCWarning(lcWorker).noquote() << "cannot release scheduled sends:" << due.error().message;
        return;
    }
    if (due->isEmpty())
        return;
    m_releasing = int(due->size());
    auto sent = std::make_shared<QStringList>();
    QPointer<TriggerRole> self(this);
    for (const auto &entry : std::as_const(*due)) {
        const auto &body = entry.second;
        const auto jobKey = entry.first; // a copy for the callback (clang before 16 cannot capture a binding)
        Result<SendJob> job = SendJob::fromJson(body);
        const QByteArray key = job ? job->userId.toUtf8() : QByteArray();
        m_producer.send(m_settings.sendsTopic, key, body, [self, sent, jobKey](Result<void> delivered) {
            TriggerRole *role = self.data();
            if (!role)
                return;
            if (delivered) {
                sent->append(jobKey);
                ++role->m_counters.jobs;
            } else {
                // Stays claimed; after the lease this worker or another one offers it again.
                qCWarning(lcWorker).noquote()
                    << "scheduled send" << jobKey << "not taken by the bus:" << delivered.error().message;
            }
            if (--role->m_releasing == 0) {
                if (Result<void> removed = role->m_state.removeScheduled(*sent); !removed)
                    qCWarning(lcWorker).noquote()
                        << "cannot remove released sends (they go again):" << removed.error().message;
                if (role->outstanding() == 0)
                    Q_EMIT role->idle();
            }
        });
    }
}

qint64 TriggerRole::longestCapMs() const
{
    qint64 longest = 0;
    for (const TriggerRule &rule : std::as_const(m_rules)) {
        if (rule.capCount > 0)
            longest = std::max(longest, rule.capWindowSeconds * 1000);
    }
    return longest;
}

void TriggerRole::forgetOld()
{
    // Firings are kept for the longest cap window, and at least a day.
    const qint64 longestCap = std::max<qint64>(longestCapMs(), 86'400'000);
    const qint64 now = m_clock.nowMs();
    const qint64 window = std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.idempotencyWindow).count();
    if (Result<qint64> forgotten = m_state.forget(now - window, now - longestCap); !forgotten)
        qCWarning(lcWorker).noquote() << "cannot forget old trigger state:" << forgotten.error().message;
}

std::optional<qint64> TriggerRole::consumerLag() const
{
    return m_consumer ? m_consumer->lag() : std::nullopt;
}

} // namespace vestnik
