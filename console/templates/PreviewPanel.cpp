#include "PreviewPanel.h"

#include "NotificationMockup.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QVBoxLayout>

namespace vestnik {

namespace {

constexpr int kDefaultLimit = 4096; // both FCM and APNs; the answer's `limit` wins

} // namespace

PreviewPanel::PreviewPanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("previewPanel"));
    m_sampleUser = new QLineEdit(this);
    m_sampleUser->setObjectName(QStringLiteral("sampleUserEdit"));
    m_sampleUser->setPlaceholderText(tr("user id, e.g. u-anna"));
    m_sampleUser->setClearButtonEnabled(true);
    connect(m_sampleUser, &QLineEdit::textChanged, this, &PreviewPanel::sampleChanged);
    m_sampleVariables = new QLineEdit(this);
    m_sampleVariables->setObjectName(QStringLiteral("sampleVariablesEdit"));
    m_sampleVariables->setPlaceholderText(tr("JSON, e.g. {\"название_товара\": \"Кофеварка\", \"count\": 3}"));
    m_sampleVariables->setToolTip(tr("Values a send would carry (an event's data, a campaign's variables); they "
                                     "win over the sample user's attributes of the same name."));
    m_sampleVariables->setClearButtonEnabled(true);
    connect(m_sampleVariables, &QLineEdit::textChanged, this, &PreviewPanel::sampleChanged);

    m_android = new NotificationMockup(NotificationMockup::Style::Android, this);
    m_android->setObjectName(QStringLiteral("androidPreview"));
    m_ios = new NotificationMockup(NotificationMockup::Style::Ios, this);
    m_ios->setObjectName(QStringLiteral("iosPreview"));

    m_gauge = new QProgressBar(this);
    m_gauge->setObjectName(QStringLiteral("payloadGauge"));
    m_gauge->setRange(0, kDefaultLimit);
    m_gauge->setValue(0);
    m_gauge->setTextVisible(true);

    m_issues = new QLabel(this);
    m_issues->setObjectName(QStringLiteral("previewIssuesLabel"));
    m_issues->setWordWrap(true);
    m_issues->setTextFormat(Qt::PlainText);

    m_payloads = new QPlainTextEdit(this);
    m_payloads->setObjectName(QStringLiteral("payloadView"));
    m_payloads->setReadOnly(true);
    m_payloads->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_payloads->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *form = new QFormLayout;
    form->addRow(tr("Sample &user:"), m_sampleUser);
    form->addRow(tr("Sample &variables:"), m_sampleVariables);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Android"), this));
    layout->addWidget(m_android);
    layout->addWidget(new QLabel(tr("iOS"), this));
    layout->addWidget(m_ios);
    layout->addWidget(new QLabel(tr("Payload size:"), this));
    layout->addWidget(m_gauge);
    layout->addWidget(m_issues);
    layout->addWidget(new QLabel(tr("Payloads as the providers receive them:"), this));
    layout->addWidget(m_payloads, 1);
    showPlaceholder(tr("The preview appears as you type."));
}

QString PreviewPanel::sampleUser() const
{
    return m_sampleUser->text().trimmed();
}

std::optional<QJsonObject> PreviewPanel::sampleVariables(QString *error) const
{
    const QByteArray text = m_sampleVariables->text().trimmed().toUtf8();
    if (text.isEmpty())
        return QJsonObject();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error) {
            *error = parseError.error != QJsonParseError::NoError
                         ? tr("The sample variables are not valid JSON (%1 at character %2).")
                               .arg(parseError.errorString())
                               .arg(parseError.offset + 1)
                         : tr("The sample variables must be a JSON object: {\"name\": value, …}.");
        }
        return std::nullopt;
    }
    return document.object();
}

void PreviewPanel::showPreview(const QJsonObject &answer)
{
    QStringList raw;
    int largest = 0;
    int limit = kDefaultLimit;
    QStringList sizes;
    for (const QJsonValue &value : answer.value(QStringLiteral("payloads")).toArray()) {
        const QJsonObject entry = value.toObject();
        const bool ios = entry.value(QStringLiteral("platform")).toString() == QStringLiteral("ios");
        (ios ? m_ios : m_android)->setNotification(NotificationMockup::fromPreviewPayload(entry));
        const int size = entry.value(QStringLiteral("size")).toInt();
        const int entryLimit = entry.value(QStringLiteral("limit")).toInt(kDefaultLimit);
        // The gauge shows the payload nearest its limit.
        if (largest == 0 || double(size) / entryLimit > double(largest) / limit) {
            largest = size;
            limit = entryLimit;
        }
        const QString provider = ios ? QStringLiteral("APNs") : QStringLiteral("FCM");
        sizes << tr("%1 %2/%3 B").arg(provider).arg(size).arg(entryLimit);
        raw << QStringLiteral("// %1\n").arg(provider)
                   + QString::fromUtf8(QJsonDocument(entry.value(QStringLiteral("payload")).toObject())
                                           .toJson(QJsonDocument::Indented));
    }
    m_payloads->setPlainText(raw.join(QLatin1Char('\n')));
    m_gauge->setRange(0, limit);
    m_gauge->setValue(qMin(largest, limit));
    m_gauge->setFormat(sizes.join(QStringLiteral(", ")));
    const bool over = largest > limit;
    m_gauge->setProperty("overLimit", over);
    m_gauge->setStyleSheet(over ? QStringLiteral("QProgressBar::chunk { background-color: #d32f2f; }") : QString());

    QStringList issues;
    const bool russian = QLocale().language() == QLocale::Russian;
    for (const QJsonValue &value : answer.value(QStringLiteral("issues")).toArray()) {
        const QJsonObject issue = value.toObject();
        QString message = issue.value(russian ? QStringLiteral("message_ru") : QStringLiteral("message")).toString();
        if (message.isEmpty())
            message = issue.value(QStringLiteral("message")).toString();
        issues << QStringLiteral("• ") + message;
    }
    m_issues->setText(issues.join(QLatin1Char('\n')));
    m_issues->setVisible(!issues.isEmpty());
}

void PreviewPanel::showPlaceholder(const QString &text)
{
    m_android->setPlaceholder(text);
    m_ios->setPlaceholder(text);
    m_payloads->clear();
    m_gauge->setValue(0);
    m_gauge->setFormat(QString());
    m_gauge->setStyleSheet(QString());
    m_issues->clear();
    m_issues->hide();
}

} // namespace vestnik
