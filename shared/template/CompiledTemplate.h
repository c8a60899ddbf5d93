#pragma once

#include "template/TemplateError.h"
#include "template/VariableLookup.h"
#include "util/Result.h"

#include <QStringList>

#include <memory>
#include <string>
#include <string_view>

namespace vestnik {

namespace detail {
struct Program;
}

/// How rendered text is written.
enum class TemplateEscape {
    None,       ///< the text as is
    JsonString, ///< escaped to be embedded between the quotes of a JSON string
};

/// Per-render settings of a CompiledTemplate.
struct TemplateRenderOptions {
    TemplateEscape escape = TemplateEscape::None;
    std::string_view timeZone; ///< IANA id of the recipient's zone for dates (empty: UTC)
    /// The recipient's BCP 47 locale for number, currency and date formats, used when it has the template's
    /// language (`en-GB` for an `en` template); empty or another language: the template's locale.
    std::string_view locale;
    bool keepMissing = false;       ///< previews only: write `{{name}}` for a variable without value instead of failing
    QStringList *missing = nullptr; ///< with keepMissing: collects the variables written as placeholders
};

/// A template parsed once (see TemplateCompiler) and rendered many times. Immutable; copies share the
/// program and may be rendered from any number of threads at once.
class CompiledTemplate final
{
public:
    using Escape = TemplateEscape;
    using RenderOptions = TemplateRenderOptions;

    CompiledTemplate() = default;

    /// Appends the rendered text to `out`. On error `out` may hold a partial render; the caller discards it.
    Result<void, TemplateError> render(const VariableLookup &lookup, std::string &out,
                                       const RenderOptions &options = {}) const;
    /// Convenience for previews and tests: renders into a new QString.
    Result<QString, TemplateError> renderToString(const VariableLookup &lookup,
                                                  const RenderOptions &options = {}) const;

    bool isNull() const { return !m_program; }
    /// The locale the template was compiled for (plural rules, number and date formats).
    QString locale() const;
    /// Every variable the template reads, as written (`товар.название`), once each.
    QStringList variables() const;

private:
    friend class TemplateCompiler;
    explicit CompiledTemplate(std::shared_ptr<const detail::Program> program);

    std::shared_ptr<const detail::Program> m_program;
};

} // namespace vestnik
