#include "template/TemplatePreview.h"

#include "provider/PayloadBuilder.h"
#include "security/TrackingToken.h"

namespace vestnik {

namespace {

// Near-limit warnings start at 90 % of a provider's limit.
constexpr double kNearLimit = 0.9;
// Placeholder values of the parts a real send fills in, at their real sizes.
const QString kSampleNotificationId = QStringLiteral("evt-0123456789abcdef:user-0123456789:device-0123456789");
const QString kSampleTopic = QStringLiteral("com.example.shop");

} // namespace

QString TemplateIssue::message(const QString &language) const
{
    const QString text = language.startsWith(QStringLiteral("ru")) ? messageRu : messageEn;
    return field.isEmpty() ? text : field + QStringLiteral(": ") + text;
}

bool TemplatePreview::hasErrors() const
{
    for (const TemplateIssue &issue : m_issues) {
        if (issue.isError())
            return true;
    }
    return false;
}

void TemplatePreview::addIssue(TemplateIssue::Severity severity, const QString &field, QString en, QString ru)
{
    for (const TemplateIssue &issue : std::as_const(m_issues)) {
        if (issue.field == field && issue.messageEn == en)
            return;
    }
    m_issues.append(TemplateIssue{severity, field, std::move(en), std::move(ru)});
}

void TemplatePreview::checkSize(const PreviewPayload &payload)
{
    const QString provider = payload.platform == QStringLiteral("ios") ? QStringLiteral("APNs") : QStringLiteral("FCM");
    const QString platform =
        payload.platform == QStringLiteral("ios") ? QStringLiteral("iOS") : QStringLiteral("Android");
    if (payload.size > payload.limit) {
        addIssue(TemplateIssue::Severity::Error, QString(),
                 QStringLiteral("the %1 payload for locale %2 is %3 bytes; %4 allows %5. Shorten the texts or data.")
                     .arg(platform, payload.locale)
                     .arg(payload.size)
                     .arg(provider)
                     .arg(payload.limit),
                 QStringLiteral("сообщение для %1 на языке %2 занимает %3 байт, а %4 допускает %5. "
                                "Сократите тексты или данные.")
                     .arg(platform, payload.locale)
                     .arg(payload.size)
                     .arg(provider)
                     .arg(payload.limit));
    } else if (payload.size > payload.limit * kNearLimit) {
        addIssue(TemplateIssue::Severity::Warning, QString(),
                 QStringLiteral("the %1 payload for locale %2 is %3 of %4 bytes: longer values for a real recipient "
                                "may not fit")
                     .arg(platform, payload.locale)
                     .arg(payload.size)
                     .arg(payload.limit),
                 QStringLiteral("сообщение для %1 на языке %2 занимает %3 из %4 байт: с более длинными значениями "
                                "у реального получателя оно может не поместиться")
                     .arg(platform, payload.locale)
                     .arg(payload.size)
                     .arg(payload.limit));
    }
}

TemplatePreview TemplatePreview::build(const PushTemplate &pushTemplate, const nlohmann::json &sample,
                                       const QString &timeZone)
{
    TemplatePreview preview;
    Result<CompiledPushTemplate, TemplateError> compiled = CompiledPushTemplate::compile(pushTemplate);
    if (!compiled) {
        const TemplateError &e = compiled.error();
        TemplateError positioned = e;
        positioned.field.clear();
        preview.addIssue(TemplateIssue::Severity::Error, e.field, positioned.message(QStringLiteral("en")),
                         positioned.message(QStringLiteral("ru")));
        return preview;
    }
    preview.m_compiled = *compiled;

    const auto checkStatic = [&preview](const TemplateContent &content, const QString &prefix) {
        for (auto it = content.data.cbegin(); it != content.data.cend(); ++it) {
            if (PayloadBuilder::isReservedFcmDataKey(it.key()) || it.key().startsWith(QStringLiteral("vestnik")))
                preview.addIssue(TemplateIssue::Severity::Error, prefix + QStringLiteral("data.") + it.key(),
                                 QStringLiteral("'%1' is a reserved data key (from, message_type, google…, gcm…, "
                                                "vestnik…)")
                                     .arg(it.key()),
                                 QStringLiteral("«%1» — зарезервированный ключ данных (from, message_type, google…, "
                                                "gcm…, vestnik…)")
                                     .arg(it.key()));
        }
    };
    checkStatic(pushTemplate.content, QString());
    for (auto it = pushTemplate.variants.cbegin(); it != pushTemplate.variants.cend(); ++it)
        checkStatic(it.value(), QStringLiteral("variants.%1.").arg(it.key()));
    for (const auto &[field, key] :
         {std::pair<QString, QString>{QStringLiteral("collapse_key"), pushTemplate.collapseKey},
          {QStringLiteral("apns.collapse_key"), pushTemplate.apns.collapseKey}}) {
        if (key.toUtf8().size() > PayloadBuilder::kApnsCollapseIdLimit)
            preview.addIssue(
                TemplateIssue::Severity::Error, field,
                QStringLiteral("at most %1 bytes (APNs apns-collapse-id)").arg(PayloadBuilder::kApnsCollapseIdLimit),
                QStringLiteral("не больше %1 байт (apns-collapse-id в APNs)")
                    .arg(PayloadBuilder::kApnsCollapseIdLimit));
    }

    const std::string zone = timeZone.toStdString();
    TemplateRenderOptions options;
    options.timeZone = zone;
    options.keepMissing = true;
    const QString fcmToken = QString(163, QLatin1Char('x')); // FCM tokens are ~163 characters; not counted anyway
    // The sender adds a tracking token to every push; the sizes count the longest one.
    const QString trackingToken(TrackingToken::maxLength(int(kSampleNotificationId.toUtf8().size())), QLatin1Char('t'));
    for (const QString &locale : compiled->locales()) {
        QStringList missing;
        options.missing = &missing;
        Result<RenderedPush, TemplateError> rendered = compiled->render(JsonScopes{&sample}, locale, options);
        if (!rendered) {
            const TemplateError &e = rendered.error();
            preview.addIssue(TemplateIssue::Severity::Warning, e.field,
                             QStringLiteral("with the sample recipient: ") + e.messageEn,
                             QStringLiteral("для примера получателя: ") + e.messageRu);
            continue;
        }
        for (const QString &variable : missing) {
            preview.addIssue(TemplateIssue::Severity::Warning, QString(),
                             QStringLiteral("the sample recipient has no value for '%1'; a recipient without it gets "
                                            "no push unless the template gives a default")
                                 .arg(variable),
                             QStringLiteral("у примера получателя нет значения «%1»; получатель без него не получит "
                                            "уведомление, если в шаблоне не задано значение по умолчанию")
                                 .arg(variable));
        }
        const nlohmann::json fcm =
            PayloadBuilder::fcmMessage(*rendered, pushTemplate, kSampleNotificationId, 0, std::nullopt, trackingToken);
        PreviewPayload android{locale,
                               QStringLiteral("android"),
                               PayloadBuilder::fcmRequestBody(fcm, fcmToken),
                               PayloadBuilder::fcmCountedSize(fcm),
                               PayloadBuilder::kFcmPayloadLimit,
                               QString::fromStdString(rendered->title),
                               QString::fromStdString(rendered->body)};
        const ApnsRequest apns = PayloadBuilder::apnsRequest(*rendered, pushTemplate, kSampleNotificationId,
                                                             kSampleTopic, 0, std::nullopt, trackingToken);
        PreviewPayload ios{locale,
                           QStringLiteral("ios"),
                           apns.payload,
                           int(apns.payload.size()),
                           PayloadBuilder::kApnsPayloadLimit,
                           android.title,
                           android.body};
        preview.checkSize(android);
        preview.checkSize(ios);
        preview.m_payloads << android << ios;
    }
    return preview;
}

} // namespace vestnik
