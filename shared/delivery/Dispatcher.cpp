#include "delivery/Dispatcher.h"

#include "delivery/ApnsOutcomeClassifier.h"
#include "delivery/CircuitBreaker.h"
#include "delivery/DeliveryObserver.h"
#include "delivery/DeviceDirectory.h"
#include "delivery/FcmOutcomeClassifier.h"
#include "delivery/OutcomeRecorder.h"
#include "delivery/ProviderClients.h"
#include "delivery/ProviderOutcome.h"
#include "delivery/TokenBucket.h"
#include "delivery/TransportOutcomeClassifier.h"
#include "model/User.h"
#include "provider/ApnsClient.h"
#include "provider/FcmClient.h"
#include "provider/PayloadBuilder.h"
#include "security/TrackingToken.h"
#include "store/UserRepository.h"
#include "template/TemplateCatalog.h"
#include "template/VariableLookup.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QJsonDocument>
#include <QPointer>
#include <QSet>

#include <algorithm>
#include <limits>

namespace vestnik {

namespace {

/// Without a stored deadline a push lives as long as the providers keep any push: four weeks.
constexpr qint64 kLongestLifetimeMs = qint64(28) * 24 * 3600 * 1000;

std::optional<Provider> providerFor(Platform platform)
{
    switch (platform) {
    case Platform::Android: return Provider::Fcm;
    case Platform::Ios: return Provider::Apns;
    case Platform::Web: return std::nullopt;
    }
    return std::nullopt;
}

/// What a render needs of the recipient beside the job's own variables.
struct Recipient {
    QString locale;
    std::string timeZone;
    nlohmann::json attributes = nlohmann::json::object();
};

std::shared_ptr<const Recipient> recipientFrom(const User *user)
{
    auto recipient = std::make_shared<Recipient>();
    if (user) {
        recipient->locale = user->locale;
        recipient->timeZone = user->timezone.toStdString();
        if (!user->attributes.isEmpty()) {
            const QByteArray json = QJsonDocument(user->attributes).toJson(QJsonDocument::Compact);
            recipient->attributes = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
            if (recipient->attributes.is_discarded())
                recipient->attributes = nlohmann::json::object();
        }
    }
    return recipient;
}

ProviderOutcome classify(Provider provider, const HttpResponse &response)
{
    if (!response.hasAnswer())
        return TransportOutcomeClassifier::classify(response.error, response.errorText);
    return provider == Provider::Fcm
               ? FcmOutcomeClassifier::classify(response.status, response.headers, response.body)
               : ApnsOutcomeClassifier::classify(response.status, response.headers, response.body);
}

} // namespace

struct Dispatcher::Job {
    std::unique_ptr<SendJob> job; ///< until its deliveries are stored; then its tasks share a Content
    Completion done;
    JobReport report;
    int outstanding = 0; ///< claimed deliveries without a durable outcome yet
    bool stored = false; ///< its deliveries are written and claimed: outstanding counts
    bool finished = false;
};

/// What every delivery of one job shares: what a render needs, and the job's part of the delivery rows.
struct Dispatcher::Content {
    std::shared_ptr<const SendJob> job; ///< the variables and the fallback locale
    std::shared_ptr<const Recipient> recipient;
    CompiledPushTemplate compiled;
    Delivery row; ///< user, template, campaign or event, job and creation time; a retry's whole claimed row
};

/// One delivery in flight. Kept small: thousands are in flight at once, and what they have in common is in
/// their Content.
struct Dispatcher::Task {
    JobPtr owner; ///< null for a retry the scanner claimed
    std::shared_ptr<const Content> content;
    QString notificationId;
    QString appId; ///< shares its data with the batch's other tasks for the app
    QString token;
    QString deviceLocale; ///< shares its data likewise
    qint64 deviceId = 0;
    std::optional<qint64> storedExpiresAtMs; ///< the deadline stored with the row, if any
    std::unique_ptr<RenderedPush> push;      ///< from the render until the request is built
    qint64 startedAtMs = 0;
    std::chrono::steady_clock::time_point requestedAt; ///< when the request went to the provider client, if it did
    Platform platform = Platform::Android;
    Provider provider = Provider::Fcm;
    bool credentialsRefreshed = false;

    AppProvider key() const { return AppProvider{appId, provider}; }
    qint64 expiresAtMs() const { return storedExpiresAtMs.value_or(content->row.createdAtMs + kLongestLifetimeMs); }
    /// The delivery row as it was when this attempt began.
    Delivery delivery() const
    {
        Delivery d = content->row;
        d.notificationId = notificationId;
        d.deviceId = deviceId;
        d.appId = appId;
        d.platform = platform;
        d.expiresAtMs = storedExpiresAtMs;
        return d;
    }
};

Dispatcher::Dispatcher(Dependencies dependencies, Settings settings, QObject *parent)
    : QObject(parent), m_deps(dependencies), m_settings(std::move(settings))
{
    m_rateTimer.setSingleShot(true);
    connect(&m_rateTimer, &QTimer::timeout, this, &Dispatcher::drainRateLimited);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(m_settings.sentFlushInterval);
    connect(&m_flushTimer, &QTimer::timeout, this, &Dispatcher::flushSent);
}

Dispatcher::~Dispatcher()
{
    // Accepted pushes still buffered are recorded; anything else in flight keeps its claim and comes back
    // through the retry scanner once the lease runs out.
    if (!m_sentBuffer.empty())
        flushSent();
}

int Dispatcher::outstanding() const
{
    return m_outstanding;
}

void Dispatcher::settle(int finished)
{
    m_outstanding -= finished;
    Q_ASSERT(m_outstanding >= 0);
    if (m_outstanding == 0)
        Q_EMIT idle();
}

void Dispatcher::submit(SendJob job, Completion done)
{
    auto state = std::make_shared<Job>();
    state->report.jobKey = job.key();
    state->job = std::make_unique<SendJob>(std::move(job));
    state->done = std::move(done);
    m_queuedJobs.push_back(std::move(state));
    ++m_outstanding;
    if (!m_processScheduled) {
        m_processScheduled = true;
        QTimer::singleShot(0, this, &Dispatcher::processJobs);
    }
}

void Dispatcher::processJobs()
{
    m_processScheduled = false;
    std::vector<JobPtr> batch;
    const auto count = std::min<std::size_t>(m_queuedJobs.size(), std::size_t(std::max(1, m_settings.maxJobsPerBatch)));
    batch.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        batch.push_back(std::move(m_queuedJobs.front()));
        m_queuedJobs.pop_front();
    }
    if (!m_queuedJobs.empty()) {
        m_processScheduled = true;
        QTimer::singleShot(0, this, &Dispatcher::processJobs);
    }
    if (batch.empty())
        return;
    QStringList userIds;
    QSet<QString> seen;
    for (const JobPtr &job : batch) {
        if (!seen.contains(job->job->userId)) {
            seen.insert(job->job->userId);
            userIds.append(job->job->userId);
        }
    }
    QPointer<Dispatcher> self(this);
    m_deps.directory.activeDevicesAndUsers(
        userIds, [self, batch = std::move(batch)](Result<DeviceDirectory::DevicesAndUsers> found) {
            if (self)
                self->storeAndSend(batch, std::move(found));
        });
}

void Dispatcher::storeAndSend(std::vector<JobPtr> jobs, Result<DeviceDirectory::DevicesAndUsers> found)
{
    if (!found) {
        for (const JobPtr &job : jobs)
            failJob(job, found.error(), false);
        return;
    }
    const DeviceDirectory::Devices &devices = found->devices;
    if (!found->users) {
        // A directory that does not read the users with their devices: those with devices are read here.
        Result<QHash<QString, User>> read = m_deps.users.findMany(devices.keys());
        if (!read) {
            for (const JobPtr &job : jobs)
                failJob(job, read.error(), false);
            return;
        }
        found->users = std::move(*read);
    }
    const QHash<QString, User> &users = *found->users;

    const qint64 now = m_deps.clock.nowMs();
    std::vector<JobPtr> accepted;
    std::vector<TaskPtr> tasks;
    QList<DeliveryRepository::StoredJob> storedJobs;
    QList<Delivery> deliveries;
    // Jobs of one batch mostly share a template: its latest version is resolved once per batch, and read from the
    // database only when the catalog has not read or saved it within TemplateCatalog::kRecentLatest.
    QHash<std::pair<QString, int>, Result<TemplateCatalog::Resolved>> templates;
    QSet<QString> notificationIds;
    // App ids and locales repeat across tasks: one copy of each per batch, shared by the tasks.
    QSet<QString> sharedTexts;
    const auto share = [&sharedTexts](const QString &text) { return *sharedTexts.insert(text); };
    for (const JobPtr &job : jobs) {
        SendJob &sendJob = *job->job;
        const std::pair<QString, int> templateKey{sendJob.templateId, sendJob.templateVersion};
        auto cached = templates.find(templateKey);
        if (cached == templates.end())
            cached = templates.insert(templateKey, m_deps.templates.resolve(sendJob.templateId, sendJob.templateVersion,
                                                                            TemplateCatalog::Latest::Recent));
        const Result<TemplateCatalog::Resolved> &resolved = *cached;
        if (!resolved) {
            failJob(job, resolved.error(), resolved.error().code == ErrorCode::NotFound);
            continue;
        }
        sendJob.templateVersion = resolved->version; // a retry renders the version this job started with
        if (sendJob.createdAtMs <= 0)
            sendJob.createdAtMs = now;
        const QString &jobKey = job->report.jobKey;
        Delivery row;
        row.userId = sendJob.userId;
        row.templateId = sendJob.templateId;
        row.templateVersion = sendJob.templateVersion;
        row.campaignId = sendJob.campaignId;
        row.eventId = sendJob.eventId;
        row.ruleId = sendJob.ruleId;
        row.jobId = jobKey;
        row.createdAtMs = sendJob.createdAtMs;
        const qint64 createdSeconds = sendJob.createdAtMs / 1000;
        const std::size_t firstTask = tasks.size();
        for (const Device &device : devices.value(sendJob.userId)) {
            if (!sendJob.appId.isEmpty() && device.appId != sendJob.appId)
                continue;
            const std::optional<Provider> provider = providerFor(device.platform);
            if (!provider) {
                qCDebug(lcDelivery).noquote() << "device" << device.id << "is a" << platformName(device.platform)
                                              << "device; no provider sends to it yet";
                continue;
            }
            const QString notificationId = sendJob.notificationIdFor(device.id);
            if (notificationIds.contains(notificationId)) {
                // The same job twice in one batch (a broker redelivery can do that): one send is enough.
                ++job->report.devices;
                ++job->report.alreadyDone;
                continue;
            }
            notificationIds.insert(notificationId);
            auto task = std::make_shared<Task>();
            task->owner = job;
            task->notificationId = notificationId;
            task->appId = share(device.appId);
            task->token = device.token;
            task->deviceLocale = share(device.locale);
            task->deviceId = device.id;
            task->platform = device.platform;
            task->provider = *provider;
            task->storedExpiresAtMs = PayloadBuilder::expiresAtSeconds(resolved->compiled.source(),
                                                                       *provider == Provider::Apns, createdSeconds)
                                      * 1000;
            Delivery d = row;
            d.notificationId = notificationId;
            d.deviceId = device.id;
            d.appId = task->appId;
            d.platform = device.platform;
            d.expiresAtMs = task->storedExpiresAtMs;
            deliveries.append(std::move(d));
            tasks.push_back(std::move(task));
            ++job->report.devices;
        }
        storedJobs.append({jobKey, sendJob.userId, sendJob.toJson()});
        if (tasks.size() > firstTask) {
            const auto user = users.constFind(sendJob.userId);
            std::shared_ptr<const Recipient> recipient = recipientFrom(user == users.cend() ? nullptr : &*user);
            const auto content =
                std::make_shared<const Content>(Content{std::make_shared<const SendJob>(std::move(sendJob)),
                                                        std::move(recipient), resolved->compiled, std::move(row)});
            for (std::size_t i = firstTask; i < tasks.size(); ++i)
                tasks[i]->content = content;
        }
        // From here on its tasks share the content; the job keeps only its report.
        job->job.reset();
        accepted.push_back(job);
    }
    if (accepted.empty())
        return;

    Result<QSet<QString>> claimed =
        m_deps.deliveries.insertAndClaim(storedJobs, deliveries, m_settings.workerId, qint64(m_settings.lease.count()));
    if (!claimed) {
        qCWarning(lcDelivery).noquote() << "cannot store the deliveries of" << accepted.size()
                                        << "send jobs:" << claimed.error().toString();
        for (const JobPtr &job : accepted)
            failJob(job, claimed.error(), false);
        return;
    }
    std::vector<TaskPtr> toSend;
    toSend.reserve(std::size_t(claimed->size()));
    for (TaskPtr &task : tasks) {
        if (claimed->contains(task->notificationId)) {
            ++task->owner->outstanding;
            toSend.push_back(std::move(task));
        } else {
            ++task->owner->report.alreadyDone;
        }
    }
    m_outstanding += int(toSend.size());
    for (const JobPtr &job : accepted) {
        job->stored = true;
        if (job->outstanding == 0)
            finishJob(job);
    }
    for (const TaskPtr &task : toSend)
        prepareAndSend(task);
}

void Dispatcher::redispatch(QList<Delivery> claimed)
{
    if (claimed.isEmpty())
        return;
    m_outstanding += int(claimed.size());
    QTimer::singleShot(0, this,
                       [this, claimed = std::move(claimed)]() mutable { resolveRedispatch(std::move(claimed)); });
}

void Dispatcher::resolveRedispatch(QList<Delivery> claimed)
{
    QStringList jobIds;
    QStringList userIds;
    QSet<QString> seenJobs;
    QSet<QString> seenUsers;
    for (const Delivery &d : std::as_const(claimed)) {
        if (!d.jobId.isEmpty() && !seenJobs.contains(d.jobId)) {
            seenJobs.insert(d.jobId);
            jobIds.append(d.jobId);
        }
        if (!seenUsers.contains(d.userId)) {
            seenUsers.insert(d.userId);
            userIds.append(d.userId);
        }
    }
    // On a database error the claims stay; once their lease runs out a scanner hands them out again.
    const auto giveUp = [this, &claimed](const Error &error) {
        qCWarning(lcDelivery).noquote() << "cannot resend" << claimed.size()
                                        << "claimed deliveries:" << error.toString();
        settle(int(claimed.size()));
    };
    Result<QHash<QString, QByteArray>> bodies = m_deps.deliveries.jobBodies(jobIds);
    if (!bodies)
        return giveUp(bodies.error());
    Result<QHash<QString, User>> users = m_deps.users.findMany(userIds);
    if (!users)
        return giveUp(users.error());
    QHash<QString, std::shared_ptr<const SendJob>> jobs;
    QHash<QString, std::shared_ptr<const Recipient>> recipients;
    QPointer<Dispatcher> self(this);
    for (Delivery &delivery : claimed) {
        auto task = std::make_shared<Task>();
        task->notificationId = delivery.notificationId;
        task->appId = delivery.appId;
        task->deviceId = delivery.deviceId;
        task->platform = delivery.platform;
        task->provider = providerFor(delivery.platform).value_or(Provider::Fcm);
        task->storedExpiresAtMs = delivery.expiresAtMs;
        std::shared_ptr<const SendJob> &job = jobs[delivery.jobId];
        if (!job && bodies->contains(delivery.jobId)) {
            Result<SendJob> parsed = SendJob::fromJson(bodies->value(delivery.jobId));
            if (parsed)
                job = std::make_shared<const SendJob>(std::move(*parsed));
        }
        if (!job) {
            failTask(task, QStringLiteral("job.missing"),
                     QStringLiteral("the send job of this delivery is not stored"));
            continue;
        }
        Result<TemplateCatalog::Resolved> resolved =
            m_deps.templates.resolve(delivery.templateId, delivery.templateVersion.value_or(job->templateVersion));
        if (!resolved) {
            failTask(task, QStringLiteral("template.missing"), resolved.error().message);
            continue;
        }
        std::shared_ptr<const Recipient> &recipient = recipients[delivery.userId];
        if (!recipient) {
            const auto user = users->constFind(delivery.userId);
            recipient = recipientFrom(user == users->cend() ? nullptr : &*user);
        }
        task->content =
            std::make_shared<const Content>(Content{job, recipient, resolved->compiled, std::move(delivery)});
        const QString &userId = task->content->row.userId; // what the Auth Service is asked by
        m_deps.directory.device(userId, task->deviceId, [self, task](Result<std::optional<Device>> device) {
            if (!self)
                return;
            if (!device) {
                qCWarning(lcDelivery).noquote() << "cannot read device" << task->deviceId << "to resend"
                                                << task->notificationId << ":" << device.error().toString();
                self->settle(1); // the claim runs out and the delivery comes back
                return;
            }
            if (!device->has_value() || !(*device)->isActive) {
                self->failTask(task, QStringLiteral("device.inactive"),
                               QStringLiteral("the device was deactivated or removed before the retry"));
                return;
            }
            task->token = (*device)->token;
            task->deviceLocale = (*device)->locale;
            self->prepareAndSend(task);
        });
    }
}

void Dispatcher::prepareAndSend(const TaskPtr &task)
{
    const qint64 now = m_deps.clock.nowMs();
    if (now >= task->expiresAtMs()) {
        failTask(task, QStringLiteral("expired"),
                 QStringLiteral("the notification's time to live ran out before it could be sent"));
        return;
    }
    // The device's language first, then the user's, then the one the job suggests; the template falls back
    // to its default content.
    const Content &content = *task->content;
    QString locale = task->deviceLocale;
    if (locale.isEmpty())
        locale = content.recipient->locale;
    if (locale.isEmpty())
        locale = content.job->locale;
    const std::string localeUtf8 = locale.toStdString();
    TemplateRenderOptions options;
    options.locale = localeUtf8;
    options.timeZone = content.recipient->timeZone;
    const JsonScopes scopes{&content.job->variables, &content.recipient->attributes};
    Result<RenderedPush, TemplateError> push = content.compiled.render(scopes, locale, options);
    if (!push) {
        failTask(task, QStringLiteral("template.render"), push.error().message());
        return;
    }
    task->push = std::make_unique<RenderedPush>(std::move(*push));
    sendOrWait(task);
}

void Dispatcher::sendOrWait(const TaskPtr &task)
{
    if (m_deps.rateLimits) {
        const AppProvider key = task->key();
        auto it = m_rateLimited.find(key);
        const bool queued = it != m_rateLimited.end() && !it->empty();
        if (queued || !m_deps.rateLimits->tryAcquire(key, m_deps.clock.nowMs())) {
            ++m_counters.rateLimited;
            if (it == m_rateLimited.end())
                it = m_rateLimited.insert(key, {});
            it->push_back(task);
            if (!m_rateTimer.isActive()) {
                const qint64 wait = m_deps.rateLimits->nextAvailable(key, m_deps.clock.nowMs()) - m_deps.clock.nowMs();
                m_rateTimer.start(int(std::clamp<qint64>(wait, 1, 1000)));
            }
            return;
        }
    }
    send(task);
}

void Dispatcher::drainRateLimited()
{
    qint64 earliest = std::numeric_limits<qint64>::max();
    const qint64 now = m_deps.clock.nowMs();
    for (auto it = m_rateLimited.begin(); it != m_rateLimited.end();) {
        while (!it->empty() && m_deps.rateLimits->tryAcquire(it.key(), now)) {
            TaskPtr task = std::move(it->front());
            it->pop_front();
            send(task);
        }
        if (it->empty()) {
            it = m_rateLimited.erase(it);
            continue;
        }
        earliest = std::min(earliest, m_deps.rateLimits->nextAvailable(it.key(), now));
        ++it;
    }
    if (earliest != std::numeric_limits<qint64>::max())
        m_rateTimer.start(int(std::clamp<qint64>(earliest - now, 1, 1000)));
}

void Dispatcher::send(const TaskPtr &task)
{
    const AppProvider key = task->key();
    const qint64 now = m_deps.clock.nowMs();
    if (!m_deps.circuits.allows(key, now)) {
        // Not this notification's fault: it waits, durably, for the circuit to let a probe through.
        ++m_counters.circuitOpen;
        ProviderOutcome outcome;
        outcome.outcomeClass = OutcomeClass::Retry;
        outcome.reason = QStringLiteral("circuit.open");
        outcome.message = QStringLiteral("the circuit of %1 is open").arg(key.describe());
        const qint64 until = m_deps.circuits.openUntilMs(key).value_or(now + 1000);
        outcome.minimumRetryDelay = std::chrono::seconds(std::max<qint64>(1, (until - now + 999) / 1000));
        onAnswer(task, std::move(outcome));
        return;
    }
    task->startedAtMs = now;
    const qint64 nowSeconds = now / 1000;
    const std::optional<qint64> expiresSeconds =
        task->storedExpiresAtMs ? std::optional<qint64>(*task->storedExpiresAtMs / 1000) : std::nullopt;
    QPointer<Dispatcher> self(this);
    auto handler = [self, task](HttpResponse &&response) {
        if (self)
            self->onAnswer(task, classify(task->provider, response));
    };
    const auto unavailable = [](const Error &error) {
        ProviderOutcome outcome;
        outcome.outcomeClass = OutcomeClass::CredentialsProblem;
        outcome.reason = QStringLiteral("credentials.unavailable");
        outcome.message = error.message;
        return outcome;
    };
    if (task->provider == Provider::Fcm) {
        Result<FcmClient *> client = m_deps.clients.fcm(key.appId);
        if (!client) {
            task->credentialsRefreshed = true; // nothing to refresh: the circuit opens at once
            onAnswer(task, unavailable(client.error()));
            return;
        }
        QByteArray body = PayloadBuilder::fcmRequestBody(
            PayloadBuilder::fcmMessage(*task->push, task->content->compiled.source(), task->notificationId, nowSeconds,
                                       expiresSeconds, trackingToken(*task)),
            task->token);
        task->push.reset(); // the request holds it now; a resend renders again
        task->requestedAt = std::chrono::steady_clock::now();
        (*client)->send(std::move(body), std::move(handler), m_settings.requestTimeout);
        return;
    }
    Result<ProviderClients::Apns> client = m_deps.clients.apns(key.appId);
    if (!client) {
        task->credentialsRefreshed = true;
        onAnswer(task, unavailable(client.error()));
        return;
    }
    const ApnsRequest request =
        PayloadBuilder::apnsRequest(*task->push, task->content->compiled.source(), task->notificationId, client->topic,
                                    nowSeconds, expiresSeconds, trackingToken(*task));
    task->push.reset();
    task->requestedAt = std::chrono::steady_clock::now();
    client->client->send(task->token, request, std::move(handler), m_settings.requestTimeout);
}

QString Dispatcher::trackingToken(const Task &task) const
{
    if (!m_deps.tracking)
        return {};
    const QDateTime expiresAt =
        QDateTime::fromMSecsSinceEpoch(m_deps.clock.nowMs(), Qt::UTC)
            .addSecs(std::chrono::duration_cast<std::chrono::seconds>(m_settings.trackingTokenLifetime).count());
    Result<QString> token = m_deps.tracking->issue(task.notificationId, task.deviceId, expiresAt);
    if (!token) {
        // The push still goes out: the app cannot report on it, which is less harm than no push.
        qCWarning(lcDelivery).noquote() << "delivery" << task.notificationId
                                        << "goes without a tracking token:" << token.error().toString();
        return {};
    }
    return *token;
}

void Dispatcher::onAnswer(const TaskPtr &task, ProviderOutcome outcome)
{
    if (task->requestedAt != std::chrono::steady_clock::time_point()) {
        if (m_observer)
            m_observer->providerAnswered(task->provider, outcome,
                                         std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::steady_clock::now() - task->requestedAt));
        task->requestedAt = {};
    }
    if (outcome.isAccepted()) {
        m_deps.circuits.recordSuccess(task->key());
        m_sentBuffer.emplace_back(
            DeliveryRepository::SentReport{task->notificationId, m_deps.clock.nowMs(), outcome.providerMessageId},
            task);
        if (int(m_sentBuffer.size()) >= m_settings.sentBatchRows
            && m_sentRetryDelay == std::chrono::milliseconds::zero())
            flushSent();
        else if (!m_flushTimer.isActive())
            m_flushTimer.start(m_settings.sentFlushInterval);
        return;
    }
    SendAttempt attempt;
    attempt.delivery = task->delivery();
    attempt.provider = task->provider;
    attempt.token = task->token;
    attempt.startedAtMs = task->startedAtMs;
    attempt.expiresAtMs = task->expiresAtMs();
    // FcmClient already fetched a new access token and sent again after a 401: this answer is the second.
    attempt.credentialsRefreshed =
        task->credentialsRefreshed || (task->provider == Provider::Fcm && outcome.httpStatus == 401);
    Result<OutcomeRecorder::Recorded> recorded = m_deps.recorder.record(attempt, outcome);
    if (!recorded) {
        qCWarning(lcDelivery).noquote() << "cannot record" << outcome.reason << "for delivery" << task->notificationId
                                        << ":" << recorded.error().toString();
        if (task->owner)
            task->owner->report.error = recorded.error();
        finishTask(task, nullptr, nullptr); // its claim runs out and the retry scanner takes it
        return;
    }
    switch (recorded->action) {
    case OutcomeRecorder::Action::Sent: finishTask(task, &JobReport::sent, &Counters::sent); return;
    case OutcomeRecorder::Action::RetryScheduled: finishTask(task, &JobReport::retries, &Counters::retries); return;
    case OutcomeRecorder::Action::Failed: finishTask(task, &JobReport::failed, &Counters::failed); return;
    case OutcomeRecorder::Action::TokenInvalid:
        finishTask(task, &JobReport::invalidTokens, &Counters::invalidTokens);
        return;
    case OutcomeRecorder::Action::RefreshCredentials:
        ++m_counters.credentialRefreshes;
        qCInfo(lcDelivery).noquote() << task->key().describe() << "answered" << outcome.reason
                                     << "; sending once more with refreshed credentials";
        task->credentialsRefreshed = true;
        m_deps.clients.recheck(task->key());
        prepareAndSend(task);
        return;
    }
}

void Dispatcher::flushSent()
{
    m_flushTimer.stop();
    if (m_sentBuffer.empty())
        return;
    std::vector<std::pair<DeliveryRepository::SentReport, TaskPtr>> batch;
    batch.swap(m_sentBuffer);
    QList<DeliveryRepository::SentReport> reports;
    reports.reserve(qsizetype(batch.size()));
    for (const auto &entry : batch)
        reports.append(entry.first);
    Result<int> recorded = m_deps.deliveries.recordSentBatch(reports);
    if (!recorded) {
        // The pushes went out: their outcome waits here until the database takes it (a database restart), and
        // their jobs stay unfinished meanwhile. Should this process go first, the rows keep their claims and
        // the retry scanner sends them again after the lease (the collapse id shows them once on the phone).
        m_sentRetryDelay =
            std::clamp(m_sentRetryDelay * 2, std::chrono::milliseconds(200), std::chrono::milliseconds(5000));
        qCWarning(lcDelivery).noquote() << "cannot record" << reports.size() << "sent deliveries ("
                                        << recorded.error().toString() << "); trying again in"
                                        << m_sentRetryDelay.count() << "ms";
        m_sentBuffer.insert(m_sentBuffer.begin(), std::make_move_iterator(batch.begin()),
                            std::make_move_iterator(batch.end()));
        m_flushTimer.start(m_sentRetryDelay);
        return;
    }
    m_sentRetryDelay = std::chrono::milliseconds::zero();
    for (const auto &entry : batch)
        finishTask(entry.second, &JobReport::sent, &Counters::sent);
}

void Dispatcher::failTask(const TaskPtr &task, const QString &reason, const QString &message)
{
    qCInfo(lcDelivery).noquote() << "delivery" << task->notificationId << "failed:" << reason << "-" << message;
    Result<void> failed = m_deps.deliveries.recordFailure(task->notificationId, DeliveryStatus::Failed,
                                                          m_deps.clock.nowMs(), reason, message);
    if (!failed) {
        qCWarning(lcDelivery).noquote() << "cannot record the failure of" << task->notificationId << ":"
                                        << failed.error().toString();
        if (task->owner)
            task->owner->report.error = failed.error();
        finishTask(task, nullptr, nullptr);
        return;
    }
    finishTask(task, &JobReport::failed, &Counters::failed);
}

void Dispatcher::finishTask(const TaskPtr &task, int JobReport::*counter, qint64 Counters::*total)
{
    if (total)
        ++(m_counters.*total);
    if (const JobPtr &job = task->owner) {
        if (counter)
            ++(job->report.*counter);
        if (--job->outstanding == 0 && job->stored)
            finishJob(job);
    }
    settle(1);
}

void Dispatcher::failJob(const JobPtr &job, const Error &error, bool permanent)
{
    qCWarning(lcDelivery).noquote() << "send job" << job->report.jobKey << (permanent ? "refused:" : "failed:")
                                    << error.toString();
    job->report.error = error;
    job->report.permanent = permanent;
    finishJob(job);
}

void Dispatcher::finishJob(const JobPtr &job)
{
    if (job->finished)
        return;
    job->finished = true;
    ++m_counters.jobs;
    if (job->done)
        job->done(job->report);
    settle(1);
}

} // namespace vestnik
