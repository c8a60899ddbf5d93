#include "ErrorText.h"

#include "api/ApiAnswer.h"
#include "api/ApiClient.h"

namespace vestnik {

QString ErrorText::describe(const ApiAnswer &answer, const QString &action)
{
    QString what;
    switch (answer.failure) {
    case ApiFailure::None: return QString();
    case ApiFailure::Network:
        what = tr("The server cannot be reached. Check that the worker is running and that the address is "
                  "right, then try again.");
        break;
    case ApiFailure::Timeout:
        what = tr("The server did not answer in time. Try again; if it keeps happening, the worker may be "
                  "overloaded.");
        break;
    case ApiFailure::UntrustedCertificate:
        what = tr("The server's certificate is not trusted (SHA-256 %1). Compare it with the fingerprint the "
                  "worker printed at start and sign in again to trust it.")
                   .arg(ApiClient::formatFingerprint(answer.certificateSha256));
        break;
    case ApiFailure::Unauthenticated: what = tr("Your session has ended. Sign in again."); break;
    case ApiFailure::Forbidden: what = tr("Your role does not allow this. Ask an administrator."); break;
    case ApiFailure::NotFound:
        what = tr("It no longer exists on the server; someone may have deleted it. Refresh the list.");
        break;
    case ApiFailure::Conflict: what = tr("It clashes with the current state: %1").arg(answer.message); break;
    case ApiFailure::Invalid:
        what = tr("The server refused it: %1. Correct it and try again.").arg(answer.message);
        break;
    case ApiFailure::RateLimited:
        what = tr("Too many requests. Try again in %n second(s).", nullptr, qMax(1, answer.retryAfterSeconds));
        break;
    case ApiFailure::Server:
        what = tr("The server failed. Its log has the details under request %1.")
                   .arg(answer.requestId.isEmpty() ? tr("(unknown)") : answer.requestId);
        break;
    case ApiFailure::Cancelled: what = tr("It was cancelled."); break;
    }
    return action.isEmpty() ? what : tr("%1 failed. %2").arg(action, what);
}

} // namespace vestnik
