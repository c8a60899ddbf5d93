#pragma once

#include "security/JwtKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>

#include <chrono>

namespace vestnik {

class Clock;

/// The ES256 provider token (JWT) APNs token-based authentication needs: `{alg: ES256, kid}` and
/// `{iss: team id, iat}`, signed with the team's .p8 key. APNs refuses tokens older than an hour and answers
/// TooManyProviderTokenUpdates when a connection sees them change more often than every 20 minutes, so a token
/// is reused for `refreshAfter` (50 minutes by default, clamped to 20..55) and never replaced sooner than 20
/// minutes after it was made, not even when APNs calls it expired.
class ApnsProviderToken final
{
public:
    static constexpr std::chrono::minutes kMinimumAge{20};
    static constexpr std::chrono::minutes kMaximumAge{55};

    /// `p8Pem`: the PKCS#8 EC P-256 key Apple hands out (AuthKey_<keyid>.p8).
    static Result<ApnsProviderToken> fromP8(const QByteArray &p8Pem, QString teamId, QString keyId, const Clock &clock,
                                            std::chrono::minutes refreshAfter = std::chrono::minutes(50));

    /// The token to send now (made or renewed as needed).
    Result<QByteArray> current();
    /// APNs rejected `token` as expired or invalid: the next current() makes a new one if the rules allow.
    void rejected(const QByteArray &token);

    const QString &teamId() const { return m_teamId; }
    const QString &keyId() const { return m_keyId; }
    /// Tokens made so far.
    int issued() const { return m_issued; }

private:
    ApnsProviderToken(JwtKey key, QString teamId, QString keyId, const Clock &clock, std::chrono::minutes refreshAfter);

    JwtKey m_key;
    QString m_teamId;
    QString m_keyId;
    const Clock *m_clock;
    std::chrono::minutes m_refreshAfter;
    QByteArray m_token;
    qint64 m_issuedAtMs = 0;
    bool m_rejected = false;
    int m_issued = 0;
};

} // namespace vestnik
