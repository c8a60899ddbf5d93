#pragma once

#include "TestResults.h"
#include "delivery/ProviderOutcome.h"

#include <QTest>

namespace vestnik {

/// QTest prints outcome classes by name.
inline char *toString(OutcomeClass outcomeClass)
{
    return QTest::toString(outcomeClassName(outcomeClass));
}

} // namespace vestnik
