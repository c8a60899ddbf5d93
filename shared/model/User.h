#pragma once

#include <QJsonObject>
#include <QString>

namespace vestnik {

/// A person who receives pushes, as far as Vestnik knows them.
struct User final {
    QString id;             ///< the id the company's services use
    QString locale;         ///< BCP 47 ("ru-RU"); empty when unknown
    QString timezone;       ///< IANA name ("Europe/Moscow"); empty when unknown
    QJsonObject attributes; ///< free-form facts for segments and templates
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;

    friend bool operator==(const User &, const User &) = default;
};

} // namespace vestnik
