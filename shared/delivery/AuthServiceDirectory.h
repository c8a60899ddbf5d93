#pragma once

#include "delivery/CircuitBreaker.h"
#include "delivery/DeviceDirectory.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <deque>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace vestnik {

class AccessTokenSource;
class Clock;

/// The device directory of the company's Auth Service: `GET {base}/v1/users/{id}/devices` with an OAuth 2
/// bearer token from an AccessTokenSource (client credentials). The users of a batch are looked up in
/// parallel (a bound on requests in flight; a user asked for twice is fetched once), answers (also "no such
/// user") are cached for a short time, a 401 is retried once with a fresh token, other failures once; when the
/// retry fails too a circuit opens and look-ups fail at once, with a message that says so, until a probe after
/// the cool-down succeeds (look-ups asked for meanwhile wait for its verdict). Every request has a deadline.
/// Lives on one thread; callbacks come on it.
///
/// The Auth Service's devices carry no Vestnik id. A device's id is derived from its app and token
/// (deviceIdFor()) so that deliveries and their notification ids stay stable across look-ups and restarts;
/// the ids are negative, apart from the registry's. Its app is the Auth Service's `app` value, which must be
/// the id of an app configured in Vestnik.
class AuthServiceDirectory final : public QObject, public DeviceDirectory
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuthServiceDirectory)

public:
    struct Settings {
        QUrl baseUrl;                                                 ///< the Auth Service; a path prefix is kept
        QList<QSslCertificate> caCertificates;                        ///< empty: the system's CAs
        std::chrono::milliseconds cacheTtl{std::chrono::seconds(30)}; ///< 0: no cache
        std::chrono::milliseconds timeout{std::chrono::seconds(5)};   ///< per request, connecting included
        int maxConcurrentRequests = 16;
        std::chrono::milliseconds circuitCoolDown{std::chrono::seconds(30)};
        int maxCachedUsers = 100'000; ///< beyond this the cache is emptied of expired (then all) entries
    };

    /// Since start, for metrics and tests.
    struct Counters {
        qint64 requests = 0;       ///< HTTP requests sent (retries included)
        qint64 cacheHits = 0;      ///< users answered from the cache
        qint64 unknownUsers = 0;   ///< 404 answers
        qint64 failures = 0;       ///< look-ups that ended in an error
        qint64 fastFailures = 0;   ///< look-ups refused at once by the open circuit
        qint64 tokenRefreshes = 0; ///< 401 answers that made it fetch a fresh token
        int peakInFlight = 0;      ///< most requests in flight at once
    };

    /// The users the Auth Service knows, with all their devices (inactive ones too); unknown users absent.
    using Users = QHash<QString, QList<Device>>;
    using UsersCallback = std::function<void(Result<Users>)>;

    AuthServiceDirectory(Settings settings, AccessTokenSource &tokens, QNetworkAccessManager &network,
                         const Clock &clock, QObject *parent = nullptr);
    ~AuthServiceDirectory() override;

    /// An https URL (http only on loopback) and sane limits.
    static Result<void> validate(const Settings &settings);
    /// The id a device of the Auth Service is known by in Vestnik: negative and stable for (app, token).
    static qint64 deviceIdFor(const QString &appId, const QString &token);
    static bool isAuthServiceDeviceId(qint64 deviceId) { return deviceId < 0; }

    /// Looks the users up (cache first); an error when any of them could not be looked up.
    void users(const QStringList &userIds, UsersCallback callback);
    void activeDevices(const QStringList &userIds, DevicesCallback callback) override;
    /// The Auth Service cannot look a device up by id: the user's devices are fetched (or taken from the cache)
    /// and the one with this id picked. A device the service no longer lists is gone (nothing), so a retry of
    /// a push to a token the company removed is dropped rather than sent.
    void device(const QString &userId, qint64 deviceId, DeviceCallback callback) override;

    const Counters &counters() const { return m_counters; }
    CircuitBreaker::State circuitState() const;

private:
    /// One user's answer: the devices, nothing for an unknown user, or why there is none.
    using Answer = Result<std::optional<QList<Device>>>;
    using AnswerCallback = std::function<void(const Answer &)>;
    struct Lookup;
    struct CacheEntry {
        qint64 expiresAtMs = 0;
        std::optional<QList<Device>> devices;
    };

    void lookUp(const QString &userId, AnswerCallback callback);
    void pump();
    void start(const std::shared_ptr<Lookup> &lookup);
    void send(const std::shared_ptr<Lookup> &lookup, const QByteArray &token);
    void onReply(const std::shared_ptr<Lookup> &lookup, QNetworkReply *reply, bool timedOut);
    /// A failure of the service (not of the user asked for): retried once, else it counts toward the circuit.
    void serviceFailed(const std::shared_ptr<Lookup> &lookup, const QString &reason, bool tokenRefused);
    void complete(const std::shared_ptr<Lookup> &lookup, const Answer &answer);
    Result<QList<Device>> parseUser(const QString &userId, const QByteArray &body) const;
    void remember(const QString &userId, const std::optional<QList<Device>> &devices);
    QUrl urlFor(const QString &userId) const;
    QString circuitMessage() const;

    Settings m_settings;
    AccessTokenSource &m_tokens;
    QNetworkAccessManager &m_network;
    const Clock &m_clock;
    CircuitBreaker m_circuit;
    QHash<QString, CacheEntry> m_cache;
    QHash<QString, std::shared_ptr<Lookup>> m_lookups; ///< queued or in flight, by user
    std::deque<std::shared_ptr<Lookup>> m_queue;
    std::shared_ptr<Lookup> m_probe;                    ///< the look-up a half-open circuit let through
    std::deque<std::shared_ptr<Lookup>> m_heldForProbe; ///< look-ups waiting for the probe's verdict
    QList<QNetworkReply *> m_replies;                   ///< in flight, aborted on destruction
    int m_inFlight = 0;                                 ///< look-ups holding a slot (token fetch or request)
    bool m_pumping = false;
    QString m_lastFailure;
    Counters m_counters;
};

} // namespace vestnik
