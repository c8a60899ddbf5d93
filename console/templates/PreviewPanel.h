#pragma once

#include <QJsonObject>
#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;

namespace vestnik {

class NotificationMockup;

/// What the worker's preview of the draft shows: the sample it was rendered for (a stored user, `sampleUserEdit`, and
/// variables given as a JSON object over the user's attributes, `sampleVariablesEdit`), the push
/// on an Android and an iOS lock screen, the raw FCM and APNs payloads and a gauge of the larger payload against
/// the providers' 4 KB limits, plus the preview's warnings.
class PreviewPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewPanel)

public:
    explicit PreviewPanel(QWidget *parent = nullptr);

    /// The user whose attributes fill the variables; empty: none (variables stay as written).
    QString sampleUser() const;
    /// The variables typed for the sample (empty when none); nullopt, with `error` set, when they are not a JSON
    /// object.
    std::optional<QJsonObject> sampleVariables(QString *error = nullptr) const;
    /// Shows a preview answer (`{"locale","payloads":[...],"issues":[...]}`).
    void showPreview(const QJsonObject &answer);
    /// Nothing current to show, and why.
    void showPlaceholder(const QString &text);

Q_SIGNALS:
    /// The sample user or the sample variables changed.
    void sampleChanged();

private:
    QLineEdit *m_sampleUser = nullptr;
    QLineEdit *m_sampleVariables = nullptr;
    NotificationMockup *m_android = nullptr;
    NotificationMockup *m_ios = nullptr;
    QPlainTextEdit *m_payloads = nullptr;
    QProgressBar *m_gauge = nullptr;
    QLabel *m_issues = nullptr;
};

} // namespace vestnik
