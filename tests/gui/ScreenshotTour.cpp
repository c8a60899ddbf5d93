// vestnik-console-screenshots: signs the console in to a running worker on the offscreen platform, visits the
// sign-in form and every section the account may see, waits until each has its answers, and saves a PNG of the
// window per section and language. scripts/screenshots runs it against the demo worker for docs/screenshots/.
#include "ConsoleSettings.h"
#include "MainWindow.h"
#include "Page.h"
#include "SignInPage.h"
#include "api/ApiClient.h"
#include "pages/DevicesPage.h"
#include "security/CryptoLibrary.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QSslCertificate>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace vestnik;

namespace {

/// Waits until the console has had no call in flight for a moment (its page has drawn its answers).
bool settle(const ApiClient &api, int timeoutMs = 20'000)
{
    QElapsedTimer quiet;
    quiet.start();
    return QTest::qWaitFor(
        [&] {
            if (api.callsInFlight() > 0)
                quiet.restart();
            return quiet.elapsed() > 1000;
        },
        timeoutMs);
}

bool save(QWidget &window, const QString &path)
{
    const bool saved = window.grab().save(path);
    QTextStream(stdout) << (saved ? "saved " : "could not save ") << path << Qt::endl;
    return saved;
}

} // namespace

int main(int argc, char **argv)
{
    initCryptoLibrary();
    QApplication app(argc, argv);
    QApplication::setApplicationVersion(QStringLiteral("screenshots"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption serverOption(QStringLiteral("server"), QStringLiteral("worker URL"),
                                          QStringLiteral("url"));
    const QCommandLineOption caOption(QStringLiteral("ca-file"), QStringLiteral("worker's certificate"),
                                      QStringLiteral("file"));
    const QCommandLineOption loginOption(QStringLiteral("login"), QStringLiteral("login"), QStringLiteral("login"));
    const QCommandLineOption langOption(QStringLiteral("lang"), QStringLiteral("ru or en"), QStringLiteral("code"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("directory for the PNGs"),
                                       QStringLiteral("dir"));
    const QCommandLineOption userOption(QStringLiteral("user"), QStringLiteral("user to look up on Devices"),
                                        QStringLiteral("id"));
    parser.addOptions({serverOption, caOption, loginOption, langOption, outOption, userOption});
    parser.process(app);
    const QString language = parser.value(langOption).isEmpty() ? QStringLiteral("en") : parser.value(langOption);
    const QDir out(parser.value(outOption).isEmpty() ? QStringLiteral(".") : parser.value(outOption));

    QLocale::setDefault(QLocale(language));
    QTranslator qt;
    if (qt.load(QLocale(language), QStringLiteral("qtbase"), QStringLiteral("_"),
                QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qt);
    QTranslator vestnik;
    if (vestnik.load(QLocale(language), QStringLiteral("vestnik"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&vestnik);

    QTemporaryDir settingsDir;
    ConsoleSettings settings(settingsDir.filePath(QStringLiteral("console.ini")));
    ApiClient api;
    api.setCaCertificates(QSslCertificate::fromPath(parser.value(caOption)));
    MainWindow window(api, settings);
    window.resize(1360, 860);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;
    SignInPage *signIn = window.signInPage();
    signIn->setServer(QUrl(parser.value(serverOption)));
    signIn->setLogin(parser.value(loginOption));
    if (!save(window, out.filePath(language + QStringLiteral("-signin.png"))))
        return 1;
    signIn->setPassword(qEnvironmentVariable("VESTNIK_CONSOLE_PASSWORD"));
    signIn->signIn();
    auto *root = window.findChild<QStackedWidget *>(QStringLiteral("rootStack"));
    if (!root
        || !QTest::qWaitFor([root] { return root->currentWidget()->objectName() == QStringLiteral("workspace"); },
                            20'000)) {
        qCritical("screenshots: the sign-in did not succeed");
        return 1;
    }
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationList"));
    for (int row = 0; navigation && row < navigation->count(); ++row) {
        if (navigation->item(row)->isHidden())
            continue;
        const QString name = navigation->item(row)->data(Qt::UserRole).toString();
        window.showPage(name);
        if (name == QStringLiteral("devicesPage") && parser.isSet(userOption))
            if (auto *devices = window.findChild<DevicesPage *>(name))
                devices->lookUp(parser.value(userOption));
        settle(api);
        if (name == QStringLiteral("templatesPage")) {
            // The studio with the first template open, previewed for the sample user with the values the demo's
            // "item added to cart" event carries.
            if (auto *templates = window.findChild<QListWidget *>(QStringLiteral("templateList"));
                templates && templates->count() > 0) {
                if (auto *sample = window.findChild<QLineEdit *>(QStringLiteral("sampleUserEdit"));
                    sample && parser.isSet(userOption)) {
                    sample->setText(parser.value(userOption));
                    Q_EMIT sample->editingFinished();
                }
                if (auto *variables = window.findChild<QLineEdit *>(QStringLiteral("sampleVariablesEdit")))
                    variables->setText(QStringLiteral(R"({"название_товара": "Кофеварка", "количество": 3})"));
                templates->setCurrentRow(0);
                settle(api);
            }
        }
        QString file = name;
        file.chop(4); // "Page"
        if (!save(window, out.filePath(language + QLatin1Char('-') + file.toLower() + QStringLiteral(".png"))))
            return 1;
    }
    return 0;
}
