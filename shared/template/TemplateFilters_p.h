#pragma once

// Private to shared/template: compiling and applying filters.

#include "template/CompiledTemplate.h"
#include "template/TemplateError.h"
#include "template/TemplateProgram_p.h"
#include "util/Result.h"

#include <QStringList>

namespace vestnik::detail {

/// A filter as written: name and arguments (quoted arguments already unquoted).
struct FilterCall {
    QString name;
    QStringList arguments;
    QList<bool> isNamed; ///< per argument: written as `key=value` (plural forms)
    int line = 0;
    int column = 0;
};

/// Checks a filter call and prepares everything it needs for rendering (ICU formatters, plural forms).
Result<Filter, TemplateError> compileFilter(const FilterCall &call, const Program &program);

/// The names of all filters, for messages.
QString filterNames();

/// The working value of an expression while its filters run.
struct FilterValue {
    const nlohmann::json *json = nullptr; ///< the variable's value, while no filter has produced text
    std::string text;                     ///< text produced by a filter
    bool isText = false;
    bool isMissing() const { return !isText && (json == nullptr || json->is_null()); }
};

/// Applies one filter; fails with a message naming the variable when the value does not fit.
Result<void, TemplateError> applyFilter(const Filter &filter, FilterValue &value, const Expression &expression,
                                        const Program &program, const CompiledTemplate::RenderOptions &options);

/// Appends a JSON value as text (strings as they are, numbers in shortest form); fails for objects/arrays.
Result<void, TemplateError> appendPlain(std::string &out, const nlohmann::json &value, const Expression &expression);

/// The error for a variable that has no value and no default.
TemplateError missingVariable(const Expression &expression);

} // namespace vestnik::detail
