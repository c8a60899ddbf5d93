#include "template/CompiledPushTemplate.h"

#include "template/TemplateCompiler.h"

namespace vestnik {

namespace {

struct CompiledButton {
    std::string id;
    CompiledTemplate label;
    CompiledTemplate link;
};

struct CompiledContent {
    QString locale;
    QString fieldPrefix; ///< "" for the default content, "variants.<locale>." for a variant
    CompiledTemplate title;
    CompiledTemplate body;
    CompiledTemplate imageUrl;
    CompiledTemplate deepLink;
    std::vector<CompiledButton> buttons;
    std::vector<std::pair<std::string, CompiledTemplate>> data;
};

Result<CompiledTemplate, TemplateError> compileField(const QString &text, const QString &locale, const QString &field)
{
    Result<CompiledTemplate, TemplateError> compiled = TemplateCompiler::compile(text, locale);
    if (!compiled) {
        TemplateError error = compiled.error();
        error.field = field;
        return error;
    }
    return compiled;
}

Result<CompiledContent, TemplateError> compileContent(const TemplateContent &content, const QString &locale,
                                                      const QString &prefix)
{
    CompiledContent compiled;
    compiled.locale = locale;
    compiled.fieldPrefix = prefix;
    const std::pair<const QString *, CompiledTemplate *> texts[] = {{&content.title, &compiled.title},
                                                                    {&content.body, &compiled.body},
                                                                    {&content.imageUrl, &compiled.imageUrl},
                                                                    {&content.deepLink, &compiled.deepLink}};
    const char *const names[] = {"title", "body", "image_url", "deep_link"};
    for (std::size_t i = 0; i < std::size(texts); ++i) {
        Result<CompiledTemplate, TemplateError> t =
            compileField(*texts[i].first, locale, prefix + QLatin1String(names[i]));
        if (!t)
            return t.error();
        *texts[i].second = *t;
    }
    for (qsizetype i = 0; i < content.buttons.size(); ++i) {
        const ActionButton &button = content.buttons.at(i);
        const QString at = prefix + QStringLiteral("buttons.%1.").arg(i);
        Result<CompiledTemplate, TemplateError> label =
            compileField(button.label, locale, at + QStringLiteral("label"));
        if (!label)
            return label.error();
        Result<CompiledTemplate, TemplateError> link = compileField(button.link, locale, at + QStringLiteral("link"));
        if (!link)
            return link.error();
        compiled.buttons.push_back(CompiledButton{button.id.toStdString(), *label, *link});
    }
    for (auto it = content.data.cbegin(); it != content.data.cend(); ++it) {
        Result<CompiledTemplate, TemplateError> value =
            compileField(it.value(), locale, prefix + QStringLiteral("data.") + it.key());
        if (!value)
            return value.error();
        compiled.data.emplace_back(it.key().toStdString(), *value);
    }
    return compiled;
}

} // namespace

struct CompiledPushTemplate::Data {
    PushTemplate source;
    CompiledContent defaultContent;
    std::vector<std::pair<QString, CompiledContent>> variants; ///< by locale key as written
};

CompiledPushTemplate::CompiledPushTemplate(std::shared_ptr<const Data> data) : m_data(std::move(data)) {}

Result<CompiledPushTemplate, TemplateError> CompiledPushTemplate::compile(const PushTemplate &pushTemplate)
{
    auto data = std::make_shared<Data>();
    data->source = pushTemplate;
    Result<CompiledContent, TemplateError> main =
        compileContent(pushTemplate.content, pushTemplate.defaultLocale, QString());
    if (!main)
        return main.error();
    data->defaultContent = std::move(*main);
    for (auto it = pushTemplate.variants.cbegin(); it != pushTemplate.variants.cend(); ++it) {
        QString chosen;
        const TemplateContent merged = pushTemplate.contentFor(it.key(), &chosen);
        Result<CompiledContent, TemplateError> variant =
            compileContent(merged, it.key(), QStringLiteral("variants.%1.").arg(it.key()));
        if (!variant)
            return variant.error();
        data->variants.emplace_back(it.key(), std::move(*variant));
    }
    return CompiledPushTemplate(std::move(data));
}

const PushTemplate &CompiledPushTemplate::source() const
{
    return m_data->source;
}

QStringList CompiledPushTemplate::locales() const
{
    QStringList locales{m_data->source.defaultLocale};
    for (const auto &[key, content] : m_data->variants)
        locales << key;
    return locales;
}

Result<RenderedPush, TemplateError> CompiledPushTemplate::render(const VariableLookup &lookup,
                                                                 const QString &recipientLocale,
                                                                 const TemplateRenderOptions &options) const
{
    QString chosen;
    (void)m_data->source.contentFor(recipientLocale, &chosen);
    const CompiledContent *content = &m_data->defaultContent;
    for (const auto &[key, variant] : m_data->variants) {
        if (key == chosen)
            content = &variant;
    }

    RenderedPush push;
    push.locale = content->locale;
    const std::string recipient = recipientLocale.toStdString();
    TemplateRenderOptions localized = options;
    if (localized.locale.empty())
        localized.locale = recipient;
    const auto renderField = [&](const CompiledTemplate &t, std::string &out,
                                 const QString &field) -> Result<void, TemplateError> {
        if (auto done = t.render(lookup, out, localized); !done) {
            TemplateError error = done.error();
            error.field = content->fieldPrefix + field;
            return error;
        }
        return {};
    };
    if (auto r = renderField(content->title, push.title, QStringLiteral("title")); !r)
        return r.error();
    if (auto r = renderField(content->body, push.body, QStringLiteral("body")); !r)
        return r.error();
    if (auto r = renderField(content->imageUrl, push.imageUrl, QStringLiteral("image_url")); !r)
        return r.error();
    if (auto r = renderField(content->deepLink, push.deepLink, QStringLiteral("deep_link")); !r)
        return r.error();
    for (std::size_t i = 0; i < content->buttons.size(); ++i) {
        const CompiledButton &button = content->buttons[i];
        RenderedButton rendered{button.id, {}, {}};
        if (auto r = renderField(button.label, rendered.label, QStringLiteral("buttons.%1.label").arg(i)); !r)
            return r.error();
        if (auto r = renderField(button.link, rendered.link, QStringLiteral("buttons.%1.link").arg(i)); !r)
            return r.error();
        push.buttons.push_back(std::move(rendered));
    }
    for (const auto &[key, value] : content->data) {
        std::string text;
        if (auto r = renderField(value, text, QStringLiteral("data.") + QString::fromStdString(key)); !r)
            return r.error();
        push.data.emplace_back(key, std::move(text));
    }
    return push;
}

} // namespace vestnik
