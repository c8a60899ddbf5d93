#include "TriggerStoreTest.h"

#include "security/Sealer.h"
#include "store/AppRepository.h"
#include "store/Migrator.h"
#include "store/TemplateRepository.h"

#include <QJsonObject>

using namespace vestnik;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

} // namespace

void TriggerStoreTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void TriggerStoreTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    VT_OK(Migrator(db()).migrate());
    VT_OK(TemplateRepository(db(), m_clock)
              .saveVersion(QStringLiteral("cart-reminder"), QStringLiteral("Напоминание о корзине"),
                           QJsonObject{{QStringLiteral("title"), QStringLiteral("Вы забыли {{товар.название}}")}},
                           QStringLiteral("test")));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x5a'));
    VT_OK(sealer);
    VT_OK(AppRepository(db(), m_clock, *sealer).upsert(App{QStringLiteral("shop"), QStringLiteral("Магазин"), 0}));
}

void TriggerStoreTest::cleanup()
{
    m_test.reset();
}

QVariant TriggerStoreTest::scalar(const QString &sql, const QVariantList &values) const
{
    Result<QSqlQuery> q = db().run(sql, values, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return QVariant();
    }
    return q->next() ? q->value(0) : QVariant();
}

TriggerRule TriggerStoreTest::rule(const QString &name)
{
    TriggerRule r;
    r.name = name;
    r.eventType = QStringLiteral("cart.updated");
    r.templateId = QStringLiteral("cart-reminder");
    r.condition = nlohmann::json::parse(R"({"all": [{"path": "товар.цена", "op": "gte", "value": 1000},
                                                    {"path": "товар.название", "op": "contains", "value": "ёлк"}]})");
    return r;
}

TriggerStateRepository::Scheduled TriggerStoreTest::scheduled(const QString &key, qint64 dueAtMs)
{
    return {key, QStringLiteral("u-") + key,
            QStringLiteral(R"({"job":"%1","title":"Тихие часы кончились"})").arg(key).toUtf8(), dueAtMs};
}

QTEST_GUILESS_MAIN(TriggerStoreTest)
