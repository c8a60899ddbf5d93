#pragma once

#include "model/Provider.h"

#include <QByteArray>
#include <QString>

namespace vestnik {

/// An app's secret for one provider (FCM service-account JSON, APNs key), opened for use.
struct ProviderCredential final {
    QString appId;
    Provider provider = Provider::Fcm;
    QByteArray secret; ///< the opened secret; only ever stored sealed
    QString sealKeyId; ///< id of the sealing key the stored value was sealed with (for key rotation)
    qint64 updatedAtMs = 0;

    friend bool operator==(const ProviderCredential &, const ProviderCredential &) = default;
};

} // namespace vestnik
