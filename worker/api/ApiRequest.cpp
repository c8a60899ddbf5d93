#include "api/ApiRequest.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRandomGenerator>

namespace vestnik {

Result<QJsonObject> ApiRequest::jsonObject() const
{
    if (body.trimmed().isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the body is empty; a JSON object is expected"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the body is not valid JSON: %1 at byte %2")
                                                         .arg(parseError.errorString())
                                                         .arg(parseError.offset));
    if (!document.isObject()) {
        const QString kind = document.isArray() ? QStringLiteral("an array") : QStringLiteral("a bare value");
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("the body must be a JSON object, not %1").arg(kind));
    }
    return document.object();
}

QString makeRequestId()
{
    return QString::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, QLatin1Char('0'));
}

} // namespace vestnik
