#include "template/TemplateCatalog.h"

#include "TemplateFixtures.h"
#include "store/Database.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace vestnik;

namespace {

const nlohmann::json kSample = {{"имя", "Анна"}, {"название_товара", "Чайник"}, {"sku", "A-17"}};

} // namespace

class TemplateCatalogTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void savesVersionsAndPinsThem();
    void refusesInvalidTemplates_data();
    void refusesInvalidTemplates();
    void keepsWarnings();
    void unknownTemplateOrVersion();
    void resolveNamesTheVersion();
    void aSenderGoesOnWithARecentLatestForAWhile();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_database;
    std::unique_ptr<TemplateRepository> m_repository;
    ManualClock m_clock;
};

void TemplateCatalogTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    DatabaseSettings settings;
    settings.path = m_dir->filePath(QStringLiteral("catalog.db"));
    Result<std::shared_ptr<Database>> database = Database::open(settings);
    QVERIFY(database.hasValue());
    m_database = *database;
    QVERIFY(Migrator(*m_database).migrate().hasValue());
    m_repository = std::make_unique<TemplateRepository>(*m_database, m_clock);
}

void TemplateCatalogTest::cleanup()
{
    m_repository.reset();
    m_database.reset();
    m_dir.reset();
}

void TemplateCatalogTest::savesVersionsAndPinsThem()
{
    TemplateCatalog catalog(*m_repository);
    PushTemplate t = test::templateFixture("back_in_stock.json");
    Result<SavedTemplate, QList<TemplateIssue>> first = catalog.save(t, kSample, QStringLiteral("marketer@shop"));
    QVERIFY2(first.hasValue(), qPrintable(first.hasValue() ? QString() : first.error().at(0).message()));
    QCOMPARE(first->version, 1);

    t.content.body = QStringLiteral("«{{название_товара}}» вернулся");
    Result<SavedTemplate, QList<TemplateIssue>> second = catalog.save(t, kSample, QStringLiteral("marketer@shop"));
    QCOMPARE(second->version, 2);

    const nlohmann::json user = kSample;
    // a fresh catalog (another worker) reads and compiles the stored versions
    TemplateCatalog reader(*m_repository);
    Result<CompiledPushTemplate> latest = reader.compiled(t.id);
    QVERIFY(latest.hasValue());
    QCOMPARE(QString::fromStdString(latest->render(JsonScopes{&user}, QStringLiteral("ru"))->body),
             QStringLiteral("«Чайник» вернулся"));
    Result<CompiledPushTemplate> pinned = reader.compiled(t.id, 1);
    QVERIFY(pinned.hasValue());
    QCOMPARE(QString::fromStdString(pinned->render(JsonScopes{&user}, QStringLiteral("ru"))->body),
             QStringLiteral("«Чайник» ждёт вас"));
    Result<std::optional<TemplateVersion>> stored = m_repository->version(t.id, 2);
    QCOMPARE((*stored)->createdBy, QStringLiteral("marketer@shop"));
}

void TemplateCatalogTest::refusesInvalidTemplates_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("syntax") << QStringLiteral("body") << QStringLiteral("Привет, {{имя")
                            << QStringLiteral("body: line 1, column 9: tag is not closed");
    QTest::newRow("unknown filter") << QStringLiteral("title") << QStringLiteral("{{имя|shout}}")
                                    << QStringLiteral("unknown filter 'shout'");
    QTest::newRow("plural count") << QStringLiteral("en.body") << QStringLiteral("{{n|plural:item}}")
                                  << QStringLiteral("variants.en.body: line 1, column 5: filter 'plural' takes 2");
    QTest::newRow("too large") << QStringLiteral("body") << QString(5000, QLatin1Char('x'))
                               << QStringLiteral("FCM allows 4096");
    QTest::newRow("no name") << QStringLiteral("name") << QString() << QStringLiteral("name: a template needs a name");
}

void TemplateCatalogTest::refusesInvalidTemplates()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, fragment);
    PushTemplate t = test::templateFixture("back_in_stock.json");
    if (field == QStringLiteral("body"))
        t.content.body = value;
    else if (field == QStringLiteral("title"))
        t.content.title = value;
    else if (field == QStringLiteral("en.body"))
        t.variants[QStringLiteral("en")].body = value;
    else
        t.name = value;
    TemplateCatalog catalog(*m_repository);
    Result<SavedTemplate, QList<TemplateIssue>> saved = catalog.save(t, kSample, QStringLiteral("m"));
    QVERIFY(!saved.hasValue());
    QStringList messages;
    for (const TemplateIssue &issue : saved.error())
        messages << issue.message();
    QVERIFY2(messages.join(QLatin1Char('\n')).contains(fragment), qPrintable(messages.join(QLatin1Char('\n'))));
    // nothing was stored
    QVERIFY(!m_repository->latest(t.id)->has_value());
}

void TemplateCatalogTest::keepsWarnings()
{
    TemplateCatalog catalog(*m_repository);
    Result<SavedTemplate, QList<TemplateIssue>> saved =
        catalog.save(test::templateFixture("back_in_stock.json"), nlohmann::json::object(), QStringLiteral("m"));
    QVERIFY(saved.hasValue());
    QCOMPARE(saved->version, 1);
    QVERIFY(!saved->warnings.isEmpty());
    QVERIFY(saved->warnings.at(0).message().contains(QStringLiteral("sample recipient has no value")));
}

void TemplateCatalogTest::unknownTemplateOrVersion()
{
    TemplateCatalog catalog(*m_repository);
    Result<CompiledPushTemplate> missing = catalog.compiled(QStringLiteral("nope"));
    QVERIFY(!missing.hasValue());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY(catalog.save(test::templateFixture("back_in_stock.json"), kSample, QStringLiteral("m")).hasValue());
    Result<CompiledPushTemplate> noVersion = catalog.compiled(QStringLiteral("back-in-stock"), 7);
    QVERIFY(!noVersion.hasValue());
    QVERIFY(noVersion.error().message.contains(QStringLiteral("no version 7")));
}

void TemplateCatalogTest::resolveNamesTheVersion()
{
    TemplateCatalog sender(*m_repository);
    Result<TemplateCatalog::Resolved> none = sender.resolve(QStringLiteral("back-in-stock"));
    QVERIFY(!none.hasValue());
    QCOMPARE(none.error().code, ErrorCode::NotFound);
    Result<TemplateCatalog::Resolved> negative = sender.resolve(QStringLiteral("back-in-stock"), -1);
    QVERIFY(!negative.hasValue());
    QCOMPARE(negative.error().code, ErrorCode::InvalidArgument);

    const nlohmann::json user = kSample;
    const auto bodyOf = [&user](const TemplateCatalog::Resolved &resolved) {
        return QString::fromStdString(resolved.compiled.render(JsonScopes{&user}, QStringLiteral("ru"))->body);
    };
    // The console saves through its own catalog; the sender's must see each new version as the latest.
    TemplateCatalog console(*m_repository);
    PushTemplate t = test::templateFixture("back_in_stock.json");
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    Result<TemplateCatalog::Resolved> latest = sender.resolve(t.id);
    QVERIFY(latest.hasValue());
    QCOMPARE(latest->version, 1);
    QCOMPARE(bodyOf(*latest), QStringLiteral("«Чайник» ждёт вас"));

    t.content.body = QStringLiteral("«{{название_товара}}» снова в продаже");
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    t.content.body = QStringLiteral("«{{название_товара}}» вернулся");
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    latest = sender.resolve(t.id, 0);
    QVERIFY(latest.hasValue());
    QCOMPARE(latest->version, 3);
    QCOMPARE(bodyOf(*latest), QStringLiteral("«Чайник» вернулся"));

    // A pinned version resolves to itself, before and after it is cached.
    for (int round = 0; round < 2; ++round) {
        Result<TemplateCatalog::Resolved> pinned = sender.resolve(t.id, 2);
        QVERIFY(pinned.hasValue());
        QCOMPARE(pinned->version, 2);
        QCOMPARE(bodyOf(*pinned), QStringLiteral("«Чайник» снова в продаже"));
        Result<TemplateCatalog::Resolved> first = sender.resolve(t.id, 1);
        QVERIFY(first.hasValue());
        QCOMPARE(first->version, 1);
        QCOMPARE(bodyOf(*first), QStringLiteral("«Чайник» ждёт вас"));
    }
    Result<TemplateCatalog::Resolved> missing = sender.resolve(t.id, 4);
    QVERIFY(!missing.hasValue());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QVERIFY2(missing.error().message.contains(QStringLiteral("no version 4")), qPrintable(missing.error().message));
}

void TemplateCatalogTest::aSenderGoesOnWithARecentLatestForAWhile()
{
    TemplateCatalog sender(*m_repository);
    TemplateCatalog console(*m_repository);
    const auto recent = [&sender](const QString &id) { return sender.resolve(id, 0, TemplateCatalog::Latest::Recent); };
    PushTemplate t = test::templateFixture("back_in_stock.json");
    QCOMPARE(recent(t.id).error().code, ErrorCode::NotFound); // nothing known, nothing remembered
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    QCOMPARE(recent(t.id)->version, 1);

    // Within kRecentLatest of reading it, the sender asks the database no more, and so keeps sending version 1
    // after another catalog saved version 2; when asked for what is stored now, it says 2.
    t.content.body = QStringLiteral("«{{название_товара}}» вернулся");
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    m_clock.advance(TemplateCatalog::kRecentLatest - std::chrono::milliseconds(1));
    const quint64 requests = Database::requestsOnThisThread();
    QCOMPARE(recent(t.id)->version, 1);
    QCOMPARE(Database::requestsOnThisThread(), requests);
    QCOMPARE(sender.resolve(t.id)->version, 2);
    QCOMPARE(sender.resolve(t.id, 0, TemplateCatalog::Latest::Now)->version, 2);

    // What was read just now counts as recent again: version 3 saved elsewhere is seen kRecentLatest later.
    t.content.body = QStringLiteral("«{{название_товара}}» снова в продаже");
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    QCOMPARE(recent(t.id)->version, 2);
    m_clock.advance(TemplateCatalog::kRecentLatest);
    QCOMPARE(recent(t.id)->version, 3);

    // A version saved through the sender's own catalog is its latest at once.
    t.content.body = QStringLiteral("«{{название_товара}}» ждёт");
    QCOMPARE(sender.save(t, kSample, QStringLiteral("m"))->version, 4);
    QCOMPARE(recent(t.id)->version, 4);

    // A clock set back does not make what was read in its future recent for ever.
    QVERIFY(console.save(t, kSample, QStringLiteral("m")).hasValue());
    m_clock.advance(-TemplateCatalog::kRecentLatest);
    QCOMPARE(recent(t.id)->version, 5);
}

QTEST_GUILESS_MAIN(TemplateCatalogTest)
#include "TemplateCatalogTest.moc"
