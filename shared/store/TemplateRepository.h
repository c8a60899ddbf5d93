#pragma once

#include "model/Template.h"
#include "model/TemplateVersion.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace vestnik {

class Clock;
class Database;

/// Templates and their immutable, numbered versions.
class TemplateRepository final
{
public:
    TemplateRepository(const Database &database, const Clock &clock);

    /// The clock that stamps saved versions.
    const Clock &clock() const { return m_clock; }

    /// Saves `content` as the next version of the template (creating the template with version 1), renames it
    /// to `name` and takes it out of the archive; returns the new version number. Concurrent saves get distinct,
    /// gapless numbers: the counter is bumped and the version written in one transaction.
    Result<int> saveVersion(const QString &templateId, const QString &name, const QJsonObject &content,
                            const QString &createdBy) const;
    /// The template, or nothing.
    Result<std::optional<Template>> find(const QString &templateId) const;
    /// All templates, by name; archived ones only `withArchived`.
    Result<QList<Template>> list(bool withArchived = false) const;
    /// Archives the template (the API's delete): hidden from list(), its versions kept; saving a version takes it
    /// out of the archive. False for an unknown template.
    Result<bool> archive(const QString &templateId) const;
    /// The newest version, or nothing for an unknown template.
    Result<std::optional<TemplateVersion>> latest(const QString &templateId) const;
    /// The newest version's number, or nothing for an unknown template: what a sender asks for every batch, so it
    /// reads no content and its statement stays prepared on the connection.
    Result<std::optional<int>> latestVersionNumber(const QString &templateId) const;
    /// Version `version`, or nothing when there is no such version.
    Result<std::optional<TemplateVersion>> version(const QString &templateId, int version) const;
    /// Every version, oldest first.
    Result<QList<TemplateVersion>> versions(const QString &templateId) const;

private:
    Result<QList<TemplateVersion>> selectVersions(const QString &where, const QVariantList &values,
                                                  const QString &what) const;

    const Database &m_database;
    const Clock &m_clock;
};

} // namespace vestnik
