#pragma once

#include <QString>

namespace vestnik {

/// A named notification template; its content lives in numbered versions.
struct Template final {
    QString id;
    QString name;
    int latestVersion = 0;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;

    friend bool operator==(const Template &, const Template &) = default;
};

} // namespace vestnik
