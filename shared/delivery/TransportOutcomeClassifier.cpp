#include "delivery/TransportOutcomeClassifier.h"

#include "util/Logging.h"

namespace vestnik {

ProviderOutcome TransportOutcomeClassifier::classify(TransportError error, const QString &detail)
{
    ProviderOutcome outcome;
    outcome.outcomeClass = OutcomeClass::Retry;
    QString what;
    switch (error) {
    case TransportError::Timeout: what = QStringLiteral("no answer in time"); break;
    case TransportError::ConnectionLost: what = QStringLiteral("the connection failed before the answer"); break;
    case TransportError::Connect: what = QStringLiteral("no connection to the provider"); break;
    case TransportError::Refused: what = QStringLiteral("the provider refused the stream unprocessed"); break;
    case TransportError::Unprocessed:
        what = QStringLiteral("the provider went away (GOAWAY) before processing the stream");
        break;
    case TransportError::Protocol: what = QStringLiteral("the provider broke HTTP/2"); break;
    case TransportError::Credentials:
        // A key the token endpoint refuses, or one that cannot sign, is not fixed by waiting: the circuit decides.
        outcome.outcomeClass = OutcomeClass::CredentialsProblem;
        what = QStringLiteral("no credentials for the request");
        break;
    case TransportError::None:
        // A caller bug (there was an answer); retrying loses nothing, failing could lose the push.
        qCWarning(lcDelivery) << "a transport outcome was classified although the request has an answer";
        what = QStringLiteral("no transport error was reported");
        break;
    }
    outcome.reason = QStringLiteral("network.") + transportErrorName(error);
    outcome.message = detail.isEmpty() ? what : what + QStringLiteral(": ") + detail;
    return outcome;
}

} // namespace vestnik
