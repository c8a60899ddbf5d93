#pragma once

#include "template/TemplateError.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace vestnik {

/// A button shown with the notification (Android via the app, iOS via the notification category).
struct ActionButton {
    QString id;    ///< stable id the app reports back when it is tapped
    QString label; ///< template text
    QString link;  ///< template text: deep link or URL the button opens
};

/// The texts of one language. Every string is template text; an empty field of a locale variant takes
/// the template's default content.
struct TemplateContent {
    QString title;
    QString body;
    QString imageUrl;
    QString deepLink;
    QList<ActionButton> buttons;
    QMap<QString, QString> data; ///< extra key/value pairs delivered to the app (values are template text)
};

/// Settings that differ per platform; empty / unset fields take the template-wide value.
struct PlatformOptions {
    QString sound;
    QString collapseKey;
    std::optional<qint64> ttlSeconds;
    QString priority;             ///< "high" or "normal"
    QString androidChannel;       ///< Android only
    QString apnsCategory;         ///< iOS only: the UNNotificationCategory with the buttons
    std::optional<int> apnsBadge; ///< iOS only
    QString apnsThreadId;         ///< iOS only
};

/// A push template as marketers edit it and as a version is stored (`toJson`).
struct PushTemplate {
    QString id;
    QString name;
    QString defaultLocale = QStringLiteral("ru"); ///< the language of `content`
    TemplateContent content;
    QMap<QString, TemplateContent> variants; ///< by BCP 47 locale: "en", "ru-RU", "kk"
    QString collapseKey;                     ///< empty: the notification id collapses duplicates
    std::optional<qint64> ttlSeconds;        ///< empty: 4 weeks (the providers' maximum)
    QString priority = QStringLiteral("high");
    PlatformOptions android;
    PlatformOptions apns;

    QJsonObject toJson() const;
    /// Reads the stored / API form; errors name the field and what is wrong with it.
    static Result<PushTemplate> fromJson(const QJsonObject &json);

    /// The variant for a recipient: `ru-RU` -> `ru` -> the default content; empty fields filled from the default.
    TemplateContent contentFor(const QString &recipientLocale, QString *chosenLocale = nullptr) const;
};

} // namespace vestnik
