#pragma once

#include <QString>

namespace vestnik {

/// A mobile or web application that devices register for and that has its own provider credentials.
struct App final {
    QString id;
    QString name;
    qint64 createdAtMs = 0;

    friend bool operator==(const App &, const App &) = default;
};

} // namespace vestnik
