#pragma once

#include "template/CompiledTemplate.h"
#include "template/PushTemplate.h"
#include "template/TemplateError.h"
#include "util/Result.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vestnik {

struct RenderedButton {
    std::string id;
    std::string label;
    std::string link;
};

/// One push's texts for one recipient, rendered (UTF-8, not escaped).
struct RenderedPush {
    QString locale; ///< the variant used
    std::string title;
    std::string body;
    std::string imageUrl;
    std::string deepLink;
    std::vector<RenderedButton> buttons;
    std::vector<std::pair<std::string, std::string>> data;
};

/// Every locale variant of a push template compiled once, at save time; rendering picks the recipient's
/// variant (`ru-RU` -> `ru` -> default) and never parses. Immutable and shareable across threads.
class CompiledPushTemplate final
{
public:
    /// Compiles the default content and every variant in its own locale; the error's `field` says which
    /// text failed (e.g. "variants.en.title").
    static Result<CompiledPushTemplate, TemplateError> compile(const PushTemplate &pushTemplate);

    const PushTemplate &source() const;
    /// The locales that have texts: the default locale first, then the variants.
    QStringList locales() const;

    Result<RenderedPush, TemplateError> render(const VariableLookup &lookup, const QString &recipientLocale,
                                               const TemplateRenderOptions &options = {}) const;

private:
    struct Data;
    explicit CompiledPushTemplate(std::shared_ptr<const Data> data);
    std::shared_ptr<const Data> m_data;
};

} // namespace vestnik
