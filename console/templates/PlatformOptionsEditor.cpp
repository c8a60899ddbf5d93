#include "PlatformOptionsEditor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QIntValidator>
#include <QLineEdit>
#include <QTabWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

constexpr int kMaxTtlSeconds = 2'419'200; // 4 weeks, as the worker accepts
constexpr int kMaxBadge = 99'999;

} // namespace

PlatformOptionsEditor::PlatformOptionsEditor(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("platformOptionsEditor"));
    const QString inherit = tr("as the template");

    auto *common = new QWidget(this);
    auto *commonForm = new QFormLayout(common);
    commonForm->addRow(tr("Priority:"), addPriority(QString(), QStringLiteral("priorityCombo"), false));
    QLineEdit *ttl = addText(QString(), QStringLiteral("ttl_seconds"), QStringLiteral("ttlEdit"), true);
    ttl->setPlaceholderText(tr("4 weeks"));
    commonForm->addRow(tr("Time to live, s:"), ttl);
    QLineEdit *collapse = addText(QString(), QStringLiteral("collapse_key"), QStringLiteral("collapseKeyEdit"), false);
    collapse->setPlaceholderText(tr("the notification id"));
    commonForm->addRow(tr("Collapse key:"), collapse);

    auto *android = new QWidget(this);
    auto *androidForm = new QFormLayout(android);
    androidForm->addRow(tr("Channel:"), addText(QStringLiteral("android"), QStringLiteral("channel_id"),
                                                QStringLiteral("androidChannelEdit"), false));
    androidForm->addRow(tr("Sound:"), addText(QStringLiteral("android"), QStringLiteral("sound"),
                                              QStringLiteral("androidSoundEdit"), false));
    androidForm->addRow(tr("Priority:"),
                        addPriority(QStringLiteral("android"), QStringLiteral("androidPriorityCombo"), true));
    androidForm->addRow(tr("Time to live, s:"), addText(QStringLiteral("android"), QStringLiteral("ttl_seconds"),
                                                        QStringLiteral("androidTtlEdit"), true));
    androidForm->addRow(tr("Collapse key:"), addText(QStringLiteral("android"), QStringLiteral("collapse_key"),
                                                     QStringLiteral("androidCollapseKeyEdit"), false));

    auto *ios = new QWidget(this);
    auto *iosForm = new QFormLayout(ios);
    iosForm->addRow(tr("Category:"), addText(QStringLiteral("apns"), QStringLiteral("category"),
                                             QStringLiteral("iosCategoryEdit"), false));
    iosForm->addRow(tr("Sound:"),
                    addText(QStringLiteral("apns"), QStringLiteral("sound"), QStringLiteral("iosSoundEdit"), false));
    iosForm->addRow(tr("Badge:"),
                    addText(QStringLiteral("apns"), QStringLiteral("badge"), QStringLiteral("iosBadgeEdit"), true));
    iosForm->addRow(tr("Thread id:"), addText(QStringLiteral("apns"), QStringLiteral("thread_id"),
                                              QStringLiteral("iosThreadIdEdit"), false));
    iosForm->addRow(tr("Priority:"), addPriority(QStringLiteral("apns"), QStringLiteral("iosPriorityCombo"), true));
    iosForm->addRow(tr("Time to live, s:"),
                    addText(QStringLiteral("apns"), QStringLiteral("ttl_seconds"), QStringLiteral("iosTtlEdit"), true));
    iosForm->addRow(tr("Collapse key:"), addText(QStringLiteral("apns"), QStringLiteral("collapse_key"),
                                                 QStringLiteral("iosCollapseKeyEdit"), false));
    for (const Option &option : std::as_const(m_options)) {
        if (auto *edit = qobject_cast<QLineEdit *>(option.edit); edit && !option.group.isEmpty()
                                                                 && option.key != QStringLiteral("badge")
                                                                 && edit->placeholderText().isEmpty())
            edit->setPlaceholderText(inherit);
    }

    // Tabs keep the editor narrow enough to sit beside the list and the preview.
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("platformTabs"));
    tabs->addTab(common, tr("Delivery: all platforms"));
    tabs->addTab(android, tr("Android"));
    tabs->addTab(ios, tr("iOS"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tabs);
}

QLineEdit *PlatformOptionsEditor::addText(const QString &group, const QString &key, const QString &name, bool isNumber)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(name);
    if (isNumber)
        edit->setValidator(new QIntValidator(0, key == QStringLiteral("badge") ? kMaxBadge : kMaxTtlSeconds, edit));
    connect(edit, &QLineEdit::textChanged, this, &PlatformOptionsEditor::changed);
    m_options.append({group, key, isNumber, edit});
    return edit;
}

QComboBox *PlatformOptionsEditor::addPriority(const QString &group, const QString &name, bool inherits)
{
    auto *combo = new QComboBox(this);
    combo->setObjectName(name);
    if (inherits)
        combo->addItem(tr("as the template"), QString());
    combo->addItem(tr("High: show at once"), QStringLiteral("high"));
    combo->addItem(tr("Normal: may wait to save battery"), QStringLiteral("normal"));
    connect(combo, &QComboBox::currentIndexChanged, this, &PlatformOptionsEditor::changed);
    m_options.append({group, QStringLiteral("priority"), false, combo});
    return combo;
}

void PlatformOptionsEditor::writeTo(QJsonObject &templateJson) const
{
    QJsonObject android;
    QJsonObject apns;
    for (const Option &option : m_options) {
        QJsonObject &target = option.group == QStringLiteral("android") ? android
                              : option.group == QStringLiteral("apns")  ? apns
                                                                        : templateJson;
        QString value;
        if (auto *combo = qobject_cast<QComboBox *>(option.edit))
            value = combo->currentData().toString();
        else
            value = qobject_cast<QLineEdit *>(option.edit)->text().trimmed();
        if (value.isEmpty())
            continue;
        if (option.isNumber)
            target.insert(option.key, value.toLongLong());
        else
            target.insert(option.key, value);
    }
    if (!android.isEmpty())
        templateJson.insert(QStringLiteral("android"), android);
    if (!apns.isEmpty())
        templateJson.insert(QStringLiteral("apns"), apns);
}

void PlatformOptionsEditor::readFrom(const QJsonObject &templateJson)
{
    const QSignalBlocker blocker(this);
    for (const Option &option : std::as_const(m_options)) {
        const QJsonObject source = option.group.isEmpty() ? templateJson : templateJson.value(option.group).toObject();
        const QJsonValue value = source.value(option.key);
        if (auto *combo = qobject_cast<QComboBox *>(option.edit)) {
            const int index = combo->findData(value.toString());
            combo->setCurrentIndex(index >= 0 ? index : 0);
        } else {
            auto *edit = qobject_cast<QLineEdit *>(option.edit);
            edit->setText(value.isDouble() ? QString::number(value.toInteger()) : value.toString());
        }
    }
}

void PlatformOptionsEditor::setReadOnly(bool readOnly)
{
    for (const Option &option : std::as_const(m_options)) {
        if (auto *edit = qobject_cast<QLineEdit *>(option.edit))
            edit->setReadOnly(readOnly);
        else
            option.edit->setEnabled(!readOnly);
    }
}

QWidget *PlatformOptionsEditor::editFor(const QString &path) const
{
    const qsizetype dot = path.indexOf(QLatin1Char('.'));
    const QString group = dot < 0 ? QString() : path.left(dot);
    const QString key = dot < 0 ? path : path.mid(dot + 1);
    for (const Option &option : m_options) {
        if (option.group == group && option.key == key)
            return option.edit;
    }
    return nullptr;
}

} // namespace vestnik
