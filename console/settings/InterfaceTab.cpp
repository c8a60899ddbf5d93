#include "settings/InterfaceTab.h"

#include "ConsoleSettings.h"
#include "Theme.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace vestnik {

InterfaceTab::InterfaceTab(ApiClient &api, ConsoleSettings &settings, QWidget *parent)
    : SettingsTab(api, parent), m_settings(settings)
{
    setObjectName(QStringLiteral("interfaceTab"));
    m_languageCombo = new QComboBox(this);
    m_languageCombo->setObjectName(QStringLiteral("languageCombo"));
    m_languageCombo->addItem(tr("System language"), QString());
    // Each language is named in itself, so that it can be found whatever the current one is.
    m_languageCombo->addItem(QStringLiteral("Русский"), QStringLiteral("ru"));
    m_languageCombo->addItem(QStringLiteral("English"), QStringLiteral("en"));

    m_themeCombo = new QComboBox(this);
    m_themeCombo->setObjectName(QStringLiteral("themeCombo"));
    m_themeCombo->addItem(tr("System"), ConsoleSettings::themeName(ConsoleSettings::Theme::System));
    m_themeCombo->addItem(tr("Light"), ConsoleSettings::themeName(ConsoleSettings::Theme::Light));
    m_themeCombo->addItem(tr("Dark"), ConsoleSettings::themeName(ConsoleSettings::Theme::Dark));

    auto *note =
        new QLabel(tr("These choices are kept on this computer for you; they do not change the server."), this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Language:"), m_languageCombo);
    form->addRow(tr("&Theme:"), m_themeCombo);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addStretch();
    // Only a person's choice counts, not the index set above.
    connect(m_languageCombo, &QComboBox::activated, this, &InterfaceTab::languageChosen);
    connect(m_themeCombo, &QComboBox::activated, this, &InterfaceTab::themeChosen);
    connect(&m_settings, &ConsoleSettings::themeChanged, this, &InterfaceTab::reload);
    reload();
}

QString InterfaceTab::title() const
{
    return tr("Interface");
}

void InterfaceTab::reload()
{
    m_languageCombo->setCurrentIndex(qMax(0, m_languageCombo->findData(m_settings.language())));
    m_themeCombo->setCurrentIndex(qMax(0, m_themeCombo->findData(ConsoleSettings::themeName(m_settings.theme()))));
}

void InterfaceTab::languageChosen(int index)
{
    const QString code = m_languageCombo->itemData(index).toString();
    if (code != m_settings.language())
        Q_EMIT languageChangeRequested(code);
}

void InterfaceTab::themeChosen(int index)
{
    const ConsoleSettings::Theme theme = ConsoleSettings::themeFromName(m_themeCombo->itemData(index).toString());
    if (theme != m_settings.theme())
        chooseTheme(m_settings, theme);
}

} // namespace vestnik
