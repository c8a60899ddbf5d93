#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace vestnik::sim {

/// application/x-www-form-urlencoded bodies (OAuth token requests): '+' is a space, %XX is a byte, UTF-8.
class FormData final
{
public:
    static QHash<QString, QString> parse(const QByteArray &body);
};

} // namespace vestnik::sim
