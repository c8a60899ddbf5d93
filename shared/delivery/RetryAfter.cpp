#include "delivery/RetryAfter.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace vestnik {

namespace {

// Far beyond any notification's lifetime (FCM and APNs keep pushes four weeks at most), small enough that
// adding it to a millisecond timestamp never overflows.
constexpr qint64 kLongestDelaySeconds = qint64(100) * 365 * 24 * 3600;

int monthNumber(const QString &name)
{
    static const QStringList months{QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"),
                                    QStringLiteral("apr"), QStringLiteral("may"), QStringLiteral("jun"),
                                    QStringLiteral("jul"), QStringLiteral("aug"), QStringLiteral("sep"),
                                    QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("dec")};
    return int(months.indexOf(name.toLower())) + 1;
}

std::optional<qint64> utcMs(int year, int month, int day, int hour, int minute, int second)
{
    const QDateTime at(QDate(year, month, day), QTime(hour, minute, second), Qt::UTC);
    if (!at.isValid())
        return std::nullopt;
    return at.toMSecsSinceEpoch();
}

std::optional<qint64> parseHttpDate(const QString &text)
{
    // The weekday is not checked against the date: it carries no information and a sender that gets it wrong
    // still means the date.
    static const QRegularExpression imfFixdate(
        QStringLiteral("^[A-Za-z]{3}, (\\d{2}) ([A-Za-z]{3}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$"));
    static const QRegularExpression rfc850(
        QStringLiteral("^[A-Za-z]{6,9}, (\\d{2})-([A-Za-z]{3})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$"));
    static const QRegularExpression asctime(
        QStringLiteral("^[A-Za-z]{3} ([A-Za-z]{3}) (\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$"));

    const auto number = [](const QRegularExpressionMatch &m, int group) { return m.captured(group).toInt(); };
    if (const QRegularExpressionMatch m = imfFixdate.match(text); m.hasMatch()) {
        return utcMs(number(m, 3), monthNumber(m.captured(2)), number(m, 1), number(m, 4), number(m, 5), number(m, 6));
    }
    if (const QRegularExpressionMatch m = rfc850.match(text); m.hasMatch()) {
        // RFC 850 has two-digit years; a date a provider sends today is in this century.
        return utcMs(2000 + number(m, 3), monthNumber(m.captured(2)), number(m, 1), number(m, 4), number(m, 5),
                     number(m, 6));
    }
    if (const QRegularExpressionMatch m = asctime.match(text); m.hasMatch()) {
        return utcMs(number(m, 6), monthNumber(m.captured(1)), number(m, 2), number(m, 3), number(m, 4), number(m, 5));
    }
    return std::nullopt;
}

} // namespace

std::optional<RetryAfter> RetryAfter::parse(QByteArrayView value)
{
    // asctime pads one-digit days with a second space; simplified() also drops surrounding whitespace.
    const QString text = QString::fromLatin1(value).simplified();
    if (text.isEmpty())
        return std::nullopt;
    if (std::all_of(text.cbegin(), text.cend(),
                    [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); })) {
        bool ok = false;
        const qint64 seconds = text.toLongLong(&ok);
        // Only digits, so a failed conversion is an overflow: RFC 9110 says to take the largest value.
        return afterSeconds(ok ? seconds : kLongestDelaySeconds);
    }
    if (const std::optional<qint64> at = parseHttpDate(text))
        return atMs(*at);
    return std::nullopt;
}

RetryAfter RetryAfter::afterSeconds(qint64 seconds)
{
    RetryAfter r;
    r.m_seconds = std::clamp<qint64>(seconds, 0, kLongestDelaySeconds);
    return r;
}

RetryAfter RetryAfter::atMs(qint64 epochMs)
{
    RetryAfter r;
    r.m_atMs = epochMs;
    return r;
}

qint64 RetryAfter::notBeforeMs(qint64 nowMs) const
{
    if (m_atMs)
        return std::max(*m_atMs, nowMs);
    return nowMs + m_seconds * 1000;
}

} // namespace vestnik
