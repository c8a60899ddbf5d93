#include "google/FcmSendEndpoint.h"

#include "control/DeliveryRecorder.h"
#include "control/FaultInjector.h"
#include "google/AccessTokenStore.h"
#include "google/FcmError.h"
#include "google/FcmMessageValidator.h"
#include "transport/HttpRequest.h"
#include "transport/ServerConnection.h"
#include "util/Clock.h"

namespace vestnik::sim {

namespace {

const QByteArray kPrefix = QByteArrayLiteral("/v1/projects/");
const QByteArray kSuffix = QByteArrayLiteral("/messages:send");

HttpResponse unauthenticated()
{
    FcmError error;
    error.httpStatus = 401;
    error.status = QStringLiteral("UNAUTHENTICATED");
    error.message = QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                   "login cookie or other valid authentication credential. See "
                                   "https://developers.google.com/identity/sign-in/web/devconsole-project.");
    HttpResponse response = error.toResponse();
    response.addHeader(QByteArrayLiteral("www-authenticate"),
                       QByteArrayLiteral("Bearer realm=\"https://accounts.google.com/\""));
    return response;
}

HttpResponse permissionDenied(const QString &message)
{
    FcmError error;
    error.httpStatus = 403;
    error.status = QStringLiteral("PERMISSION_DENIED");
    error.message = message;
    return error.toResponse();
}

std::string_view bearerToken(const HttpRequest &request)
{
    const QByteArray *header = request.header("authorization");
    if (!header || header->size() < 8 || qstrnicmp(header->constData(), "bearer ", 7) != 0)
        return {};
    return std::string_view(header->constData() + 7, std::size_t(header->size() - 7));
}

// The record key of a message: the token itself, or the kind of target and its address.
std::string targetKey(const FcmMessage &message)
{
    switch (message.target) {
    case FcmMessage::Target::Token: return message.address;
    case FcmMessage::Target::Topic: return "topic:" + message.address;
    case FcmMessage::Target::Condition: return "condition:" + message.address;
    case FcmMessage::Target::Fid: return "fid:" + message.address;
    }
    return message.address;
}

QString errorCodeForState(const QString &state)
{
    if (state == QStringLiteral("unregistered"))
        return QStringLiteral("UNREGISTERED");
    if (state == QStringLiteral("sender_mismatch"))
        return QStringLiteral("SENDER_ID_MISMATCH");
    if (state == QStringLiteral("third_party_auth_error"))
        return QStringLiteral("THIRD_PARTY_AUTH_ERROR");
    return QStringLiteral("INVALID_ARGUMENT");
}

} // namespace

FcmSendEndpoint::FcmSendEndpoint(AccessTokenStore &tokens, FaultInjector &faults, DeliveryRecorder &recorder,
                                 const Clock &clock)
    : m_tokens(tokens), m_faults(faults), m_recorder(recorder), m_clock(clock)
{
    // Google's example id "0:1500415314455276%31bd1c9631bd1c96": microseconds, then an app-specific part.
    const QByteArray half =
        QByteArray::number(quint32(m_faults.unit(PushService::Fcm, "message-id", 0, 7) * 4294967295.0), 16)
            .rightJustified(8, '0');
    m_messageIdSuffix = '%' + half + half;
}

bool FcmSendEndpoint::matches(QByteArrayView path, QByteArrayView *project)
{
    if (!path.startsWith(kPrefix) || !path.endsWith(kSuffix) || path.size() <= kPrefix.size() + kSuffix.size())
        return false;
    const QByteArrayView id = path.sliced(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    if (id.contains('/'))
        return false;
    if (project)
        *project = id;
    return true;
}

bool FcmSendEndpoint::takeQuota(const QByteArray &project, qint64 perMinute, qint64 nowMs)
{
    // "Minutes are not clock-aligned" (PROVIDERS.md 1.7): a bucket that refills continuously.
    auto bucket = m_quota.find(project);
    if (bucket == m_quota.end())
        bucket = m_quota.insert(project, Bucket{double(perMinute), nowMs});
    bucket->tokens =
        std::min(double(perMinute), bucket->tokens + double(nowMs - bucket->updatedMs) * double(perMinute) / 60000.0);
    bucket->updatedMs = nowMs;
    if (bucket->tokens < 1.0)
        return false;
    bucket->tokens -= 1.0;
    return true;
}

QByteArray FcmSendEndpoint::nextMessageId(qint64 nowMs)
{
    m_lastMessageMicros = std::max(nowMs * 1000, m_lastMessageMicros + 1);
    return QByteArray("0:" + QByteArray::number(m_lastMessageMicros) + m_messageIdSuffix);
}

HttpResponse FcmSendEndpoint::handle(HttpRequest &request, ServerConnection &connection)
{
    QByteArrayView project;
    matches(request.pathOnly(), &project);
    const qint64 now = m_clock.nowMs();
    const auto delayed = [&](HttpResponse response, std::string_view key, quint64 attempt) {
        response.delay = m_faults.latency(PushService::Fcm, key, attempt);
        m_faults.applyGoAwayRule(PushService::Fcm, connection, request.streamId);
        return response;
    };

    const std::string_view bearer = bearerToken(request);
    const AccessTokenStore::Grant *grant = bearer.empty() ? nullptr : m_tokens.find(bearer);
    if (!grant || grant->expiresAtMs <= now)
        return delayed(unauthenticated(), {}, m_unattributedRequests++);
    if (!grant->canSendFcm)
        return delayed(permissionDenied(QStringLiteral("Request had insufficient authentication scopes.")), {},
                       m_unattributedRequests++);
    if (project != grant->projectId && (grant->projectNumber.isEmpty() || project != grant->projectNumber))
        return delayed(permissionDenied(QStringLiteral("Permission 'cloudmessaging.messages.create' denied on resource "
                                                       "'//cloudresourcemanager.googleapis.com/projects/%1' (or it may "
                                                       "not exist).")
                                            .arg(QString::fromUtf8(project.toByteArray()))),
                       {}, m_unattributedRequests++);
    // Every message counts against the quota, invalid ones too; only those refused for the quota do not.
    if (const qint64 quota = m_faults.behaviour().fcmQuotaPerMinute;
        quota > 0 && !takeQuota(grant->projectId, quota, now)) {
        FcmError error = FcmError::fromCode(QStringLiteral("QUOTA_EXCEEDED"));
        error.quotaSubject =
            QStringLiteral("project_number:")
            + QString::fromUtf8(grant->projectNumber.isEmpty() ? grant->projectId : grant->projectNumber);
        return delayed(error.toResponse(), {}, m_unattributedRequests++);
    }
    if (std::optional<FaultInjector::Fault> outage = m_faults.outage(PushService::Fcm)) {
        FcmError error = FcmError::fromCode(outage->code);
        error.retryAfterSeconds = outage->retryAfterSeconds;
        return delayed(error.toResponse(), {}, m_unattributedRequests++);
    }

    FcmMessage message;
    if (std::optional<FcmError> invalid = m_validator.validate(request.body, message)) {
        if (!message.address.empty())
            m_recorder.reject(PushService::Fcm, targetKey(message), invalid->httpStatus, invalid->message, now);
        return delayed(invalid->toResponse(), {}, m_unattributedRequests++);
    }
    const std::string key = targetKey(message);
    const quint64 attempt = m_recorder.beginAttempt(PushService::Fcm, key);
    const auto reject = [&](FcmError error) {
        m_recorder.reject(PushService::Fcm, key, error.httpStatus, error.errorCode, now);
        return delayed(error.toResponse(), key, attempt);
    };

    if (message.target == FcmMessage::Target::Token) {
        if (const Behaviour::TokenRule *rule = m_faults.tokenRule(PushService::Fcm, message.address)) {
            FcmError error = FcmError::fromCode(errorCodeForState(rule->state));
            if (rule->state == QStringLiteral("invalid"))
                error = FcmError::invalidArgument(error.message, QStringLiteral("message.token"),
                                                  QStringLiteral("The registration token is not a valid FCM "
                                                                 "registration token"));
            return reject(error);
        }
        if (m_tokenProject) {
            const QByteArray owner = m_tokenProject(message.address);
            if (!owner.isEmpty() && owner != grant->projectId && owner != grant->projectNumber)
                return reject(FcmError::fromCode(QStringLiteral("SENDER_ID_MISMATCH")));
        }
    }
    if (std::optional<FaultInjector::Fault> fault = m_faults.fault(PushService::Fcm, key, attempt)) {
        FcmError error = FcmError::fromCode(fault->code);
        if (error.errorCode == QStringLiteral("INVALID_ARGUMENT"))
            error.message = QStringLiteral("Request contains an invalid argument.");
        error.retryAfterSeconds = fault->retryAfterSeconds;
        if (error.errorCode == QStringLiteral("QUOTA_EXCEEDED"))
            error.quotaSubject =
                QStringLiteral("project_number:")
                + QString::fromUtf8(grant->projectNumber.isEmpty() ? grant->projectId : grant->projectNumber);
        return reject(error);
    }

    const QByteArray id = nextMessageId(now);
    if (!message.isValidateOnly) {
        m_recorder.accept(PushService::Fcm, key, request.body, std::move(request.headers),
                          QByteArray::fromStdString(message.collapseKey), id, now);
    }
    QByteArray body;
    body.reserve(64 + project.size() + id.size());
    body.append("{\"name\":\"projects/").append(project).append("/messages/").append(id).append("\"}");
    return delayed(HttpResponse(200, std::move(body)), key, attempt);
}

} // namespace vestnik::sim
