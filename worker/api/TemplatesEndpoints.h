#pragma once

#include "util/Result.h"

#include <QObject>

#include <memory>

namespace vestnik {

class ApiAudit;
class ApiResponse;
class ApiServer;
class Clock;
class Database;
class TemplateCatalog;
class TemplateRepository;
class TriggerRuleRepository;
class UserRepository;
struct ApiRequest;

/// Push templates over the API: list, read (latest version and the list of versions, or one version), save a new
/// version (validated as the catalog validates it: a template that does not compile, or whose sample payloads do
/// not fit the providers, is refused with 422 and every error with its field and position) and preview (the
/// rendered title, body and provider payloads for a sample user). Admins and marketers write; analysts read.
/// Templates are not deleted: their versions are immutable and referenced by deliveries and stored send jobs.
class TemplatesEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TemplatesEndpoints)

public:
    /// Everything must outlive the endpoints.
    TemplatesEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit, QObject *parent = nullptr);
    ~TemplatesEndpoints() override;

    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse list(const ApiRequest &request) const;
    ApiResponse show(const ApiRequest &request) const;
    ApiResponse showVersion(const ApiRequest &request) const;
    ApiResponse save(const ApiRequest &request);
    ApiResponse preview(const ApiRequest &request) const;
    ApiResponse remove(const ApiRequest &request);

    const ApiAudit &m_audit;
    std::unique_ptr<TemplateRepository> m_templates;
    std::unique_ptr<TemplateCatalog> m_catalog;
    std::unique_ptr<UserRepository> m_users;
    std::unique_ptr<TriggerRuleRepository> m_rules; ///< a template rules still use is not deleted
};

} // namespace vestnik
