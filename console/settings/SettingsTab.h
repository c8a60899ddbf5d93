#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QWidget>

#include <functional>

class QLabel;
class QTableWidget;

namespace vestnik {

class ApiClient;
class FormDialog;
struct ApiAnswer;

/// One tab of the Settings page (apps, console users, API clients, interface). Like a Page, it loads what it
/// shows through the shared ApiClient when the page is activated, never blocks, and reports failures through
/// failed(), which the page passes on to the window's message bar.
class SettingsTab : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsTab)

public:
    explicit SettingsTab(ApiClient &api, QWidget *parent = nullptr);

    /// The tab's label, in the user's language.
    virtual QString title() const = 0;
    /// (Re)loads what the tab shows.
    virtual void reload() {}

Q_SIGNALS:
    void failed(const QString &text);
    void notice(const QString &text);

protected:
    ApiClient &api() const { return m_api; }
    /// The text ErrorText gives `answer` (empty when the call was only cancelled); emits failed() with it.
    QString reportFailure(const ApiAnswer &answer, const QString &action);
    /// Sends what `dialog` asked for: on success closes it, runs `succeeded` and reloads the tab; on failure
    /// reports it and shows it in the dialog, which stays open (if the person has not closed it meanwhile).
    void submitFrom(FormDialog *dialog, const QByteArray &method, const QString &path, const QJsonValue &body,
                    const QString &action, std::function<void(const ApiAnswer &)> succeeded);
    /// GETs `path` and passes the answer's array `key` to `showList`; a failure is reported with `action`.
    void loadList(const QString &path, const QString &key, const QString &action,
                  std::function<void(const QJsonArray &)> showList);
    /// A read-only list table named `objectName` with the columns `headers`: whole rows selected one at a time,
    /// no row numbers, the last column stretched, sorted by the first column.
    QTableWidget *makeListTable(const QString &objectName, const QStringList &headers);
    /// Lays the tab out as a row of `actions` (a null entry leaves a gap) with a count label named
    /// `countLabelName` at its right end, and `table` below filling the rest. Returns the count label.
    QLabel *layOutList(const QList<QWidget *> &actions, const QString &countLabelName, QTableWidget *table);

private:
    ApiClient &m_api;
};

} // namespace vestnik
