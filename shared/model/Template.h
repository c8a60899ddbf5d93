#pragma once

#include <QString>

#include <optional>

namespace vestnik {

/// A named notification template; its content lives in numbered versions.
struct Template final {
    QString id;
    QString name;
    int latestVersion = 0;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> archivedAtMs; ///< deleted through the API: hidden from lists, its versions kept

    friend bool operator==(const Template &, const Template &) = default;
};

} // namespace vestnik
