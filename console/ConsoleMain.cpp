#include "ConsoleMain.h"

#include "ConsoleSettings.h"
#include "MainWindow.h"
#include "Page.h"
#include "SignInPage.h"
#include "SingleInstance.h"
#include "Theme.h"
#include "api/ApiClient.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QLibraryInfo>
#include <QLocale>
#include <QSslCertificate>
#include <QTranslator>

namespace vestnik {

Console::Console(QApplication &application, const QString &settingsFile, QObject *parent)
    : QObject(parent),
      m_application(application),
      m_settings(std::make_unique<ConsoleSettings>(settingsFile)),
      m_api(new ApiClient(this))
{
    applyTheme(m_application, m_settings->theme());
}

Console::~Console()
{
    delete m_window;
}

void Console::setLanguage(const QString &code)
{
    QString chosen = code.isEmpty() ? m_settings->language() : code;
    if (chosen.isEmpty())
        chosen = QLocale::system().language() == QLocale::Russian ? QStringLiteral("ru") : QStringLiteral("en");
    for (QTranslator *translator : std::as_const(m_translators)) {
        QApplication::removeTranslator(translator);
        delete translator;
    }
    m_translators.clear();
    const QLocale locale(chosen);
    QLocale::setDefault(locale);
    const auto install = [this, &locale](const QString &name, const QString &directory) {
        auto *translator = new QTranslator(this);
        if (translator->load(locale, name, QStringLiteral("_"), directory)) {
            QApplication::installTranslator(translator);
            m_translators.append(translator);
        } else {
            delete translator;
        }
    };
    install(QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    install(QStringLiteral("vestnik"), QStringLiteral(":/i18n"));
    m_language = chosen;
    if (m_window)
        rebuildWindow();
}

void Console::show(const QUrl &server, const QString &login, const QString &password)
{
    if (!m_window)
        rebuildWindow();
    MainWindow &window = *m_window;
    SignInPage *signIn = window.signInPage();
    signIn->setServer(server.isEmpty() ? m_settings->lastServer() : server);
    signIn->setLogin(login.isEmpty() ? m_settings->lastLogin() : login);
    window.show();
    if (!password.isEmpty()) {
        signIn->setPassword(password);
        signIn->signIn();
    }
}

void Console::raise()
{
    if (!m_window)
        return;
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

void Console::rebuildWindow()
{
    QString currentPage;
    QUrl server;
    QString login;
    bool wasVisible = false;
    if (m_window) {
        if (QWidget *page = m_window->currentPage())
            currentPage = page->objectName();
        m_settings->setWindowGeometry(m_window->saveGeometry());
        wasVisible = m_window->isVisible();
        delete m_window;
    }
    m_window = new MainWindow(*m_api, *m_settings);
    m_window->setAttribute(Qt::WA_DeleteOnClose, false);
    connect(m_window, &MainWindow::languageChangeRequested, this, [this](const QString &code) {
        m_settings->setLanguage(code);
        // The window that asked is deleted by the rebuild: leave its signal first.
        QMetaObject::invokeMethod(
            this, [this, code] { setLanguage(code); }, Qt::QueuedConnection);
    });
    if (!currentPage.isEmpty())
        m_window->showPage(currentPage);
    if (wasVisible)
        m_window->show();
}

int runConsole(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vestnik-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vestnik"));
    QApplication::setApplicationVersion(QStringLiteral(VESTNIK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Vestnik"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "vestnik", "Vestnik console: design push templates and trigger rules, look up devices, watch deliveries."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption languageOption(QStringLiteral("lang"),
                                            QApplication::translate("vestnik",
                                                                    "User interface language (ru, en); default: the "
                                                                    "one chosen in the console, else the system's."),
                                            QStringLiteral("code"));
    const QCommandLineOption serverOption(
        QStringLiteral("server"), QApplication::translate("vestnik", "The worker's URL, e.g. https://127.0.0.1:8780."),
        QStringLiteral("url"));
    const QCommandLineOption loginOption(
        QStringLiteral("login"), QApplication::translate("vestnik", "The login to fill in."), QStringLiteral("login"));
    const QCommandLineOption caOption(
        QStringLiteral("ca-file"),
        QApplication::translate("vestnik", "Trust the CA certificates (PEM) in this file, e.g. the worker's "
                                           "api-cert.pem."),
        QStringLiteral("file"));
    const QCommandLineOption settingsOption(
        QStringLiteral("settings"),
        QApplication::translate("vestnik", "Keep the console's settings in this INI file instead of the user's."),
        QStringLiteral("file"));
    const QCommandLineOption newInstanceOption(
        QStringLiteral("new-instance"),
        QApplication::translate("vestnik", "Start even when the console is running already."));
    parser.addOptions({languageOption, serverOption, loginOption, caOption, settingsOption, newInstanceOption});
    parser.process(app);

    const QString settingsFile = parser.value(settingsOption);
    SingleInstance instance(settingsFile);
    if (!parser.isSet(newInstanceOption) && !instance.claim())
        return 0;

    Console console(app, settingsFile);
    if (parser.isSet(caOption)) {
        const QList<QSslCertificate> certificates =
            QSslCertificate::fromPath(parser.value(caOption), QSsl::Pem, QSslCertificate::PatternSyntax::FixedString);
        if (certificates.isEmpty()) {
            qCritical("vestnik-console: no PEM certificate in %s", qPrintable(parser.value(caOption)));
            return 2;
        }
        console.api().setCaCertificates(certificates);
    }
    console.setLanguage(parser.value(languageOption));
    QObject::connect(&instance, &SingleInstance::activationRequested, &console, &Console::raise);
    // A password only ever comes from the environment (scripts that start a demo), never the command line.
    const QString password = qEnvironmentVariable("VESTNIK_CONSOLE_PASSWORD");
    qunsetenv("VESTNIK_CONSOLE_PASSWORD");
    console.show(QUrl(parser.value(serverOption)), parser.value(loginOption), password);
    return QApplication::exec();
}

} // namespace vestnik
