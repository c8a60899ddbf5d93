#include "DevicesPage.h"

#include "api/ApiClient.h"
#include "pages/TableCells.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

constexpr int kRecentDeliveries = 50;

QString platformText(const QString &platform)
{
    if (platform == QStringLiteral("android"))
        return QStringLiteral("Android");
    if (platform == QStringLiteral("ios"))
        return QStringLiteral("iOS");
    if (platform == QStringLiteral("web"))
        return QStringLiteral("Web");
    return platform;
}

} // namespace

DevicesPage::DevicesPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("devicesPage"));
    m_userEdit = new QLineEdit(this);
    m_userEdit->setObjectName(QStringLiteral("userIdEdit"));
    m_userEdit->setPlaceholderText(tr("User id, e.g. u-1001"));
    m_userEdit->setClearButtonEnabled(true);
    m_lookUpButton = new QPushButton(tr("&Look up"), this);
    m_lookUpButton->setObjectName(QStringLiteral("lookUpButton"));
    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("userSummaryLabel"));
    m_summaryLabel->setWordWrap(true);

    m_attributeTable = makeTable(this, QStringLiteral("attributeTable"), {tr("Attribute"), tr("Value")});
    m_deviceTable = makeTable(this, QStringLiteral("deviceTable"),
                              {tr("Id"), tr("Platform"), tr("App"), tr("Locale"), tr("Token"), tr("Fingerprint"),
                               tr("State"), tr("Registered")});
    m_deliveryTable = makeTable(this, QStringLiteral("deliveryTable"),
                                {tr("Created"), tr("Status"), tr("Template"), tr("Platform"), tr("Attempts"),
                                 tr("Error"), tr("Notification id")});
    m_trailTable = makeTable(this, QStringLiteral("trailTable"), {tr("Time"), tr("Status"), tr("Detail")});

    auto *search = new QHBoxLayout;
    search->addWidget(new QLabel(tr("User:"), this));
    search->addWidget(m_userEdit, 1);
    search->addWidget(m_lookUpButton);

    const auto group = [this](const QString &title, QWidget *content) {
        auto *box = new QGroupBox(title, this);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(4, 4, 4, 4);
        layout->addWidget(content);
        return box;
    };
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(group(tr("Attributes"), m_attributeTable));
    top->addWidget(group(tr("Devices"), m_deviceTable));
    top->setStretchFactor(1, 3);
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(group(tr("Recent deliveries"), m_deliveryTable));
    bottom->addWidget(group(tr("Status trail"), m_trailTable));
    bottom->setStretchFactor(0, 3);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(bottom);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(search);
    layout->addWidget(m_summaryLabel);
    layout->addWidget(split, 1);

    connect(m_lookUpButton, &QPushButton::clicked, this, &DevicesPage::lookUpEntered);
    connect(m_userEdit, &QLineEdit::returnPressed, this, &DevicesPage::lookUpEntered);
    connect(m_deliveryTable, &QTableWidget::itemSelectionChanged, this, &DevicesPage::deliverySelected);
}

QString DevicesPage::title() const
{
    return tr("Devices");
}

bool DevicesPage::isVisibleTo(const QString &role) const
{
    // Reading a user's attributes is for administrators and marketers (GET /v1/users/{id}).
    return role == QStringLiteral("admin") || role == QStringLiteral("marketer");
}

void DevicesPage::activate()
{
    m_userEdit->setFocus();
    if (!m_userId.isEmpty())
        lookUp(m_userId);
}

void DevicesPage::lookUpEntered()
{
    const QString userId = m_userEdit->text().trimmed();
    if (userId.isEmpty()) {
        m_summaryLabel->setText(tr("Enter a user id."));
        return;
    }
    lookUp(userId);
}

void DevicesPage::lookUp(const QString &userId)
{
    m_userId = userId;
    if (m_userEdit->text().trimmed() != userId)
        m_userEdit->setText(userId);
    m_summaryLabel->setText(tr("Looking up %1…").arg(userId));
    const QString path = QStringLiteral("/v1/users/") + ApiClient::segment(userId);
    api().get(path, this, [this, userId](const ApiAnswer &answer) {
        if (userId != m_userId)
            return;
        if (answer.failure == ApiFailure::NotFound) {
            m_summaryLabel->setText(tr("No user %1 is known to the worker.").arg(userId));
            m_attributeTable->setRowCount(0);
            m_deviceTable->setRowCount(0);
            m_deliveryTable->setRowCount(0);
            m_trailTable->setRowCount(0);
            return;
        }
        if (!answer.isOk()) {
            reportFailure(answer, tr("Looking up the user"));
            return;
        }
        showUser(answer.object());
    });
    api().get(path + QStringLiteral("/devices"), this, [this, userId](const ApiAnswer &answer) {
        if (userId != m_userId || answer.failure == ApiFailure::NotFound)
            return;
        if (!answer.isOk()) {
            reportFailure(answer, tr("Loading the devices"));
            return;
        }
        showDevices(answer.array(QStringLiteral("devices")));
    });
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(kRecentDeliveries));
    api().get(
        path + QStringLiteral("/deliveries"), this,
        [this, userId](const ApiAnswer &answer) {
            if (userId != m_userId)
                return;
            if (!answer.isOk()) {
                reportFailure(answer, tr("Loading the deliveries"));
                return;
            }
            showDeliveries(answer.array(QStringLiteral("deliveries")));
        },
        query);
}

void DevicesPage::showUser(const QJsonObject &user)
{
    const QString locale = user.value(QStringLiteral("locale")).toString();
    const QString timezone = user.value(QStringLiteral("timezone")).toString();
    m_summaryLabel->setText(
        tr("User %1 · language %2 · time zone %3 · since %4")
            .arg(user.value(QStringLiteral("id")).toString(), locale.isEmpty() ? tr("not set") : locale,
                 timezone.isEmpty() ? tr("not set") : timezone, formatTime(user.value(QStringLiteral("created_at")))));
    const QJsonObject attributes = user.value(QStringLiteral("attributes")).toObject();
    m_attributeTable->setRowCount(0);
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        const QJsonValue value = it.value();
        QString text;
        if (value.isString())
            text = value.toString();
        else if (value.isDouble())
            text = QLocale().toString(value.toDouble(), 'g', 15);
        else if (value.isBool())
            text = value.toBool() ? tr("yes") : tr("no");
        else if (value.isObject())
            text = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
        else if (value.isArray())
            text = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        appendRow(m_attributeTable, {it.key(), text});
    }
}

void DevicesPage::showDevices(const QJsonArray &devices)
{
    m_deviceTable->setRowCount(0);
    int active = 0;
    for (const QJsonValue &entry : devices) {
        const QJsonObject device = entry.toObject();
        const bool isActive = device.value(QStringLiteral("active")).toBool();
        active += isActive ? 1 : 0;
        const QString state =
            isActive ? tr("active")
                     : tr("deactivated %1: %2")
                           .arg(formatTime(device.value(QStringLiteral("deactivated_at"))),
                                deactivationText(device.value(QStringLiteral("deactivation_reason")).toString()));
        const int row = appendRow(m_deviceTable, {QString::number(device.value(QStringLiteral("id")).toInteger()),
                                                  platformText(device.value(QStringLiteral("platform")).toString()),
                                                  device.value(QStringLiteral("app_id")).toString(),
                                                  device.value(QStringLiteral("locale")).toString(),
                                                  device.value(QStringLiteral("token_masked")).toString(),
                                                  device.value(QStringLiteral("token_fingerprint")).toString(), state,
                                                  formatTime(device.value(QStringLiteral("registered_at")))});
        if (!isActive)
            dimRow(m_deviceTable, row);
    }
    Q_EMIT notice(tr("%n device(s), %1 active", nullptr, static_cast<int>(devices.size())).arg(active));
}

void DevicesPage::showDeliveries(const QJsonArray &deliveries)
{
    m_deliveryTable->setRowCount(0);
    m_trailTable->setRowCount(0);
    for (const QJsonValue &entry : deliveries) {
        const QJsonObject delivery = entry.toObject();
        const QString templateId = delivery.value(QStringLiteral("template_id")).toString();
        const int version = delivery.value(QStringLiteral("template_version")).toInt();
        const QString error = delivery.value(QStringLiteral("error_code")).toString();
        const QString errorMessage = delivery.value(QStringLiteral("error_message")).toString();
        const int row =
            appendRow(m_deliveryTable, {formatTime(delivery.value(QStringLiteral("created_at"))),
                                        statusText(delivery.value(QStringLiteral("status")).toString()),
                                        version > 0 ? tr("%1 v%2").arg(templateId).arg(version) : templateId,
                                        platformText(delivery.value(QStringLiteral("platform")).toString()),
                                        QString::number(delivery.value(QStringLiteral("attempts")).toInt()),
                                        errorMessage.isEmpty() ? error : tr("%1: %2").arg(error, errorMessage),
                                        delivery.value(QStringLiteral("notification_id")).toString()});
        m_deliveryTable->item(row, 0)->setData(Qt::UserRole, delivery.value(QStringLiteral("notification_id")));
    }
    if (m_deliveryTable->rowCount() > 0)
        m_deliveryTable->selectRow(0);
}

void DevicesPage::deliverySelected()
{
    const QList<QTableWidgetItem *> selected = m_deliveryTable->selectedItems();
    if (selected.isEmpty())
        return;
    const QString notificationId = m_deliveryTable->item(selected.first()->row(), 0)->data(Qt::UserRole).toString();
    api().get(QStringLiteral("/v1/deliveries/") + ApiClient::segment(notificationId), this,
              [this, notificationId](const ApiAnswer &answer) {
                  const QList<QTableWidgetItem *> current = m_deliveryTable->selectedItems();
                  if (current.isEmpty()
                      || m_deliveryTable->item(current.first()->row(), 0)->data(Qt::UserRole).toString()
                             != notificationId)
                      return;
                  if (!answer.isOk()) {
                      reportFailure(answer, tr("Loading the status trail"));
                      return;
                  }
                  m_trailTable->setRowCount(0);
                  for (const QJsonValue &entry : answer.array(QStringLiteral("trail"))) {
                      const QJsonObject step = entry.toObject();
                      const QJsonValue detail = step.value(QStringLiteral("detail"));
                      appendRow(m_trailTable, {formatTime(step.value(QStringLiteral("at"))),
                                               statusText(step.value(QStringLiteral("status")).toString()),
                                               detail.isString()   ? detail.toString()
                                               : detail.isObject() ? QString::fromUtf8(
                                                     QJsonDocument(detail.toObject()).toJson(QJsonDocument::Compact))
                                                                   : QString()});
                  }
              });
}

} // namespace vestnik
