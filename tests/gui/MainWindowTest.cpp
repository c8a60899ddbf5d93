#include "MainWindow.h"

#include <QApplication>
#include <QLabel>
#include <QStatusBar>
#include <QTest>
#include <QTranslator>

using namespace vestnik;

class MainWindowTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsProductNameAndStatus();
    void speaksRussian();
};

void MainWindowTest::showsProductNameAndStatus()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.windowTitle().contains(QStringLiteral("Vestnik")));
    auto *product = window.findChild<QLabel *>(QStringLiteral("productNameLabel"));
    QVERIFY(product);
    QVERIFY(product->isVisible());
    QCOMPARE(product->text(), QStringLiteral("Vestnik"));
    QVERIFY(window.statusBar()->isVisible());
    auto *connection = window.findChild<QLabel *>(QStringLiteral("connectionLabel"));
    QVERIFY(connection);
    QCOMPARE(connection->text(), QStringLiteral("Not connected"));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("ready")));
}

void MainWindowTest::speaksRussian()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QLocale::Russian), QStringLiteral("vestnik"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QApplication::installTranslator(&translator);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("connectionLabel"))->text(), QStringLiteral("Нет подключения"));
    QCOMPARE(window.windowTitle(), QStringLiteral("Консоль Вестника"));
    QApplication::removeTranslator(&translator);
}

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
