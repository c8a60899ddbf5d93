#pragma once

#include "template/CompiledTemplate.h"
#include "template/TemplateError.h"
#include "util/Result.h"

#include <QString>

namespace vestnik {

/// Parses Vestnik's template language (docs/templates.md) into a CompiledTemplate. Every syntax
/// error, unknown filter and bad filter argument is found here, at save time, not while sending.
class TemplateCompiler final
{
public:
    /// Compiles `source` for texts in `locale` (BCP 47: "ru", "ru-RU", "en"); the locale decides plural
    /// forms and number, currency and date formats.
    static Result<CompiledTemplate, TemplateError> compile(const QString &source, const QString &locale);
};

} // namespace vestnik
