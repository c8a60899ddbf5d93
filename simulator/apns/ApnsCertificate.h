#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace vestnik::sim {

/// What APNs reads from a provider's TLS client certificate (certificate-based connections): the bundle ID in
/// the subject's UID, the extra topics of a multi-topic certificate (extension 1.2.840.113635.100.6.3.6) and
/// the environments it is for (…6.3.1 development, …6.3.2 production).
struct ApnsCertificate {
    bool isPresent = false;
    bool isTrusted = false; ///< chains to the client CA and is within its validity
    QString bundleId;
    QStringList extraTopics;
    bool isForDevelopment = false;
    bool isForProduction = false;

    /// Parses a DER certificate; `isTrusted` is the TLS layer's verdict.
    static ApnsCertificate fromDer(const QByteArray &der, bool isTrusted);

    bool isMultiTopic() const { return !extraTopics.isEmpty(); }
    bool allowsTopic(const QString &topic) const;
    bool servesEnvironment(const QString &environment) const;
};

} // namespace vestnik::sim
