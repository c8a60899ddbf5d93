#include "delivery/RetryAfter.h"

#include <QDateTime>
#include <QObject>
#include <QTest>

using namespace vestnik;

namespace {

constexpr qint64 kNowMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

qint64 utcMs(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class RetryAfterTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
};

void RetryAfterTest::parses_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("notBeforeMs"); // for a response at kNowMs
    QTest::addColumn<bool>("isDate");

    QTest::newRow("delta-seconds") << QByteArray("120") << kNowMs + 120'000 << false;
    QTest::newRow("zero: now") << QByteArray("0") << kNowMs << false;
    QTest::newRow("surrounding whitespace") << QByteArray(" 5 ") << kNowMs + 5'000 << false;
    QTest::newRow("leading zeros") << QByteArray("007") << kNowMs + 7'000 << false;
    QTest::newRow("overflow: the largest delay")
        << QByteArray("99999999999999999999999") << kNowMs + qint64(100) * 365 * 24 * 3600 * 1000 << false;
    QTest::newRow("IMF-fixdate") << QByteArray("Thu, 01 Jan 2026 00:02:07 GMT") << utcMs("2026-01-01T00:02:07Z")
                                 << true;
    QTest::newRow("IMF-fixdate, wrong weekday still means the date")
        << QByteArray("Mon, 01 Jan 2026 00:02:07 GMT") << utcMs("2026-01-01T00:02:07Z") << true;
    QTest::newRow("RFC 850") << QByteArray("Thursday, 01-Jan-26 01:00:00 GMT") << utcMs("2026-01-01T01:00:00Z") << true;
    QTest::newRow("asctime, one-digit day")
        << QByteArray("Fri Jan  2 00:00:30 2026") << utcMs("2026-01-02T00:00:30Z") << true;
    QTest::newRow("asctime, two-digit day")
        << QByteArray("Sat Jan 10 12:00:00 2026") << utcMs("2026-01-10T12:00:00Z") << true;
    QTest::newRow("a date in the past: now") << QByteArray("Wed, 31 Dec 2025 23:00:00 GMT") << kNowMs << true;
}

void RetryAfterTest::parses()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, notBeforeMs);
    QFETCH(bool, isDate);
    const std::optional<RetryAfter> retryAfter = RetryAfter::parse(value);
    QVERIFY(retryAfter.has_value());
    QCOMPARE(retryAfter->notBeforeMs(kNowMs), notBeforeMs);
    QCOMPARE(retryAfter->isDate(), isDate);
}

void RetryAfterTest::rejects_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("blank") << QByteArray("   ");
    QTest::newRow("negative") << QByteArray("-5");
    QTest::newRow("fraction") << QByteArray("1.5");
    QTest::newRow("words") << QByteArray("later");
    QTest::newRow("no such day") << QByteArray("Fri, 30 Feb 2026 00:00:00 GMT");
    QTest::newRow("no such month") << QByteArray("Fri, 01 Foo 2026 00:00:00 GMT");
    QTest::newRow("not GMT") << QByteArray("Thu, 01 Jan 2026 00:02:07 +0300");
    QTest::newRow("ISO 8601 is not an HTTP date") << QByteArray("2026-01-01T00:02:07Z");
}

void RetryAfterTest::rejects()
{
    QFETCH(QByteArray, value);
    QVERIFY(!RetryAfter::parse(value).has_value());
}

QTEST_GUILESS_MAIN(RetryAfterTest)
#include "RetryAfterTest.moc"
