#pragma once

#include "template/CompiledPushTemplate.h"
#include "template/PushTemplate.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>
#include <optional>

namespace vestnik {

/// Something a marketer should know about a template: an error blocks saving, a warning does not.
struct TemplateIssue {
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    QString field; ///< e.g. "variants.en.body"; empty for the whole template
    QString messageEn;
    QString messageRu;

    bool isError() const { return severity == Severity::Error; }
    /// The message in the given language, prefixed with its field.
    QString message(const QString &language = QStringLiteral("en")) const;
};

/// One rendered payload as a provider would receive it.
struct PreviewPayload {
    QString locale;   ///< the variant's locale
    QString platform; ///< "android" (FCM) or "ios" (APNs)
    QByteArray payload;
    int size = 0;  ///< bytes counted against the provider's limit
    int limit = 0; ///< the provider's limit in bytes
    QString title; ///< rendered, for mock-ups
    QString body;
};

/// Renders every locale variant of a template for a sample recipient on both platforms, with the issues
/// a marketer can act on: compile errors, variables the sample lacks, payloads over or near the providers'
/// limits, reserved data keys. `TemplateCatalog` refuses to save a template whose preview has errors.
class TemplatePreview final
{
public:
    /// `sample` holds the variables (user attributes and example event data) as one JSON object.
    static TemplatePreview build(const PushTemplate &pushTemplate, const nlohmann::json &sample,
                                 const QString &timeZone = QString());

    const QList<PreviewPayload> &payloads() const { return m_payloads; }
    const QList<TemplateIssue> &issues() const { return m_issues; }
    bool hasErrors() const;
    /// The compiled template, when it compiled.
    const std::optional<CompiledPushTemplate> &compiled() const { return m_compiled; }

private:
    void addIssue(TemplateIssue::Severity severity, const QString &field, QString en, QString ru);
    void checkSize(const PreviewPayload &payload);

    QList<PreviewPayload> m_payloads;
    QList<TemplateIssue> m_issues;
    std::optional<CompiledPushTemplate> m_compiled;
};

} // namespace vestnik
