#pragma once

#include "security/AccessRights.h"
#include "store/ApiClientRepository.h"
#include "store/ConsoleUserRepository.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <chrono>

namespace vestnik {

class Clock;
class Database;
class PasswordHasher;
class TokenIssuer;
struct AuditEntry;

/// The rules of console logins and sessions.
struct IdentitySettings {
    int maxFailedLogins = 5;                       ///< consecutive failures that lock an account
    std::chrono::seconds lockoutDuration{15 * 60}; ///< how long a locked account refuses logins
    std::chrono::seconds refreshTokenLifetime{std::chrono::hours(24 * 7)}; ///< each refresh starts it again
    int minimumPasswordLength = 10;                                        ///< in characters
};

/// An OAuth 2.0 error response (RFC 6749 section 5.2), or a server error the caller answers with 500.
struct OAuthError {
    enum class Kind {
        InvalidRequest,
        InvalidClient,      ///< client authentication failed (401)
        InvalidGrant,       ///< wrong login/password, locked account, bad or reused refresh token
        UnauthorizedClient, ///< the client authenticated but may not get tokens (disabled)
        InvalidScope,       ///< a requested scope is unknown or not the client's
        ServerError,        ///< the store failed; the details went to the log, not to the client
    };
    Kind kind = Kind::ServerError;
    QString description; ///< safe to show to the client

    /// "invalid_client", ...
    QString code() const;
    /// 401 for invalid_client, 500 for server errors, else 400.
    int httpStatus() const;
    /// `{"error": ..., "error_description": ...}`
    QJsonObject toJson() const;
};

/// A successful token response (RFC 6749 sections 4.4.3 and 5.1).
struct TokenResponse {
    QByteArray accessToken;
    qint64 expiresIn = 0;    ///< seconds
    QStringList scopes;      ///< a service's granted scopes (empty for console users)
    QString role;            ///< a console user's role (empty for services)
    QByteArray refreshToken; ///< console logins only
    qint64 refreshExpiresIn = 0;

    /// access_token, token_type "Bearer", expires_in, and scope or refresh_token (+ refresh_expires_in) as set.
    QJsonObject toJson() const;
};

/// A client just created: the only time its secret exists outside the caller's hands.
struct IssuedClient {
    ApiClientRecord client;
    QString clientSecret; ///< 32 random bytes, base64url; only its SHA-256 is stored
};

/// The worker's identity logic over the store, with no HTTP: the client-credentials grant for services, login,
/// refresh and logout for console users, and the administration of both. Authentication events (logins,
/// lockouts, refused clients, reused refresh tokens) go to the audit log here; changes made through the
/// administration functions are audited by the caller, which knows who made them.
class IdentityService final
{
public:
    using Grant = Result<TokenResponse, OAuthError>;

    IdentityService(const Database &database, const Clock &clock, TokenIssuer &issuer, const PasswordHasher &hasher,
                    const IdentitySettings &settings = {});
    ~IdentityService();
    Q_DISABLE_COPY_MOVE(IdentityService)

    /// RFC 6749 4.4: an access token for a service. No requested scope grants all of the client's scopes.
    Grant clientCredentials(const QString &clientId, const QString &clientSecret, const QStringList &requestedScopes,
                            const QString &remoteAddress = QString());
    /// A console login: an access token with the user's role and a new refresh token (a new session). Unknown
    /// logins, wrong passwords, locked and disabled accounts all get the same invalid_grant after the same work.
    Grant login(const QString &login, const QString &password, const QString &remoteAddress);
    /// Exchanges a refresh token for a new access token and a new refresh token; the old one is spent. A spent
    /// token presented again revokes its whole session.
    Grant refresh(const QString &refreshToken, const QString &remoteAddress = QString());
    /// Ends the session of a refresh token (all tokens of its family); an unknown token is no error.
    Result<void> logout(const QString &refreshToken);

    /// Creates a console user (logins are lower-cased); InvalidArgument for a bad login or a password against
    /// the policy, Conflict when the login exists.
    Result<void> createUser(const QString &login, const QString &password, ConsoleRole role);
    /// Replaces the password, clears a lockout and ends the user's sessions.
    Result<void> setPassword(const QString &login, const QString &password);
    /// Changes the role (effective at the next login or refresh); Conflict when it would leave no admin.
    Result<void> setRole(const QString &login, ConsoleRole role);
    /// Disables the user and ends their sessions; Conflict for the last enabled admin.
    Result<void> disableUser(const QString &login);
    /// Lets a disabled user log in again (with the password they had).
    Result<void> enableUser(const QString &login);
    /// The user, or nothing.
    Result<std::optional<ConsoleUser>> findUser(const QString &login) const;
    /// The users, without password hashes.
    Result<QList<ConsoleUser>> listUsers() const;
    /// The first admin, when no user exists yet; returns whether it was created (false when users exist).
    Result<bool> bootstrapAdmin(const QString &login, const QString &password);

    /// Creates a service client with these scopes; the secret is returned here and never again.
    Result<IssuedClient> createClient(const QString &name, const QStringList &scopes);
    /// Disables a client: it gets no more tokens (those issued run out within their lifetime).
    Result<void> disableClient(const QString &clientId);
    /// The clients, without secret hashes.
    Result<QList<ApiClientRecord>> listClients() const;

    /// Deletes refresh tokens that have expired; returns how many.
    Result<int> removeExpiredRefreshTokens();

    /// Why `password` is refused for `login`, or an empty string.
    QString passwordProblem(const QString &login, const QString &password) const;
    /// The login as stored (lower case), or an empty string when it is not a valid login.
    static QString normalizedLogin(const QString &login);

private:
    Grant startSession(const ConsoleUser &user, const QString &familyId, const QByteArray *replacing,
                       const QString &remoteAddress);
    Grant refuseLogin(const QString &login, const QString &reason, const QString &remoteAddress);
    Grant serverError(const Error &error, const QString &context) const;
    Result<void> keepAnAdmin(const QString &login, const char *what) const;
    void audit(const AuditEntry &entry) const;
    Result<QString> dummyPasswordHash();

    const Database &m_database;
    const Clock &m_clock;
    TokenIssuer &m_issuer;
    const PasswordHasher &m_hasher;
    IdentitySettings m_settings;
    ConsoleUserRepository m_users;
    ApiClientRepository m_clients;

    QMutex m_dummyMutex;
    QString m_dummyHash; ///< verified against for unknown logins, so they cost what a wrong password costs
};

} // namespace vestnik
