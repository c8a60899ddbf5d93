#pragma once

#include "util/Result.h"

#include <QString>
#include <QStringList>

#include <memory>

struct evp_pkey_st;
struct x509_st;

namespace vestnik::sim {

/// The simulator's throw-away certificate authority: created on first start in the data directory
/// (ca.pem, ca.key), reused afterwards, and the issuer of the server certificate (server.pem, server.key)
/// that the TLS listeners present. Clients trust ca.pem.
class CertificateAuthority final
{
public:
    ~CertificateAuthority();
    CertificateAuthority(CertificateAuthority &&other) noexcept;
    CertificateAuthority &operator=(CertificateAuthority &&other) noexcept;

    /// Loads `<directory>/ca.pem` and `ca.key`, creating both (and the directory) when absent.
    static Result<CertificateAuthority> loadOrCreate(const QString &directory);

    /// Makes sure `<directory>/server.pem` (leaf + CA) and `server.key` exist, are issued by this CA, cover
    /// every name in `names` (DNS names or IP addresses) and stay valid for at least a day; re-issues them
    /// otherwise.
    Result<void> ensureServerCertificate(const QStringList &names) const;

    QString certificatePath() const;
    QString keyPath() const;
    QString serverCertificatePath() const;
    QString serverKeyPath() const;

private:
    CertificateAuthority() = default;

    QString m_directory;
    std::unique_ptr<evp_pkey_st, void (*)(evp_pkey_st *)> m_key{nullptr, nullptr};
    std::unique_ptr<x509_st, void (*)(x509_st *)> m_certificate{nullptr, nullptr};
};

} // namespace vestnik::sim
