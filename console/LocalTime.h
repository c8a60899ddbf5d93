#pragma once

#include <QDateTime>
#include <QString>

namespace vestnik {

/// A time the worker sent (milliseconds since the epoch, UTC) as the console shows it: local time, to the
/// second, in one sortable form for every language. Empty for 0 (never).
inline QString localTimeText(qint64 ms)
{
    return ms <= 0 ? QString()
                   : QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace vestnik
