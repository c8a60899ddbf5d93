#include "TriggersPage.h"

#include "api/ApiClient.h"
#include "pages/TableCells.h"
#include "pages/TriggerRuleDialog.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTime>
#include <QVBoxLayout>

namespace vestnik {

namespace {

enum Column { NameColumn, EventColumn, TemplateColumn, ConditionColumn, QuietColumn, CapColumn, EnabledColumn };

QString minuteText(int minute)
{
    return QTime(0, 0).addSecs(minute * 60).toString(QStringLiteral("HH:mm"));
}

} // namespace

TriggersPage::TriggersPage(ApiClient &api, QWidget *parent) : Page(api, parent)
{
    setObjectName(QStringLiteral("triggersPage"));
    m_ruleTable = makeTable(this, QStringLiteral("ruleTable"),
                            {tr("Name"), tr("Event type"), tr("Template"), tr("Condition"), tr("Quiet hours"),
                             tr("Frequency cap"), tr("Enabled")});
    m_newButton = new QPushButton(tr("&New rule…"), this);
    m_newButton->setObjectName(QStringLiteral("newRuleButton"));
    m_newButton->setShortcut(QKeySequence::New);
    m_editButton = new QPushButton(tr("&Edit…"), this);
    m_editButton->setObjectName(QStringLiteral("editRuleButton"));
    m_deleteButton = new QPushButton(tr("&Delete"), this);
    m_deleteButton->setObjectName(QStringLiteral("deleteRuleButton"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_newButton);
    buttons->addWidget(m_editButton);
    buttons->addWidget(m_deleteButton);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_ruleTable, 1);

    connect(m_newButton, &QPushButton::clicked, this, [this] { openEditor(false); });
    connect(m_editButton, &QPushButton::clicked, this, [this] { openEditor(true); });
    connect(m_ruleTable, &QTableWidget::cellDoubleClicked, this, [this] {
        if (canEdit())
            openEditor(true);
    });
    connect(m_deleteButton, &QPushButton::clicked, this, &TriggersPage::removeSelected);
    connect(m_ruleTable, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (!m_filling && item->column() == EnabledColumn)
            switchToggled(item->row(), item->checkState() == Qt::Checked);
    });
}

QString TriggersPage::title() const
{
    return tr("Triggers");
}

bool TriggersPage::canEdit() const
{
    return api().role() == QStringLiteral("admin") || api().role() == QStringLiteral("marketer");
}

void TriggersPage::activate()
{
    m_newButton->setVisible(canEdit());
    m_editButton->setVisible(canEdit());
    m_deleteButton->setVisible(canEdit());
    reload();
}

void TriggersPage::reload()
{
    api().get(QStringLiteral("/v1/trigger-rules"), this, [this](const ApiAnswer &answer) {
        if (!answer.isOk()) {
            reportFailure(answer, tr("Loading the trigger rules"));
            return;
        }
        showRules(answer.array(QStringLiteral("rules")));
    });
    api().get(QStringLiteral("/v1/templates"), this, [this](const ApiAnswer &answer) {
        if (!answer.isOk())
            return; // the rules' own call reports the problem
        m_templateIds.clear();
        for (const QJsonValue &entry : answer.array(QStringLiteral("templates")))
            m_templateIds.append(entry.toObject().value(QStringLiteral("id")).toString());
    });
    api().get(QStringLiteral("/v1/schema/fields"), this, [this](const ApiAnswer &answer) {
        if (answer.isOk())
            m_eventTypes = answer.object().value(QStringLiteral("event_fields")).toObject().keys();
    });
}

QString TriggersPage::describeCondition(const QJsonValue &condition) const
{
    if (!condition.isObject() || condition.toObject().isEmpty())
        return tr("every event");
    const QJsonObject test = condition.toObject();
    if (test.contains(QStringLiteral("path"))) {
        const QString value =
            test.value(QStringLiteral("value")).isString()
                ? test.value(QStringLiteral("value")).toString()
                : QString::fromUtf8(
                      QJsonDocument(QJsonArray{test.value(QStringLiteral("value"))}).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1);
        return QStringLiteral("%1 %2 %3")
            .arg(test.value(QStringLiteral("path")).toString(), test.value(QStringLiteral("op")).toString(),
                 test.value(QStringLiteral("op")).toString() == QStringLiteral("exists") ? QString() : value)
            .trimmed();
    }
    return QString::fromUtf8(QJsonDocument(test).toJson(QJsonDocument::Compact));
}

void TriggersPage::showRules(const QJsonArray &rules)
{
    const QString selected = selectedRuleId();
    m_rules = rules;
    m_filling = true;
    m_ruleTable->setRowCount(0);
    for (const QJsonValue &entry : rules) {
        const QJsonObject rule = entry.toObject();
        const QJsonObject quiet = rule.value(QStringLiteral("quiet_hours")).toObject();
        const int capCount = rule.value(QStringLiteral("cap_count")).toInt();
        const int capHours = rule.value(QStringLiteral("cap_window_seconds")).toInt() / 3600;
        const bool enabled = rule.value(QStringLiteral("enabled")).toBool();
        const int row = appendRow(
            m_ruleTable,
            {rule.value(QStringLiteral("name")).toString(), rule.value(QStringLiteral("event_type")).toString(),
             rule.value(QStringLiteral("template_id")).toString(),
             describeCondition(rule.value(QStringLiteral("condition"))),
             quiet.isEmpty()
                 ? tr("none")
                 : QStringLiteral("%1–%2").arg(minuteText(quiet.value(QStringLiteral("start_minute")).toInt()),
                                               minuteText(quiet.value(QStringLiteral("end_minute")).toInt())),
             capCount == 0 ? tr("none") : tr("%n push(es) per %1 h", nullptr, capCount).arg(capHours),
             enabled ? tr("on") : tr("off")});
        QTableWidgetItem *item = m_ruleTable->item(row, NameColumn);
        item->setData(Qt::UserRole, rule.value(QStringLiteral("id")).toVariant());
        QTableWidgetItem *toggle = m_ruleTable->item(row, EnabledColumn);
        toggle->setFlags(canEdit() ? (toggle->flags() | Qt::ItemIsUserCheckable)
                                   : (toggle->flags() & ~Qt::ItemIsUserCheckable));
        toggle->setCheckState(enabled ? Qt::Checked : Qt::Unchecked);
        if (!enabled)
            dimRow(m_ruleTable, row);
        if (item->data(Qt::UserRole).toString() == selected)
            m_ruleTable->selectRow(row);
    }
    m_filling = false;
}

QString TriggersPage::selectedRuleId() const
{
    const QList<QTableWidgetItem *> selected = m_ruleTable->selectedItems();
    if (selected.isEmpty())
        return QString();
    return m_ruleTable->item(selected.first()->row(), NameColumn)->data(Qt::UserRole).toString();
}

TriggerRuleDialog *TriggersPage::openEditor(bool forSelected)
{
    const QString id = forSelected ? selectedRuleId() : QString();
    if (forSelected && id.isEmpty())
        return nullptr;
    auto *dialog = new TriggerRuleDialog(m_templateIds, m_eventTypes, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (forSelected) {
        for (const QJsonValue &entry : std::as_const(m_rules))
            if (entry.toObject().value(QStringLiteral("id")).toVariant().toString() == id)
                dialog->setRule(entry.toObject());
    }
    connect(dialog, &TriggerRuleDialog::saveRequested, this, [this, dialog, id] {
        const QJsonObject rule = dialog->rule();
        const auto saved = [this, dialog](const ApiAnswer &answer) {
            if (!answer.isOk()) {
                dialog->showError(answer.message.isEmpty() ? tr("The worker refused the rule.") : answer.message);
                return;
            }
            Q_EMIT notice(tr("Trigger rule “%1” saved").arg(answer.object().value(QStringLiteral("name")).toString()));
            dialog->done(QDialog::Accepted);
            reload();
        };
        if (id.isEmpty())
            api().post(QStringLiteral("/v1/trigger-rules"), rule, dialog, saved);
        else
            api().put(QStringLiteral("/v1/trigger-rules/") + ApiClient::segment(id), rule, dialog, saved);
    });
    dialog->open();
    return dialog;
}

void TriggersPage::switchToggled(int row, bool enabled)
{
    const QString id = m_ruleTable->item(row, NameColumn)->data(Qt::UserRole).toString();
    const QString path =
        QStringLiteral("/v1/trigger-rules/%1/%2")
            .arg(ApiClient::segment(id), enabled ? QStringLiteral("enable") : QStringLiteral("disable"));
    api().post(path, QJsonObject(), this, [this, enabled](const ApiAnswer &answer) {
        if (!answer.isOk())
            reportFailure(answer, enabled ? tr("Enabling the rule") : tr("Disabling the rule"));
        else
            Q_EMIT notice(enabled ? tr("Rule enabled") : tr("Rule disabled"));
        reload();
    });
}

void TriggersPage::removeSelected()
{
    const QString id = selectedRuleId();
    if (id.isEmpty())
        return;
    auto *confirm =
        new QMessageBox(QMessageBox::Question, tr("Delete the rule"),
                        tr("Delete this trigger rule? Events of its type will no longer send its template."),
                        QMessageBox::Yes | QMessageBox::No, this);
    confirm->setObjectName(QStringLiteral("deleteRuleConfirmation"));
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QMessageBox::accepted, this, [this, id] {
        api().remove(QStringLiteral("/v1/trigger-rules/") + ApiClient::segment(id), this,
                     [this](const ApiAnswer &answer) {
                         if (!answer.isOk())
                             reportFailure(answer, tr("Deleting the rule"));
                         reload();
                     });
    });
    confirm->open();
}

} // namespace vestnik
