#include "RepositoryTest.h"

#include "store/AppRepository.h"
#include "store/Migrator.h"

#include <QSqlRecord>

using namespace vestnik;

namespace {

constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

} // namespace

void RepositoryTest::initTestCase()
{
    if (const QString reason = test::TestDatabase::unavailableReason(); !reason.isEmpty())
        QFAIL(qPrintable(reason));
    Result<Sealer> sealer = Sealer::fromKey(QByteArray(32, '\x5a'));
    VT_OK(sealer);
    m_sealer = *sealer;
    qInfo("testing on %s", qPrintable(dialectName(test::TestDatabase::dialectUnderTest())));
}

void RepositoryTest::init()
{
    m_clock.setMs(kStartMs);
    Result<std::unique_ptr<test::TestDatabase>> created = test::TestDatabase::create();
    VT_OK(created);
    m_test = std::move(*created);
    if (!QByteArray(QTest::currentTestFunction()).startsWith("migrator"))
        VT_OK(Migrator(db()).migrate());
}

void RepositoryTest::cleanup()
{
    m_test.reset();
}

void RepositoryTest::createApp(const QString &id)
{
    VT_OK(AppRepository(db(), m_clock, sealer()).upsert(App{id, QStringLiteral("Shop"), 0}));
}

QVariant RepositoryTest::scalar(const QString &sql, const QVariantList &values) const
{
    Result<QSqlQuery> q = db().run(sql, values, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return QVariant();
    }
    return q->next() ? q->value(0) : QVariant();
}

QByteArrayList RepositoryTest::rawColumns(const QString &sql, const QVariantList &values) const
{
    QByteArrayList columns;
    Result<QSqlQuery> q = db().run(sql, values, QStringLiteral("test query"));
    if (!q) {
        qWarning("%s", qPrintable(q.error().toString()));
        return columns;
    }
    while (q->next()) {
        const QSqlRecord record = q->record();
        for (int i = 0; i < record.count(); ++i) {
            const QVariant value = record.value(i);
            columns << (value.typeId() == QMetaType::QByteArray ? value.toByteArray() : value.toString().toUtf8());
        }
    }
    return columns;
}

Delivery RepositoryTest::delivery(const QString &notificationId, const QString &campaignId)
{
    Delivery d;
    d.notificationId = notificationId;
    d.userId = QStringLiteral("u-") + notificationId;
    d.deviceId = 7;
    d.appId = QStringLiteral("shop");
    d.platform = Platform::Ios;
    d.templateId = QStringLiteral("welcome");
    d.templateVersion = 3;
    d.campaignId = campaignId;
    return d;
}

QTEST_GUILESS_MAIN(RepositoryTest)
