#include "template/TemplateCatalog.h"

#include "store/TemplateRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

namespace vestnik {

TemplateCatalog::TemplateCatalog(const TemplateRepository &repository) : m_repository(repository) {}

Result<SavedTemplate, QList<TemplateIssue>> TemplateCatalog::save(const PushTemplate &pushTemplate,
                                                                  const nlohmann::json &sample, const QString &author)
{
    QList<TemplateIssue> errors;
    if (pushTemplate.id.isEmpty()) {
        errors << TemplateIssue{TemplateIssue::Severity::Error, QStringLiteral("id"),
                                QStringLiteral("a template needs an id"), QStringLiteral("у шаблона должен быть id")};
    }
    if (pushTemplate.name.trimmed().isEmpty()) {
        errors << TemplateIssue{TemplateIssue::Severity::Error, QStringLiteral("name"),
                                QStringLiteral("a template needs a name"),
                                QStringLiteral("у шаблона должно быть название")};
    }
    const TemplatePreview preview = TemplatePreview::build(pushTemplate, sample);
    SavedTemplate saved;
    for (const TemplateIssue &issue : preview.issues()) {
        if (issue.isError())
            errors << issue;
        else
            saved.warnings << issue;
    }
    if (!errors.isEmpty())
        return errors;

    Result<int> version = m_repository.saveVersion(pushTemplate.id, pushTemplate.name, pushTemplate.toJson(), author);
    if (!version) {
        return QList<TemplateIssue>{
            TemplateIssue{TemplateIssue::Severity::Error, QString(),
                          QStringLiteral("the template could not be stored: ") + version.error().message,
                          QStringLiteral("шаблон не удалось сохранить: ") + version.error().message}};
    }
    saved.version = *version;
    QMutexLocker locker(&m_mutex);
    m_cache.insert_or_assign({pushTemplate.id, saved.version}, *preview.compiled());
    KnownLatest &known = m_latest[pushTemplate.id];
    if (saved.version >= known.version) // a concurrent save of a later version may have been seen first
        known = KnownLatest{saved.version, m_repository.clock().nowMs()};
    qCInfo(lcDelivery).noquote() << "template" << pushTemplate.id << "saved as version" << saved.version << "by"
                                 << author;
    return saved;
}

Result<CompiledPushTemplate> TemplateCatalog::compiled(const QString &templateId, int version)
{
    Result<Resolved> resolved = resolve(templateId, version);
    if (!resolved)
        return resolved.error();
    return resolved->compiled;
}

Result<int> TemplateCatalog::latestVersion(const QString &templateId, Latest latest)
{
    const qint64 now = m_repository.clock().nowMs();
    if (latest == Latest::Recent) {
        QMutexLocker locker(&m_mutex);
        if (const auto it = m_latest.find(templateId); it != m_latest.end()) {
            const qint64 age = now - it->second.atMs;
            if (age >= 0 && age < kRecentLatest.count()) // a clock set back makes it unknown, not forever recent
                return it->second.version;
        }
    }
    Result<std::optional<int>> stored = m_repository.latestVersionNumber(templateId);
    if (!stored)
        return stored.error();
    if (!*stored) {
        QMutexLocker locker(&m_mutex);
        m_latest.erase(templateId);
        return makeError(ErrorCode::NotFound, QStringLiteral("no template %1").arg(templateId));
    }
    QMutexLocker locker(&m_mutex);
    m_latest.insert_or_assign(templateId, KnownLatest{**stored, now});
    return **stored;
}

Result<TemplateCatalog::Resolved> TemplateCatalog::resolve(const QString &templateId, int version, Latest latest)
{
    if (version < 0)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("template %1: version %2 does not exist (versions start at 1; 0 is the latest)")
                             .arg(templateId)
                             .arg(version));
    if (version == 0) {
        // The latest: its number first, which is all a sender needs while the version is compiled here already.
        Result<int> number = latestVersion(templateId, latest);
        if (!number)
            return number.error();
        version = *number;
    }
    {
        QMutexLocker locker(&m_mutex);
        if (const auto it = m_cache.find({templateId, version}); it != m_cache.end())
            return Resolved{version, it->second};
    }
    Result<std::optional<TemplateVersion>> stored = m_repository.version(templateId, version);
    if (!stored)
        return stored.error();
    if (!*stored)
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("template %1 has no version %2").arg(templateId).arg(version));
    const int resolved = (*stored)->version;
    Result<PushTemplate> parsed = PushTemplate::fromJson((*stored)->content);
    if (!parsed) {
        return makeError(ErrorCode::Internal, QStringLiteral("stored template %1 version %2 is unreadable: %3")
                                                  .arg(templateId)
                                                  .arg(resolved)
                                                  .arg(parsed.error().message));
    }
    Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(*parsed);
    if (!compiled) {
        return makeError(ErrorCode::Internal, QStringLiteral("stored template %1 version %2 does not compile: %3")
                                                  .arg(templateId)
                                                  .arg(resolved)
                                                  .arg(compiled.error().message()));
    }
    QMutexLocker locker(&m_mutex);
    m_cache.insert_or_assign({templateId, resolved}, *compiled);
    return Resolved{resolved, *compiled};
}

} // namespace vestnik
