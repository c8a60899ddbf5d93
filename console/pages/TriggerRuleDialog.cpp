#include "TriggerRuleDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTime>
#include <QTimeEdit>

namespace vestnik {

namespace {

const QStringList kOps{QStringLiteral("eq"),  QStringLiteral("ne"),       QStringLiteral("gt"),
                       QStringLiteral("gte"), QStringLiteral("lt"),       QStringLiteral("lte"),
                       QStringLiteral("in"),  QStringLiteral("contains"), QStringLiteral("exists")};

/// A typed value from what was typed: a number, true/false, a JSON array, else the text itself.
QJsonValue typedValue(const QString &text)
{
    const QString trimmed = text.trimmed();
    bool isNumber = false;
    const double number = trimmed.toDouble(&isNumber);
    if (isNumber)
        return number;
    if (trimmed == QStringLiteral("true") || trimmed == QStringLiteral("false"))
        return trimmed == QStringLiteral("true");
    if (trimmed.startsWith(QLatin1Char('['))) {
        const QJsonDocument array = QJsonDocument::fromJson(trimmed.toUtf8());
        if (array.isArray())
            return array.array();
    }
    return text;
}

QString valueText(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toString();
}

} // namespace

TriggerRuleDialog::TriggerRuleDialog(const QStringList &templateIds, const QStringList &eventTypes, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("triggerRuleDialog"));
    setWindowTitle(tr("Trigger rule"));
    m_nameEdit = new QLineEdit(this);
    m_nameEdit->setObjectName(QStringLiteral("ruleNameEdit"));
    m_eventTypeCombo = new QComboBox(this);
    m_eventTypeCombo->setObjectName(QStringLiteral("eventTypeCombo"));
    m_eventTypeCombo->setEditable(true);
    m_eventTypeCombo->addItems(eventTypes);
    m_eventTypeCombo->setCurrentText(QString());
    m_templateCombo = new QComboBox(this);
    m_templateCombo->setObjectName(QStringLiteral("ruleTemplateCombo"));
    m_templateCombo->addItems(templateIds);
    m_appEdit = new QLineEdit(this);
    m_appEdit->setObjectName(QStringLiteral("ruleAppEdit"));
    m_appEdit->setPlaceholderText(tr("every app of the user"));

    m_conditionModeCombo = new QComboBox(this);
    m_conditionModeCombo->setObjectName(QStringLiteral("conditionModeCombo"));
    m_conditionModeCombo->addItem(tr("Every event of this type"));
    m_conditionModeCombo->addItem(tr("When a field…"));
    m_conditionModeCombo->addItem(tr("Condition as JSON"));
    m_conditionPathEdit = new QLineEdit(this);
    m_conditionPathEdit->setObjectName(QStringLiteral("conditionPathEdit"));
    m_conditionPathEdit->setPlaceholderText(tr("field, e.g. сумма or товар.цена"));
    m_conditionOpCombo = new QComboBox(this);
    m_conditionOpCombo->setObjectName(QStringLiteral("conditionOpCombo"));
    const QStringList opNames{tr("equals"),  tr("differs from"), tr("greater than"), tr("at least"), tr("less than"),
                              tr("at most"), tr("is one of"),    tr("contains"),     tr("exists")};
    for (int index = 0; index < kOps.size(); ++index)
        m_conditionOpCombo->addItem(opNames.at(index), kOps.at(index));
    m_conditionValueEdit = new QLineEdit(this);
    m_conditionValueEdit->setObjectName(QStringLiteral("conditionValueEdit"));
    m_conditionValueEdit->setPlaceholderText(tr("value; a number, true/false, [\"a\",\"b\"] or text"));
    m_conditionJsonEdit = new QPlainTextEdit(this);
    m_conditionJsonEdit->setObjectName(QStringLiteral("conditionJsonEdit"));
    m_conditionJsonEdit->setPlaceholderText(QStringLiteral(
        R"({"all": [{"path": "сумма", "op": "gte", "value": 1000}, {"path": "город", "op": "exists"}]})"));
    m_conditionJsonEdit->setMaximumHeight(90);
    auto *test = new QHBoxLayout;
    test->addWidget(m_conditionPathEdit, 2);
    test->addWidget(m_conditionOpCombo, 1);
    test->addWidget(m_conditionValueEdit, 2);

    m_quietHoursCheck = new QCheckBox(tr("Quiet hours, in the user's time zone:"), this);
    m_quietHoursCheck->setObjectName(QStringLiteral("quietHoursCheck"));
    m_quietStartEdit = new QTimeEdit(QTime(22, 0), this);
    m_quietStartEdit->setObjectName(QStringLiteral("quietStartEdit"));
    m_quietStartEdit->setDisplayFormat(QStringLiteral("HH:mm"));
    m_quietEndEdit = new QTimeEdit(QTime(8, 0), this);
    m_quietEndEdit->setObjectName(QStringLiteral("quietEndEdit"));
    m_quietEndEdit->setDisplayFormat(QStringLiteral("HH:mm"));
    auto *quiet = new QHBoxLayout;
    quiet->addWidget(m_quietHoursCheck);
    quiet->addWidget(m_quietStartEdit);
    quiet->addWidget(new QLabel(QStringLiteral("–"), this));
    quiet->addWidget(m_quietEndEdit);
    quiet->addStretch();

    m_capCountSpin = new QSpinBox(this);
    m_capCountSpin->setObjectName(QStringLiteral("capCountSpin"));
    m_capCountSpin->setRange(0, 1000);
    m_capCountSpin->setSpecialValueText(tr("no cap"));
    m_capHoursSpin = new QSpinBox(this);
    m_capHoursSpin->setObjectName(QStringLiteral("capHoursSpin"));
    m_capHoursSpin->setRange(1, 24 * 90);
    m_capHoursSpin->setValue(24);
    m_capHoursSpin->setSuffix(tr(" h"));
    auto *cap = new QHBoxLayout;
    cap->addWidget(m_capCountSpin);
    cap->addWidget(new QLabel(tr("pushes per user within"), this));
    cap->addWidget(m_capHoursSpin);
    cap->addStretch();

    m_enabledCheck = new QCheckBox(tr("Enabled"), this);
    m_enabledCheck->setObjectName(QStringLiteral("ruleEnabledCheck"));
    m_enabledCheck->setChecked(true);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("ruleErrorLabel"));
    m_errorLabel->setWordWrap(true);
    QPalette errorPalette = m_errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_errorLabel->setPalette(errorPalette);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("ruleButtons"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Name:"), m_nameEdit);
    form->addRow(tr("&Event type:"), m_eventTypeCombo);
    form->addRow(tr("&Template:"), m_templateCombo);
    form->addRow(tr("&App:"), m_appEdit);
    form->addRow(tr("&Condition:"), m_conditionModeCombo);
    form->addRow(QString(), test);
    form->addRow(QString(), m_conditionJsonEdit);
    form->addRow(tr("Quiet hours:"), quiet);
    form->addRow(tr("Frequency cap:"), cap);
    form->addRow(QString(), m_enabledCheck);
    form->addRow(m_errorLabel);
    form->addRow(m_buttons);

    connect(m_conditionModeCombo, &QComboBox::currentIndexChanged, this, &TriggerRuleDialog::conditionModeChanged);
    connect(m_quietHoursCheck, &QCheckBox::toggled, m_quietStartEdit, &QWidget::setEnabled);
    connect(m_quietHoursCheck, &QCheckBox::toggled, m_quietEndEdit, &QWidget::setEnabled);
    connect(m_capCountSpin, &QSpinBox::valueChanged, this,
            [this](int count) { m_capHoursSpin->setEnabled(count > 0); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &TriggerRuleDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_quietStartEdit->setEnabled(false);
    m_quietEndEdit->setEnabled(false);
    m_capHoursSpin->setEnabled(false);
    conditionModeChanged();
}

void TriggerRuleDialog::conditionModeChanged()
{
    const int mode = m_conditionModeCombo->currentIndex();
    m_conditionPathEdit->setVisible(mode == 1);
    m_conditionOpCombo->setVisible(mode == 1);
    m_conditionValueEdit->setVisible(mode == 1);
    m_conditionJsonEdit->setVisible(mode == 2);
}

void TriggerRuleDialog::setRule(const QJsonObject &rule)
{
    m_nameEdit->setText(rule.value(QStringLiteral("name")).toString());
    m_eventTypeCombo->setCurrentText(rule.value(QStringLiteral("event_type")).toString());
    const QString templateId = rule.value(QStringLiteral("template_id")).toString();
    if (m_templateCombo->findText(templateId) < 0)
        m_templateCombo->addItem(templateId);
    m_templateCombo->setCurrentText(templateId);
    m_appEdit->setText(rule.value(QStringLiteral("app_id")).toString());
    const QJsonObject condition = rule.value(QStringLiteral("condition")).toObject();
    if (condition.isEmpty()) {
        m_conditionModeCombo->setCurrentIndex(0);
    } else if (condition.contains(QStringLiteral("path"))
               && kOps.contains(condition.value(QStringLiteral("op")).toString())) {
        m_conditionModeCombo->setCurrentIndex(1);
        m_conditionPathEdit->setText(condition.value(QStringLiteral("path")).toString());
        m_conditionOpCombo->setCurrentIndex(
            static_cast<int>(kOps.indexOf(condition.value(QStringLiteral("op")).toString())));
        m_conditionValueEdit->setText(valueText(condition.value(QStringLiteral("value"))));
    } else {
        m_conditionModeCombo->setCurrentIndex(2);
        m_conditionJsonEdit->setPlainText(QString::fromUtf8(QJsonDocument(condition).toJson(QJsonDocument::Indented)));
    }
    const QJsonObject quiet = rule.value(QStringLiteral("quiet_hours")).toObject();
    m_quietHoursCheck->setChecked(!quiet.isEmpty());
    if (!quiet.isEmpty()) {
        m_quietStartEdit->setTime(QTime(0, 0).addSecs(quiet.value(QStringLiteral("start_minute")).toInt() * 60));
        m_quietEndEdit->setTime(QTime(0, 0).addSecs(quiet.value(QStringLiteral("end_minute")).toInt() * 60));
    }
    m_capCountSpin->setValue(rule.value(QStringLiteral("cap_count")).toInt());
    const int windowSeconds = rule.value(QStringLiteral("cap_window_seconds")).toInt();
    if (windowSeconds > 0)
        m_capHoursSpin->setValue(qMax(1, windowSeconds / 3600));
    m_enabledCheck->setChecked(rule.value(QStringLiteral("enabled")).toBool(true));
}

QJsonValue TriggerRuleDialog::condition() const
{
    switch (m_conditionModeCombo->currentIndex()) {
    case 1: {
        const QString path = m_conditionPathEdit->text().trimmed();
        if (path.isEmpty()) {
            m_error = tr("Name the event field the condition tests.");
            return QJsonValue::Undefined;
        }
        const QString op = m_conditionOpCombo->currentData().toString();
        QJsonObject test{{QStringLiteral("path"), path}, {QStringLiteral("op"), op}};
        if (op != QStringLiteral("exists"))
            test.insert(QStringLiteral("value"), typedValue(m_conditionValueEdit->text()));
        return test;
    }
    case 2: {
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(m_conditionJsonEdit->toPlainText().toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            m_error = tr("The condition is not a JSON object: %1 at character %2.")
                          .arg(parseError.errorString())
                          .arg(parseError.offset);
            return QJsonValue::Undefined;
        }
        return document.object();
    }
    default: return QJsonValue::Null;
    }
}

QJsonObject TriggerRuleDialog::rule() const
{
    m_error.clear();
    const QString name = m_nameEdit->text().trimmed();
    const QString eventType = m_eventTypeCombo->currentText().trimmed();
    if (name.isEmpty() || eventType.isEmpty() || m_templateCombo->currentText().isEmpty()) {
        m_error = tr("A rule needs a name, an event type and a template.");
        return {};
    }
    const QJsonValue when = condition();
    if (when.isUndefined())
        return {};
    QJsonObject rule{
        {QStringLiteral("name"), name},
        {QStringLiteral("event_type"), eventType},
        {QStringLiteral("template_id"), m_templateCombo->currentText()},
        {QStringLiteral("app_id"), m_appEdit->text().trimmed()},
        {QStringLiteral("condition"), when},
        {QStringLiteral("enabled"), m_enabledCheck->isChecked()},
        {QStringLiteral("cap_count"), m_capCountSpin->value()},
        {QStringLiteral("cap_window_seconds"), m_capCountSpin->value() > 0 ? m_capHoursSpin->value() * 3600 : 0}};
    if (m_quietHoursCheck->isChecked()) {
        const QTime start = m_quietStartEdit->time();
        const QTime end = m_quietEndEdit->time();
        if (start == end) {
            m_error = tr("Quiet hours must end at another time than they start.");
            return {};
        }
        rule.insert(QStringLiteral("quiet_hours"),
                    QJsonObject{{QStringLiteral("start_minute"), start.hour() * 60 + start.minute()},
                                {QStringLiteral("end_minute"), end.hour() * 60 + end.minute()}});
    } else {
        rule.insert(QStringLiteral("quiet_hours"), QJsonValue::Null);
    }
    return rule;
}

void TriggerRuleDialog::showError(const QString &text)
{
    m_errorLabel->setText(text);
    m_buttons->setEnabled(true);
}

void TriggerRuleDialog::accept()
{
    if (rule().isEmpty()) {
        m_errorLabel->setText(m_error);
        return;
    }
    m_errorLabel->clear();
    // The page saves it and closes the dialog when the worker agrees (see TriggersPage).
    m_buttons->setEnabled(false);
    Q_EMIT saveRequested();
}

} // namespace vestnik
