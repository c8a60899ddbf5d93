#pragma once

// What every test needs to check a Result and print domain values by name.

#include "model/DeliveryStatus.h"
#include "util/Result.h"

#include <QTest>

namespace vestnik {

/// QTest prints statuses by name.
inline char *toString(DeliveryStatus status)
{
    return QTest::toString(deliveryStatusName(status));
}

namespace test {

/// A Result's error for QVERIFY2 messages (empty when it holds a value: QVERIFY2 evaluates its message anyway).
template<typename T>
QByteArray errorText(const Result<T> &result)
{
    return result.hasValue() ? QByteArray() : result.error().toString().toUtf8();
}

/// The name of the error's code, or "(no error)": safe to compare whatever the result holds.
template<typename T>
QString errorCodeOf(const Result<T> &result)
{
    return result.hasValue() ? QStringLiteral("(no error)") : errorCodeName(result.error().code);
}

} // namespace test
} // namespace vestnik

/// Fails the test with the error's message unless `expr` (a Result) holds a value; evaluates it once.
#define VT_OK(expr)                                                                                                    \
    do {                                                                                                               \
        const auto &vtResult = (expr);                                                                                 \
        QVERIFY2(vtResult.hasValue(), vestnik::test::errorText(vtResult).constData());                                 \
    } while (false)

/// Fails the test unless `expr` (a Result) holds an error with code `errorCode`.
#define VT_FAILS_WITH(expr, errorCode)                                                                                 \
    do {                                                                                                               \
        const auto &vtResult = (expr);                                                                                 \
        QVERIFY2(!vtResult.hasValue(), "expected an error, got a value");                                              \
        QCOMPARE(vestnik::errorCodeName(vtResult.error().code), vestnik::errorCodeName(errorCode));                    \
    } while (false)
