#pragma once

#include "template/CompiledPushTemplate.h"
#include "template/PushTemplate.h"
#include "template/TemplatePreview.h"
#include "util/Result.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <chrono>
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

    /// How current "the latest version" (`version` 0) has to be.
    enum class Latest {
        Now,    ///< read from the database: what the console, the API and test pushes show
        Recent, ///< as read or saved here at most kRecentLatest ago: sending, which needs it for every batch
    };
    /// How long a sender goes on with the latest version it knows: a version saved by another process (the API
    /// of another worker, the console through it) is sent within this time, one saved here at once.
    static constexpr std::chrono::milliseconds kRecentLatest{1000};

    /// The compiled template at `version` (0: the latest). A campaign pins the version it sends.
    Result<CompiledPushTemplate> compiled(const QString &templateId, int version = 0);
    /// compiled(), with the version number that `version` 0 resolved to.
    Result<Resolved> resolve(const QString &templateId, int version = 0, Latest latest = Latest::Now);

private:
    /// The latest version number of a template, and when it was read or saved (ms since the epoch).
    struct KnownLatest {
        int version = 0;
        qint64 atMs = 0;
    };
    Result<int> latestVersion(const QString &templateId, Latest latest);

    const TemplateRepository &m_repository;
    QMutex m_mutex;
    std::map<std::pair<QString, int>, CompiledPushTemplate> m_cache;
    std::map<QString, KnownLatest> m_latest;
};

} // namespace vestnik
