#pragma once

#include "security/JwtKeySet.h"
#include "util/Result.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <chrono>
#include <limits>

class QNetworkAccessManager;
class QNetworkReply;

namespace vestnik {

class Clock;

/// Keeps the JWK Set of an external issuer (the company's Auth Service) fresh from its JWKS URL over
/// QNetworkAccessManager: fetched at start() and then periodically; a token signed with a `kid` the set lacks
/// may ask for a fetch (requestKey()), at most once per `unknownKeyInterval`, so forged kids cannot make it
/// hammer the issuer. A failed fetch keeps the last good set (and is logged, then retried sooner). keys() and
/// requestKey() may be called from any thread; the fetches run on this object's thread.
class RemoteJwks final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemoteJwks)

public:
    struct Options {
        QUrl url;
        QList<QSslCertificate> caCertificates; ///< empty: the system's CAs
        std::chrono::milliseconds refreshInterval{std::chrono::minutes(10)};
        std::chrono::milliseconds retryInterval{std::chrono::seconds(30)}; ///< after a failed fetch
        std::chrono::milliseconds unknownKeyInterval{std::chrono::minutes(1)};
        std::chrono::milliseconds timeout{std::chrono::seconds(10)};
        qint64 maxBytes = 1 << 20; ///< a larger answer is refused
    };

    RemoteJwks(Options options, QNetworkAccessManager &network, const Clock &clock, QObject *parent = nullptr);
    ~RemoteJwks() override;

    /// An https URL (http only on loopback) and positive intervals.
    static Result<void> validate(const Options &options);

    /// Fetches now, then every refreshInterval.
    void start();
    /// Fetches now unless a fetch is under way.
    void refresh();
    /// A token names `keyId`, which the current set lacks: fetches again unless a fetch for an unknown key
    /// was started within unknownKeyInterval. True when it asked for a fetch.
    bool requestKey(const QString &keyId);

    /// The current set (empty until the first fetch succeeds).
    JwtKeySet keys() const;
    bool hasKeys() const;
    /// Why the latest fetch failed; empty after a success.
    QString lastError() const;
    /// Fetches started so far (for tests and metrics).
    int fetchCount() const;

Q_SIGNALS:
    /// The set differs from the one before (the first load, a key added, rotated or removed).
    void keysChanged();
    /// A fetch failed; the last good set stays.
    void fetchFailed(const QString &message);
    /// A fetch succeeded (whether or not the set changed).
    void fetched();

private:
    void onReply(QNetworkReply *reply, bool timedOut);
    void fail(const QString &message);

    const Options m_options;
    QNetworkAccessManager &m_network;
    const Clock &m_clock;
    QTimer m_timer;
    QNetworkReply *m_reply = nullptr; ///< the fetch in flight
    mutable QMutex m_mutex;           ///< guards what other threads read or write below
    JwtKeySet m_keys;
    QString m_lastError;
    qint64 m_lastOnDemandMs = std::numeric_limits<qint64>::min() / 2;
    std::atomic<int> m_fetches{0};
};

} // namespace vestnik
