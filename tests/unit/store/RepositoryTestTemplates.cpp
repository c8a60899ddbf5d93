#include "RepositoryTest.h"
#include "store/TemplateRepository.h"

#include <QJsonArray>
#include <QMutex>
#include <QThread>

#include <algorithm>
#include <numeric>

using namespace vestnik;

namespace {

QJsonObject content(const QString &title)
{
    return QJsonObject{{QStringLiteral("title"), title}, {QStringLiteral("body"), QStringLiteral("{{name}}")}};
}

} // namespace

void RepositoryTest::templateVersionsAreNumberedFromOne()
{
    const TemplateRepository templates(db(), m_clock);
    const qint64 created = m_clock.nowMs();
    for (int expected = 1; expected <= 3; ++expected) {
        Result<int> version = templates.saveVersion(QStringLiteral("cart"), QStringLiteral("Cart v%1").arg(expected),
                                                    content(QStringLiteral("title %1").arg(expected)),
                                                    QStringLiteral("marketer@example.com"));
        VT_OK(version);
        QCOMPARE(*version, expected);
        m_clock.advance(std::chrono::minutes(1));
    }

    Result<std::optional<TemplateVersion>> latest = templates.latest(QStringLiteral("cart"));
    VT_OK(latest);
    QVERIFY(latest->has_value());
    QCOMPARE((*latest)->version, 3);
    QCOMPARE((*latest)->content, content(QStringLiteral("title 3")));

    Result<std::optional<TemplateVersion>> second = templates.version(QStringLiteral("cart"), 2);
    VT_OK(second);
    QVERIFY(second->has_value());
    QCOMPARE((*second)->content, content(QStringLiteral("title 2")));
    QCOMPARE((*second)->createdBy, QStringLiteral("marketer@example.com"));
    QCOMPARE((*second)->createdAtMs, created + 60'000);

    Result<QList<TemplateVersion>> all = templates.versions(QStringLiteral("cart"));
    VT_OK(all);
    QCOMPARE(all->size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(all->at(i).version, i + 1);

    Result<std::optional<Template>> summary = templates.find(QStringLiteral("cart"));
    VT_OK(summary);
    QVERIFY(summary->has_value());
    QCOMPARE((*summary)->name, QStringLiteral("Cart v3"));
    QCOMPARE((*summary)->latestVersion, 3);
    QCOMPARE((*summary)->createdAtMs, created);
    QCOMPARE((*summary)->updatedAtMs, created + 120'000);

    Result<std::optional<TemplateVersion>> missing = templates.version(QStringLiteral("cart"), 4);
    VT_OK(missing);
    QVERIFY(!missing->has_value());
}

void RepositoryTest::templateContentRoundTripsUnicode()
{
    const TemplateRepository templates(db(), m_clock);
    const QJsonObject rich{
        {QStringLiteral("locales"),
         QJsonObject{
             {QStringLiteral("ru"),
              QJsonObject{{QStringLiteral("title"), QStringLiteral("Заказ отменён 😢")},
                          {QStringLiteral("body"), QStringLiteral("{{имя}}, ваш заказ №{{order_id}} отменён.")}}},
             {QStringLiteral("en"), QJsonObject{{QStringLiteral("title"), QStringLiteral("Order cancelled")}}}}},
        {QStringLiteral("buttons"), QJsonArray{QStringLiteral("Открыть"), QStringLiteral("Позже")}},
        {QStringLiteral("ttl"), 3600},
        {QStringLiteral("quote"), QStringLiteral("it's \"quoted\"; -- not SQL")},
    };
    Result<int> version = templates.saveVersion(QStringLiteral("order-cancelled"), QStringLiteral("Отмена заказа"),
                                                rich, QStringLiteral("Мария"));
    VT_OK(version);
    Result<std::optional<TemplateVersion>> stored = templates.latest(QStringLiteral("order-cancelled"));
    VT_OK(stored);
    QVERIFY(stored->has_value());
    QCOMPARE((*stored)->content, rich);
    QCOMPARE((*stored)->createdBy, QStringLiteral("Мария"));
    Result<QList<Template>> list = templates.list();
    VT_OK(list);
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->constFirst().name, QStringLiteral("Отмена заказа"));
}

void RepositoryTest::templateVersionsArePerTemplate()
{
    const TemplateRepository templates(db(), m_clock);
    Result<int> a1 =
        templates.saveVersion(QStringLiteral("a"), QStringLiteral("B name"), content(QStringLiteral("a1")), {});
    Result<int> a2 =
        templates.saveVersion(QStringLiteral("a"), QStringLiteral("B name"), content(QStringLiteral("a2")), {});
    Result<int> b1 =
        templates.saveVersion(QStringLiteral("b"), QStringLiteral("A name"), content(QStringLiteral("b1")), {});
    VT_OK(a1);
    VT_OK(a2);
    VT_OK(b1);
    QCOMPARE(*a2, 2);
    QCOMPARE(*b1, 1);
    Result<std::optional<TemplateVersion>> b = templates.latest(QStringLiteral("b"));
    VT_OK(b);
    QVERIFY(b->has_value());
    QCOMPARE((*b)->content, content(QStringLiteral("b1")));
    Result<QList<Template>> list = templates.list();
    VT_OK(list);
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->at(0).id, QStringLiteral("b")); // by name
    QCOMPARE(list->at(1).id, QStringLiteral("a"));
    QCOMPARE(list->at(1).latestVersion, 2);
}

void RepositoryTest::templateConcurrentSavesGetDistinctNumbers()
{
    // Several editors saving the same template at once, each thread on its own connection.
    constexpr int kThreads = 4;
    constexpr int kSavesPerThread = 10;
    QMutex mutex;
    QList<int> numbers;
    QStringList errors;
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            const TemplateRepository templates(db(), m_clock);
            for (int i = 0; i < kSavesPerThread; ++i) {
                Result<int> version = templates.saveVersion(QStringLiteral("shared"), QStringLiteral("Shared"),
                                                            content(QStringLiteral("%1/%2").arg(t).arg(i)),
                                                            QStringLiteral("editor-%1").arg(t));
                const QMutexLocker lock(&mutex);
                if (version)
                    numbers.append(*version);
                else
                    errors.append(version.error().toString());
            }
        }));
    }
    for (const auto &thread : threads)
        thread->start();
    for (const auto &thread : threads)
        QVERIFY(thread->wait(60'000));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));

    std::sort(numbers.begin(), numbers.end());
    QList<int> expected(kThreads * kSavesPerThread);
    std::iota(expected.begin(), expected.end(), 1);
    QCOMPARE(numbers, expected);
    const TemplateRepository templates(db(), m_clock);
    Result<QList<TemplateVersion>> stored = templates.versions(QStringLiteral("shared"));
    VT_OK(stored);
    QCOMPARE(stored->size(), kThreads * kSavesPerThread);
    Result<std::optional<Template>> summary = templates.find(QStringLiteral("shared"));
    VT_OK(summary);
    QVERIFY(summary->has_value());
    QCOMPARE((*summary)->latestVersion, kThreads * kSavesPerThread);
}

void RepositoryTest::templateUnknownIsEmpty()
{
    const TemplateRepository templates(db(), m_clock);
    Result<std::optional<TemplateVersion>> latest = templates.latest(QStringLiteral("none"));
    VT_OK(latest);
    QVERIFY(!latest->has_value());
    Result<QList<TemplateVersion>> versions = templates.versions(QStringLiteral("none"));
    VT_OK(versions);
    QVERIFY(versions->isEmpty());
    Result<QList<Template>> list = templates.list();
    VT_OK(list);
    QVERIFY(list->isEmpty());
    VT_FAILS_WITH(templates.saveVersion(QString(), QStringLiteral("x"), {}, {}), ErrorCode::InvalidArgument);
}
