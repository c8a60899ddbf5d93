#pragma once

#include "util/Result.h"

#include <QObject>

#include <functional>
#include <memory>

namespace vestnik {

class ApiAudit;
class ApiResponse;
class ApiServer;
class Clock;
class Database;
class TriggerRuleRepository;
struct ApiRequest;

/// Trigger rules over the API: list, read, create (201 with Location), replace (PUT), enable / disable and delete.
/// A rule the repository refuses (bad fields or condition, unknown template or app) is answered with 422
/// `invalid_rule` and the repository's message. Admins and marketers write; analysts read. After every change the
/// worker's trigger role is told to reload its rules.
class TriggerRulesEndpoints final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggerRulesEndpoints)

public:
    /// Everything must outlive the endpoints. `rulesChanged` is called after each change (may be empty).
    TriggerRulesEndpoints(const Database &database, const Clock &clock, const ApiAudit &audit,
                          std::function<void()> rulesChanged, QObject *parent = nullptr);
    ~TriggerRulesEndpoints() override;

    Result<void> addRoutes(ApiServer &api);

private:
    ApiResponse list() const;
    ApiResponse show(const ApiRequest &request) const;
    ApiResponse create(const ApiRequest &request);
    ApiResponse replace(const ApiRequest &request);
    ApiResponse setEnabled(const ApiRequest &request, bool enabled);
    ApiResponse remove(const ApiRequest &request);

    const ApiAudit &m_audit;
    std::function<void()> m_rulesChanged;
    std::unique_ptr<TriggerRuleRepository> m_rules;
};

} // namespace vestnik
