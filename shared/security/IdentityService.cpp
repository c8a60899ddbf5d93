#include "security/IdentityService.h"

#include "security/PasswordHasher.h"
#include "security/SecureRandom.h"
#include "security/TokenIssuer.h"
#include "store/AuditLogRepository.h"
#include "store/Database.h"
#include "store/RefreshTokenRepository.h"
#include "util/Clock.h"
#include "util/Logging.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRegularExpression>

#include <openssl/crypto.h>

namespace vestnik {

namespace {

constexpr int kSecretBytes = 32;
constexpr int kClientIdBytes = 16;
constexpr int kRefreshTokenBytes = 32;
constexpr int kFamilyIdBytes = 16;
constexpr int kMaximumPasswordLength = 1024;
constexpr int kMaximumClientNameLength = 200;
constexpr int kAuditedLoginLength = 100;

const QString kRefusedLogin = QStringLiteral("the login or the password is wrong, or the account is locked for now");
const QString kRefusedClient = QStringLiteral("client authentication failed");
const QString kRefusedRefresh = QStringLiteral("the refresh token is invalid, expired or revoked");

// Client secrets and refresh tokens are 32 random bytes we generate, not something a person chose: nobody can
// guess one, so a fast unsalted SHA-256 is enough to make a stolen table useless (a memory-hard KDF defends
// low-entropy passwords against guessing, which is not possible here) and keeps every API call cheap.
QByteArray secretHash(const QString &secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}

qint64 milliseconds(std::chrono::seconds seconds)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(seconds).count();
}

OAuthError oauthError(OAuthError::Kind kind, const QString &description)
{
    return OAuthError{kind, description};
}

} // namespace

QString OAuthError::code() const
{
    switch (kind) {
    case Kind::InvalidRequest: return QStringLiteral("invalid_request");
    case Kind::InvalidClient: return QStringLiteral("invalid_client");
    case Kind::InvalidGrant: return QStringLiteral("invalid_grant");
    case Kind::UnauthorizedClient: return QStringLiteral("unauthorized_client");
    case Kind::InvalidScope: return QStringLiteral("invalid_scope");
    case Kind::ServerError: return QStringLiteral("server_error");
    }
    return QStringLiteral("server_error");
}

int OAuthError::httpStatus() const
{
    switch (kind) {
    case Kind::InvalidClient: return 401;
    case Kind::ServerError: return 500;
    default: return 400;
    }
}

QJsonObject OAuthError::toJson() const
{
    return QJsonObject{{QStringLiteral("error"), code()}, {QStringLiteral("error_description"), description}};
}

QJsonObject TokenResponse::toJson() const
{
    QJsonObject json{{QStringLiteral("access_token"), QString::fromLatin1(accessToken)},
                     {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                     {QStringLiteral("expires_in"), expiresIn}};
    if (!scopes.isEmpty())
        json.insert(QStringLiteral("scope"), scopes.join(QLatin1Char(' ')));
    if (!refreshToken.isEmpty()) {
        json.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refreshToken));
        json.insert(QStringLiteral("refresh_expires_in"), refreshExpiresIn);
    }
    return json;
}

IdentityService::IdentityService(const Database &database, const Clock &clock, TokenIssuer &issuer,
                                 const PasswordHasher &hasher, const IdentitySettings &settings)
    : m_database(database),
      m_clock(clock),
      m_issuer(issuer),
      m_hasher(hasher),
      m_settings(settings),
      m_users(database, clock),
      m_clients(database, clock)
{}

IdentityService::~IdentityService() = default;

QString IdentityService::normalizedLogin(const QString &login)
{
    static const QRegularExpression valid(QStringLiteral(R"(^[a-z0-9][a-z0-9._@+-]{0,63}$)"));
    const QString lower = login.toLower();
    return valid.match(lower).hasMatch() ? lower : QString();
}

QString IdentityService::passwordProblem(const QString &login, const QString &password) const
{
    const qsizetype length = password.toUcs4().size();
    if (length < m_settings.minimumPasswordLength)
        return QStringLiteral("a password needs at least %1 characters").arg(m_settings.minimumPasswordLength);
    if (length > kMaximumPasswordLength)
        return QStringLiteral("a password has at most %1 characters").arg(kMaximumPasswordLength);
    if (password.compare(login, Qt::CaseInsensitive) == 0)
        return QStringLiteral("the password must not be the login");
    return {};
}

void IdentityService::audit(const AuditEntry &entry) const
{
    // A login must not fail because its audit line could not be written; the failure is logged instead.
    if (Result<qint64> appended = AuditLogRepository(m_database, m_clock).append(entry); !appended)
        qCWarning(lcSecurity).noquote() << appended.error().toString();
}

IdentityService::Grant IdentityService::serverError(const Error &error, const QString &context) const
{
    qCWarning(lcSecurity).noquote() << context << error.toString();
    return oauthError(OAuthError::Kind::ServerError, QStringLiteral("the identity store is unavailable"));
}

Result<QString> IdentityService::dummyPasswordHash()
{
    const QMutexLocker lock(&m_dummyMutex);
    if (m_dummyHash.isEmpty()) {
        Result<QString> random = secureRandomToken(kSecretBytes);
        if (!random)
            return random.error();
        Result<QString> hash = m_hasher.hash(*random);
        if (!hash)
            return hash.error();
        m_dummyHash = *hash;
    }
    return m_dummyHash;
}

// -- the client-credentials grant

IdentityService::Grant IdentityService::clientCredentials(const QString &clientId, const QString &clientSecret,
                                                          const QStringList &requestedScopes,
                                                          const QString &remoteAddress)
{
    if (clientId.isEmpty() || clientSecret.isEmpty())
        return oauthError(OAuthError::Kind::InvalidClient, kRefusedClient);
    Result<std::optional<ApiClientRepository::Credentials>> stored = m_clients.credentials(clientId);
    if (!stored)
        return serverError(stored.error(), QStringLiteral("client credentials:"));
    const QByteArray presented = secretHash(clientSecret);
    const bool matches =
        stored->has_value() && (*stored)->secretHash.size() == presented.size()
        && CRYPTO_memcmp(presented.constData(), (*stored)->secretHash.constData(), size_t(presented.size())) == 0;
    if (!matches) {
        audit(
            AuditEntry{0, 0, clientId.left(kAuditedLoginLength), AuditActorKind::Service,
                       QStringLiteral("client.authentication_failed"), clientId.left(kAuditedLoginLength),
                       QJsonObject{{QStringLiteral("reason"), stored->has_value() ? QStringLiteral("wrong_secret")
                                                                                  : QStringLiteral("unknown_client")}},
                       remoteAddress});
        return oauthError(OAuthError::Kind::InvalidClient, kRefusedClient);
    }
    const ApiClientRecord &client = (*stored)->client;
    if (client.isDisabled())
        return oauthError(OAuthError::Kind::UnauthorizedClient, QStringLiteral("the client is disabled"));

    QStringList granted;
    for (const QString &scope : requestedScopes) {
        if (!client.scopes.contains(scope))
            return oauthError(OAuthError::Kind::InvalidScope,
                              QStringLiteral("scope '%1' is not granted to this client").arg(scope.left(64)));
        if (!granted.contains(scope))
            granted << scope;
    }
    if (granted.isEmpty())
        granted = client.scopes;
    Result<AccessToken> token = m_issuer.issueForClient(client.id, granted);
    if (!token)
        return serverError(token.error(), QStringLiteral("client credentials:"));
    TokenResponse response;
    response.accessToken = token->token;
    response.expiresIn = token->expiresInSeconds;
    response.scopes = granted;
    return response;
}

// -- console logins and sessions

IdentityService::Grant IdentityService::refuseLogin(const QString &login, const QString &reason,
                                                    const QString &remoteAddress)
{
    // The attempted login as typed (cut short: it is whatever the client sent), so guessing shows in the log.
    const QString actor = login.isEmpty() ? QStringLiteral("(empty)") : login.left(kAuditedLoginLength);
    audit(AuditEntry{0, 0, actor, AuditActorKind::User, QStringLiteral("login.failed"), actor,
                     QJsonObject{{QStringLiteral("reason"), reason}}, remoteAddress});
    return oauthError(OAuthError::Kind::InvalidGrant, kRefusedLogin);
}

IdentityService::Grant IdentityService::login(const QString &login, const QString &password,
                                              const QString &remoteAddress)
{
    const QString normalized = normalizedLogin(login);
    std::optional<ConsoleUserRepository::Credentials> stored;
    if (!normalized.isEmpty()) {
        Result<std::optional<ConsoleUserRepository::Credentials>> found = m_users.credentials(normalized);
        if (!found)
            return serverError(found.error(), QStringLiteral("login:"));
        stored = std::move(*found);
    }
    // Every attempt runs one derivation: an unknown login takes as long as a wrong password.
    Result<QString> expected = stored ? Result<QString>(stored->passwordHash) : dummyPasswordHash();
    if (!expected)
        return serverError(expected.error(), QStringLiteral("login:"));
    Result<bool> verified = m_hasher.verify(password, *expected);
    if (!verified)
        qCWarning(lcSecurity).noquote() << "the stored password hash of" << normalized
                                        << "does not parse:" << verified.error().message;
    const QString attempted = normalized.isEmpty() ? login : normalized;
    if (!stored) {
        // The same statement a wrong password runs, matching no row.
        if (Result<bool> counted = m_users.recordFailedLogin(normalized, m_settings.maxFailedLogins, 0); !counted)
            return serverError(counted.error(), QStringLiteral("login:"));
        return refuseLogin(attempted, QStringLiteral("unknown_login"), remoteAddress);
    }
    const ConsoleUser &user = stored->user;
    const qint64 now = m_clock.nowMs();
    if (user.isDisabled())
        return refuseLogin(attempted, QStringLiteral("disabled"), remoteAddress);
    if (user.isLockedAt(now))
        return refuseLogin(attempted, QStringLiteral("locked"), remoteAddress);
    if (!verified || !*verified) {
        Result<bool> locked = m_users.recordFailedLogin(user.login, m_settings.maxFailedLogins,
                                                        now + milliseconds(m_settings.lockoutDuration));
        if (!locked)
            return serverError(locked.error(), QStringLiteral("login:"));
        if (*locked) {
            qCWarning(lcSecurity).noquote()
                << "console user" << user.login << "locked after" << m_settings.maxFailedLogins << "failed logins";
            audit(AuditEntry{0, 0, QStringLiteral("system"), AuditActorKind::System, QStringLiteral("user.locked"),
                             user.login,
                             QJsonObject{{QStringLiteral("failed_attempts"), m_settings.maxFailedLogins},
                                         {QStringLiteral("until"), now + milliseconds(m_settings.lockoutDuration)}},
                             remoteAddress});
        }
        return refuseLogin(attempted, QStringLiteral("wrong_password"), remoteAddress);
    }

    if (Result<void> reset = m_users.recordSuccessfulLogin(user.login); !reset)
        return serverError(reset.error(), QStringLiteral("login:"));
    if (m_hasher.needsRehash(stored->passwordHash)) {
        Result<QString> upgraded = m_hasher.hash(password);
        Result<void> saved = upgraded ? m_users.setPasswordHash(user.login, *upgraded) : Result<void>(upgraded.error());
        if (!saved)
            qCWarning(lcSecurity).noquote()
                << "cannot upgrade the password hash of" << user.login << ":" << saved.error().toString();
    }
    Result<QString> family = secureRandomToken(kFamilyIdBytes);
    if (!family)
        return serverError(family.error(), QStringLiteral("login:"));
    Grant grant = startSession(user, *family, nullptr, remoteAddress);
    if (grant)
        audit(AuditEntry{
            0, 0, user.login, AuditActorKind::User, QStringLiteral("login.succeeded"), user.login, {}, remoteAddress});
    return grant;
}

IdentityService::Grant IdentityService::startSession(const ConsoleUser &user, const QString &familyId,
                                                     const QByteArray *replacing, const QString &remoteAddress)
{
    Result<QString> refreshToken = secureRandomToken(kRefreshTokenBytes);
    if (!refreshToken)
        return serverError(refreshToken.error(), QStringLiteral("session:"));
    RefreshTokenRecord record;
    record.tokenHash = secretHash(*refreshToken);
    record.login = user.login;
    record.familyId = familyId;
    record.expiresAtMs = m_clock.nowMs() + milliseconds(m_settings.refreshTokenLifetime);
    const RefreshTokenRepository tokens(m_database, m_clock);
    if (replacing) {
        Result<bool> rotated = tokens.rotate(*replacing, record);
        if (!rotated)
            return serverError(rotated.error(), QStringLiteral("refresh:"));
        if (!*rotated) {
            // Another refresh spent the token first: as good as a reuse.
            if (Result<int> revoked = tokens.revokeFamily(familyId); !revoked)
                return serverError(revoked.error(), QStringLiteral("refresh:"));
            audit(AuditEntry{0, 0, user.login, AuditActorKind::User, QStringLiteral("refresh.reused"), user.login,
                             QJsonObject{{QStringLiteral("family"), familyId}}, remoteAddress});
            return oauthError(OAuthError::Kind::InvalidGrant, kRefusedRefresh);
        }
    } else if (Result<void> inserted = tokens.insert(record); !inserted) {
        return serverError(inserted.error(), QStringLiteral("login:"));
    }
    Result<AccessToken> access = m_issuer.issueForUser(user.login, consoleRoleName(user.role));
    if (!access)
        return serverError(access.error(), QStringLiteral("session:"));
    TokenResponse response;
    response.accessToken = access->token;
    response.expiresIn = access->expiresInSeconds;
    response.role = consoleRoleName(user.role);
    response.refreshToken = refreshToken->toLatin1();
    response.refreshExpiresIn = m_settings.refreshTokenLifetime.count();
    return response;
}

IdentityService::Grant IdentityService::refresh(const QString &refreshToken, const QString &remoteAddress)
{
    if (refreshToken.isEmpty())
        return oauthError(OAuthError::Kind::InvalidRequest, QStringLiteral("refresh_token is missing"));
    const RefreshTokenRepository tokens(m_database, m_clock);
    // Looked up by hash: the database compares hashes of a secret nobody knows, so its timing tells nothing.
    const QByteArray hash = secretHash(refreshToken);
    Result<std::optional<RefreshTokenRecord>> found = tokens.find(hash);
    if (!found)
        return serverError(found.error(), QStringLiteral("refresh:"));
    if (!found->has_value())
        return oauthError(OAuthError::Kind::InvalidGrant, kRefusedRefresh);
    const RefreshTokenRecord &record = **found;
    if (record.revokedAtMs) {
        if (record.wasRotated()) {
            Result<int> revoked = tokens.revokeFamily(record.familyId);
            if (!revoked)
                return serverError(revoked.error(), QStringLiteral("refresh:"));
            qCWarning(lcSecurity).noquote()
                << "a spent refresh token of" << record.login << "was presented again; its session is revoked";
            audit(AuditEntry{
                0, 0, record.login, AuditActorKind::User, QStringLiteral("refresh.reused"), record.login,
                QJsonObject{{QStringLiteral("family"), record.familyId}, {QStringLiteral("revoked"), *revoked}},
                remoteAddress});
        }
        return oauthError(OAuthError::Kind::InvalidGrant, kRefusedRefresh);
    }
    if (record.expiresAtMs <= m_clock.nowMs())
        return oauthError(OAuthError::Kind::InvalidGrant, kRefusedRefresh);
    Result<std::optional<ConsoleUser>> user = m_users.find(record.login);
    if (!user)
        return serverError(user.error(), QStringLiteral("refresh:"));
    if (!user->has_value() || (*user)->isDisabled()) {
        if (Result<int> revoked = tokens.revokeFamily(record.familyId); !revoked)
            return serverError(revoked.error(), QStringLiteral("refresh:"));
        return oauthError(OAuthError::Kind::InvalidGrant, kRefusedRefresh);
    }
    return startSession(**user, record.familyId, &hash, remoteAddress);
}

Result<void> IdentityService::logout(const QString &refreshToken)
{
    const RefreshTokenRepository tokens(m_database, m_clock);
    Result<std::optional<RefreshTokenRecord>> found = tokens.find(secretHash(refreshToken));
    if (!found)
        return found.error();
    if (!found->has_value())
        return {};
    Result<int> revoked = tokens.revokeFamily((*found)->familyId);
    if (!revoked)
        return revoked.error();
    return {};
}

Result<int> IdentityService::removeExpiredRefreshTokens()
{
    return RefreshTokenRepository(m_database, m_clock).removeExpired(m_clock.nowMs());
}

// -- administration

Result<void> IdentityService::createUser(const QString &login, const QString &password, ConsoleRole role)
{
    const QString normalized = normalizedLogin(login);
    if (normalized.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a login is 1 to 64 letters, digits and . _ @ + -, starting with a letter or "
                                        "digit"));
    if (const QString problem = passwordProblem(normalized, password); !problem.isEmpty())
        return makeError(ErrorCode::InvalidArgument, problem);
    Result<QString> hash = m_hasher.hash(password);
    if (!hash)
        return hash.error();
    return m_users.create(normalized, *hash, role);
}

Result<void> IdentityService::setPassword(const QString &login, const QString &password)
{
    const QString normalized = normalizedLogin(login);
    if (const QString problem = passwordProblem(normalized, password); !problem.isEmpty())
        return makeError(ErrorCode::InvalidArgument, problem);
    Result<QString> hash = m_hasher.hash(password);
    if (!hash)
        return hash.error();
    if (Result<void> saved = m_users.setPasswordHash(normalized, *hash); !saved)
        return saved;
    // Whoever knew the old password may hold a session: every session of the user ends.
    Result<int> revoked = RefreshTokenRepository(m_database, m_clock).revokeForLogin(normalized);
    if (!revoked)
        return revoked.error();
    return {};
}

Result<void> IdentityService::keepAnAdmin(const QString &login, const char *what) const
{
    Result<std::optional<ConsoleUser>> user = m_users.find(login);
    if (!user)
        return user.error();
    if (!user->has_value())
        return makeError(ErrorCode::NotFound, QStringLiteral("no console user %1").arg(login));
    if ((*user)->role != ConsoleRole::Admin || (*user)->isDisabled())
        return {};
    Result<qint64> admins = m_users.activeAdminCount();
    if (!admins)
        return admins.error();
    if (*admins <= 1)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 is the last enabled admin; %2 would leave nobody to administer Vestnik")
                             .arg(login, QLatin1String(what)));
    return {};
}

Result<void> IdentityService::setRole(const QString &login, ConsoleRole role)
{
    const QString normalized = normalizedLogin(login);
    if (role != ConsoleRole::Admin) {
        if (Result<void> kept = keepAnAdmin(normalized, "changing the role"); !kept)
            return kept;
    }
    return m_users.setRole(normalized, role);
}

Result<void> IdentityService::disableUser(const QString &login)
{
    const QString normalized = normalizedLogin(login);
    if (Result<void> kept = keepAnAdmin(normalized, "disabling it"); !kept)
        return kept;
    Result<bool> disabled = m_users.disable(normalized);
    if (!disabled)
        return disabled.error();
    Result<int> revoked = RefreshTokenRepository(m_database, m_clock).revokeForLogin(normalized);
    if (!revoked)
        return revoked.error();
    return {};
}

Result<void> IdentityService::enableUser(const QString &login)
{
    Result<bool> enabled = m_users.enable(normalizedLogin(login));
    if (!enabled)
        return enabled.error();
    return {};
}

Result<std::optional<ConsoleUser>> IdentityService::findUser(const QString &login) const
{
    return m_users.find(normalizedLogin(login));
}

Result<QList<ConsoleUser>> IdentityService::listUsers() const
{
    return m_users.list();
}

Result<bool> IdentityService::bootstrapAdmin(const QString &login, const QString &password)
{
    Result<qint64> users = m_users.count();
    if (!users)
        return users.error();
    if (*users > 0)
        return false;
    Result<void> created = createUser(login, password, ConsoleRole::Admin);
    // Another worker starting at the same time with the same configuration got there first.
    if (!created && created.error().code == ErrorCode::Conflict)
        return false;
    if (!created)
        return created.error();
    audit(AuditEntry{0, 0, QStringLiteral("system"), AuditActorKind::System, QStringLiteral("user.bootstrap"),
                     normalizedLogin(login), QJsonObject{{QStringLiteral("role"), consoleRoleName(ConsoleRole::Admin)}},
                     QString()});
    qCInfo(lcSecurity).noquote() << "created the first console admin" << normalizedLogin(login);
    return true;
}

Result<IssuedClient> IdentityService::createClient(const QString &name, const QStringList &scopes)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > kMaximumClientNameLength)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("a client needs a name of 1 to %1 characters").arg(kMaximumClientNameLength));
    if (scopes.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a client needs at least one scope (one of %1)")
                                                         .arg(serviceScopes().join(QStringLiteral(", "))));
    QStringList granted;
    for (const QString &scope : scopes) {
        if (!isServiceScope(scope))
            return makeError(ErrorCode::InvalidArgument,
                             QStringLiteral("unknown scope '%1'; known are %2")
                                 .arg(scope.left(64), serviceScopes().join(QStringLiteral(", "))));
        if (!granted.contains(scope))
            granted << scope;
    }
    Result<QString> id = secureRandomToken(kClientIdBytes);
    Result<QString> secret = secureRandomToken(kSecretBytes);
    if (!id || !secret)
        return !id ? id.error() : secret.error();
    IssuedClient issued;
    issued.client.id = *id;
    issued.client.name = trimmed;
    issued.client.scopes = granted;
    issued.client.createdAtMs = m_clock.nowMs();
    issued.clientSecret = *secret;
    if (Result<void> created = m_clients.create(issued.client, secretHash(*secret)); !created)
        return created.error();
    return issued;
}

Result<void> IdentityService::disableClient(const QString &clientId)
{
    Result<bool> disabled = m_clients.disable(clientId);
    if (!disabled)
        return disabled.error();
    return {};
}

Result<QList<ApiClientRecord>> IdentityService::listClients() const
{
    return m_clients.list();
}

} // namespace vestnik
