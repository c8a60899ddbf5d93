#pragma once

#include "template/CompiledPushTemplate.h"
#include "template/PushTemplate.h"
#include "template/TemplatePreview.h"
#include "util/Result.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <map>
#include <utility>

namespace vestnik {

class TemplateRepository;

/// A version that was saved, with the warnings its preview raised.
struct SavedTemplate {
    int version = 0;
    QList<TemplateIssue> warnings;
};

/// Where templates are saved and fetched for sending: a save is refused unless every locale variant
/// compiles and the sample recipient's payloads fit the providers' limits; every save is a new version;
/// compiled versions are cached (versions never change), so sending never parses.
class TemplateCatalog final
{
public:
    explicit TemplateCatalog(const TemplateRepository &repository);

    /// Validates with TemplatePreview against `sample` and stores a new version; on refusal, every error.
    Result<SavedTemplate, QList<TemplateIssue>> save(const PushTemplate &pushTemplate, const nlohmann::json &sample,
                                                     const QString &author);

    /// A compiled template and the version it is.
    struct Resolved {
        int version = 0;
        CompiledPushTemplate compiled;
    };

    /// The compiled template at `version` (0: the latest). A campaign pins the version it sends.
    Result<CompiledPushTemplate> compiled(const QString &templateId, int version = 0);
    /// compiled(), with the version number that `version` 0 resolved to.
    Result<Resolved> resolve(const QString &templateId, int version = 0);

private:
    const TemplateRepository &m_repository;
    QMutex m_mutex;
    std::map<std::pair<QString, int>, CompiledPushTemplate> m_cache;
};

} // namespace vestnik
