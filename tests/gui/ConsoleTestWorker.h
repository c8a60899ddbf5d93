#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QSslCertificate>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace vestnik::test {

class SimProcess;

/// A real server for console tests: vestnik-sim as FCM and APNs and a vestnik-worker process on SQLite with the
/// embedded bus (roles trigger and sender), an app "shop" whose FCM credential the simulator knows, and two console
/// logins, an admin and a marketer. The console signs in to url() trusting ca(); the test prepares data with
/// call() and reads what the simulator received with simCall().
class ConsoleTestWorker final
{
public:
    /// One answer of the worker's API.
    struct Answer {
        int status = 0;
        QJsonObject json;
    };

    ConsoleTestWorker();
    ~ConsoleTestWorker();
    ConsoleTestWorker(const ConsoleTestWorker &) = delete;
    ConsoleTestWorker &operator=(const ConsoleTestWorker &) = delete;

    /// Starts both processes and sets up the app and the logins; false with a reason in error().
    bool start();
    /// Stops both (SIGTERM, then waits); true when both exited cleanly.
    bool stop();
    QString error() const { return m_error; }

    /// The worker's API, e.g. https://127.0.0.1:PORT.
    QUrl url() const { return m_url; }
    /// The CA the worker's certificate is trusted through (its api-cert.pem).
    QList<QSslCertificate> ca() const;
    static QString adminLogin();
    static QString adminPassword();
    static QString marketerLogin();
    static QString marketerPassword();
    /// The id of the app the simulator's FCM accepts pushes for.
    static QString appId();

    /// Calls the worker's API as the admin and waits for the answer (for preparing and checking data).
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    /// Creates (or updates) a user with `attributes` and registers an Android device with `token` for it;
    /// the device id, or -1.
    qint64 addUserWithDevice(const QString &userId, const QString &locale, const QJsonObject &attributes,
                             const QString &token);
    /// A call to the simulator's admin API ("/admin/deliveries?service=fcm"): its JSON.
    QJsonObject simCall(const QString &method, const QString &path);

private:
    bool fail(const QString &reason);

    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    QProcess m_worker;
    QUrl m_url;
    QByteArray m_adminToken;
    QString m_error;
};

} // namespace vestnik::test
