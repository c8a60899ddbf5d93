#pragma once

#include "Page.h"

#include <QJsonArray>

class QPushButton;
class QTableWidget;

namespace vestnik {

class TriggerRuleDialog;

/// Trigger rules: which event type sends which template, on what condition, outside which quiet hours and how
/// often at most; each with an enable switch. Marketers and administrators edit, analysts read.
class TriggersPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TriggersPage)

public:
    explicit TriggersPage(ApiClient &api, QWidget *parent = nullptr);

    QString title() const override;
    void activate() override;

    /// Opens the dialog for a new rule (or the selected one); it saves through the API when accepted.
    TriggerRuleDialog *openEditor(bool forSelected);

private:
    void reload();
    void showRules(const QJsonArray &rules);
    void switchToggled(int row, bool enabled);
    void removeSelected();
    bool canEdit() const;
    QString selectedRuleId() const;
    QString describeCondition(const QJsonValue &condition) const;

    QTableWidget *m_ruleTable = nullptr;
    QPushButton *m_newButton = nullptr;
    QPushButton *m_editButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QJsonArray m_rules;
    QStringList m_templateIds;
    QStringList m_eventTypes;
    bool m_filling = false;
};

} // namespace vestnik
