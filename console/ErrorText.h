#pragma once

#include <QCoreApplication>
#include <QString>

namespace vestnik {

struct ApiAnswer;

/// What a failed call means for the person at the console, in their language, with what to do about it.
class ErrorText final
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)

public:
    /// `action` names what was attempted ("Saving the template") and starts the sentence; may be empty.
    static QString describe(const ApiAnswer &answer, const QString &action = QString());
};

} // namespace vestnik
