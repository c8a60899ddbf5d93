#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <utility>
#include <vector>

namespace vestnik::sim {

/// One HTTP request as the client sent it: pseudo-headers apart, other header names lower-case (HTTP/2 makes
/// them so), in arrival order and with duplicates kept (APNs answers DuplicateHeaders for some).
struct HttpRequest {
    QByteArray method;
    QByteArray path;
    QByteArray authority;
    QByteArray scheme;
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qsizetype bodySize = 0;       ///< bytes received; more than body.size() when the body was over the cap
    bool isBodyTruncated = false; ///< body holds only the first bytes (the limit is far above any provider's)
    int streamId = 0;

    /// The first value of a header, or nullptr.
    const QByteArray *header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key == name)
                return &value;
        }
        return nullptr;
    }
    /// How many times a header appears.
    int headerCount(QByteArrayView name) const
    {
        int count = 0;
        for (const auto &entry : headers)
            count += entry.first == name ? 1 : 0;
        return count;
    }
    /// The path without its query string.
    QByteArrayView pathOnly() const
    {
        const qsizetype query = path.indexOf('?');
        return query < 0 ? QByteArrayView(path) : QByteArrayView(path).first(query);
    }
};

} // namespace vestnik::sim
