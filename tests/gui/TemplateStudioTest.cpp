// The template studio against a real worker and vestnik-sim: a marketer signs in through the form, writes a
// Russian template with a plural form, sees it rendered for a sample user on the Android and iOS mock-ups with
// its payload size, sees a broken tag underlined where the engine says, saves two versions and reads their diff,
// and sends a test push that the simulator receives. An analyst sees templates read-only.
#include "ConsoleSettings.h"
#include "ConsoleTestWorker.h"
#include "MainWindow.h"
#include "api/ApiClient.h"
#include "templates/LocaleEditor.h"
#include "templates/NotificationMockup.h"
#include "templates/TemplateTextEdit.h"
#include "templates/TestSendDialog.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextLayout>

using namespace vestnik;

namespace {

constexpr int kUiTimeoutMs = 20'000;
const QString kOlgaToken = QStringLiteral("studio_olga_phone:APA91b-") + QString(40, QLatin1Char('s'));

/// The editor field `name` of the locale tab shown.
template<typename T>
T *currentField(QWidget &window, const char *name)
{
    auto *tabs = window.findChild<QTabWidget *>(QStringLiteral("localeTabs"));
    return tabs && tabs->currentWidget() ? tabs->currentWidget()->findChild<T *>(QLatin1String(name)) : nullptr;
}

/// Sets a template text as a person typing it would (Cyrillic cannot go through QTest::keyClicks in Qt 6.4):
/// setPlainText emits textChanged, which the studio's debounced preview listens to.
void typeText(TemplateTextEdit *edit, const QString &text)
{
    QVERIFY(edit);
    edit->setPlainText(text);
}

} // namespace

class TemplateStudioTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void marketerWritesPreviewsSavesAndSendsATemplate();
    void analystSeesTemplatesReadOnly();
    void marketerArchivesATemplateNoRuleSends();

private:
    /// A main window signed in as `login` on the Templates page; null (after a failed check) otherwise.
    std::unique_ptr<MainWindow> signIn(const QString &login, const QString &password);

    QTemporaryDir m_dir;
    test::ConsoleTestWorker m_worker;
    std::unique_ptr<ConsoleSettings> m_settings;
    std::unique_ptr<ApiClient> m_api;
};

void TemplateStudioTest::initTestCase()
{
    QVERIFY2(m_worker.start(), qPrintable(m_worker.error()));
    QVERIFY(!m_worker.ca().isEmpty());
    QVERIFY(m_worker.addUserWithDevice(
                QStringLiteral("u-olga"), QStringLiteral("ru-RU"),
                QJsonObject{{QStringLiteral("имя"), QStringLiteral("Ольга")}, {QStringLiteral("количество"), 3}},
                kOlgaToken)
            > 0);
}

void TemplateStudioTest::cleanupTestCase()
{
    QVERIFY(m_worker.stop());
}

std::unique_ptr<MainWindow> TemplateStudioTest::signIn(const QString &login, const QString &password)
{
    m_settings = std::make_unique<ConsoleSettings>(m_dir.filePath(login + QStringLiteral(".ini")));
    m_api = std::make_unique<ApiClient>();
    m_api->setCaCertificates(m_worker.ca());
    auto window = std::make_unique<MainWindow>(*m_api, *m_settings);
    window->resize(1400, 900);
    window->show();
    window->activateWindow(); // shortcuts such as Ctrl+S work in the active window
    if (!QTest::qWaitForWindowActive(window.get()))
        return nullptr;
    window->findChild<QLineEdit *>(QStringLiteral("serverEdit"))->setText(m_worker.url().toString());
    window->findChild<QLineEdit *>(QStringLiteral("loginEdit"))->setText(login);
    window->findChild<QLineEdit *>(QStringLiteral("passwordEdit"))->setText(password);
    window->findChild<QPushButton *>(QStringLiteral("signInButton"))->click();
    auto *message = window->findChild<QLabel *>(QStringLiteral("signInMessageLabel"));
    if (!QTest::qWaitFor([&] { return m_api->isSignedIn(); }, kUiTimeoutMs)) {
        qWarning("not signed in: %s", qPrintable(message->text()));
        return nullptr;
    }
    if (!window->showPage(QStringLiteral("templatesPage")))
        return nullptr;
    return window;
}

void TemplateStudioTest::marketerWritesPreviewsSavesAndSendsATemplate()
{
    std::unique_ptr<MainWindow> window =
        signIn(test::ConsoleTestWorker::marketerLogin(), test::ConsoleTestWorker::marketerPassword());
    QVERIFY(window);
    QVERIFY(window->findChild<QWidget *>(QStringLiteral("templatesPage"))->isVisible());
    window->findChild<QPushButton *>(QStringLiteral("newTemplateButton"))->click();
    auto *tabs = window->findChild<QTabWidget *>(QStringLiteral("localeTabs"));
    QCOMPARE(tabs->count(), 2); // ru (the default texts) and en
    QCOMPARE(qobject_cast<LocaleEditor *>(tabs->widget(1))->locale(), QStringLiteral("en"));

    // Write the template; the preview renders it for the sample user, a Russian plural included.
    QTest::keyClicks(window->findChild<QLineEdit *>(QStringLiteral("templateIdEdit")), QStringLiteral("welcome"));
    window->findChild<QLineEdit *>(QStringLiteral("sampleUserEdit"))->setText(QStringLiteral("u-olga"));
    // The English texts first: a variant without its own body would take the Russian one, whose plural has
    // three forms where English has two (the worker refuses that, see below).
    auto *english = qobject_cast<LocaleEditor *>(tabs->widget(1));
    typeText(english->textEdit(QStringLiteral("title")), QStringLiteral("Hello, {{имя}}!"));
    typeText(english->textEdit(QStringLiteral("body")),
             QStringLiteral("{{количество}} {{количество|plural:item,items}} in your cart"));
    auto *title = currentField<TemplateTextEdit>(*window, "titleEdit");
    auto *body = currentField<TemplateTextEdit>(*window, "bodyEdit");
    typeText(title, QStringLiteral("Привет, {{имя}}!"));
    const QString goodBody = QStringLiteral("В корзине {{количество}} {{количество|plural:товар,товара,товаров}}");
    typeText(body, goodBody);
    auto *android = window->findChild<NotificationMockup *>(QStringLiteral("androidPreview"));
    auto *ios = window->findChild<NotificationMockup *>(QStringLiteral("iosPreview"));
    auto *error = window->findChild<QLabel *>(QStringLiteral("templateErrorLabel"));
    QTRY_VERIFY2_WITH_TIMEOUT(android->title() == QStringLiteral("Привет, Ольга!"),
                              qPrintable(android->placeholder() + QLatin1Char(' ') + error->text()), kUiTimeoutMs);
    QCOMPARE(android->body(), QStringLiteral("В корзине 3 товара"));
    QCOMPARE(ios->title(), QStringLiteral("Привет, Ольга!"));
    QCOMPARE(ios->body(), QStringLiteral("В корзине 3 товара"));
    auto *payloads = window->findChild<QPlainTextEdit *>(QStringLiteral("payloadView"));
    QVERIFY(payloads->toPlainText().contains(QStringLiteral("\"aps\"")));
    QVERIFY(payloads->toPlainText().contains(QStringLiteral("\"message\"")));
    QVERIFY(payloads->toPlainText().contains(QStringLiteral("В корзине 3 товара")));
    auto *gauge = window->findChild<QProgressBar *>(QStringLiteral("payloadGauge"));
    QCOMPARE(gauge->maximum(), 4096);
    QVERIFY(gauge->value() > 100 && gauge->value() < 4096);
    QCOMPARE(gauge->property("overLimit").toBool(), false);

    // Sample variables, as an event or a campaign would carry them, win over the user's attributes; text that is
    // not a JSON object is named and nothing is asked of the worker.
    auto *variables = window->findChild<QLineEdit *>(QStringLiteral("sampleVariablesEdit"));
    variables->setText(QStringLiteral("{\"количество\": 5, \"имя\": \"Пётр\"}"));
    QTRY_COMPARE_WITH_TIMEOUT(android->body(), QStringLiteral("В корзине 5 товаров"), kUiTimeoutMs);
    QCOMPARE(android->title(), QStringLiteral("Привет, Пётр!"));
    variables->setText(QStringLiteral("{\"количество\": 5,"));
    QTRY_VERIFY_WITH_TIMEOUT(error->text().contains(QStringLiteral("not valid JSON")), kUiTimeoutMs);
    QVERIFY(android->title().isEmpty());
    variables->setText(QStringLiteral("[1, 2]"));
    QTRY_VERIFY_WITH_TIMEOUT(error->text().contains(QStringLiteral("must be a JSON object")), kUiTimeoutMs);
    variables->clear();
    QTRY_COMPARE_WITH_TIMEOUT(android->body(), QStringLiteral("В корзине 3 товара"), kUiTimeoutMs);
    QCOMPARE(android->title(), QStringLiteral("Привет, Ольга!"));
    QVERIFY(!error->isVisible());

    // An image and a button: the mock-ups show the button and where the image would be (never fetched).
    typeText(currentField<TemplateTextEdit>(*window, "imageUrlEdit"),
             QStringLiteral("https://cdn.example.com/cart.png"));
    window->findChild<QTabWidget *>(QStringLiteral("localeTabs"))
        ->currentWidget()
        ->findChild<QPushButton *>(QStringLiteral("addButtonButton"))
        ->click();
    auto *buttons = currentField<QTableWidget>(*window, "buttonsTable");
    QCOMPARE(buttons->rowCount(), 1);
    buttons->setItem(0, 1, new QTableWidgetItem(QStringLiteral("Открыть {{имя}}")));
    buttons->setItem(0, 2, new QTableWidgetItem(QStringLiteral("shop://cart")));
    QTRY_COMPARE_WITH_TIMEOUT(ios->buttons(), QStringList{QStringLiteral("Открыть Ольга")}, kUiTimeoutMs);
    QTRY_COMPARE(android->buttons(), QStringList{QStringLiteral("Открыть Ольга")});
    QCOMPARE(android->imageUrl(), QStringLiteral("https://cdn.example.com/cart.png"));
    QCOMPARE(ios->imageUrl(), QStringLiteral("https://cdn.example.com/cart.png"));
    if (!qEnvironmentVariableIsEmpty("VESTNIK_TEST_SCREENSHOTS"))
        window->grab().save(qEnvironmentVariable("VESTNIK_TEST_SCREENSHOTS") + QStringLiteral("/studio.png"));

    // Highlighting: the variable in the title has the variable format; completion offers the names in use.
    const QTextBlock titleBlock = title->document()->firstBlock();
    const int nameAt = int(titleBlock.text().indexOf(QStringLiteral("имя")));
    bool highlighted = false;
    for (const QTextLayout::FormatRange &range : titleBlock.layout()->formats())
        highlighted =
            highlighted || (range.start == nameAt && range.length == 3 && range.format.fontWeight() >= QFont::DemiBold);
    QVERIFY(highlighted);
    QTRY_VERIFY(body->variableNames().contains(QStringLiteral("количество")));
    title->setFocus();
    title->moveCursor(QTextCursor::End);
    QTest::keyClicks(title, QStringLiteral(" {{"));
    QTRY_VERIFY(title->completer()->popup()->isVisible());
    const QStringList offered = qobject_cast<QStringListModel *>(title->completer()->model())->stringList();
    QVERIFY(offered.contains(QStringLiteral("имя")));
    QVERIFY(offered.contains(QStringLiteral("количество")));
    QTest::keyClick(title->completer()->popup(), Qt::Key_Escape);
    typeText(title, QStringLiteral("Привет, {{имя}}!"));

    // A section that is never closed: the worker's line and column are underlined in the body.
    const QString badBody = QStringLiteral("В корзине {{#if количество}}{{количество}}");
    typeText(body, badBody);
    QTRY_VERIFY_WITH_TIMEOUT(body->errorPosition() >= 0, kUiTimeoutMs);
    QCOMPARE(body->errorPosition(), int(badBody.indexOf(QStringLiteral("{{#if"))));
    QCOMPARE(body->extraSelections().size(), 1);
    QCOMPARE(body->extraSelections().first().format.underlineStyle(), QTextCharFormat::SpellCheckUnderline);
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("body")), qPrintable(error->text()));
    QVERIFY(!android->placeholder().isEmpty());
    QCOMPARE(title->errorPosition(), -1);
    typeText(body, goodBody);
    QTRY_COMPARE_WITH_TIMEOUT(android->body(), QStringLiteral("В корзине 3 товара"), kUiTimeoutMs);
    QVERIFY(!error->isVisible());
    QCOMPARE(body->errorPosition(), -1);

    // Save: version 1, listed; then an edit saved is version 2, and the history shows what changed.
    auto *save = window->findChild<QPushButton *>(QStringLiteral("saveButton"));
    save->click();
    QTRY_VERIFY_WITH_TIMEOUT(window->statusBar()->currentMessage().contains(QStringLiteral("version 1")), kUiTimeoutMs);
    auto *list = window->findChild<QListWidget *>(QStringLiteral("templateList"));
    QTRY_COMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), QStringLiteral("welcome"));
    QCOMPARE(m_worker.call("GET", QStringLiteral("/v1/templates/welcome")).json.value(QStringLiteral("latest_version")),
             QJsonValue(1));
    auto *versions = window->findChild<QListWidget *>(QStringLiteral("versionList"));
    QTRY_COMPARE(versions->count(), 1);
    // The fields are those of the reloaded template now.
    title = currentField<TemplateTextEdit>(*window, "titleEdit");
    QTRY_COMPARE(title->toPlainText(), QStringLiteral("Привет, {{имя}}!"));
    typeText(title, QStringLiteral("Здравствуйте, {{имя}}!"));
    // The completion popup took the activation with it when it closed (offscreen has no window manager).
    window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window.get()));
    QTest::keySequence(title, QKeySequence::Save);
    QTRY_VERIFY2_WITH_TIMEOUT(window->statusBar()->currentMessage().contains(QStringLiteral("version 2")),
                              qPrintable(window->findChild<QLabel *>(QStringLiteral("messageLabel"))->text()
                                         + QLatin1Char(' ') + error->text()),
                              kUiTimeoutMs);
    QTRY_COMPARE(versions->count(), 2);
    auto *diff = window->findChild<QTextBrowser *>(QStringLiteral("versionDiffView"));
    QTRY_VERIFY_WITH_TIMEOUT(diff->toPlainText().contains(QStringLiteral("+ title: Здравствуйте, {{имя}}!")),
                             kUiTimeoutMs);
    QVERIFY2(diff->toPlainText().contains(QStringLiteral("- title: Привет, {{имя}}!")),
             qPrintable(diff->toPlainText()));
    QVERIFY(diff->toPlainText().contains(QStringLiteral("  body: В корзине")));
    QVERIFY(diff->toHtml().contains(QStringLiteral("#d4f7d4"))); // added lines are coloured

    // Search filters the list.
    auto *search = window->findChild<QLineEdit *>(QStringLiteral("templateSearchEdit"));
    search->setText(QStringLiteral("nothing like it"));
    QVERIFY(list->item(0)->isHidden());
    search->setText(QStringLiteral("WELC"));
    QVERIFY(!list->item(0)->isHidden());

    // A test push to the sample user: the outcome per device, and the simulator has the rendered push.
    window->findChild<QPushButton *>(QStringLiteral("sendTestButton"))->click();
    auto *dialog = window->findChild<QDialog *>(QStringLiteral("testSendDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->findChild<QLineEdit *>(QStringLiteral("testUserEdit"))->setText(QStringLiteral("u-olga"));
    dialog->findChild<QPushButton *>(QStringLiteral("testSendButton"))->click();
    auto *outcomes = dialog->findChild<QTableWidget *>(QStringLiteral("testOutcomeTable"));
    QTRY_COMPARE_WITH_TIMEOUT(outcomes->rowCount(), 1, kUiTimeoutMs);
    QCOMPARE(outcomes->item(0, 3)->data(Qt::UserRole).toString(), QStringLiteral("accepted"));
    QCOMPARE(outcomes->item(0, 3)->text(), TestSendDialog::outcomeText(QStringLiteral("accepted")));
    QVERIFY(!outcomes->item(0, 2)->text().contains(kOlgaToken)); // masked
    const QJsonObject recorded =
        m_worker.simCall(QStringLiteral("GET"), QStringLiteral("/admin/deliveries?service=fcm"))
            .value(QStringLiteral("fcm"))
            .toObject()
            .value(kOlgaToken)
            .toObject();
    const QJsonObject message =
        recorded.value(QStringLiteral("last_payload")).toObject().value(QStringLiteral("message")).toObject();
    QCOMPARE(message.value(QStringLiteral("notification")).toObject().value(QStringLiteral("title")).toString(),
             QStringLiteral("Здравствуйте, Ольга!"));
    QCOMPARE(message.value(QStringLiteral("notification")).toObject().value(QStringLiteral("body")).toString(),
             QStringLiteral("В корзине 3 товара"));
    dialog->close();

    // Unsaved edits are not lost without asking: cancel keeps them, discard starts the new template.
    typeText(currentField<TemplateTextEdit>(*window, "titleEdit"), QStringLiteral("Черновик"));
    auto *newTemplate = window->findChild<QPushButton *>(QStringLiteral("newTemplateButton"));
    newTemplate->click();
    QMessageBox *question = nullptr;
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("discardChangesBox"))));
    question->button(QMessageBox::Cancel)->click();
    QCOMPARE(currentField<TemplateTextEdit>(*window, "titleEdit")->toPlainText(), QStringLiteral("Черновик"));
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("discardChangesBox")));
    newTemplate->click();
    QTRY_VERIFY((question = window->findChild<QMessageBox *>(QStringLiteral("discardChangesBox"))));
    question->button(QMessageBox::Discard)->click();
    QTRY_VERIFY(currentField<TemplateTextEdit>(*window, "titleEdit")->toPlainText().isEmpty());
    QVERIFY(window->findChild<QLineEdit *>(QStringLiteral("templateIdEdit"))->text().isEmpty());
}

void TemplateStudioTest::analystSeesTemplatesReadOnly()
{
    QCOMPARE(m_worker
                 .call("POST", QStringLiteral("/v1/admin/users"),
                       QJsonObject{{QStringLiteral("login"), QStringLiteral("anna")},
                                   {QStringLiteral("password"), QStringLiteral("analysts secret 42")},
                                   {QStringLiteral("role"), QStringLiteral("analyst")}})
                 .status,
             201);
    QCOMPARE(m_worker
                 .call("PUT", QStringLiteral("/v1/templates/report"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Отчёт")},
                                   {QStringLiteral("title"), QStringLiteral("Отчёт готов")},
                                   {QStringLiteral("body"), QStringLiteral("{{имя|default:\"Коллега\"}}, смотрите")}})
                 .status,
             201);
    std::unique_ptr<MainWindow> window = signIn(QStringLiteral("anna"), QStringLiteral("analysts secret 42"));
    QVERIFY(window);
    auto *list = window->findChild<QListWidget *>(QStringLiteral("templateList"));
    QListWidgetItem *report = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((report = list->findItems(QStringLiteral("Отчёт"), Qt::MatchStartsWith).value(0)),
                             kUiTimeoutMs);
    list->setCurrentItem(report);
    QTRY_COMPARE_WITH_TIMEOUT(currentField<TemplateTextEdit>(*window, "titleEdit")->toPlainText(),
                              QStringLiteral("Отчёт готов"), kUiTimeoutMs);
    QVERIFY(currentField<TemplateTextEdit>(*window, "titleEdit")->isReadOnly());
    QVERIFY(currentField<TemplateTextEdit>(*window, "bodyEdit")->isReadOnly());
    QVERIFY(!window->findChild<QPushButton *>(QStringLiteral("saveButton"))->isVisible());
    QVERIFY(!window->findChild<QPushButton *>(QStringLiteral("sendTestButton"))->isVisible());
    QVERIFY(!window->findChild<QPushButton *>(QStringLiteral("newTemplateButton"))->isEnabled());
    QVERIFY(!window->findChild<QPushButton *>(QStringLiteral("addLocaleButton"))->isEnabled());
    // Reading includes the preview.
    QTRY_COMPARE_WITH_TIMEOUT(window->findChild<NotificationMockup *>(QStringLiteral("androidPreview"))->body(),
                              QStringLiteral("Коллега, смотрите"), kUiTimeoutMs);
}

void TemplateStudioTest::marketerArchivesATemplateNoRuleSends()
{
    for (const QString &id : {QStringLiteral("old-sale"), QStringLiteral("order-news")}) {
        QCOMPARE(m_worker
                     .call("PUT", QStringLiteral("/v1/templates/") + id,
                           QJsonObject{{QStringLiteral("name"), id},
                                       {QStringLiteral("title"), QStringLiteral("Распродажа")},
                                       {QStringLiteral("body"), QStringLiteral("Только сегодня")}})
                     .status,
                 201);
    }
    QCOMPARE(m_worker
                 .call("POST", QStringLiteral("/v1/trigger-rules"),
                       QJsonObject{{QStringLiteral("name"), QStringLiteral("Новости заказа")},
                                   {QStringLiteral("event_type"), QStringLiteral("order.shipped")},
                                   {QStringLiteral("template_id"), QStringLiteral("order-news")}})
                 .status,
             201);
    std::unique_ptr<MainWindow> window =
        signIn(test::ConsoleTestWorker::marketerLogin(), test::ConsoleTestWorker::marketerPassword());
    QVERIFY(window);
    auto *list = window->findChild<QListWidget *>(QStringLiteral("templateList"));
    auto *archive = window->findChild<QPushButton *>(QStringLiteral("archiveTemplateButton"));
    QVERIFY(archive->isVisible());
    QVERIFY(!archive->isEnabled()); // nothing saved is open
    const auto open = [&](const QString &id) {
        QListWidgetItem *item = nullptr;
        if (!QTest::qWaitFor([&] { return (item = list->findItems(id, Qt::MatchStartsWith).value(0)); }, kUiTimeoutMs))
            return false;
        list->setCurrentItem(item);
        return QTest::qWaitFor([&] { return archive->isEnabled(); }, kUiTimeoutMs);
    };
    const auto confirm = [&](bool yes) {
        archive->click();
        QMessageBox *question = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (question = window->findChild<QMessageBox *>(QStringLiteral("archiveTemplateBox"))); },
                kUiTimeoutMs))
            return false;
        if (yes)
            question->findChild<QPushButton *>(QStringLiteral("confirmArchiveButton"))->click();
        else
            question->button(QMessageBox::Cancel)->click();
        return true;
    };

    // A template a trigger rule sends stays, and the studio says why.
    QVERIFY(open(QStringLiteral("order-news")));
    QVERIFY(confirm(true));
    auto *message = window->findChild<QLabel *>(QStringLiteral("messageLabel"));
    QTRY_VERIFY_WITH_TIMEOUT(
        message->isVisible() && message->text().contains(QStringLiteral("a trigger rule sends it")), kUiTimeoutMs);
    QVERIFY(archive->isEnabled());
    QVERIFY(
        !m_worker.call("GET", QStringLiteral("/v1/templates/order-news")).json.contains(QStringLiteral("deleted_at")));

    // Cancelling keeps it; confirming archives it: it leaves the list, and the worker marks it deleted.
    QVERIFY(open(QStringLiteral("old-sale")));
    QVERIFY(confirm(false));
    QTRY_VERIFY(!window->findChild<QMessageBox *>(QStringLiteral("archiveTemplateBox")));
    QVERIFY(
        !m_worker.call("GET", QStringLiteral("/v1/templates/old-sale")).json.contains(QStringLiteral("deleted_at")));
    QVERIFY(confirm(true));
    QTRY_VERIFY_WITH_TIMEOUT(list->findItems(QStringLiteral("old-sale"), Qt::MatchStartsWith).isEmpty(), kUiTimeoutMs);
    QVERIFY(!list->findItems(QStringLiteral("order-news"), Qt::MatchStartsWith).isEmpty());
    QVERIFY(m_worker.call("GET", QStringLiteral("/v1/templates/old-sale")).json.contains(QStringLiteral("deleted_at")));
    QVERIFY(window->findChild<QLineEdit *>(QStringLiteral("templateIdEdit"))->text().isEmpty());
    QVERIFY(!archive->isEnabled());
    QVERIFY(window->statusBar()->currentMessage().contains(QStringLiteral("archived")));
}

QTEST_MAIN(TemplateStudioTest)
#include "TemplateStudioTest.moc"
