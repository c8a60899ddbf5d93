#include "TemplateEditor.h"

#include "LocaleEditor.h"
#include "PlatformOptionsEditor.h"
#include "TemplateSyntax.h"
#include "TemplateTextEdit.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace vestnik {

namespace {

const QString kDefaultLocale = QStringLiteral("ru");

/// "ru", "en", "en-GB", "zh-Hant-TW": what BCP 47 tags the worker's variants use.
const QRegularExpression &localePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"));
    return pattern;
}

} // namespace

TemplateEditor::TemplateEditor(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("templateEditor"));
    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("templateIdEdit"));
    m_id->setPlaceholderText(tr("cart-abandoned"));
    m_id->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[^/\\s]{0,256}")), m_id));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("templateNameEdit"));
    m_name->setPlaceholderText(tr("Abandoned cart"));

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("localeTabs"));
    m_tabs->setTabsClosable(true);
    m_newLocale = new QLineEdit(this);
    m_newLocale->setObjectName(QStringLiteral("newLocaleEdit"));
    m_newLocale->setPlaceholderText(tr("e.g. de, kk, en-GB"));
    m_newLocale->setMaximumWidth(140);
    m_addLocale = new QPushButton(tr("Add &language"), this);
    m_addLocale->setObjectName(QStringLiteral("addLocaleButton"));
    m_localeMessage = new QLabel(this);
    m_localeMessage->setObjectName(QStringLiteral("localeMessageLabel"));
    auto *corner = new QWidget(this);
    auto *cornerLayout = new QHBoxLayout(corner);
    cornerLayout->setContentsMargins(0, 0, 0, 0);
    cornerLayout->addWidget(m_localeMessage);
    cornerLayout->addWidget(m_newLocale);
    cornerLayout->addWidget(m_addLocale);
    m_tabs->setCornerWidget(corner, Qt::TopRightCorner);

    m_options = new PlatformOptionsEditor(this);

    auto *form = new QFormLayout;
    form->addRow(tr("Template &id:"), m_id);
    form->addRow(tr("&Name:"), m_name);
    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addLayout(form);
    contentLayout->addWidget(m_tabs, 1);
    contentLayout->addWidget(m_options);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(m_addLocale, &QPushButton::clicked, this, &TemplateEditor::addLocaleFromEdit);
    connect(m_newLocale, &QLineEdit::returnPressed, this, &TemplateEditor::addLocaleFromEdit);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &TemplateEditor::removeLocale);
    connect(m_tabs, &QTabWidget::currentChanged, this, &TemplateEditor::currentLocaleChanged);
    connect(m_id, &QLineEdit::textEdited, this, &TemplateEditor::changed);
    connect(m_name, &QLineEdit::textEdited, this, &TemplateEditor::changed);
    connect(m_options, &PlatformOptionsEditor::changed, this, &TemplateEditor::changed);
    startNew();
}

void TemplateEditor::startNew()
{
    load(QString(), QJsonObject{{QStringLiteral("default_locale"), kDefaultLocale},
                                {QStringLiteral("variants"), QJsonObject{{QStringLiteral("en"), QJsonObject()}}}});
    m_isNew = true;
    m_id->setReadOnly(m_readOnly);
}

void TemplateEditor::load(const QString &templateId, const QJsonObject &content)
{
    const QSignalBlocker blocker(this);
    m_isNew = false;
    m_id->setText(templateId);
    m_id->setReadOnly(true); // a stored template keeps its id; versions and deliveries name it
    m_name->setText(content.value(QStringLiteral("name")).toString());
    while (m_tabs->count() > 0) {
        QWidget *tab = m_tabs->widget(0);
        m_tabs->removeTab(0);
        tab->deleteLater();
    }
    addLocale(content.value(QStringLiteral("default_locale")).toString(kDefaultLocale))->setContent(content);
    const QJsonObject variants = content.value(QStringLiteral("variants")).toObject();
    for (auto it = variants.begin(); it != variants.end(); ++it)
        addLocale(it.key())->setContent(it.value().toObject());
    m_tabs->setCurrentIndex(0);
    m_options->readFrom(content);
    m_localeMessage->clear();
}

LocaleEditor *TemplateEditor::addLocale(const QString &locale)
{
    auto *editor = new LocaleEditor(locale, m_tabs);
    editor->setVariableNames(m_variableNames);
    editor->setReadOnly(m_readOnly);
    connect(editor, &LocaleEditor::changed, this, &TemplateEditor::changed);
    const int index = m_tabs->addTab(editor, m_tabs->count() == 0 ? tr("%1 (default)").arg(locale) : locale);
    if (index == 0) // the default texts cannot be removed, only a variant
        m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    return editor;
}

void TemplateEditor::addLocaleFromEdit()
{
    const QString locale = m_newLocale->text().trimmed();
    if (!localePattern().match(locale).hasMatch()) {
        m_localeMessage->setText(tr("A language is a code such as de, kk or en-GB."));
        return;
    }
    if (localeEditor(locale)) {
        m_localeMessage->setText(tr("%1 is there already.").arg(locale));
        return;
    }
    m_localeMessage->clear();
    m_newLocale->clear();
    m_tabs->setCurrentWidget(addLocale(locale));
    Q_EMIT changed();
}

void TemplateEditor::removeLocale(int index)
{
    if (index <= 0 || m_readOnly)
        return;
    QWidget *tab = m_tabs->widget(index);
    m_tabs->removeTab(index);
    tab->deleteLater();
    Q_EMIT changed();
}

QString TemplateEditor::templateId() const
{
    return m_id->text().trimmed();
}

QJsonObject TemplateEditor::draft() const
{
    QJsonObject json;
    json.insert(QStringLiteral("name"), m_name->text().trimmed().isEmpty() ? templateId() : m_name->text().trimmed());
    QJsonObject variants;
    for (int i = 0; i < m_tabs->count(); ++i) {
        const auto *editor = qobject_cast<LocaleEditor *>(m_tabs->widget(i));
        if (i == 0) {
            json.insert(QStringLiteral("default_locale"), editor->locale());
            const QJsonObject content = editor->content();
            for (auto it = content.begin(); it != content.end(); ++it)
                json.insert(it.key(), it.value());
        } else {
            variants.insert(editor->locale(), editor->content());
        }
    }
    if (!variants.isEmpty())
        json.insert(QStringLiteral("variants"), variants);
    m_options->writeTo(json);
    return json;
}

QString TemplateEditor::currentLocale() const
{
    const auto *editor = qobject_cast<LocaleEditor *>(m_tabs->currentWidget());
    return editor ? editor->locale() : kDefaultLocale;
}

QStringList TemplateEditor::usedVariables() const
{
    QStringList names;
    for (int i = 0; i < m_tabs->count(); ++i) {
        for (const QString &name :
             TemplateSyntax::variablesIn(qobject_cast<LocaleEditor *>(m_tabs->widget(i))->allText()))
            if (!names.contains(name))
                names << name;
    }
    return names;
}

LocaleEditor *TemplateEditor::localeEditor(const QString &locale) const
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *editor = qobject_cast<LocaleEditor *>(m_tabs->widget(i));
        if (editor->locale() == locale)
            return editor;
    }
    return nullptr;
}

void TemplateEditor::markErrors(const QJsonArray &details)
{
    clearErrors();
    LocaleEditor *first = nullptr;
    for (const QJsonValue &value : details) {
        const QJsonObject detail = value.toObject();
        QString field = detail.value(QStringLiteral("field")).toString();
        LocaleEditor *editor = qobject_cast<LocaleEditor *>(m_tabs->widget(0));
        if (field.startsWith(QStringLiteral("variants."))) {
            const QString rest = field.mid(9);
            const qsizetype dot = rest.indexOf(QLatin1Char('.'));
            editor = localeEditor(rest.left(dot));
            field = dot < 0 ? QString() : rest.mid(dot + 1);
        }
        if (!editor)
            continue;
        // An empty text of a variant takes the default locale's: the error is in that text.
        if (TemplateTextEdit *own = editor->textEdit(field); own && own->toPlainText().isEmpty())
            editor = qobject_cast<LocaleEditor *>(m_tabs->widget(0));
        const QString message = detail.value(QStringLiteral("message")).toString();
        if (TemplateTextEdit *edit = editor->textEdit(field)) {
            edit->markError(qMax(1, detail.value(QStringLiteral("line")).toInt(1)),
                            qMax(1, detail.value(QStringLiteral("column")).toInt(1)), message);
            if (!first || editor->locale() == currentLocale())
                first = editor;
        } else if (editor->selectTableField(field)) {
            if (!first)
                first = editor;
        } else if (QWidget *option = m_options->editFor(field)) {
            option->setToolTip(message);
        }
    }
    if (first && first->locale() != currentLocale())
        m_tabs->setCurrentWidget(first);
}

void TemplateEditor::clearErrors()
{
    for (int i = 0; i < m_tabs->count(); ++i)
        qobject_cast<LocaleEditor *>(m_tabs->widget(i))->clearErrors();
}

void TemplateEditor::setVariableNames(const QStringList &names)
{
    m_variableNames = names;
    for (int i = 0; i < m_tabs->count(); ++i)
        qobject_cast<LocaleEditor *>(m_tabs->widget(i))->setVariableNames(names);
}

void TemplateEditor::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    m_id->setReadOnly(readOnly || !m_isNew);
    m_name->setReadOnly(readOnly);
    m_newLocale->setEnabled(!readOnly);
    m_addLocale->setEnabled(!readOnly);
    m_tabs->setTabsClosable(!readOnly);
    if (!readOnly && m_tabs->count() > 0)
        m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    for (int i = 0; i < m_tabs->count(); ++i)
        qobject_cast<LocaleEditor *>(m_tabs->widget(i))->setReadOnly(readOnly);
    m_options->setReadOnly(readOnly);
}

} // namespace vestnik
