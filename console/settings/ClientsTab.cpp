#include "settings/ClientsTab.h"

#include "LocalTime.h"
#include "api/ApiClient.h"
#include "settings/ClientDialogs.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

enum Column { IdColumn, NameColumn, ScopesColumn, StatusColumn, CreatedColumn, ColumnCount };

} // namespace

ClientsTab::ClientsTab(ApiClient &api, QWidget *parent) : SettingsTab(api, parent)
{
    setObjectName(QStringLiteral("clientsTab"));
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("clientTable"));
    m_table->setHorizontalHeaderLabels({tr("Client id"), tr("Name"), tr("Scopes"), tr("Status"), tr("Created")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);

    auto *add = new QPushButton(tr("&New API client…"), this);
    add->setObjectName(QStringLiteral("addClientButton"));
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("clientCountLabel"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addStretch();
    buttons->addWidget(m_countLabel);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_table, 1);
    connect(add, &QPushButton::clicked, this, &ClientsTab::addClient);
}

QString ClientsTab::title() const
{
    return tr("API clients");
}

void ClientsTab::reload()
{
    api().get(QStringLiteral("/v1/admin/clients"), this, [this](const ApiAnswer &answer) {
        if (!answer.isOk()) {
            reportFailure(answer, tr("Loading the API clients"));
            return;
        }
        show(answer.array(QStringLiteral("clients")));
    });
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
