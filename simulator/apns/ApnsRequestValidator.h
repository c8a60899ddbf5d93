#pragma once

#include "apns/ApnsRequest.h"

#include <QByteArray>
#include <QString>

namespace vestnik::sim {

struct HttpRequest;

/// The header and path rules of the APNs provider API (PROVIDERS.md 3.2 and the order of 3.7): duplicate
/// headers, apns-id, method, topic, collapse id, priority, push type (and its topic suffix), expiration, then
/// the path and device token. Answers with the reason of the first broken rule.
class ApnsRequestValidator final
{
public:
    /// The reason to refuse with, or an empty string. `needsTopic`: token auth or a multi-topic certificate
    /// (otherwise a missing apns-topic defaults to `defaultTopic`, the certificate's bundle ID).
    static QString validate(const HttpRequest &request, bool needsTopic, const QString &defaultTopic, ApnsRequest &out);

    /// Whether a push type is one APNs knows.
    static bool isKnownPushType(const QString &pushType);
    /// The topic suffix a push type needs ("" for alert and background).
    static QString topicSuffix(const QString &pushType);
    /// 8-4-4-4-12 lower-case hexadecimal.
    static bool isCanonicalUuid(QByteArrayView text);
};

} // namespace vestnik::sim
