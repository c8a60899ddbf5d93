#include "settings/SettingsTab.h"

#include "ErrorText.h"
#include "api/ApiClient.h"
#include "settings/FormDialog.h"

#include <QPointer>

namespace vestnik {

SettingsTab::SettingsTab(ApiClient &api, QWidget *parent) : QWidget(parent), m_api(api) {}

QString SettingsTab::reportFailure(const ApiAnswer &answer, const QString &action)
{
    if (answer.failure == ApiFailure::Cancelled)
        return QString();
    // A worker older than the console lacks some routes (PATCH /v1/admin/users came later): say so rather
    // than "it no longer exists" or "correct it".
    const bool missingRoute =
        answer.status == 405 || (answer.status == 404 && answer.message == QStringLiteral("no such endpoint"));
    const QString text = missingRoute ? tr("%1 failed: this worker does not offer it (%2). It may be older than the "
                                           "console; update it.")
                                            .arg(action, answer.message)
                                      : ErrorText::describe(answer, action);
    Q_EMIT failed(text);
    return text;
}

void SettingsTab::submitFrom(FormDialog *dialog, const QByteArray &method, const QString &path, const QJsonValue &body,
                             const QString &action, std::function<void(const ApiAnswer &)> succeeded)
{
    QPointer<FormDialog> open(dialog);
    m_api.call(method, path, QUrlQuery(), body, this,
               [this, open, action, succeeded = std::move(succeeded)](const ApiAnswer &answer) {
                   if (!answer.isOk()) {
                       const QString text = reportFailure(answer, action);
                       if (FormDialog *shown = open.data())
                           shown->showError(text.isEmpty() ? ErrorText::describe(answer, action) : text);
                       return;
                   }
                   if (FormDialog *shown = open.data())
                       shown->accept();
                   if (succeeded)
                       succeeded(answer);
                   reload();
               });
}

} // namespace vestnik
