#include "AuditLogPage.h"

#include "LocalTime.h"
#include "api/ApiClient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

enum Column { TimeColumn, ActorColumn, ActionColumn, TargetColumn, DetailColumn, AddressColumn, ColumnCount };

/// Entries per page: the worker allows up to 500; a screenful or two is what a person reads at once.
constexpr int kPageSize = 100;

/// The actions the worker records, offered in the filter (it stays editable for actions added later).
const QStringList &knownActions()
{
    static const QStringList actions =
        QStringLiteral("app.create app.update app.credential.set client.create client.authentication_failed "
                       "device.register device.update device.unregister login.failed login.succeeded refresh.reused "
                       "template.save template.delete test_push.send trigger_rule.create trigger_rule.update "
                       "trigger_rule.enable trigger_rule.disable trigger_rule.delete user.bootstrap user.create "
                       "user.update user.locked user.upsert user.forget")
            .split(QLatin1Char(' '));
    return actions;
}

/// A detail value in a few words: arrays as their items, objects as compact JSON.
QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items << valueText(item);
        return items.join(QLatin1Char(' '));
    }
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null:
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("null");
}

/// "name: Shop, scopes: events:write devices:read": the detail object in one line for the table.
QString detailSummary(const QJsonObject &detail)
{
    QStringList parts;
    for (auto it = detail.begin(); it != detail.end(); ++it)
        parts << QStringLiteral("%1: %2").arg(it.key(), valueText(it.value()));
    return parts.join(QStringLiteral(", "));
}

QString actorText(const QJsonObject &entry)
{
    const QString actor = entry.value(QStringLiteral("actor")).toString();
    const QString kind = entry.value(QStringLiteral("actor_kind")).toString();
    if (kind == QStringLiteral("service"))
        return AuditLogPage::tr("%1 (service)").arg(actor);
    if (kind == QStringLiteral("system"))
        return AuditLogPage::tr("the worker");
    return actor;
}

QDateTimeEdit *timeEdit(const QString &objectName, const QDateTime &value, QWidget *parent)
{
    auto *edit = new QDateTimeEdit(value, parent);
    edit->setObjectName(objectName);
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    edit->setEnabled(false);
    return edit;
}

} // namespace

AuditLogPage::AuditLogPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("auditLogPage"));

    m_actorEdit = new QLineEdit(this);
    m_actorEdit->setObjectName(QStringLiteral("auditActorEdit"));
    m_actorEdit->setPlaceholderText(tr("anyone"));
    m_actorEdit->setToolTip(tr("A login or an API client id, exactly"));
    m_actionCombo = new QComboBox(this);
    m_actionCombo->setObjectName(QStringLiteral("auditActionCombo"));
    m_actionCombo->setEditable(true);
    m_actionCombo->setInsertPolicy(QComboBox::NoInsert);
    m_actionCombo->addItem(QString());
    m_actionCombo->addItems(knownActions());
    m_actionCombo->lineEdit()->setObjectName(QStringLiteral("auditActionEdit"));
    m_actionCombo->lineEdit()->setPlaceholderText(tr("any action"));
    m_targetEdit = new QLineEdit(this);
    m_targetEdit->setObjectName(QStringLiteral("auditTargetEdit"));
    m_targetEdit->setPlaceholderText(tr("anything"));
    const QDateTime now = QDateTime::currentDateTime();
    m_fromCheck = new QCheckBox(tr("&From:"), this);
    m_fromCheck->setObjectName(QStringLiteral("auditFromCheckBox"));
    m_fromEdit = timeEdit(QStringLiteral("auditFromEdit"), now.addDays(-7), this);
    m_toCheck = new QCheckBox(tr("&To:"), this);
    m_toCheck->setObjectName(QStringLiteral("auditToCheckBox"));
    m_toEdit = timeEdit(QStringLiteral("auditToEdit"), now, this);
    m_refreshButton = new QPushButton(tr("&Show"), this);
    m_refreshButton->setObjectName(QStringLiteral("auditRefreshButton"));
    m_refreshButton->setDefault(true);

    auto *filters = new QGridLayout;
    filters->addWidget(new QLabel(tr("&Who:"), this), 0, 0);
    filters->addWidget(m_actorEdit, 0, 1);
    filters->addWidget(new QLabel(tr("&Action:"), this), 0, 2);
    filters->addWidget(m_actionCombo, 0, 3);
    filters->addWidget(new QLabel(tr("Ta&rget:"), this), 0, 4);
    filters->addWidget(m_targetEdit, 0, 5);
    filters->addWidget(m_fromCheck, 1, 0);
    filters->addWidget(m_fromEdit, 1, 1);
    filters->addWidget(m_toCheck, 1, 2);
    filters->addWidget(m_toEdit, 1, 3);
    filters->addWidget(m_refreshButton, 1, 5, Qt::AlignRight);
    for (QLabel *label : findChildren<QLabel *>()) {
        const int index = filters->indexOf(label);
        if (index >= 0)
            label->setBuddy(filters->itemAt(index + 1)->widget());
    }
    filters->setColumnStretch(1, 1);
    filters->setColumnStretch(3, 1);
    filters->setColumnStretch(5, 1);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Time"), tr("Who"), tr("Action"), tr("Target"), tr("Details"), tr("From address")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    // The details take the room left; the full JSON is in their tooltip.
    m_table->horizontalHeader()->setSectionResizeMode(DetailColumn, QHeaderView::Stretch);
    m_table->setWordWrap(false);

    m_moreButton = new QPushButton(tr("&Older entries"), this);
    m_moreButton->setObjectName(QStringLiteral("auditMoreButton"));
    m_moreButton->setEnabled(false);
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("auditCountLabel"));
    auto *footer = new QHBoxLayout;
    footer->addWidget(m_countLabel);
    footer->addStretch();
    footer->addWidget(m_moreButton);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addLayout(footer);

    connect(m_fromCheck, &QCheckBox::toggled, m_fromEdit, &QWidget::setEnabled);
    connect(m_toCheck, &QCheckBox::toggled, m_toEdit, &QWidget::setEnabled);
    connect(m_refreshButton, &QPushButton::clicked, this, &AuditLogPage::activate);
    connect(m_actorEdit, &QLineEdit::returnPressed, this, &AuditLogPage::activate);
    connect(m_targetEdit, &QLineEdit::returnPressed, this, &AuditLogPage::activate);
    connect(m_actionCombo->lineEdit(), &QLineEdit::returnPressed, this, &AuditLogPage::activate);
    connect(m_moreButton, &QPushButton::clicked, this, [this] { load(m_next); });
    updateCount();
}

QString AuditLogPage::title() const
{
    return tr("Audit log");
}

bool AuditLogPage::isVisibleTo(const QString &role) const
{
    return role == QStringLiteral("admin");
}

void AuditLogPage::activate()
{
    m_loadedFilters = filterQuery();
    m_table->setRowCount(0);
    m_next.clear();
    load(QString());
}

QUrlQuery AuditLogPage::filterQuery() const
{
    // GET /v1/audit filters on the server (exact actor, action and target, from inclusive, to exclusive, in
    // milliseconds), before its keyset paging: the pages hold only matching entries.
    QUrlQuery query;
    const auto add = [&query](const QString &key, const QString &value) {
        if (!value.isEmpty())
            query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(QStringLiteral("actor"), m_actorEdit->text().trimmed());
    add(QStringLiteral("action"), m_actionCombo->currentText().trimmed());
    add(QStringLiteral("target"), m_targetEdit->text().trimmed());
    // The edits show minutes: "to 12:30" includes the whole minute.
    const auto minuteStart = [](const QDateTimeEdit *edit) {
        QDateTime time = edit->dateTime();
        time.setTime(QTime(time.time().hour(), time.time().minute()));
        return time.toMSecsSinceEpoch();
    };
    if (m_fromCheck->isChecked())
        add(QStringLiteral("from"), QString::number(minuteStart(m_fromEdit)));
    if (m_toCheck->isChecked())
        add(QStringLiteral("to"), QString::number(minuteStart(m_toEdit) + 60'000));
    return query;
}

void AuditLogPage::load(const QString &after)
{
    QUrlQuery query = m_loadedFilters;
    query.addQueryItem(QStringLiteral("limit"), QString::number(kPageSize));
    if (!after.isEmpty())
        query.addQueryItem(QStringLiteral("after"), QString::fromLatin1(QUrl::toPercentEncoding(after)));
    const quint64 generation = ++m_loadGeneration;
    m_refreshButton->setEnabled(false);
    m_moreButton->setEnabled(false);
    api().get(
        QStringLiteral("/v1/audit"), this,
        [this, generation](const ApiAnswer &answer) {
            if (generation != m_loadGeneration)
                return; // the filters changed meanwhile: a newer load shows its own rows
            m_refreshButton->setEnabled(true);
            if (!answer.isOk()) {
                m_moreButton->setEnabled(!m_next.isEmpty());
                reportFailure(answer, tr("Loading the audit log"));
                return;
            }
            append(answer.array(QStringLiteral("entries")));
            m_next = answer.object().value(QStringLiteral("next")).toString();
            m_moreButton->setEnabled(!m_next.isEmpty());
            updateCount();
        },
        query);
}

void AuditLogPage::append(const QJsonArray &entries)
{
    int row = m_table->rowCount();
    m_table->setRowCount(row + int(entries.size()));
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        const QJsonObject detail = entry.value(QStringLiteral("detail")).toObject();
        const QStringList texts{localTimeText(entry.value(QStringLiteral("at")).toInteger()),
                                actorText(entry),
                                entry.value(QStringLiteral("action")).toString(),
                                entry.value(QStringLiteral("target")).toString(),
                                detailSummary(detail),
                                entry.value(QStringLiteral("remote_address")).toString()};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(texts.at(column));
            if (column == DetailColumn && !detail.isEmpty())
                item->setToolTip(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Indented)));
            m_table->setItem(row, column, item);
        }
        ++row;
    }
    if (m_table->rowCount() == entries.size())
        m_table->resizeColumnsToContents();
}

void AuditLogPage::updateCount()
{
    const int shown = m_table->rowCount();
    m_countLabel->setText(m_next.isEmpty() ? tr("%n entry(ies)", nullptr, shown)
                                           : tr("%n newest entry(ies); more are older", nullptr, shown));
}

} // namespace vestnik
