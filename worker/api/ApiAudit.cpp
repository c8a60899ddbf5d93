#include "api/ApiAudit.h"

#include "api/ApiRequest.h"
#include "store/AuditLogRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

namespace vestnik {

ApiAudit::ApiAudit(const Database &database, const Clock &clock)
    : m_clock(clock), m_log(std::make_unique<AuditLogRepository>(database, clock))
{}

ApiAudit::~ApiAudit() = default;

void ApiAudit::record(const ApiRequest &request, const QString &action, const QString &target,
                      const QJsonObject &detail) const
{
    AuditEntry entry;
    entry.atMs = m_clock.nowMs();
    if (request.principal) {
        entry.actor = request.principal->subject;
        entry.actorKind =
            request.principal->kind == Principal::Kind::User ? AuditActorKind::User : AuditActorKind::Service;
    }
    entry.action = action;
    entry.target = target;
    entry.detail = detail;
    entry.remoteAddress = request.remoteAddress.toString();
    if (Result<qint64> appended = m_log->append(entry); !appended)
        qCWarning(lcWorker).noquote() << "cannot write" << action << "of" << entry.actor
                                      << "to the audit log:" << appended.error().toString();
}

} // namespace vestnik
