#pragma once

#include "TestResults.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace vestnik::test {

/// The shipped vestnik-sim binary, started the way a user starts it (ports 0, its own data directory), with
/// the URLs of its readiness line.
class SimProcess final
{
public:
    explicit SimProcess(const QString &dataDir);
    ~SimProcess();
    SimProcess(const SimProcess &) = delete;
    SimProcess &operator=(const SimProcess &) = delete;

    /// Starts it with `arguments` (after --data-dir and port 0 for every listener); false with a reason in
    /// error() when it exits or prints no readiness line within 20 s.
    bool start(const QStringList &arguments);
    /// SIGTERM and wait; the exit code (or -1).
    int stop();
    /// Waits up to 15 s for it to exit after a signal the test sent itself; the exit code, or -1 when it is still
    /// running or was killed. Signalling it again instead (stop()) could meet its default handler, restored as it
    /// exits.
    int waitForExit();

    QUrl google;
    QUrl apns;
    QUrl auth;
    QUrl admin;
    QString caPath;
    QString error() const { return m_error; }
    qint64 processId() const { return m_process.processId(); }
    QByteArray standardError();

private:
    QString m_dataDir;
    QProcess m_process;
    QString m_error;
    QByteArray m_stderr;
};

/// One HTTP exchange made by an independent client (curl or nghttp).
struct HttpExchange {
    int status = 0;
    QString httpVersion;                   ///< "2" for HTTP/2
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
    QByteArray diagnostics;  ///< the client's stderr / verbose output
    int newConnections = -1; ///< connections curl opened for this exchange (0: it reused one)
    QJsonObject json() const;
};

/// Runs curl (HTTP/2 over TLS, trusting `caPath`) with extra arguments, e.g. {"-d", body, "-H", "...", url}.
HttpExchange curl(const QString &caPath, const QStringList &arguments);
/// Several exchanges in one curl run (`--next`), so that they share a connection when curl can reuse it.
QList<HttpExchange> curlSequence(const QString &caPath, const QList<QStringList> &transfers);
/// JSON from an admin URL via curl (HTTP/1.1, plain); method GET, PUT, PATCH or DELETE.
HttpExchange adminCall(const QUrl &admin, const QString &method, const QString &path, const QByteArray &body = {});

/// Runs a command; its exit code, stdout in `out`.
int run(const QString &program, const QStringList &arguments, QByteArray *out = nullptr, QByteArray *err = nullptr,
        const QByteArray &input = {});

/// Key material and JWTs made with the openssl command-line tool, independent of the code under test.
class OpenSslTool final
{
public:
    explicit OpenSslTool(const QString &directory) : m_directory(directory) {}

    /// A new RSA 2048 or EC P-256 private key (PKCS#8 PEM) at <directory>/<name>; its path, empty on failure.
    QString generateRsaKey(const QString &name) const;
    QString generateEcKey(const QString &name) const;
    /// A compact JWS: base64url(header).base64url(claims).signature, signed with `keyPath` (RS256 or ES256).
    QByteArray signJwt(const QString &keyPath, const QJsonObject &header, const QJsonObject &claims) const;
    /// A certificate for `keyPath` signed by caCert/caKey, with extra `-addext` lines; its path.
    QString issueCertificate(const QString &name, const QString &keyPath, const QString &subject,
                             const QString &caCertificate, const QString &caKey, const QStringList &extensions) const;

private:
    QString m_directory;
};

/// A JWT-bearer grant assertion for a service account (RS256, kid `keyId`, FCM scope, aud Google's token URL,
/// iat 10 s ago and exp an hour later, as golang/oauth2 makes them); `claims` override or add claims.
QByteArray serviceAccountAssertion(const OpenSslTool &openssl, const QString &keyPath, const QString &clientEmail,
                                   const QString &keyId, const QJsonObject &claims = {});

/// An FCM access token from the simulator's OAuth endpoint for the account of `keyPath` / `clientEmail`
/// (JWT-bearer grant signed with the openssl tool); empty on failure.
QByteArray googleAccessToken(const SimProcess &sim, const OpenSslTool &openssl, const QString &keyPath,
                             const QString &clientEmail);

/// A Google service-account key file for `keyPath` (what the Firebase console hands out).
QByteArray serviceAccountJson(const QString &keyPath, const QString &clientEmail, const QString &projectId,
                              const QString &keyId, const QString &tokenUri);

/// base64url without padding.
QByteArray base64Url(const QByteArray &data);

} // namespace vestnik::test
