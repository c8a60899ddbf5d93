// The administrator's pages against a real worker process (SQLite, its own certificate): signing in through the
// form, apps and a write-only FCM credential (a refused file shows the worker's reason), a marketer, an API
// client whose secret is shown once, the audit log of all that with its filters, the language switch; and a
// marketer who sees neither Settings nor the audit log. The functions are one administrator's session in steps:
// each later one reads what the first one created on the worker, so they run in their declared order.
#include "ConsoleSettings.h"
#include "MainWindow.h"
#include "Page.h"
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestServices.h"
#include "api/ApiClient.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("admin-password-1");
const QString kMarketerPassword = QStringLiteral("marketer-password-1");

/// vestnik-worker as a process on SQLite in a temporary directory, with a bootstrap administrator.
class LocalWorker final
{
public:
    bool start(const QString &dataDir)
    {
        m_dataDir = dataDir;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
        env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
        env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("warning"));
        env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString::fromLatin1(QByteArray(32, '\x47').toHex()));
        env.insert(QStringLiteral("VESTNIK_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"), kAdminPassword);
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        test::dieWithTest(m_process);
        m_process.start(QStringLiteral(VESTNIK_WORKER_BINARY), {});
        if (!m_process.waitForStarted())
            return false;
        QByteArray out;
        (void)QTest::qWaitFor(
            [&] {
                out += m_process.readAllStandardOutput();
                return out.contains("listening on") || m_process.state() != QProcess::Running;
            },
            30'000);
        url = test::workerListeningUrl(out);
        return url.isValid() && !url.isEmpty();
    }
    ~LocalWorker()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000))
            m_process.kill();
    }
    QList<QSslCertificate> certificate() const
    {
        return QSslCertificate::fromPath(QDir(m_dataDir).filePath(QStringLiteral("api-cert.pem")));
    }

    QUrl url;

private:
    QString m_dataDir;
    QProcess m_process;
};

template<typename T>
T *child(const QObject *parent, const QString &name)
{
    T *found = parent->findChild<T *>(name);
    if (!found)
        qWarning("no %s named %s", T::staticMetaObject.className(), qPrintable(name));
    return found;
}

void clickOk(const QDialog *dialog)
{
    dialog->findChild<QDialogButtonBox *>(QStringLiteral("dialogButtonBox"))->button(QDialogButtonBox::Ok)->click();
}

/// The row of `table` whose `column` reads `text`, or -1.
int rowWith(const QTableWidget *table, int column, const QString &text)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, column) && table->item(row, column)->text() == text)
            return row;
    }
    return -1;
}

/// Every cell's text and tooltip of `table`, for checks that a secret never shows.
QString everything(const QTableWidget *table)
{
    QString all;
    for (int row = 0; row < table->rowCount(); ++row) {
        for (int column = 0; column < table->columnCount(); ++column) {
            if (const QTableWidgetItem *item = table->item(row, column))
                all += item->text() + QLatin1Char('\n') + item->toolTip() + QLatin1Char('\n');
        }
    }
    return all;
}

bool signIn(MainWindow &window, const ApiClient &api, const QUrl &server, const QString &login, const QString &password)
{
    child<QLineEdit>(&window, QStringLiteral("serverEdit"))->setText(server.toString());
    child<QLineEdit>(&window, QStringLiteral("loginEdit"))->setText(login);
    child<QLineEdit>(&window, QStringLiteral("passwordEdit"))->setText(password);
    child<QPushButton>(&window, QStringLiteral("signInButton"))->click();
    return QTest::qWaitFor([&api] { return api.isSignedIn(); }, 30'000);
}

bool isHiddenInNavigation(const MainWindow &window, const QString &page)
{
    const auto *list = window.findChild<QListWidget *>(QStringLiteral("navigationList"));
    for (int row = 0; row < list->count(); ++row) {
        if (list->item(row)->data(Qt::UserRole).toString() == page)
            return list->item(row)->isHidden();
    }
    return false;
}

/// A console of its own for one test case: settings in `settingsPath`, an ApiClient that trusts only
/// `certificates`, and its main window, shown.
struct TestConsole {
    TestConsole(const QString &settingsPath, const QList<QSslCertificate> &certificates)
        : settings(settingsPath), window(trusting(api, certificates), settings)
    {
        window.show();
    }

    ConsoleSettings settings;
    ApiClient api;
    MainWindow window;

private:
    static ApiClient &trusting(ApiClient &client, const QList<QSslCertificate> &certificates)
    {
        client.setCaCertificates(certificates);
        return client;
    }
};

/// Shows the Settings page on its tab `tab`; false when the window refuses the page.
bool showSettingsTab(MainWindow &window, const QString &tab)
{
    if (!window.showPage(QStringLiteral("settingsPage")))
        return false;
    child<QTabWidget>(&window, QStringLiteral("settingsTabs"))->setCurrentWidget(child<QWidget>(&window, tab));
    return true;
}

} // namespace

class AdminPagesTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void administratorManagesAppsUsersAndClients();
    void auditLogListsAndFilters();
    void languageIsChosenInSettings();
    void marketerSeesNoAdministration();
    void userChangesReachTheWorker();

private:
    QTemporaryDir m_dir;
    LocalWorker m_worker;
    QString m_accountFile;
    QString m_privateKeyLine; ///< a line from the middle of the account's private key
    QString m_brokenAccountFile;
    QString m_clientId;
};

void AdminPagesTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("worker"))));
    QVERIFY2(m_worker.start(m_dir.filePath(QStringLiteral("worker"))), "the worker did not start");
    QCOMPARE(m_worker.url.scheme(), QStringLiteral("https"));
    QVERIFY(!m_worker.certificate().isEmpty());

    const test::OpenSslTool openssl(m_dir.path());
    const QString key = openssl.generateRsaKey(QStringLiteral("sa.pem"));
    QVERIFY(!key.isEmpty());
    const QByteArray account = test::serviceAccountJson(
        key, QStringLiteral("sender@vestnik-gui.iam.gserviceaccount.com"), QStringLiteral("vestnik-gui"),
        QStringLiteral("key-1"), QStringLiteral("https://oauth2.googleapis.com/token"));
    QVERIFY(!account.isEmpty());
    const QStringList keyLines = QJsonDocument::fromJson(account)
                                     .object()
                                     .value(QStringLiteral("private_key"))
                                     .toString()
                                     .split(QLatin1Char('\n'));
    QVERIFY(keyLines.size() > 4);
    m_privateKeyLine = keyLines.at(keyLines.size() / 2);
    m_accountFile = m_dir.filePath(QStringLiteral("service-account.json"));
    QFile file(m_accountFile);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(account) == account.size());
    file.close();

    QJsonObject broken = QJsonDocument::fromJson(account).object();
    broken.insert(QStringLiteral("private_key"),
                  QStringLiteral("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"));
    m_brokenAccountFile = m_dir.filePath(QStringLiteral("broken.json"));
    QFile brokenFile(m_brokenAccountFile);
    QVERIFY(brokenFile.open(QIODevice::WriteOnly) && brokenFile.write(QJsonDocument(broken).toJson()) > 0);
}

void AdminPagesTest::administratorManagesAppsUsersAndClients()
{
    TestConsole console(m_dir.filePath(QStringLiteral("admin.ini")), m_worker.certificate());
    ApiClient &api = console.api;
    MainWindow &window = console.window;
    QVERIFY(signIn(window, api, m_worker.url, QStringLiteral("admin"), kAdminPassword));
    QCOMPARE(api.role(), QStringLiteral("admin"));
    QVERIFY(!isHiddenInNavigation(window, QStringLiteral("settingsPage")));
    QVERIFY(!isHiddenInNavigation(window, QStringLiteral("auditLogPage")));
    QVERIFY(window.showPage(QStringLiteral("settingsPage")));
    auto *tabs = child<QTabWidget>(&window, QStringLiteral("settingsTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 4);
    auto *message = child<QLabel>(&window, QStringLiteral("messageLabel"));

    // An app with a Russian name.
    auto *apps = child<QTableWidget>(&window, QStringLiteral("appTable"));
    QTRY_COMPARE(child<QLabel>(&window, QStringLiteral("appCountLabel"))->text(), QStringLiteral("0 app(s)"));
    child<QPushButton>(&window, QStringLiteral("addAppButton"))->click();
    auto *shownAppDialog = child<QDialog>(&window, QStringLiteral("appDialog"));
    QVERIFY(shownAppDialog && shownAppDialog->isVisible());
    QPointer<QDialog> appDialog(shownAppDialog);
    child<QLineEdit>(appDialog, QStringLiteral("appIdEdit"))->setText(QStringLiteral("shop"));
    auto *appName = child<QLineEdit>(appDialog, QStringLiteral("appNameEdit"));
    appName->setText(QStringLiteral("Магазин"));
    Q_EMIT appName->textEdited(appName->text());
    clickOk(appDialog);
    QTRY_VERIFY(!appDialog);
    QTRY_VERIFY(rowWith(apps, 0, QStringLiteral("shop")) >= 0);
    const int shopRow = rowWith(apps, 0, QStringLiteral("shop"));
    QCOMPARE(apps->item(shopRow, 1)->text(), QStringLiteral("Магазин"));
    QCOMPARE(apps->item(shopRow, 2)->text(), QStringLiteral("not set"));
    QCOMPARE(child<QLabel>(&window, QStringLiteral("appCountLabel"))->text(), QStringLiteral("1 app(s)"));

    // A service-account file with a key that is not one: refused, with the worker's reason, and nothing stored.
    apps->selectRow(shopRow);
    child<QPushButton>(&window, QStringLiteral("uploadCredentialButton"))->click();
    QPointer<QDialog> credentialDialog = child<QDialog>(&window, QStringLiteral("credentialDialog"));
    QVERIFY(credentialDialog);
    QCOMPARE(child<QComboBox>(credentialDialog, QStringLiteral("credentialProviderCombo"))->currentData().toString(),
             QStringLiteral("fcm"));
    auto *fileEdit = child<QLineEdit>(credentialDialog, QStringLiteral("credentialFileEdit"));
    fileEdit->setText(m_dir.filePath(QStringLiteral("sa.pem"))); // not JSON at all: refused before sending
    clickOk(credentialDialog);
    auto *credentialError = child<QLabel>(credentialDialog, QStringLiteral("errorLabel"));
    QVERIFY(credentialError->text().contains(QStringLiteral("not a service-account JSON file")));
    QCOMPARE(api.callsInFlight(), 0);
    fileEdit->setText(m_brokenAccountFile);
    clickOk(credentialDialog);
    QTRY_VERIFY(credentialError->text().contains(QStringLiteral("service account file: private_key")));
    QVERIFY(credentialError->isVisible());
    QVERIFY(message->text().contains(QStringLiteral("service account file: private_key")));
    QVERIFY(message->isVisible());
    QVERIFY(credentialDialog);

    // The real file: the table shows which project and account, never the key.
    fileEdit->setText(m_accountFile);
    clickOk(credentialDialog);
    QTRY_VERIFY(!credentialDialog);
    QTRY_VERIFY(
        apps->item(rowWith(apps, 0, QStringLiteral("shop")), 2)->text().contains(QStringLiteral("vestnik-gui")));
    const QString fcm = apps->item(rowWith(apps, 0, QStringLiteral("shop")), 2)->text();
    QVERIFY2(fcm.contains(QStringLiteral("sender@vestnik-gui.iam.gserviceaccount.com")), qPrintable(fcm));
    QCOMPARE(apps->item(rowWith(apps, 0, QStringLiteral("shop")), 3)->text(), QStringLiteral("not set"));
    QVERIFY(!everything(apps).contains(QStringLiteral("PRIVATE KEY")));
    QVERIFY(!everything(apps).contains(m_privateKeyLine));

    // An APNs token key: the key id comes from Apple's file name, the rest is typed.
    const QString p8 = test::OpenSslTool(m_dir.path()).generateEcKey(QStringLiteral("AuthKey_KEYGUI0001.p8"));
    QVERIFY(!p8.isEmpty());
    apps->selectRow(rowWith(apps, 0, QStringLiteral("shop")));
    child<QPushButton>(&window, QStringLiteral("uploadCredentialButton"))->click();
    auto *apnsDialog = child<QDialog>(&window, QStringLiteral("credentialDialog"));
    QVERIFY(apnsDialog);
    QPointer<QDialog> apnsOpen(apnsDialog);
    auto *provider = child<QComboBox>(apnsDialog, QStringLiteral("credentialProviderCombo"));
    provider->setCurrentIndex(provider->findData(QStringLiteral("apns")));
    QVERIFY(child<QLineEdit>(apnsDialog, QStringLiteral("apnsTeamIdEdit"))->isVisible());
    child<QLineEdit>(apnsDialog, QStringLiteral("credentialFileEdit"))->setText(p8);
    QCOMPARE(child<QLineEdit>(apnsDialog, QStringLiteral("apnsKeyIdEdit"))->text(), QStringLiteral("KEYGUI0001"));
    child<QLineEdit>(apnsDialog, QStringLiteral("apnsTeamIdEdit"))->setText(QStringLiteral("TEAMGUI001"));
    child<QLineEdit>(apnsDialog, QStringLiteral("apnsBundleIdEdit"))->setText(QStringLiteral("com.example.shop"));
    clickOk(apnsDialog);
    QTRY_VERIFY(!apnsOpen);
    QTRY_COMPARE(
        apps->item(rowWith(apps, 0, QStringLiteral("shop")), 3)->text().section(QStringLiteral(", set "), 0, 0),
        QStringLiteral("com.example.shop (production), team TEAMGUI001, key KEYGUI0001"));
    QVERIFY(!everything(apps).contains(QStringLiteral("PRIVATE KEY")));

    // A marketer.
    tabs->setCurrentWidget(child<QWidget>(&window, QStringLiteral("usersTab")));
    auto *users = child<QTableWidget>(&window, QStringLiteral("userTable"));
    QTRY_COMPARE(child<QLabel>(&window, QStringLiteral("userCountLabel"))->text(), QStringLiteral("1 user(s)"));
    QCOMPARE(users->item(0, 0)->text(), QStringLiteral("admin"));
    child<QPushButton>(&window, QStringLiteral("addUserButton"))->click();
    QPointer<QDialog> userDialog = child<QDialog>(&window, QStringLiteral("userDialog"));
    QVERIFY(userDialog);
    child<QLineEdit>(userDialog, QStringLiteral("userLoginEdit"))->setText(QStringLiteral("maria"));
    auto *role = child<QComboBox>(userDialog, QStringLiteral("userRoleCombo"));
    role->setCurrentIndex(role->findData(QStringLiteral("marketer")));
    child<QLineEdit>(userDialog, QStringLiteral("userPasswordEdit"))->setText(kMarketerPassword);
    child<QLineEdit>(userDialog, QStringLiteral("userPasswordRepeatEdit"))->setText(QStringLiteral("different-1234"));
    clickOk(userDialog);
    QCOMPARE(child<QLabel>(userDialog, QStringLiteral("errorLabel"))->text(),
             QStringLiteral("The two passwords differ."));
    child<QLineEdit>(userDialog, QStringLiteral("userPasswordRepeatEdit"))->setText(kMarketerPassword);
    clickOk(userDialog);
    QTRY_VERIFY(!userDialog);
    QTRY_COMPARE(child<QLabel>(&window, QStringLiteral("userCountLabel"))->text(), QStringLiteral("2 user(s)"));
    const int mariaRow = rowWith(users, 0, QStringLiteral("maria"));
    QVERIFY(mariaRow >= 0);
    QCOMPARE(users->item(mariaRow, 1)->text(), QStringLiteral("Marketer"));
    QCOMPARE(users->item(mariaRow, 2)->text(), QStringLiteral("active"));
    // One's own row cannot be demoted or disabled.
    users->selectRow(rowWith(users, 0, QStringLiteral("admin")));
    QVERIFY(!child<QPushButton>(&window, QStringLiteral("disableUserButton"))->isEnabled());
    users->selectRow(mariaRow);
    QVERIFY(child<QPushButton>(&window, QStringLiteral("disableUserButton"))->isEnabled());

    // An API client: its secret once.
    tabs->setCurrentWidget(child<QWidget>(&window, QStringLiteral("clientsTab")));
    auto *clients = child<QTableWidget>(&window, QStringLiteral("clientTable"));
    child<QPushButton>(&window, QStringLiteral("addClientButton"))->click();
    QPointer<QDialog> clientDialog = child<QDialog>(&window, QStringLiteral("clientDialog"));
    QVERIFY(clientDialog);
    child<QLineEdit>(clientDialog, QStringLiteral("clientNameEdit"))->setText(QStringLiteral("Бэкенд магазина"));
    child<QCheckBox>(clientDialog, QStringLiteral("eventsWriteCheckBox"))->setChecked(true);
    child<QCheckBox>(clientDialog, QStringLiteral("devicesReadCheckBox"))->setChecked(true);
    clickOk(clientDialog);
    QTRY_VERIFY(!clientDialog);
    QPointer<QDialog> secretDialog;
    QTRY_VERIFY((secretDialog = window.findChild<QDialog *>(QStringLiteral("clientSecretDialog"))));
    QVERIFY(secretDialog->isVisible());
    QVERIFY(child<QLabel>(secretDialog, QStringLiteral("secretWarningLabel"))
                ->text()
                .contains(QStringLiteral("only this once")));
    m_clientId = child<QLineEdit>(secretDialog, QStringLiteral("clientIdEdit"))->text();
    const QString secret = child<QLineEdit>(secretDialog, QStringLiteral("clientSecretEdit"))->text();
    QVERIFY(!m_clientId.isEmpty());
    QVERIFY(secret.size() >= 20);
    child<QPushButton>(secretDialog, QStringLiteral("copySecretButton"))->click();
    QCOMPARE(QApplication::clipboard()->text(), secret);
    QTRY_VERIFY(rowWith(clients, 0, m_clientId) >= 0);
    const int clientRow = rowWith(clients, 0, m_clientId);
    QCOMPARE(clients->item(clientRow, 1)->text(), QStringLiteral("Бэкенд магазина"));
    QCOMPARE(clients->item(clientRow, 2)->text(), QStringLiteral("events:write, devices:read"));
    QVERIFY(!everything(clients).contains(secret));
    secretDialog->close();
    QTRY_VERIFY(!secretDialog);
    QCOMPARE(child<QLabel>(&window, QStringLiteral("clientCountLabel"))->text(), QStringLiteral("1 API client(s)"));
}

void AdminPagesTest::auditLogListsAndFilters()
{
    TestConsole console(m_dir.filePath(QStringLiteral("audit.ini")), m_worker.certificate());
    ApiClient &api = console.api;
    MainWindow &window = console.window;
    QVERIFY(signIn(window, api, m_worker.url, QStringLiteral("admin"), kAdminPassword));
    QVERIFY(window.showPage(QStringLiteral("auditLogPage")));
    auto *table = child<QTableWidget>(&window, QStringLiteral("auditTable"));
    const auto actions = [table] {
        QStringList list;
        for (int row = 0; row < table->rowCount(); ++row)
            list << table->item(row, 2)->text();
        return list;
    };
    QTRY_VERIFY(actions().contains(QStringLiteral("client.create")));
    for (const QString &action : {QStringLiteral("user.bootstrap"), QStringLiteral("app.create"),
                                  QStringLiteral("app.credential.set"), QStringLiteral("user.create")})
        QVERIFY2(actions().contains(action), qPrintable(actions().join(QLatin1Char(' '))));
    const int all = table->rowCount();
    // Newest first: the client was the last thing created.
    QCOMPARE(actions().indexOf(QStringLiteral("client.create")) < actions().indexOf(QStringLiteral("user.create")),
             true);
    const int credentialRow = rowWith(table, 3, QStringLiteral("shop/fcm"));
    QVERIFY(credentialRow >= 0);
    QCOMPARE(table->item(credentialRow, 1)->text(), QStringLiteral("admin"));
    QCOMPARE(table->item(credentialRow, 2)->text(), QStringLiteral("app.credential.set"));
    QVERIFY(table->item(credentialRow, 4)->text().contains(QStringLiteral("project_id: vestnik-gui")));
    QVERIFY(!table->item(credentialRow, 4)->text().contains(m_privateKeyLine));
    QVERIFY(!table->item(credentialRow, 5)->text().isEmpty());
    QVERIFY(child<QLabel>(&window, QStringLiteral("auditCountLabel"))->text().contains(QString::number(all)));

    // The actor filter leaves out the worker's own entry (the first administrator's creation).
    auto *actor = child<QLineEdit>(&window, QStringLiteral("auditActorEdit"));
    actor->setText(QStringLiteral("admin"));
    child<QPushButton>(&window, QStringLiteral("auditRefreshButton"))->click();
    QTRY_VERIFY(table->rowCount() > 0 && table->rowCount() < all);
    for (int row = 0; row < table->rowCount(); ++row)
        QCOMPARE(table->item(row, 1)->text(), QStringLiteral("admin"));
    QVERIFY(!actions().contains(QStringLiteral("user.bootstrap")));
    QVERIFY(actions().contains(QStringLiteral("user.create")));

    // With an action too: the one user created.
    auto *action = child<QComboBox>(&window, QStringLiteral("auditActionCombo"));
    action->setCurrentText(QStringLiteral("user.create"));
    child<QPushButton>(&window, QStringLiteral("auditRefreshButton"))->click();
    QTRY_COMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("maria"));
    QCOMPARE(table->item(0, 4)->text(), QStringLiteral("role: marketer"));
    QVERIFY(!child<QPushButton>(&window, QStringLiteral("auditMoreButton"))->isEnabled());

    // A time range that ended before the worker started holds nothing.
    action->setCurrentText(QString());
    child<QCheckBox>(&window, QStringLiteral("auditToCheckBox"))->setChecked(true);
    child<QDateTimeEdit>(&window, QStringLiteral("auditToEdit"))->setDateTime(QDateTime::currentDateTime().addDays(-1));
    child<QPushButton>(&window, QStringLiteral("auditRefreshButton"))->click();
    QTRY_COMPARE(child<QLabel>(&window, QStringLiteral("auditCountLabel"))->text(), QStringLiteral("0 entry(ies)"));
    QCOMPARE(table->rowCount(), 0);
}

void AdminPagesTest::languageIsChosenInSettings()
{
    TestConsole console(m_dir.filePath(QStringLiteral("language.ini")), m_worker.certificate());
    ConsoleSettings &settings = console.settings;
    ApiClient &api = console.api;
    MainWindow &window = console.window;
    QVERIFY(signIn(window, api, m_worker.url, QStringLiteral("admin"), kAdminPassword));
    QVERIFY(showSettingsTab(window, QStringLiteral("interfaceTab")));
    auto *language = child<QComboBox>(&window, QStringLiteral("languageCombo"));
    QCOMPARE(language->currentIndex(), 0);
    QSignalSpy requested(&window, &MainWindow::languageChangeRequested);
    language->setFocus();
    QTest::keyClick(language, Qt::Key_Down);
    QCOMPARE(language->currentText(), QStringLiteral("Русский"));
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("ru"));

    auto *theme = child<QComboBox>(&window, QStringLiteral("themeCombo"));
    QTest::keyClick(theme, Qt::Key_End);
    QCOMPARE(settings.theme(), ConsoleSettings::Theme::Dark);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
    QTest::keyClick(theme, Qt::Key_Home);
    QCOMPARE(settings.theme(), ConsoleSettings::Theme::System);
}

void AdminPagesTest::marketerSeesNoAdministration()
{
    TestConsole console(m_dir.filePath(QStringLiteral("marketer.ini")), m_worker.certificate());
    ApiClient &api = console.api;
    MainWindow &window = console.window;
    QVERIFY(signIn(window, api, m_worker.url, QStringLiteral("maria"), kMarketerPassword));
    QCOMPARE(api.role(), QStringLiteral("marketer"));
    QVERIFY(isHiddenInNavigation(window, QStringLiteral("settingsPage")));
    QVERIFY(isHiddenInNavigation(window, QStringLiteral("auditLogPage")));
    QVERIFY(!isHiddenInNavigation(window, QStringLiteral("templatesPage")));
    QVERIFY(!window.showPage(QStringLiteral("settingsPage")));
    QVERIFY(!window.showPage(QStringLiteral("auditLogPage")));
    QVERIFY(window.currentPage() && window.currentPage()->objectName() != QStringLiteral("settingsPage"));
}

void AdminPagesTest::userChangesReachTheWorker()
{
    TestConsole console(m_dir.filePath(QStringLiteral("patch.ini")), m_worker.certificate());
    ApiClient &api = console.api;
    MainWindow &window = console.window;
    QVERIFY(signIn(window, api, m_worker.url, QStringLiteral("admin"), kAdminPassword));
    QVERIFY(showSettingsTab(window, QStringLiteral("usersTab")));
    auto *users = child<QTableWidget>(&window, QStringLiteral("userTable"));
    QTRY_VERIFY(rowWith(users, 0, QStringLiteral("maria")) >= 0);
    users->selectRow(rowWith(users, 0, QStringLiteral("maria")));
    child<QPushButton>(&window, QStringLiteral("disableUserButton"))->click();
    QTRY_COMPARE(users->item(rowWith(users, 0, QStringLiteral("maria")), 2)->text(), QStringLiteral("disabled"));
    // The worker refuses the disabled account's sign-in...
    {
        ConsoleSettings other(m_dir.filePath(QStringLiteral("disabled.ini")));
        ApiClient refused;
        refused.setCaCertificates(m_worker.certificate());
        MainWindow attempt(refused, other);
        attempt.show();
        child<QLineEdit>(&attempt, QStringLiteral("serverEdit"))->setText(m_worker.url.toString());
        child<QLineEdit>(&attempt, QStringLiteral("loginEdit"))->setText(QStringLiteral("maria"));
        child<QLineEdit>(&attempt, QStringLiteral("passwordEdit"))->setText(kMarketerPassword);
        child<QPushButton>(&attempt, QStringLiteral("signInButton"))->click();
        QTRY_VERIFY(child<QLabel>(&attempt, QStringLiteral("signInMessageLabel"))
                        ->text()
                        .contains(QStringLiteral("account is disabled")));
        QVERIFY(!refused.isSignedIn());
    }
    // ...and takes it again once enabled; a new role shows at the next sign-in.
    users->selectRow(rowWith(users, 0, QStringLiteral("maria")));
    auto *toggle = child<QPushButton>(&window, QStringLiteral("disableUserButton"));
    QTRY_VERIFY(toggle->isEnabled());
    toggle->click();
    QTRY_COMPARE(users->item(rowWith(users, 0, QStringLiteral("maria")), 2)->text(), QStringLiteral("active"));
    users->selectRow(rowWith(users, 0, QStringLiteral("maria")));
    auto *roles = child<QComboBox>(&window, QStringLiteral("changeRoleCombo"));
    roles->setCurrentIndex(roles->findData(QStringLiteral("analyst")));
    QVERIFY(roles->currentIndex() >= 0);
    child<QPushButton>(&window, QStringLiteral("changeRoleButton"))->click();
    QTRY_VERIFY(users->item(rowWith(users, 0, QStringLiteral("maria")), 1)->text().contains(QStringLiteral("nalyst")));
    ConsoleSettings again(m_dir.filePath(QStringLiteral("analyst.ini")));
    ApiClient analyst;
    analyst.setCaCertificates(m_worker.certificate());
    MainWindow analystWindow(analyst, again);
    analystWindow.show();
    QVERIFY(signIn(analystWindow, analyst, m_worker.url, QStringLiteral("maria"), kMarketerPassword));
    QCOMPARE(analyst.role(), QStringLiteral("analyst"));
    QVERIFY(isHiddenInNavigation(analystWindow, QStringLiteral("devicesPage")));
}

QTEST_MAIN(AdminPagesTest)
#include "AdminPagesTest.moc"
