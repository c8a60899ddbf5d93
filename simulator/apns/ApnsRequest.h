#pragma once

#include <QByteArray>
#include <QString>

namespace vestnik::sim {

/// The parts of an APNs request the rest of the pipeline needs, once the headers and path are valid.
struct ApnsRequest {
    QByteArray deviceToken;
    QString topic;    ///< apns-topic (empty: none given)
    QString pushType; ///< apns-push-type, "alert" when absent
    int priority = 10;
    QByteArray apnsId; ///< as given (empty: APNs makes one)
    QByteArray collapseId;
    bool isVoip() const { return pushType == QStringLiteral("voip"); }
};

} // namespace vestnik::sim
