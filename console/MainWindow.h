#pragma once

#include "api/ApiClient.h"

#include <QList>
#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;
class QToolButton;

namespace vestnik {

class ConsoleSettings;
class Page;
class SignInPage;

/// The console's main window: the sign-in form until someone signs in, then a navigation sidebar with the
/// sections the person's role may see, a message bar for failures, and a status bar with the server, the
/// signed-in person and the connection state. Geometry is remembered; Ctrl+1..9 switch sections.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(ApiClient &api, ConsoleSettings &settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    SignInPage *signInPage() const { return m_signInPage; }
    /// Shows the section `objectName` (e.g. "templatesPage"); false when it is not visible to the role.
    bool showPage(const QString &objectName);
    Page *currentPage() const;

Q_SIGNALS:
    /// The person chose another interface language ("ru", "en", or empty for the system's).
    void languageChangeRequested(const QString &code);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addPage(Page *page);
    void createMenus();
    void sessionChanged();
    void showMessage(const QString &text);
    void updateStatus();
    void connectionStateChanged(ApiClient::ConnectionState state);
    void pageSelected(int row);

    ApiClient &m_api;
    ConsoleSettings &m_settings;
    QStackedWidget *m_rootStack = nullptr;
    SignInPage *m_signInPage = nullptr;
    QWidget *m_workspace = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pageStack = nullptr;
    QWidget *m_messageBar = nullptr;
    QLabel *m_messageLabel = nullptr;
    /// The message bar shows a failure to reach the worker, which the next answered call makes obsolete.
    bool m_messageAwaitsConnection = false;
    QList<Page *> m_pages;
    Page *m_activePage = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLabel *m_userLabel = nullptr;
    QLabel *m_connectionLabel = nullptr;
};

} // namespace vestnik
