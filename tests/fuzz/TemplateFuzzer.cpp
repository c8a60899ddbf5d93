// libFuzzer target for the template compiler and renderer. The first input byte picks the locale, the rest is
// the template source. Properties checked on every input that compiles: rendering never crashes, a
// JSON-escaped render is always valid JSON string content and decodes to the plain render.
#include "template/TemplateCompiler.h"

#include <QString>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

using namespace vestnik;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    static const char *const locales[] = {"ru", "en", "ar", "ja", "pl", "ru-RU"};
    const QString locale = QString::fromLatin1(locales[data[0] % std::size(locales)]);
    const QString source = QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(source, locale);
    if (!compiled) {
        // errors always say where and what
        if (compiled.error().messageEn.isEmpty() || compiled.error().messageRu.isEmpty())
            std::abort();
        return 0;
    }
    static const nlohmann::json sample = nlohmann::json::parse(
        R"({"имя":"Анна","a":"x\"y\\z\n","n":21,"f":1.5,"neg":-3,"t":true,"e":"","z":0,"d":"2026-03-08T09:30:00Z",)"
        R"("s":"12.5","o":{"p":{"q":"deep"}},"l":[1,2],"nul":null,"big":1e300})");
    const JsonScopes lookup{&sample};
    std::string plain;
    Result<void, TemplateError> plainResult = compiled->render(lookup, plain);
    std::string escaped;
    TemplateRenderOptions options;
    options.escape = TemplateEscape::JsonString;
    Result<void, TemplateError> escapedResult = compiled->render(lookup, escaped, options);
    if (plainResult.hasValue() != escapedResult.hasValue())
        std::abort();
    if (plainResult.hasValue()) {
        const nlohmann::json decoded = nlohmann::json::parse("\"" + escaped + "\"", nullptr, false);
        if (decoded.is_discarded() || decoded.get<std::string>() != plain)
            std::abort();
    }
    std::string preview;
    options.keepMissing = true;
    (void)compiled->render(lookup, preview, options);
    return 0;
}
