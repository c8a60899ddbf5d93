#include "template/CompiledTemplate.h"

#include "template/TemplateFilters_p.h"
#include "template/TemplateProgram_p.h"

namespace vestnik {

using detail::Op;

namespace {

bool isTruthy(const nlohmann::json *value)
{
    if (!value)
        return false;
    switch (value->type()) {
    case nlohmann::json::value_t::null: return false;
    case nlohmann::json::value_t::boolean: return value->get<bool>();
    case nlohmann::json::value_t::number_integer: return value->get<std::int64_t>() != 0;
    case nlohmann::json::value_t::number_unsigned: return value->get<std::uint64_t>() != 0;
    case nlohmann::json::value_t::number_float: return value->get<double>() != 0.0;
    case nlohmann::json::value_t::string: return !value->get_ref<const std::string &>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object: return !value->empty();
    default: return true;
    }
}

bool isEmptyValue(const nlohmann::json *value)
{
    return !value || value->is_null() || (value->is_string() && value->get_ref<const std::string &>().empty());
}

void writePlaceholder(const detail::Expression &expr, std::string &out, const TemplateRenderOptions &options)
{
    out += "{{" + expr.name.toStdString() + "}}";
    if (options.missing && !options.missing->contains(expr.name))
        options.missing->append(expr.name);
}

} // namespace

CompiledTemplate::CompiledTemplate(std::shared_ptr<const detail::Program> program) : m_program(std::move(program)) {}

Result<void, TemplateError> CompiledTemplate::render(const VariableLookup &lookup, std::string &out,
                                                     const RenderOptions &options) const
{
    if (!m_program)
        return {};
    const detail::Program &program = *m_program;
    const bool json = options.escape == Escape::JsonString;
    const std::size_t count = program.ops.size();
    for (std::size_t pc = 0; pc < count;) {
        const Op &op = program.ops[pc];
        switch (op.kind) {
        case Op::Text:
            out += json ? program.jsonTexts[op.index] : program.texts[op.index];
            ++pc;
            break;
        case Op::Expr: {
            const detail::Expression &expr = program.exprs[op.index];
            const nlohmann::json *value = lookup.find(expr.path);
            if (expr.filters.empty()) {
                // the common case: a plain variable, appended straight from the lookup's storage
                if (isEmptyValue(value)) {
                    if (!options.keepMissing)
                        return detail::missingVariable(expr);
                    writePlaceholder(expr, out, options);
                    ++pc;
                    break;
                }
                if (json && value->is_string()) {
                    detail::appendJsonEscaped(out, value->get_ref<const std::string &>());
                } else if (json) {
                    std::string text;
                    if (auto done = detail::appendPlain(text, *value, expr); !done)
                        return done.error();
                    detail::appendJsonEscaped(out, text);
                } else if (auto done = detail::appendPlain(out, *value, expr); !done) {
                    return done.error();
                }
            } else {
                detail::FilterValue current;
                current.json = isEmptyValue(value) ? nullptr : value;
                bool missing = false;
                for (const detail::Filter &filter : expr.filters) {
                    if (auto done = detail::applyFilter(filter, current, expr, program, options); !done) {
                        if (!options.keepMissing || done.error().kind != TemplateError::Kind::MissingVariable)
                            return done.error();
                        missing = true;
                        break;
                    }
                }
                if (missing || (!current.isText && current.isMissing())) {
                    if (!options.keepMissing)
                        return detail::missingVariable(expr);
                    writePlaceholder(expr, out, options);
                    ++pc;
                    break;
                }
                if (!current.isText) {
                    if (auto done = detail::appendPlain(current.text, *current.json, expr); !done)
                        return done.error();
                }
                if (json)
                    detail::appendJsonEscaped(out, current.text);
                else
                    out += current.text;
            }
            ++pc;
            break;
        }
        case Op::JumpIfFalse: pc = isTruthy(lookup.find(program.conditions[op.index])) ? pc + 1 : op.target; break;
        case Op::JumpIfTrue: pc = isTruthy(lookup.find(program.conditions[op.index])) ? op.target : pc + 1; break;
        case Op::Jump: pc = op.target; break;
        }
    }
    return {};
}

Result<QString, TemplateError> CompiledTemplate::renderToString(const VariableLookup &lookup,
                                                                const RenderOptions &options) const
{
    std::string out;
    if (auto done = render(lookup, out, options); !done)
        return done.error();
    return QString::fromStdString(out);
}

QString CompiledTemplate::locale() const
{
    return m_program ? m_program->localeName : QString();
}

QStringList CompiledTemplate::variables() const
{
    return m_program ? m_program->variables : QStringList();
}

} // namespace vestnik
