#include "settings/SettingsTab.h"

#include "ErrorText.h"
#include "api/ApiClient.h"
#include "settings/FormDialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QTableWidget>
#include <QVBoxLayout>

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

void SettingsTab::loadList(const QString &path, const QString &key, const QString &action,
                           std::function<void(const QJsonArray &)> showList)
{
    m_api.get(path, this, [this, key, action, showList = std::move(showList)](const ApiAnswer &answer) {
        if (!answer.isOk()) {
            reportFailure(answer, action);
            return;
        }
        showList(answer.array(key));
    });
}

QTableWidget *SettingsTab::makeListTable(const QString &objectName, const QStringList &headers)
{
    auto *table = new QTableWidget(0, int(headers.size()), this);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setSortingEnabled(true);
    table->sortByColumn(0, Qt::AscendingOrder);
    return table;
}

QLabel *SettingsTab::layOutList(const QList<QWidget *> &actions, const QString &countLabelName, QTableWidget *table)
{
    auto *countLabel = new QLabel(this);
    countLabel->setObjectName(countLabelName);
    auto *buttons = new QHBoxLayout;
    for (QWidget *action : actions) {
        if (action)
            buttons->addWidget(action);
        else
            buttons->addSpacing(16);
    }
    buttons->addStretch();
    buttons->addWidget(countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(table, 1);
    return countLabel;
}

} // namespace vestnik
