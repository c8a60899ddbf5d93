#include "ConsoleMain.h"

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace vestnik {

int runConsole(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vestnik-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vestnik"));
    QApplication::setApplicationVersion(QStringLiteral(VESTNIK_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Vestnik"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "vestnik", "Vestnik console: design push templates, target segments, launch campaigns, read results."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption languageOption(
        QStringLiteral("lang"),
        QApplication::translate("vestnik", "User interface language (ru, en); default: the system's."),
        QStringLiteral("code"));
    parser.addOption(languageOption);
    parser.process(app);

    const QLocale locale = parser.isSet(languageOption) ? QLocale(parser.value(languageOption)) : QLocale::system();
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(locale, QStringLiteral("vestnik"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    MainWindow window;
    window.show();
    return QApplication::exec();
}

} // namespace vestnik
