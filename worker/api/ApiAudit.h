#pragma once

#include <QJsonObject>
#include <QString>

#include <memory>

namespace vestnik {

class AuditLogRepository;
class Clock;
class Database;
struct ApiRequest;

/// Writes what a caller changed through the API to the audit log: who (the token's subject and kind), what (an
/// action such as "device.register" and its target), when and from which address. Every endpoint that changes
/// something records through one of these.
class ApiAudit final
{
public:
    /// The database and clock must outlive the audit.
    ApiAudit(const Database &database, const Clock &clock);
    ~ApiAudit();

    /// Appends one entry. A failure is logged as a warning and never fails the change that was made.
    void record(const ApiRequest &request, const QString &action, const QString &target,
                const QJsonObject &detail = {}) const;

private:
    const Clock &m_clock;
    std::unique_ptr<AuditLogRepository> m_log;
};

} // namespace vestnik
