#pragma once

#include "delivery/ProviderOutcome.h"
#include "model/DeliveryStatus.h"
#include "util/Result.h"

#include <QTest>

namespace vestnik {

/// QTest prints outcome classes and statuses by name.
inline char *toString(OutcomeClass outcomeClass)
{
    return QTest::toString(outcomeClassName(outcomeClass));
}

inline char *toString(DeliveryStatus status)
{
    return QTest::toString(deliveryStatusName(status));
}

namespace test {

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
