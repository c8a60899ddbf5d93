// Renders per second on one core for the template shapes every push goes through. Run it pinned:
//   taskset -c 1 build/bench/template_render/template_render_bench [seconds-per-case]
#include "template/TemplateCompiler.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

using namespace vestnik;

namespace {

struct Case {
    const char *name;
    QString source;
    CompiledTemplate::Escape escape;
};

double measure(const CompiledTemplate &compiled, const VariableLookup &lookup, CompiledTemplate::Escape escape,
               double seconds, std::size_t &bytes)
{
    std::string out;
    out.reserve(512);
    TemplateRenderOptions options;
    options.escape = escape;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    std::uint64_t renders = 0;
    auto now = start;
    while (now < deadline) {
        for (int i = 0; i < 4096; ++i) {
            out.clear();
            if (!compiled.render(lookup, out, options)) {
                std::fprintf(stderr, "render failed\n");
                return 0;
            }
        }
        renders += 4096;
        now = Clock::now();
    }
    bytes = out.size();
    return double(renders) / std::chrono::duration<double>(now - start).count();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const nlohmann::json user = {{"имя", "Анна"},    {"название_товара", "Кроссовки «Вихрь» 42 размера"},
                                 {"count", 21},      {"sum", 12990.5},
                                 {"city", "Казань"}, {"coupon", "SALE10"}};
    const JsonScopes lookup{&user};
    const Case cases[] = {
        {"2 variables", QStringLiteral("{{имя}}, товар «{{название_товара}}» снова в наличии!"),
         CompiledTemplate::Escape::None},
        {"2 variables, JSON-escaped", QStringLiteral("{{имя}}, товар «{{название_товара}}» снова в наличии!"),
         CompiledTemplate::Escape::JsonString},
        {"plural + currency",
         QStringLiteral("В корзине {{count}} {{count|plural:товар,товара,товаров}} на {{sum|currency:RUB}}"),
         CompiledTemplate::Escape::None},
        {"default + if",
         QStringLiteral("{{имя|default:\"друг\"}}, {{#if coupon}}ваш код {{coupon}}{{else}}скидки "
                        "ждут{{/if}}"),
         CompiledTemplate::Escape::None},
    };
    std::printf("%-28s %14s %10s\n", "case", "renders/s", "bytes");
    for (const Case &c : cases) {
        Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(c.source, QStringLiteral("ru"));
        if (!compiled) {
            std::fprintf(stderr, "%s: %s\n", c.name, qPrintable(compiled.error().message()));
            return 1;
        }
        std::size_t bytes = 0;
        const double rate = measure(*compiled, lookup, c.escape, seconds, bytes);
        std::printf("%-28s %14.0f %10zu\n", c.name, rate, bytes);
    }
    return 0;
}
