#pragma once

#include <QJsonObject>
#include <QString>

namespace vestnik {

/// One saved, immutable version of a template's content (locale variants, rich fields).
struct TemplateVersion final {
    QString templateId;
    int version = 0; ///< 1, 2, 3... per template
    QJsonObject content;
    QString createdBy;
    qint64 createdAtMs = 0;

    friend bool operator==(const TemplateVersion &, const TemplateVersion &) = default;
};

} // namespace vestnik
