#pragma once

#include "util/Result.h"

#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace vestnik {

/// The certificate (with its chain) and private key the API serves over TLS: the operator's PEM files, or a
/// self-signed EC P-256 certificate the worker makes for itself on first start (SANs localhost, 127.0.0.1,
/// ::1 and the host name) and keeps in its data directory, so clients can pin its fingerprint.
class TlsIdentity final
{
public:
    /// File names of the self-signed pair in the data directory.
    static constexpr const char *kCertificateFile = "api-cert.pem";
    static constexpr const char *kKeyFile = "api-key.pem";

    /// Loads a PEM certificate (leaf first, then its chain) and its unencrypted PEM private key (EC or RSA).
    /// InvalidConfig naming the file for unreadable or mismatched files.
    static Result<TlsIdentity> fromFiles(const QString &certificateFile, const QString &keyFile);
    /// The self-signed pair in `directory`: loaded if there, generated (key file mode 0600) if missing or
    /// expired. wasGenerated() tells which.
    static Result<TlsIdentity> loadOrCreateSelfSigned(const QString &directory, const QString &hostName);
    /// A new self-signed certificate for `hostName`, valid from an hour before `now` for 825 days.
    static Result<TlsIdentity> generateSelfSigned(const QString &hostName, const QDateTime &now);

    const QSslCertificate &certificate() const { return m_chain.constFirst(); }
    const QList<QSslCertificate> &chain() const { return m_chain; }
    const QSslKey &privateKey() const { return m_key; }
    /// SHA-256 of the certificate (DER) as "AB:CD:...".
    QString fingerprint() const;
    bool wasGenerated() const { return m_generated; }

    /// Server configuration: this identity, TLS 1.2 or later, ALPN http/1.1, no client certificates.
    QSslConfiguration serverConfiguration() const;

private:
    TlsIdentity() = default;
    /// Parses PEM text of both and checks that the key belongs to the certificate.
    static Result<TlsIdentity> fromPem(const QByteArray &certificatePem, const QByteArray &keyPem,
                                       const QString &certificateName, const QString &keyName);

    QList<QSslCertificate> m_chain;
    QSslKey m_key;
    QByteArray m_certificatePem;
    QByteArray m_keyPem;
    bool m_generated = false;
};

/// SHA-256 fingerprint of a certificate as "AB:CD:..." (what the worker prints on start).
QString certificateFingerprint(const QSslCertificate &certificate);

} // namespace vestnik
