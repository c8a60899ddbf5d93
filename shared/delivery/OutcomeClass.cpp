#include "delivery/OutcomeClass.h"

namespace vestnik {

QString outcomeClassName(OutcomeClass outcomeClass)
{
    switch (outcomeClass) {
    case OutcomeClass::Accepted: return QStringLiteral("accepted");
    case OutcomeClass::Retry: return QStringLiteral("retry");
    case OutcomeClass::InvalidToken: return QStringLiteral("invalid_token");
    case OutcomeClass::PermanentFailure: return QStringLiteral("permanent_failure");
    case OutcomeClass::CredentialsProblem: return QStringLiteral("credentials_problem");
    }
    return QString();
}

} // namespace vestnik
