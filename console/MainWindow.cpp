#include "MainWindow.h"

#include "ConsoleSettings.h"
#include "Page.h"
#include "SignInPage.h"
#include "Theme.h"
#include "api/ApiClient.h"
#include "pages/AuditLogPage.h"
#include "pages/DashboardPage.h"
#include "pages/DevicesPage.h"
#include "pages/SettingsPage.h"
#include "pages/TemplatesPage.h"
#include "pages/TriggersPage.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolButton>

namespace vestnik {

namespace {

QString connectionText(ApiClient::ConnectionState state)
{
    switch (state) {
    case ApiClient::ConnectionState::Disconnected: return MainWindow::tr("Not connected");
    case ApiClient::ConnectionState::Connecting: return MainWindow::tr("Connecting…");
    case ApiClient::ConnectionState::Connected: return MainWindow::tr("Connected");
    case ApiClient::ConnectionState::Unreachable: return MainWindow::tr("Server unreachable");
    }
    return QString();
}

QString roleText(const QString &role)
{
    if (role == QStringLiteral("admin"))
        return MainWindow::tr("administrator");
    if (role == QStringLiteral("marketer"))
        return MainWindow::tr("marketer");
    if (role == QStringLiteral("analyst"))
        return MainWindow::tr("analyst");
    return role;
}

} // namespace

MainWindow::MainWindow(ApiClient &api, ConsoleSettings &settings, QWidget *parent)
    : QMainWindow(parent), m_api(api), m_settings(settings)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vestnik Console"));
    resize(1280, 800);

    m_rootStack = new QStackedWidget(this);
    m_rootStack->setObjectName(QStringLiteral("rootStack"));
    m_signInPage = new SignInPage(api, settings, m_rootStack);
    m_rootStack->addWidget(m_signInPage);

    m_workspace = new QWidget(m_rootStack);
    m_workspace->setObjectName(QStringLiteral("workspace"));
    m_navigation = new QListWidget(m_workspace);
    m_navigation->setObjectName(QStringLiteral("navigationList"));
    m_navigation->setMaximumWidth(220);
    m_navigation->setSpacing(2);
    m_pageStack = new QStackedWidget(m_workspace);
    m_pageStack->setObjectName(QStringLiteral("pageStack"));

    m_messageBar = new QFrame(m_workspace);
    m_messageBar->setObjectName(QStringLiteral("messageBar"));
    m_messageBar->setAutoFillBackground(true);
    QPalette barPalette = m_messageBar->palette();
    barPalette.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xc8));
    barPalette.setColor(QPalette::WindowText, QColor(0x3b, 0x2a, 0x00));
    m_messageBar->setPalette(barPalette);
    m_messageLabel = new QLabel(m_messageBar);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *closeMessage = new QToolButton(m_messageBar);
    closeMessage->setObjectName(QStringLiteral("closeMessageButton"));
    closeMessage->setText(QStringLiteral("✕"));
    closeMessage->setToolTip(tr("Dismiss"));
    closeMessage->setAutoRaise(true);
    auto *barLayout = new QHBoxLayout(m_messageBar);
    barLayout->setContentsMargins(8, 4, 4, 4);
    barLayout->addWidget(m_messageLabel, 1);
    barLayout->addWidget(closeMessage);
    m_messageBar->hide();
    connect(closeMessage, &QToolButton::clicked, m_messageBar, &QWidget::hide);

    auto *content = new QWidget(m_workspace);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_messageBar);
    contentLayout->addWidget(m_pageStack, 1);

    auto *workspaceLayout = new QHBoxLayout(m_workspace);
    workspaceLayout->setContentsMargins(0, 0, 0, 0);
    workspaceLayout->addWidget(m_navigation);
    workspaceLayout->addWidget(content, 1);
    m_rootStack->addWidget(m_workspace);
    setCentralWidget(m_rootStack);

    addPage(new DashboardPage(api, m_pageStack));
    addPage(new TemplatesPage(api, m_pageStack));
    addPage(new TriggersPage(api, m_pageStack));
    addPage(new DevicesPage(api, m_pageStack));
    auto *settingsPage = new SettingsPage(api, settings, m_pageStack);
    connect(settingsPage, &SettingsPage::languageChangeRequested, this, &MainWindow::languageChangeRequested);
    addPage(settingsPage);
    addPage(new AuditLogPage(api, m_pageStack));
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::pageSelected);

    m_serverLabel = new QLabel(this);
    m_serverLabel->setObjectName(QStringLiteral("serverLabel"));
    m_userLabel = new QLabel(this);
    m_userLabel->setObjectName(QStringLiteral("userLabel"));
    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    statusBar()->setObjectName(QStringLiteral("mainStatusBar"));
    statusBar()->addPermanentWidget(m_serverLabel);
    statusBar()->addPermanentWidget(m_userLabel);
    statusBar()->addPermanentWidget(m_connectionLabel);

    createMenus();
    connect(&m_api, &ApiClient::connectionStateChanged, this, &MainWindow::connectionStateChanged);
    connect(&m_api, &ApiClient::sessionChanged, this, &MainWindow::sessionChanged);
    connect(&m_api, &ApiClient::sessionExpired, this,
            [this](const QString &) { m_signInPage->setMessage(tr("Your session has ended. Sign in again.")); });
    connect(m_signInPage, &SignInPage::signedIn, this, &MainWindow::sessionChanged);

    if (!restoreGeometry(m_settings.windowGeometry()))
        resize(1280, 800);
    sessionChanged();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(Page *page)
{
    m_pages.append(page);
    m_pageStack->addWidget(page);
    auto *item = new QListWidgetItem(page->title(), m_navigation);
    item->setData(Qt::UserRole, page->objectName());
    connect(page, &Page::failed, this, &MainWindow::showMessage);
    connect(page, &Page::notice, this, [this](const QString &text) { statusBar()->showMessage(text, 10'000); });
}

void MainWindow::createMenus()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *signOut = fileMenu->addAction(tr("Sign &out"));
    signOut->setObjectName(QStringLiteral("signOutAction"));
    signOut->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    connect(signOut, &QAction::triggered, &m_api, &ApiClient::signOut);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *goMenu = menuBar()->addMenu(tr("&Go"));
    for (int index = 0; index < m_pages.size(); ++index) {
        Page *page = m_pages.at(index);
        QAction *action = goMenu->addAction(page->title());
        action->setObjectName(page->objectName() + QStringLiteral("Action"));
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
        connect(action, &QAction::triggered, this, [this, page] { showPage(page->objectName()); });
    }
    QAction *refresh = goMenu->addAction(tr("&Refresh"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, this, [this] {
        if (Page *page = currentPage())
            page->activate();
    });

    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *themeMenu = viewMenu->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(themeMenu);
    const QList<QPair<ConsoleSettings::Theme, QString>> themeNames{{ConsoleSettings::Theme::System, tr("&System")},
                                                                   {ConsoleSettings::Theme::Light, tr("&Light")},
                                                                   {ConsoleSettings::Theme::Dark, tr("&Dark")}};
    for (const auto &[theme, name] : themeNames) {
        QAction *action = themeMenu->addAction(name);
        action->setObjectName(ConsoleSettings::themeName(theme) + QStringLiteral("ThemeAction"));
        action->setCheckable(true);
        action->setChecked(m_settings.theme() == theme);
        themes->addAction(action);
        const ConsoleSettings::Theme chosen = theme;
        connect(action, &QAction::triggered, this, [this, chosen] { chooseTheme(m_settings, chosen); });
        connect(&m_settings, &ConsoleSettings::themeChanged, action,
                [action, chosen](ConsoleSettings::Theme now) { action->setChecked(now == chosen); });
    }
    QMenu *languageMenu = viewMenu->addMenu(tr("&Language"));
    auto *languages = new QActionGroup(languageMenu);
    const QList<QPair<QString, QString>> languageNames{{QString(), tr("&System language")},
                                                       {QStringLiteral("ru"), QStringLiteral("&Русский")},
                                                       {QStringLiteral("en"), QStringLiteral("&English")}};
    for (const auto &[code, name] : languageNames) {
        QAction *action = languageMenu->addAction(name);
        action->setObjectName((code.isEmpty() ? QStringLiteral("system") : code) + QStringLiteral("LanguageAction"));
        action->setCheckable(true);
        action->setChecked(m_settings.language() == code);
        languages->addAction(action);
        const QString chosen = code;
        connect(action, &QAction::triggered, this, [this, chosen] { Q_EMIT languageChangeRequested(chosen); });
    }

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Vestnik"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Vestnik"),
                           tr("<b>Vestnik %1</b><br>Self-hosted push notifications: templates, triggers, "
                              "campaigns and their results.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

bool MainWindow::showPage(const QString &objectName)
{
    for (int row = 0; row < m_navigation->count(); ++row) {
        QListWidgetItem *item = m_navigation->item(row);
        if (item->data(Qt::UserRole).toString() == objectName && !item->isHidden()) {
            m_navigation->setCurrentRow(row);
            return true;
        }
    }
    return false;
}

Page *MainWindow::currentPage() const
{
    return m_rootStack->currentWidget() == m_workspace ? qobject_cast<Page *>(m_pageStack->currentWidget()) : nullptr;
}

void MainWindow::pageSelected(int row)
{
    if (row < 0 || row >= m_pages.size())
        return;
    Page *page = m_pages.at(row);
    if (m_activePage && m_activePage != page)
        m_activePage->deactivate();
    m_pageStack->setCurrentWidget(page);
    m_messageBar->hide();
    m_activePage = page;
    if (m_api.isSignedIn())
        page->activate();
}

void MainWindow::sessionChanged()
{
    updateStatus();
    if (!m_api.isSignedIn()) {
        if (m_activePage)
            m_activePage->deactivate();
        m_activePage = nullptr;
        m_navigation->setCurrentRow(-1);
        m_rootStack->setCurrentWidget(m_signInPage);
        return;
    }
    const QString role = m_api.role();
    int first = -1;
    for (int row = 0; row < m_pages.size(); ++row) {
        const bool visible = m_pages.at(row)->isVisibleTo(role);
        m_navigation->item(row)->setHidden(!visible);
        if (visible && first < 0)
            first = row;
    }
    for (QAction *action : menuBar()->findChildren<QAction *>()) {
        for (Page *page : std::as_const(m_pages))
            if (action->objectName() == page->objectName() + QStringLiteral("Action"))
                action->setVisible(page->isVisibleTo(role));
    }
    m_rootStack->setCurrentWidget(m_workspace);
    const int current = m_navigation->currentRow();
    if (current < 0 || m_navigation->item(current)->isHidden())
        m_navigation->setCurrentRow(first);
    else if (m_activePage)
        m_activePage->activate();
    m_navigation->setFocus();
}

void MainWindow::showMessage(const QString &text)
{
    m_messageAwaitsConnection = m_api.connectionState() == ApiClient::ConnectionState::Unreachable;
    m_messageLabel->setText(text);
    m_messageBar->show();
    statusBar()->showMessage(text, 10'000);
}

void MainWindow::updateStatus()
{
    m_serverLabel->setText(m_api.server().isEmpty() ? QString() : m_api.server().toString());
    m_userLabel->setText(m_api.isSignedIn() ? tr("%1 (%2)").arg(m_api.login(), roleText(m_api.role())) : QString());
    m_connectionLabel->setText(connectionText(m_api.connectionState()));
}

void MainWindow::connectionStateChanged(ApiClient::ConnectionState state)
{
    updateStatus();
    if (state == ApiClient::ConnectionState::Connected && m_messageAwaitsConnection && m_messageBar->isVisible()) {
        m_messageBar->hide();
        statusBar()->showMessage(tr("The worker answers again."), 10'000);
    }
    if (state == ApiClient::ConnectionState::Connected)
        m_messageAwaitsConnection = false;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.sync();
    QMainWindow::closeEvent(event);
}

} // namespace vestnik
