#include "LocaleEditor.h"

#include "TemplateTextEdit.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

constexpr int kMaxButtons = 3; // what a notification shows; the worker refuses more

QString cellText(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

} // namespace

LocaleEditor::LocaleEditor(const QString &locale, QWidget *parent) : QWidget(parent), m_locale(locale)
{
    setObjectName(QStringLiteral("localeEditor_") + locale);
    m_title = new TemplateTextEdit(true, this);
    m_title->setObjectName(QStringLiteral("titleEdit"));
    m_title->setPlaceholderText(tr("{{name}}, your cart is waiting"));
    m_body = new TemplateTextEdit(false, this);
    m_body->setObjectName(QStringLiteral("bodyEdit"));
    m_body->setPlaceholderText(tr("The notification's text; {{ opens a variable"));
    m_imageUrl = new TemplateTextEdit(true, this);
    m_imageUrl->setObjectName(QStringLiteral("imageUrlEdit"));
    m_imageUrl->setPlaceholderText(QStringLiteral("https://"));
    m_deepLink = new TemplateTextEdit(true, this);
    m_deepLink->setObjectName(QStringLiteral("deepLinkEdit"));
    m_deepLink->setPlaceholderText(tr("shop://cart"));
    m_buttons = makeTable({tr("Id"), tr("Label"), tr("Opens (deep link)")}, QStringLiteral("buttonsTable"));
    m_data = makeTable({tr("Key"), tr("Value")}, QStringLiteral("dataTable"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Title:"), m_title);
    form->addRow(tr("&Body:"), m_body);
    form->addRow(tr("&Image URL:"), m_imageUrl);
    form->addRow(tr("&Deep link:"), m_deepLink);
    form->addRow(tr("Buttons:"), tableWithButtons(m_buttons, QStringLiteral("Button"), kMaxButtons));
    form->addRow(tr("Data fields:"), tableWithButtons(m_data, QStringLiteral("DataField"), 0));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);

    for (TemplateTextEdit *edit : {m_title, m_body, m_imageUrl, m_deepLink})
        connect(edit, &QPlainTextEdit::textChanged, this, &LocaleEditor::changed);
    for (QTableWidget *table : {m_buttons, m_data})
        connect(table, &QTableWidget::itemChanged, this, &LocaleEditor::changed);
}

QTableWidget *LocaleEditor::makeTable(const QStringList &headers, const QString &name)
{
    auto *table = new QTableWidget(0, int(headers.size()), this);
    table->setObjectName(name);
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    table->setMaximumHeight(table->horizontalHeader()->sizeHint().height()
                            + 4 * table->verticalHeader()->defaultSectionSize());
    return table;
}

QWidget *LocaleEditor::tableWithButtons(QTableWidget *table, const QString &name, int maxRows)
{
    auto *add = new QPushButton(tr("Add"), this);
    add->setObjectName(QStringLiteral("add") + name + QStringLiteral("Button"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("remove") + name + QStringLiteral("Button"));
    m_tableButtons << add << remove;
    connect(add, &QPushButton::clicked, this, [this, table, add, maxRows] {
        table->insertRow(table->rowCount());
        add->setEnabled(maxRows == 0 || table->rowCount() < maxRows);
        Q_EMIT changed();
    });
    connect(remove, &QPushButton::clicked, this, [this, table, add] {
        const int row = table->currentRow() >= 0 ? table->currentRow() : table->rowCount() - 1;
        if (row < 0)
            return;
        table->removeRow(row);
        add->setEnabled(true);
        Q_EMIT changed();
    });
    auto *box = new QWidget(this);
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto *layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table, 1);
    layout->addLayout(buttons);
    return box;
}

QJsonObject LocaleEditor::content() const
{
    QJsonObject json;
    const auto put = [&json](const char *key, const QString &value) {
        if (!value.isEmpty())
            json.insert(QLatin1String(key), value);
    };
    put("title", m_title->toPlainText());
    put("body", m_body->toPlainText());
    put("image_url", m_imageUrl->toPlainText().trimmed());
    put("deep_link", m_deepLink->toPlainText().trimmed());
    QJsonArray buttons;
    for (int row = 0; row < m_buttons->rowCount(); ++row) {
        QString id = cellText(m_buttons, row, 0);
        const QString label = cellText(m_buttons, row, 1);
        const QString link = cellText(m_buttons, row, 2);
        if (id.isEmpty() && label.isEmpty() && link.isEmpty())
            continue;
        if (id.isEmpty()) // the app needs some id to report the tap; the marketer need not invent one
            id = QStringLiteral("button%1").arg(row + 1);
        buttons.append(
            QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("label"), label}, {QStringLiteral("link"), link}});
    }
    if (!buttons.isEmpty())
        json.insert(QStringLiteral("buttons"), buttons);
    QJsonObject fields;
    for (int row = 0; row < m_data->rowCount(); ++row) {
        const QString key = cellText(m_data, row, 0);
        if (!key.isEmpty())
            fields.insert(key, cellText(m_data, row, 1));
    }
    if (!fields.isEmpty())
        json.insert(QStringLiteral("data"), fields);
    return json;
}

void LocaleEditor::setContent(const QJsonObject &content)
{
    const QSignalBlocker blockTitle(m_title);
    const QSignalBlocker blockBody(m_body);
    const QSignalBlocker blockImage(m_imageUrl);
    const QSignalBlocker blockLink(m_deepLink);
    const QSignalBlocker blockButtons(m_buttons);
    const QSignalBlocker blockData(m_data);
    m_title->setPlainText(content.value(QStringLiteral("title")).toString());
    m_body->setPlainText(content.value(QStringLiteral("body")).toString());
    m_imageUrl->setPlainText(content.value(QStringLiteral("image_url")).toString());
    m_deepLink->setPlainText(content.value(QStringLiteral("deep_link")).toString());
    const QJsonArray buttons = content.value(QStringLiteral("buttons")).toArray();
    m_buttons->setRowCount(int(buttons.size()));
    for (int row = 0; row < buttons.size(); ++row) {
        const QJsonObject button = buttons.at(row).toObject();
        int column = 0;
        for (const char *key : {"id", "label", "link"})
            m_buttons->setItem(row, column++, new QTableWidgetItem(button.value(QLatin1String(key)).toString()));
    }
    const QJsonObject fields = content.value(QStringLiteral("data")).toObject();
    m_data->setRowCount(int(fields.size()));
    int row = 0;
    for (auto it = fields.begin(); it != fields.end(); ++it, ++row) {
        m_data->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_data->setItem(row, 1, new QTableWidgetItem(it.value().toString()));
    }
}

QString LocaleEditor::allText() const
{
    QStringList texts{m_title->toPlainText(), m_body->toPlainText(), m_imageUrl->toPlainText(),
                      m_deepLink->toPlainText()};
    for (QTableWidget *table : {m_buttons, m_data}) {
        for (int row = 0; row < table->rowCount(); ++row) {
            for (int column = 1; column < table->columnCount(); ++column)
                texts << cellText(table, row, column);
        }
    }
    return texts.join(QLatin1Char('\n'));
}

TemplateTextEdit *LocaleEditor::textEdit(const QString &field) const
{
    if (field == QStringLiteral("title"))
        return m_title;
    if (field == QStringLiteral("body"))
        return m_body;
    if (field == QStringLiteral("image_url"))
        return m_imageUrl;
    if (field == QStringLiteral("deep_link"))
        return m_deepLink;
    return nullptr;
}

bool LocaleEditor::selectTableField(const QString &field)
{
    const QStringList parts = field.split(QLatin1Char('.'));
    if (parts.size() >= 2 && parts.at(0) == QStringLiteral("buttons")) {
        const int column = parts.value(2) == QStringLiteral("link") ? 2
                           : parts.value(2) == QStringLiteral("id") ? 0
                                                                    : 1;
        m_buttons->setCurrentCell(parts.at(1).toInt(), column);
        return true;
    }
    if (parts.size() >= 2 && parts.at(0) == QStringLiteral("data")) {
        const QString key = field.mid(5);
        for (int row = 0; row < m_data->rowCount(); ++row) {
            if (cellText(m_data, row, 0) == key)
                m_data->setCurrentCell(row, 1);
        }
        return true;
    }
    return false;
}

void LocaleEditor::clearErrors()
{
    for (TemplateTextEdit *edit : {m_title, m_body, m_imageUrl, m_deepLink})
        edit->clearError();
}

void LocaleEditor::setVariableNames(const QStringList &names)
{
    for (TemplateTextEdit *edit : {m_title, m_body, m_imageUrl, m_deepLink})
        edit->setVariableNames(names);
}

void LocaleEditor::setReadOnly(bool readOnly)
{
    for (TemplateTextEdit *edit : {m_title, m_body, m_imageUrl, m_deepLink})
        edit->setReadOnly(readOnly);
    for (QTableWidget *table : {m_buttons, m_data})
        table->setEditTriggers(readOnly ? QAbstractItemView::NoEditTriggers : QAbstractItemView::AllEditTriggers);
    for (QPushButton *button : std::as_const(m_tableButtons))
        button->setEnabled(!readOnly);
}

} // namespace vestnik
