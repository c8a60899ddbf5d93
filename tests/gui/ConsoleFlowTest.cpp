// The console against a real worker process started by the test: `vestnik-worker --demo` on SQLite with the
// embedded bus, vestnik-sim as FCM and APNs. A person signs in through the form (trusting the self-signed
// certificate on first contact), reads the dashboard, creates a trigger rule, sees an event posted through the
// API move the counters, looks up a user's devices and deliveries; a marketer does not see Settings; and the
// window keeps handling events while the worker is slow to answer.
#include "ConsoleSettings.h"
#include "MainWindow.h"
#include "Page.h"
#include "SimDelivery.h"
#include "SimTestSupport.h"
#include "TestServices.h"
#include "api/ApiClient.h"
#include "pages/DashboardPage.h"
#include "pages/DevicesPage.h"
#include "pages/TriggerRuleDialog.h"
#include "pages/TriggersPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSslCertificate>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <utility>

using namespace vestnik;

namespace {

const QString kAdminPassword = QStringLiteral("demo-admin-password-1");
const QString kMarketerPassword = QStringLiteral("marketer-password-1");

/// Forwards connections to the worker and holds every answer back for `delayMs`: a worker that is slow to
/// answer. The slow-worker test runs it in its own thread, so the console's thread is the only one the probe
/// measures. stop() makes the worker unreachable (nothing listens, open connections are cut) until listen()
/// is called again with the same port.
class SlowProxy final : public QObject
{
public:
    SlowProxy(quint16 target, int delayMs) : m_target(target), m_delayMs(delayMs) {}

    quint16 listen(quint16 port = 0)
    {
        if (!m_server)
            m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, port))
            return 0;
        disconnect(m_server, &QTcpServer::newConnection, this, nullptr);
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server->nextPendingConnection()) {
                m_clients.append(client);
                auto *upstream = new QTcpSocket(client);
                upstream->connectToHost(QHostAddress::LocalHost, m_target);
                connect(client, &QTcpSocket::readyRead, upstream,
                        [client, upstream] { upstream->write(client->readAll()); });
                connect(upstream, &QTcpSocket::readyRead, client, [this, client, upstream] {
                    const QByteArray bytes = upstream->readAll();
                    QTimer::singleShot(m_delayMs, client, [client, bytes] { client->write(bytes); });
                });
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
                connect(upstream, &QTcpSocket::disconnected, client, [this, client] {
                    QTimer::singleShot(m_delayMs + 50, client, &QTcpSocket::disconnectFromHost);
                });
            }
        });
        return m_server->serverPort();
    }

    void stop()
    {
        m_server->close();
        for (const QPointer<QTcpSocket> &client : std::exchange(m_clients, {}))
            if (client)
                client->abort();
    }

private:
    quint16 m_target;
    int m_delayMs;
    QTcpServer *m_server = nullptr;
    QList<QPointer<QTcpSocket>> m_clients;
};

/// The child `name` of `root`; the test cannot go on without it.
template<typename T>
T *child(const QObject &root, const QString &name)
{
    T *found = root.findChild<T *>(name);
    if (!found)
        qFatal("no %s", qPrintable(name));
    return found;
}

/// The longest the console's event loop may stall while the worker answers slowly: 50 ms, the product's goal,
/// which a plain build meets (20 ms measured). Under ASan + UBSan (CI) every instruction costs two to three
/// times as much and 59 ms was seen once, so the limit there is 150 ms: still a tenth of the relay's 1.5 s delay,
/// so a call that waited for the server would fail either way.
#ifdef VESTNIK_SANITIZED_BUILD
constexpr qint64 kLongestGapMs = 150;
#else
constexpr qint64 kLongestGapMs = 50;
#endif

/// Fills the sign-in form of `window` for `server` as the admin.
void fillAdminSignIn(MainWindow &window, const QUrl &server, const QString &password)
{
    child<QLineEdit>(window, QStringLiteral("serverEdit"))->setText(server.toString());
    child<QLineEdit>(window, QStringLiteral("loginEdit"))->setText(QStringLiteral("admin"));
    child<QLineEdit>(window, QStringLiteral("passwordEdit"))->setText(password);
}

/// Calls the API as a test would from outside the console: waits for the answer, spinning the event loop.
ApiAnswer callAndWait(ApiClient &api, const QByteArray &method, const QString &path, const QJsonValue &body = {})
{
    std::optional<ApiAnswer> result;
    QObject context;
    api.call(method, path, QUrlQuery(), body, &context, [&result](const ApiAnswer &answer) { result = answer; });
    static_cast<void>(QTest::qWaitFor([&result] { return result.has_value(); }, 20'000));
    if (!result) {
        ApiAnswer timedOut;
        timedOut.failure = ApiFailure::Timeout;
        timedOut.message = QStringLiteral("no answer within 20 s");
        return timedOut;
    }
    return *result;
}

} // namespace

class ConsoleFlowTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void signsInTrustingTheCertificateOnFirstContact();
    void dashboardShowsTheDemoDeliveries();
    void createsATriggerRule();
    void postedEventMovesTheCounters();
    void looksUpAUsersDevicesAndDeliveries();
    void marketerDoesNotSeeSettings();
    void sessionIsRenewedBeforeTheTokenExpires();
    void windowNeverBlocksOnASlowServer();
    void unreachableWorkerMessageClearsWhenItAnswersAgain();

private:
    bool signIn(MainWindow &window, const QString &login, const QString &password);
    template<typename T>
    T *page(MainWindow &window, const QString &name)
    {
        return child<T>(window, name);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<test::SimProcess> m_sim;
    QProcess m_worker;
    QUrl m_url;
    QList<QSslCertificate> m_ca;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<ApiClient> m_admin; ///< the test's own calls, outside the console
};

void ConsoleFlowTest::initTestCase()
{
    // The demo's credentials, where --demo looks for them, and a simulator that knows them.
    const test::OpenSslTool openssl(m_dir.path());
    const QString apnsKey = openssl.generateEcKey(QStringLiteral("AuthKey_KEYDEMO001.p8"));
    QVERIFY(!apnsKey.isEmpty());
    const QByteArray account = test::writeFcmSimConfig(
        openssl, m_dir.path(), QStringLiteral("sender@vestnik-demo.iam.gserviceaccount.com"),
        QStringLiteral("vestnik-demo"),
        QJsonObject{{QStringLiteral("apns"),
                     QJsonObject{{QStringLiteral("keys"),
                                  QJsonArray{QJsonObject{{QStringLiteral("team_id"), QStringLiteral("TEAMDEMO01")},
                                                         {QStringLiteral("key_id"), QStringLiteral("KEYDEMO001")},
                                                         {QStringLiteral("file"), apnsKey}}}}}}});
    QVERIFY(!account.isEmpty());
    m_sim = std::make_unique<test::SimProcess>(m_dir.filePath(QStringLiteral("sim-data")));
    QVERIFY2(m_sim->start({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("sim.json"))}),
             qPrintable(m_sim->error()));

    const QString dataDir = m_dir.filePath(QStringLiteral("worker"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VESTNIK_WORKER_DATA_DIR"), dataDir);
    env.insert(QStringLiteral("VESTNIK_HTTP_PORT"), QStringLiteral("0"));
    env.insert(QStringLiteral("VESTNIK_LOG_LEVEL"), QStringLiteral("warning"));
    env.insert(QStringLiteral("VESTNIK_SECURITY_SEAL_KEY"), QString(64, QLatin1Char('4')));
    env.insert(QStringLiteral("VESTNIK_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD"), kAdminPassword);
    // The shortest access tokens the worker issues: the console renews them within the test.
    env.insert(QStringLiteral("VESTNIK_IDENTITY_ACCESS_TOKEN_SECONDS"), QStringLiteral("60"));
    test::addSimProviders(env, *m_sim);
    m_worker.setProcessEnvironment(env);
    m_worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    test::dieWithTest(m_worker);
    m_worker.start(QStringLiteral(VESTNIK_WORKER_BINARY), {QStringLiteral("--demo"), m_dir.path()});
    QVERIFY(m_worker.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += m_worker.readAllStandardOutput(), out.contains("demo: every delivery"))
                                 || m_worker.state() != QProcess::Running,
                             60'000);
    QVERIFY2(m_worker.state() == QProcess::Running, out.constData());
    m_url = test::workerListeningUrl(out);
    m_ca = QSslCertificate::fromPath(QDir(dataDir).filePath(QStringLiteral("api-cert.pem")));
    QCOMPARE(m_ca.size(), 1);

    m_admin = std::make_unique<ApiClient>();
    m_admin->setServer(m_url);
    m_admin->setCaCertificates(m_ca);
    std::optional<ApiAnswer> signedIn;
    m_admin->signIn(QStringLiteral("admin"), kAdminPassword, this, [&signedIn](const ApiAnswer &a) { signedIn = a; });
    QTRY_VERIFY(signedIn.has_value());
    QVERIFY2(signedIn->isOk(), qPrintable(signedIn->message));
    const ApiAnswer marketer = callAndWait(*m_admin, "POST", QStringLiteral("/v1/admin/users"),
                                           QJsonObject{{QStringLiteral("login"), QStringLiteral("maria")},
                                                       {QStringLiteral("role"), QStringLiteral("marketer")},
                                                       {QStringLiteral("password"), kMarketerPassword}});
    QVERIFY2(marketer.isOk(), qPrintable(marketer.message));

    m_settings = std::make_unique<ConsoleSettings>(m_dir.filePath(QStringLiteral("console.ini")));
    m_api = std::make_unique<ApiClient>();
    m_window = std::make_unique<MainWindow>(*m_api, *m_settings);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void ConsoleFlowTest::cleanupTestCase()
{
    m_window.reset();
    m_api.reset();
    m_admin.reset();
    if (m_worker.state() == QProcess::Running) {
        ::kill(pid_t(m_worker.processId()), SIGTERM);
        QVERIFY(m_worker.waitForFinished(30'000));
        QCOMPARE(m_worker.exitCode(), 0);
    }
    if (m_sim)
        QCOMPARE(m_sim->stop(), 0);
}

bool ConsoleFlowTest::signIn(MainWindow &window, const QString &login, const QString &password)
{
    child<QLineEdit>(window, QStringLiteral("serverEdit"))->setText(m_url.toString());
    child<QLineEdit>(window, QStringLiteral("loginEdit"))->setText(login);
    child<QLineEdit>(window, QStringLiteral("passwordEdit"))->setText(password);
    child<QPushButton>(window, QStringLiteral("signInButton"))->click();
    auto *root = child<QStackedWidget>(window, QStringLiteral("rootStack"));
    return QTest::qWaitFor([root] { return root->currentWidget()->objectName() == QStringLiteral("workspace"); },
                           20'000);
}

void ConsoleFlowTest::signsInTrustingTheCertificateOnFirstContact()
{
    MainWindow &window = *m_window;
    child<QLineEdit>(window, QStringLiteral("serverEdit"))->setText(m_url.toString());
    child<QLineEdit>(window, QStringLiteral("loginEdit"))->setText(QStringLiteral("admin"));
    child<QLineEdit>(window, QStringLiteral("passwordEdit"))->setText(QStringLiteral("wrong password!"));
    child<QPushButton>(window, QStringLiteral("signInButton"))->click();
    // No CA vouches for the worker's self-signed certificate: its fingerprint is shown, nothing is sent yet.
    auto *certificate = child<QLabel>(window, QStringLiteral("certificateLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(certificate->isVisible(), 20'000);
    const QString fingerprint = ApiClient::formatFingerprint(m_ca.first().digest(QCryptographicHash::Sha256));
    QVERIFY2(certificate->text().contains(fingerprint), qPrintable(certificate->text()));
    QVERIFY(!m_api->isSignedIn());
    // Trusting it sends the form: the wrong password is refused in words.
    child<QPushButton>(window, QStringLiteral("trustCertificateButton"))->click();
    auto *message = child<QLabel>(window, QStringLiteral("signInMessageLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("password is wrong, or the account is disabled")),
                             20'000);
    QCOMPARE(m_settings->trustedCertificate(m_url), m_ca.first().digest(QCryptographicHash::Sha256));
    // The remembered decision: the right password now signs in without asking again.
    QVERIFY(signIn(window, QStringLiteral("admin"), kAdminPassword));
    QVERIFY(!certificate->isVisible());
    QCOMPARE(m_api->role(), QStringLiteral("admin"));
    QCOMPARE(child<QLabel>(window, QStringLiteral("connectionLabel"))->text(), QStringLiteral("Connected"));
    QVERIFY(child<QLabel>(window, QStringLiteral("userLabel"))->text().contains(QStringLiteral("admin")));
    QCOMPARE(window.currentPage()->objectName(), QStringLiteral("dashboardPage"));
}

void ConsoleFlowTest::dashboardShowsTheDemoDeliveries()
{
    auto *dashboard = page<DashboardPage>(*m_window, QStringLiteral("dashboardPage"));
    dashboard->setPollInterval(200);
    QVERIFY(m_window->showPage(QStringLiteral("dashboardPage")));
    // The demo sent Anna's two phones one push each.
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->counter(QStringLiteral("sent")) >= 2, 20'000);
    auto *sent = child<QLabel>(*m_window, QStringLiteral("sentCountLabel"));
    QCOMPARE(sent->text(), QLocale().toString(dashboard->counter(QStringLiteral("sent"))));
    auto *scopes = child<QComboBox>(*m_window, QStringLiteral("statsScopeCombo"));
    QTRY_VERIFY(scopes->findData(QStringLiteral("template:cart-reminder")) >= 0);
}

void ConsoleFlowTest::createsATriggerRule()
{
    QVERIFY(m_window->showPage(QStringLiteral("triggersPage")));
    auto *triggers = page<TriggersPage>(*m_window, QStringLiteral("triggersPage"));
    auto *rules = child<QTableWidget>(*m_window, QStringLiteral("ruleTable"));
    QTRY_COMPARE(rules->rowCount(), 1); // the demo's "Abandoned cart"
    QTRY_VERIFY(m_api->callsInFlight() == 0);
    TriggerRuleDialog *dialog = triggers->openEditor(false);
    QVERIFY(dialog);
    child<QLineEdit>(*dialog, QStringLiteral("ruleNameEdit"))->setText(QStringLiteral("Заказ отменён"));
    child<QComboBox>(*dialog, QStringLiteral("eventTypeCombo"))->setCurrentText(QStringLiteral("order.cancelled"));
    QCOMPARE(child<QComboBox>(*dialog, QStringLiteral("ruleTemplateCombo"))->currentText(),
             QStringLiteral("cart-reminder"));
    child<QComboBox>(*dialog, QStringLiteral("conditionModeCombo"))->setCurrentIndex(1);
    child<QLineEdit>(*dialog, QStringLiteral("conditionPathEdit"))->setText(QStringLiteral("сумма"));
    auto *op = child<QComboBox>(*dialog, QStringLiteral("conditionOpCombo"));
    op->setCurrentIndex(op->findData(QStringLiteral("gte")));
    child<QLineEdit>(*dialog, QStringLiteral("conditionValueEdit"))->setText(QStringLiteral("1000"));
    child<QCheckBox>(*dialog, QStringLiteral("quietHoursCheck"))->setChecked(true);
    child<QSpinBox>(*dialog, QStringLiteral("capCountSpin"))->setValue(2);
    QDialogButtonBox *buttons = child<QDialogButtonBox>(*dialog, QStringLiteral("ruleButtons"));
    QPointer<TriggerRuleDialog> open(dialog);
    buttons->button(QDialogButtonBox::Save)->click();
    QTRY_VERIFY_WITH_TIMEOUT(open.isNull(), 20'000); // closed and deleted once the worker stored it
    QTRY_COMPARE(rules->rowCount(), 2);
    const ApiAnswer stored = callAndWait(*m_admin, "GET", QStringLiteral("/v1/trigger-rules"));
    QJsonObject created;
    for (const QJsonValue &rule : stored.array(QStringLiteral("rules")))
        if (rule.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("Заказ отменён"))
            created = rule.toObject();
    QCOMPARE(created.value(QStringLiteral("event_type")).toString(), QStringLiteral("order.cancelled"));
    QCOMPARE(created.value(QStringLiteral("condition")).toObject().value(QStringLiteral("value")).toInt(), 1000);
    QCOMPARE(created.value(QStringLiteral("quiet_hours")).toObject().value(QStringLiteral("start_minute")).toInt(),
             22 * 60);
    QCOMPARE(created.value(QStringLiteral("cap_count")).toInt(), 2);
    QCOMPARE(created.value(QStringLiteral("cap_window_seconds")).toInt(), 24 * 3600);
    QVERIFY(created.value(QStringLiteral("enabled")).toBool());

    // The switch in the table disables it on the worker.
    int row = -1;
    for (int r = 0; r < rules->rowCount(); ++r)
        if (rules->item(r, 0)->text() == QStringLiteral("Заказ отменён"))
            row = r;
    QVERIFY(row >= 0);
    rules->item(row, 6)->setCheckState(Qt::Unchecked);
    QTRY_VERIFY_WITH_TIMEOUT(
        !callAndWait(*m_admin, "GET",
                     QStringLiteral("/v1/trigger-rules/%1").arg(created.value(QStringLiteral("id")).toInteger()))
             .object()
             .value(QStringLiteral("enabled"))
             .toBool(),
        20'000);

    // A rule the worker refuses keeps the dialog open with its reason.
    dialog = triggers->openEditor(false);
    child<QLineEdit>(*dialog, QStringLiteral("ruleNameEdit"))->setText(QStringLiteral("Broken"));
    child<QComboBox>(*dialog, QStringLiteral("eventTypeCombo"))->setCurrentText(QStringLiteral("order.paid"));
    child<QComboBox>(*dialog, QStringLiteral("conditionModeCombo"))->setCurrentIndex(2);
    child<QPlainTextEdit>(*dialog, QStringLiteral("conditionJsonEdit"))
        ->setPlainText(QStringLiteral(R"({"path": "сумма", "op": "between", "value": 1})"));
    child<QDialogButtonBox>(*dialog, QStringLiteral("ruleButtons"))->button(QDialogButtonBox::Save)->click();
    auto *error = child<QLabel>(*dialog, QStringLiteral("ruleErrorLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(error->text().contains(QStringLiteral("op")), 20'000);
    QVERIFY(dialog->isVisible());
    dialog->reject();
}

void ConsoleFlowTest::postedEventMovesTheCounters()
{
    auto *dashboard = page<DashboardPage>(*m_window, QStringLiteral("dashboardPage"));
    QVERIFY(m_window->showPage(QStringLiteral("dashboardPage")));
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->counter(QStringLiteral("sent")) >= 2, 20'000);
    const qint64 before = dashboard->counter(QStringLiteral("sent"));
    const ApiAnswer posted = callAndWait(
        *m_admin, "POST", QStringLiteral("/v1/events"),
        QJsonObject{{QStringLiteral("id"), QStringLiteral("console-flow-1")},
                    {QStringLiteral("type"), QStringLiteral("cart.item_added")},
                    {QStringLiteral("user_id"), QStringLiteral("oleg")},
                    {QStringLiteral("occurred_at"), QDateTime::currentMSecsSinceEpoch()},
                    {QStringLiteral("data"), QJsonObject{{QStringLiteral("название_товара"), QStringLiteral("Kettle")},
                                                         {QStringLiteral("количество"), 1}}}});
    QVERIFY2(posted.isOk(), qPrintable(posted.message));
    // Oleg's phone gets the push; the dashboard, polling, shows it without anyone pressing anything.
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->counter(QStringLiteral("sent")) > before, 30'000);
    auto *sent = child<QLabel>(*m_window, QStringLiteral("sentCountLabel"));
    QTRY_COMPARE(sent->text(), QLocale().toString(dashboard->counter(QStringLiteral("sent"))));
}

void ConsoleFlowTest::looksUpAUsersDevicesAndDeliveries()
{
    QVERIFY(m_window->showPage(QStringLiteral("devicesPage")));
    auto *edit = child<QLineEdit>(*m_window, QStringLiteral("userIdEdit"));
    edit->setText(QStringLiteral("anna"));
    child<QPushButton>(*m_window, QStringLiteral("lookUpButton"))->click();
    auto *devices = child<QTableWidget>(*m_window, QStringLiteral("deviceTable"));
    QTRY_COMPARE_WITH_TIMEOUT(devices->rowCount(), 2, 20'000);
    QStringList platforms;
    for (int row = 0; row < devices->rowCount(); ++row) {
        platforms << devices->item(row, 1)->text();
        // Masked: first and last four characters around an ellipsis, never the token.
        QVERIFY(devices->item(row, 4)->text().contains(QStringLiteral("…")));
        QCOMPARE(devices->item(row, 6)->text(), QStringLiteral("active"));
    }
    platforms.sort();
    QCOMPARE(platforms, (QStringList{QStringLiteral("Android"), QStringLiteral("iOS")}));
    auto *attributes = child<QTableWidget>(*m_window, QStringLiteral("attributeTable"));
    QTRY_COMPARE(attributes->rowCount(), 1);
    QCOMPARE(attributes->item(0, 0)->text(), QStringLiteral("имя"));
    QCOMPARE(attributes->item(0, 1)->text(), QStringLiteral("Анна"));
    auto *deliveries = child<QTableWidget>(*m_window, QStringLiteral("deliveryTable"));
    QTRY_COMPARE(deliveries->rowCount(), 2);
    auto *trail = child<QTableWidget>(*m_window, QStringLiteral("trailTable"));
    QTRY_VERIFY(trail->rowCount() >= 2);
    QStringList steps;
    for (int row = 0; row < trail->rowCount(); ++row)
        steps << trail->item(row, 1)->text();
    QVERIFY2(steps.contains(QStringLiteral("queued")) && steps.contains(QStringLiteral("sent")),
             qPrintable(steps.join(QLatin1Char(','))));

    edit->setText(QStringLiteral("nobody-here"));
    child<QPushButton>(*m_window, QStringLiteral("lookUpButton"))->click();
    QTRY_VERIFY(
        child<QLabel>(*m_window, QStringLiteral("userSummaryLabel"))->text().contains(QStringLiteral("No user")));
    QCOMPARE(devices->rowCount(), 0);
}

void ConsoleFlowTest::marketerDoesNotSeeSettings()
{
    ConsoleSettings settings(m_dir.filePath(QStringLiteral("marketer.ini")));
    settings.setTrustedCertificate(m_url, m_ca.first().digest(QCryptographicHash::Sha256));
    ApiClient api;
    MainWindow window(api, settings);
    window.show();
    QVERIFY(signIn(window, QStringLiteral("maria"), kMarketerPassword));
    QCOMPARE(api.role(), QStringLiteral("marketer"));
    auto *navigation = child<QListWidget>(window, QStringLiteral("navigationList"));
    QStringList shown;
    for (int row = 0; row < navigation->count(); ++row)
        if (!navigation->item(row)->isHidden())
            shown << navigation->item(row)->data(Qt::UserRole).toString();
    QCOMPARE(shown, (QStringList{QStringLiteral("dashboardPage"), QStringLiteral("templatesPage"),
                                 QStringLiteral("triggersPage"), QStringLiteral("devicesPage")}));
    QVERIFY(!window.showPage(QStringLiteral("settingsPage")));
    QVERIFY(!window.showPage(QStringLiteral("auditLogPage")));
    QVERIFY(window.showPage(QStringLiteral("triggersPage")));
    // Signing out returns to the form and forgets the session.
    api.signOut();
    QCOMPARE(child<QStackedWidget>(window, QStringLiteral("rootStack"))->currentWidget()->objectName(),
             QStringLiteral("signInPage"));
    QVERIFY(!api.isSignedIn());
}

void ConsoleFlowTest::sessionIsRenewedBeforeTheTokenExpires()
{
    QVERIFY(m_api->isSignedIn());
    QSignalSpy renewed(m_api.get(), &ApiClient::sessionRenewed);
    QSignalSpy expired(m_api.get(), &ApiClient::sessionExpired);
    // A 60 s token is renewed 60 s before it expires, i.e. as soon as the client allows (5 s), and again after.
    QTRY_VERIFY_WITH_TIMEOUT(renewed.count() >= 2, 30'000);
    QCOMPARE(expired.count(), 0);
    const ApiAnswer rules = callAndWait(*m_api, "GET", QStringLiteral("/v1/trigger-rules"));
    QVERIFY2(rules.isOk(), qPrintable(rules.message));
    QVERIFY(m_api->isSignedIn());
}

void ConsoleFlowTest::windowNeverBlocksOnASlowServer()
{
    // The worker's answers reach this console 1.5 s late.
    QThread proxyThread;
    auto *proxy = new SlowProxy(quint16(m_url.port()), 1500);
    proxy->moveToThread(&proxyThread);
    connect(&proxyThread, &QThread::finished, proxy, &QObject::deleteLater);
    proxyThread.start();
    // However the test ends, the relay's thread stops before it goes.
    const auto stopProxy = qScopeGuard([&proxyThread] {
        proxyThread.quit();
        proxyThread.wait(10'000);
    });
    quint16 port = 0;
    QMetaObject::invokeMethod(
        proxy, [proxy, &port] { port = proxy->listen(); }, Qt::BlockingQueuedConnection);
    QVERIFY(port != 0);

    ConsoleSettings settings(m_dir.filePath(QStringLiteral("slow.ini")));
    ApiClient api;
    api.setCaCertificates(m_ca);
    MainWindow window(api, settings);
    window.show();
    QUrl slowUrl = m_url;
    slowUrl.setPort(port);
    fillAdminSignIn(window, slowUrl, kAdminPassword);

    // The probe: a 10 ms timer on the console's thread; the longest gap between its ticks is the longest time
    // the window could not have handled input.
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longestGap = 0;
    QTimer probe;
    probe.setInterval(10);
    connect(&probe, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        longestGap = qMax(longestGap, now - last);
        last = now;
    });
    clock.start();
    probe.start();
    QElapsedTimer waited;
    waited.start();
    child<QPushButton>(window, QStringLiteral("signInButton"))->click();
    QVERIFY(QTest::qWaitFor([&api] { return api.isSignedIn(); }, 30'000));
    auto *dashboard = page<DashboardPage>(window, QStringLiteral("dashboardPage"));
    QVERIFY(QTest::qWaitFor([dashboard] { return dashboard->counter(QStringLiteral("sent")) >= 0; }, 30'000));
    probe.stop();
    // Several slow answers (sign-in, then the dashboard's calls) were waited for...
    QVERIFY2(waited.elapsed() >= 3000, qPrintable(QString::number(waited.elapsed())));
    // ...and the window kept handling events all along.
    qInfo("slow worker: %lld ms waited for answers, longest event-loop gap %lld ms", waited.elapsed(), longestGap);
    QVERIFY2(
        longestGap < kLongestGapMs,
        qPrintable(QStringLiteral("longest event-loop gap %1 ms (limit %2 ms)").arg(longestGap).arg(kLongestGapMs)));
    window.close();
}

void ConsoleFlowTest::unreachableWorkerMessageClearsWhenItAnswersAgain()
{
    SlowProxy relay(quint16(m_url.port()), 0);
    const quint16 port = relay.listen();
    QVERIFY(port != 0);
    ConsoleSettings settings(m_dir.filePath(QStringLiteral("relay.ini")));
    ApiClient api;
    api.setCaCertificates(m_ca);
    MainWindow window(api, settings);
    window.show();
    QUrl relayed = m_url;
    relayed.setPort(port);
    fillAdminSignIn(window, relayed, kAdminPassword);
    child<QPushButton>(window, QStringLiteral("signInButton"))->click();
    QVERIFY(QTest::qWaitFor([&api] { return api.isSignedIn(); }, 20'000));
    auto *bar = child<QWidget>(window, QStringLiteral("messageBar"));
    auto *connection = child<QLabel>(window, QStringLiteral("connectionLabel"));
    QTRY_COMPARE_WITH_TIMEOUT(connection->text(), QStringLiteral("Connected"), 20'000);
    QVERIFY(!bar->isVisible());

    // The worker goes away: the dashboard's next call fails, and the bar says so.
    relay.stop();
    window.currentPage()->activate();
    QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible(), 20'000);
    QCOMPARE(connection->text(), QStringLiteral("Server unreachable"));
    const QString failure = child<QLabel>(window, QStringLiteral("messageLabel"))->text();
    QVERIFY2(failure.contains(QStringLiteral("cannot be reached")), qPrintable(failure));

    // It comes back: the next answered call (the dashboard polls) makes the message obsolete.
    QCOMPARE(relay.listen(port), port);
    QTRY_VERIFY_WITH_TIMEOUT(!bar->isVisible(), 20'000);
    QCOMPARE(connection->text(), QStringLiteral("Connected"));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("answers again")));
    window.close();
}

QTEST_MAIN(ConsoleFlowTest)
#include "ConsoleFlowTest.moc"
