#include "settings/AppsTab.h"

#include "LocalTime.h"
#include "api/ApiClient.h"
#include "settings/AppDialogs.h"

#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

namespace vestnik {

namespace {

enum Column { IdColumn, NameColumn, FcmColumn, ApnsColumn, CreatedColumn, ColumnCount };

/// What the worker says about one provider's credential: the identifying facts only (it never sends more).
QString credentialText(const QJsonValue &value, const QString &provider)
{
    if (!value.isObject())
        return AppsTab::tr("not set");
    const QJsonObject facts = value.toObject();
    if (!facts.value(QStringLiteral("valid")).toBool(true))
        return AppsTab::tr("stored but unreadable: upload it again");
    const QString updated = localTimeText(facts.value(QStringLiteral("updated_at")).toInteger());
    const auto fact = [&facts](const char *name) { return facts.value(QLatin1String(name)).toString(); };
    if (provider == QStringLiteral("fcm"))
        return AppsTab::tr("project %1, %2, set %3").arg(fact("project_id"), fact("client_email"), updated);
    const QString environment =
        fact("environment") == QStringLiteral("sandbox") ? AppsTab::tr("sandbox") : AppsTab::tr("production");
    if (fact("auth") == QStringLiteral("certificate"))
        return AppsTab::tr("%1 (%2), certificate, set %3").arg(fact("bundle_id"), environment, updated);
    return AppsTab::tr("%1 (%2), team %3, key %4, set %5")
        .arg(fact("bundle_id"), environment, fact("team_id"), fact("key_id"), updated);
}

} // namespace

AppsTab::AppsTab(ApiClient &api, QWidget *parent) : SettingsTab(api, parent)
{
    setObjectName(QStringLiteral("appsTab"));
    m_table = makeListTable(QStringLiteral("appTable"),
                            {tr("Id"), tr("Name"), tr("FCM (Android)"), tr("APNs (iOS)"), tr("Created")});

    auto *add = new QPushButton(tr("&New app…"), this);
    add->setObjectName(QStringLiteral("addAppButton"));
    m_editButton = new QPushButton(tr("&Rename…"), this);
    m_editButton->setObjectName(QStringLiteral("editAppButton"));
    m_credentialButton = new QPushButton(tr("&Upload credential…"), this);
    m_credentialButton->setObjectName(QStringLiteral("uploadCredentialButton"));
    m_countLabel = layOutList({add, m_editButton, m_credentialButton}, QStringLiteral("appCountLabel"), m_table);

    connect(add, &QPushButton::clicked, this, &AppsTab::addApp);
    connect(m_editButton, &QPushButton::clicked, this, &AppsTab::editApp);
    connect(m_credentialButton, &QPushButton::clicked, this, &AppsTab::uploadCredential);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &AppsTab::selectionChanged);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, &AppsTab::editApp);
    selectionChanged();
}

QString AppsTab::title() const
{
    return tr("Apps");
}

void AppsTab::reload()
{
    loadList(QStringLiteral("/v1/apps"), QStringLiteral("apps"), tr("Loading the apps"),
             [this](const QJsonArray &apps) { show(apps); });
}

void AppsTab::show(const QJsonArray &apps)
{
    const QString selected = selectedId();
    m_apps = apps;
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    m_table->setRowCount(int(apps.size()));
    for (int row = 0; row < apps.size(); ++row) {
        const QJsonObject app = apps.at(row).toObject();
        const QJsonObject credentials = app.value(QStringLiteral("credentials")).toObject();
        const QString id = app.value(QStringLiteral("id")).toString();
        const QStringList texts{id, app.value(QStringLiteral("name")).toString(),
                                credentialText(credentials.value(QStringLiteral("fcm")), QStringLiteral("fcm")),
                                credentialText(credentials.value(QStringLiteral("apns")), QStringLiteral("apns")),
                                localTimeText(app.value(QStringLiteral("created_at")).toInteger())};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(texts.at(column));
            item->setData(Qt::UserRole, id);
            if (column == FcmColumn || column == ApnsColumn)
                item->setToolTip(texts.at(column));
            m_table->setItem(row, column, item);
        }
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, IdColumn)->text() == selected)
            m_table->selectRow(row);
    }
    m_countLabel->setText(tr("%n app(s)", nullptr, int(apps.size())));
    selectionChanged();
}

QString AppsTab::selectedId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(Qt::UserRole).toString();
}

void AppsTab::selectionChanged()
{
    const bool any = !selectedId().isEmpty();
    m_editButton->setEnabled(any);
    m_credentialButton->setEnabled(any);
}

void AppsTab::addApp()
{
    auto *dialog = new AppDialog(QString(), QString(), this);
    connect(dialog, &AppDialog::submitted, this, [this, dialog](const QString &id, const QString &name) {
        // PUT creates or renames: a new app must not quietly rename an existing one.
        for (const QJsonValue &app : std::as_const(m_apps)) {
            if (app.toObject().value(QStringLiteral("id")).toString() == id) {
                dialog->showError(tr("An app %1 exists already; choose it in the list to rename it.").arg(id));
                return;
            }
        }
        submitFrom(dialog, "PUT", QStringLiteral("/v1/apps/") + ApiClient::segment(id),
                   QJsonObject{{QStringLiteral("name"), name}}, tr("Creating the app"),
                   [this, id](const ApiAnswer &) { Q_EMIT notice(tr("App %1 created").arg(id)); });
    });
    dialog->open();
}

void AppsTab::editApp()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    QString name;
    for (const QJsonValue &app : std::as_const(m_apps)) {
        if (app.toObject().value(QStringLiteral("id")).toString() == id)
            name = app.toObject().value(QStringLiteral("name")).toString();
    }
    auto *dialog = new AppDialog(id, name, this);
    connect(dialog, &AppDialog::submitted, this, [this, dialog](const QString &appId, const QString &newName) {
        submitFrom(dialog, "PUT", QStringLiteral("/v1/apps/") + ApiClient::segment(appId),
                   QJsonObject{{QStringLiteral("name"), newName}}, tr("Renaming the app"),
                   [this, appId](const ApiAnswer &) { Q_EMIT notice(tr("App %1 saved").arg(appId)); });
    });
    dialog->open();
}

void AppsTab::uploadCredential()
{
    const QString id = selectedId();
    if (id.isEmpty())
        return;
    auto *dialog = new CredentialDialog(id, this);
    connect(dialog, &CredentialDialog::submitted, this,
            [this, dialog, id](const QString &provider, const QJsonObject &credential) {
                submitFrom(dialog, "PUT",
                           QStringLiteral("/v1/apps/%1/credentials/%2").arg(ApiClient::segment(id), provider),
                           credential, tr("Uploading the credential"), [this, id, provider](const ApiAnswer &) {
                               Q_EMIT notice(provider == QStringLiteral("fcm")
                                                 ? tr("The FCM credential of %1 is saved").arg(id)
                                                 : tr("The APNs credential of %1 is saved").arg(id));
                           });
            });
    dialog->open();
}

} // namespace vestnik
