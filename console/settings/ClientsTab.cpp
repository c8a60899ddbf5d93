#include "settings/ClientsTab.h"

#include "LocalTime.h"
#include "api/ApiClient.h"
#include "settings/ClientDialogs.h"

#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>

namespace vestnik {

namespace {

enum Column { IdColumn, NameColumn, ScopesColumn, StatusColumn, CreatedColumn, ColumnCount };

} // namespace

ClientsTab::ClientsTab(ApiClient &api, QWidget *parent) : SettingsTab(api, parent)
{
    setObjectName(QStringLiteral("clientsTab"));
    m_table = makeListTable(QStringLiteral("clientTable"),
                            {tr("Client id"), tr("Name"), tr("Scopes"), tr("Status"), tr("Created")});

    auto *add = new QPushButton(tr("&New API client…"), this);
    add->setObjectName(QStringLiteral("addClientButton"));
    m_countLabel = layOutList({add}, QStringLiteral("clientCountLabel"), m_table);
    connect(add, &QPushButton::clicked, this, &ClientsTab::addClient);
}

QString ClientsTab::title() const
{
    return tr("API clients");
}

void ClientsTab::reload()
{
    loadList(QStringLiteral("/v1/admin/clients"), QStringLiteral("clients"), tr("Loading the API clients"),
             [this](const QJsonArray &clients) { show(clients); });
}

void ClientsTab::show(const QJsonArray &clients)
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    m_table->setRowCount(int(clients.size()));
    for (int row = 0; row < clients.size(); ++row) {
        const QJsonObject client = clients.at(row).toObject();
        QStringList scopes;
        for (const QJsonValue &scope : client.value(QStringLiteral("scopes")).toArray())
            scopes << scope.toString();
        const QStringList texts{client.value(QStringLiteral("client_id")).toString(),
                                client.value(QStringLiteral("name")).toString(), scopes.join(QStringLiteral(", ")),
                                client.value(QStringLiteral("disabled")).toBool() ? tr("disabled") : tr("active"),
                                localTimeText(client.value(QStringLiteral("created_at")).toInteger())};
        for (int column = 0; column < ColumnCount; ++column)
            m_table->setItem(row, column, new QTableWidgetItem(texts.at(column)));
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    m_countLabel->setText(tr("%n API client(s)", nullptr, int(clients.size())));
}

void ClientsTab::addClient()
{
    auto *dialog = new ClientDialog(this);
    connect(dialog, &ClientDialog::submitted, this, [this, dialog](const QString &name, const QStringList &scopes) {
        submitFrom(
            dialog, "POST", QStringLiteral("/v1/admin/clients"),
            QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}},
            tr("Creating the API client"), [this](const ApiAnswer &answer) {
                const QString id = answer.object().value(QStringLiteral("client_id")).toString();
                auto *secret =
                    new ClientSecretDialog(id, answer.object().value(QStringLiteral("client_secret")).toString(), this);
                secret->open();
                Q_EMIT notice(tr("API client %1 created").arg(id));
            });
    });
    dialog->open();
}

} // namespace vestnik
