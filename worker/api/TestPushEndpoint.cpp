#include "api/TestPushEndpoint.h"

#include "api/ApiAudit.h"
#include "api/ApiServer.h"
#include "api/BodyFields.h"
#include "delivery/DeliveryEngine.h"
#include "model/SendJob.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QPointer>
#include <QUuid>

namespace vestnik {

namespace {

const Access kSenders = Access::roles({Principal::Role::Admin, Principal::Role::Marketer});

/// The first and last four characters: enough to tell devices apart, never the token.
QString maskedToken(const QString &token)
{
    if (token.size() < 16)
        return QStringLiteral("…");
    return token.left(4) + QStringLiteral("…") + token.right(4);
}

QString providerOf(Platform platform)
{
    switch (platform) {
    case Platform::Android: return QStringLiteral("fcm");
    case Platform::Ios: return QStringLiteral("apns");
    case Platform::Web: break;
    }
    return QString();
}

/// What became of a delivery, in the words of the API: accepted, invalid_token, failed, retry_scheduled or
/// pending (still in flight when the job finished, which a durable outcome rules out).
QString outcomeOf(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::Sent:
    case DeliveryStatus::Delivered:
    case DeliveryStatus::Opened:
    case DeliveryStatus::Clicked:
    case DeliveryStatus::Dismissed:
    case DeliveryStatus::Converted: return QStringLiteral("accepted");
    case DeliveryStatus::InvalidToken: return QStringLiteral("invalid_token");
    case DeliveryStatus::Failed: return QStringLiteral("failed");
    case DeliveryStatus::RetryScheduled: return QStringLiteral("retry_scheduled");
    case DeliveryStatus::Queued:
    case DeliveryStatus::Sending: break;
    }
    return QStringLiteral("pending");
}

struct TestPush {
    SendJob job;
    QList<Device> devices;
};

} // namespace

TestPushEndpoint::TestPushEndpoint(DeliveryEngine *engine, const Clock &clock, const ApiAudit &audit, QObject *parent)
    : QObject(parent), m_engine(engine), m_clock(clock), m_audit(audit)
{}

TestPushEndpoint::~TestPushEndpoint() = default;

Result<void> TestPushEndpoint::addRoutes(ApiServer &api)
{
    return api.addRoute(
        "POST", QStringLiteral("/v1/test-push"), kSenders,
        ApiServer::Handler([this](const ApiRequest &request, ApiReply reply) {
            const Result<QJsonObject> body = request.jsonObject();
            if (!body)
                return reply.send(ApiResponse::invalidJson(body.error()));
            const Result<QString> templateId = bodyfields::requiredString(*body, QStringLiteral("template_id"));
            if (!templateId)
                return reply.send(ApiResponse::fromError(templateId.error()));
            const Result<QString> userId = bodyfields::requiredString(*body, QStringLiteral("user_id"));
            if (!userId)
                return reply.send(ApiResponse::fromError(userId.error()));
            const Result<std::optional<QJsonObject>> variables = bodyfields::object(*body, QStringLiteral("variables"));
            if (!variables)
                return reply.send(ApiResponse::fromError(variables.error()));
            const Result<std::optional<QString>> appId = bodyfields::string(*body, QStringLiteral("app_id"));
            if (!appId)
                return reply.send(ApiResponse::fromError(appId.error()));
            if (!m_engine)
                return reply.send(ApiResponse::error(503, QStringLiteral("sender_unavailable"),
                                                     QStringLiteral("this worker does not run the sender role; send "
                                                                    "test pushes to a worker that does")));
            const Result<TemplateCatalog::Resolved> resolved = m_engine->catalog.resolve(*templateId);
            if (!resolved)
                return reply.send(ApiResponse::fromError(resolved.error()));

            auto push = std::make_shared<TestPush>();
            push->job.eventId = QStringLiteral("test-push:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
            push->job.userId = *userId;
            push->job.appId = appId->value_or(QString());
            push->job.templateId = *templateId;
            push->job.templateVersion = resolved->version;
            push->job.variables = bodyfields::toNlohmann(variables->value_or(QJsonObject()));
            push->job.createdAtMs = m_clock.nowMs();
            m_audit.record(request, QStringLiteral("test_push.send"), *userId,
                           QJsonObject{{QStringLiteral("template_id"), *templateId},
                                       {QStringLiteral("version"), resolved->version},
                                       {QStringLiteral("job"), push->job.key()}});

            DeviceDirectory &directory =
                m_engine->externalDirectory ? *m_engine->externalDirectory : m_engine->directory;
            const QPointer<TestPushEndpoint> self(this);
            directory.activeDevices({*userId}, [self, engine = m_engine, push,
                                                reply](Result<DeviceDirectory::Devices> devices) {
                if (!self)
                    return;
                if (!devices)
                    return reply.send(ApiResponse::fromError(devices.error()));
                for (const Device &device : devices->value(push->job.userId)) {
                    if (push->job.appId.isEmpty() || device.appId == push->job.appId)
                        push->devices.append(device);
                }
                engine->dispatcher.submit(push->job, [self, engine, push, reply](const Dispatcher::JobReport &report) {
                    if (!self)
                        return;
                    if (report.error)
                        return reply.send(report.permanent ? ApiResponse::error(422, QStringLiteral("not_sendable"),
                                                                                report.error->message)
                                                           : ApiResponse::fromError(*report.error));
                    QJsonArray outcomes;
                    for (const Device &device : std::as_const(push->devices)) {
                        QJsonObject outcome{{QStringLiteral("device_id"), device.id},
                                            {QStringLiteral("app_id"), device.appId},
                                            {QStringLiteral("platform"), platformName(device.platform)},
                                            {QStringLiteral("provider"), providerOf(device.platform)},
                                            {QStringLiteral("token"), maskedToken(device.token)}};
                        const QString notificationId = push->job.notificationIdFor(device.id);
                        const Result<std::optional<Delivery>> delivery = engine->deliveries.find(notificationId);
                        if (!delivery)
                            return reply.send(ApiResponse::fromError(delivery.error()));
                        if (!*delivery) {
                            outcome.insert(QStringLiteral("outcome"), QStringLiteral("not_sent"));
                        } else {
                            const Delivery &d = **delivery;
                            outcome.insert(QStringLiteral("notification_id"), d.notificationId);
                            outcome.insert(QStringLiteral("outcome"), outcomeOf(d.status));
                            outcome.insert(QStringLiteral("status"), deliveryStatusName(d.status));
                            if (!d.providerMessageId.isEmpty())
                                outcome.insert(QStringLiteral("provider_message_id"), d.providerMessageId);
                            if (!d.errorCode.isEmpty())
                                outcome.insert(QStringLiteral("error_code"), d.errorCode);
                            if (!d.errorMessage.isEmpty())
                                outcome.insert(QStringLiteral("error_message"), d.errorMessage);
                        }
                        outcomes.append(outcome);
                    }
                    reply.send(ApiResponse::json(QJsonObject{{QStringLiteral("template_id"), push->job.templateId},
                                                             {QStringLiteral("version"), push->job.templateVersion},
                                                             {QStringLiteral("user_id"), push->job.userId},
                                                             {QStringLiteral("job"), push->job.key()},
                                                             {QStringLiteral("sent"), report.sent},
                                                             {QStringLiteral("failed"), report.failed},
                                                             {QStringLiteral("invalid_tokens"), report.invalidTokens},
                                                             {QStringLiteral("retries"), report.retries},
                                                             {QStringLiteral("devices"), outcomes}}));
                });
            });
        }));
}

} // namespace vestnik
