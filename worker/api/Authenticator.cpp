#include "api/Authenticator.h"

#include "security/Jwt.h"
#include "security/JwtVerifier.h"

namespace vestnik {

namespace {

AuthFailure invalid(QString description)
{
    return AuthFailure{AuthFailure::Kind::InvalidToken, std::move(description)};
}

/// Claim values end up in messages: printable ASCII only, and not too much of it.
QString printable(const QString &text)
{
    QString out;
    for (const QChar c : text.left(100))
        out += c.unicode() >= 0x20 && c.unicode() < 0x7f ? c : QLatin1Char('?');
    return out;
}

} // namespace

Authenticator::Authenticator(const Clock &clock) : m_clock(clock) {}

Result<void> Authenticator::addIssuer(TrustedIssuer issuer)
{
    if (issuer.issuer.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a trusted issuer needs its `iss` value"));
    if (issuer.audiences.isEmpty())
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("trusted issuer %1 needs at least one audience: without one, tokens it "
                                        "issued for other services would be accepted")
                             .arg(issuer.issuer));
    if (!issuer.keys)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("trusted issuer %1 has no source of keys").arg(issuer.issuer));
    for (TrustedIssuer &existing : m_issuers) {
        if (existing.issuer == issuer.issuer) {
            existing = std::move(issuer);
            return {};
        }
    }
    m_issuers.append(std::move(issuer));
    return {};
}

QStringList Authenticator::issuers() const
{
    QStringList names;
    for (const TrustedIssuer &issuer : m_issuers)
        names << issuer.issuer;
    return names;
}

Result<Principal, AuthFailure> Authenticator::authenticate(const QByteArray &authorization) const
{
    const QByteArray value = authorization.trimmed();
    const qsizetype space = value.indexOf(' ');
    const QByteArray scheme = space < 0 ? value : value.left(space);
    if (value.isEmpty() || scheme.compare("Bearer", Qt::CaseInsensitive) != 0)
        return AuthFailure{AuthFailure::Kind::MissingCredentials,
                           QStringLiteral("this needs an access token: Authorization: Bearer <token>")};
    const QByteArray token = space < 0 ? QByteArray() : value.mid(space + 1).trimmed();
    if (token.isEmpty())
        return invalid(QStringLiteral("the Bearer token is empty"));
    return principalOf(token);
}

Result<Principal, AuthFailure> Authenticator::principalOf(const QByteArray &token) const
{
    // The unverified claims only choose whose keys and rules judge the token; nothing else is read from them
    // before the signature holds.
    Result<Jwt> parsed = Jwt::parse(token);
    if (!parsed)
        return invalid(QStringLiteral("the token is malformed"));
    const QString issuerName = parsed->stringClaim(QStringLiteral("iss"));
    const auto trusted = std::find_if(m_issuers.cbegin(), m_issuers.cend(),
                                      [&issuerName](const TrustedIssuer &i) { return i.issuer == issuerName; });
    if (issuerName.isEmpty())
        return invalid(QStringLiteral("the token names no issuer"));
    if (trusted == m_issuers.cend())
        return invalid(QStringLiteral("issuer %1 is not trusted").arg(printable(issuerName)));

    JwtVerifier verifier(m_clock);
    verifier.setKeys(trusted->keys());
    JwtVerifier::Rules rules;
    rules.issuer = trusted->issuer;
    rules.audiences = trusted->audiences;
    rules.leeway = trusted->leeway;
    rules.maxLifetime = trusted->maxLifetime;
    verifier.setRules(rules);
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    Result<Jwt> verified = verifier.verify(token, &failure);
    if (!verified) {
        switch (failure) {
        case JwtVerifier::Failure::Expired: return invalid(QStringLiteral("the token expired"));
        case JwtVerifier::Failure::NotYetValid: return invalid(QStringLiteral("the token is not valid yet"));
        case JwtVerifier::Failure::UnknownKey:
            if (trusted->unknownKey)
                trusted->unknownKey(parsed->keyId());
            return invalid(QStringLiteral("the token's key is not one of %1's keys").arg(trusted->issuer));
        case JwtVerifier::Failure::AlgorithmNotAllowed:
            return invalid(QStringLiteral("the token's algorithm is not the one its key is pinned to"));
        case JwtVerifier::Failure::WrongAudience:
            return invalid(QStringLiteral("the token is not meant for this service (audience)"));
        default: return invalid(QStringLiteral("the token was refused: %1").arg(JwtVerifier::failureName(failure)));
        }
    }

    Principal principal;
    principal.issuer = trusted->issuer;
    principal.subject = verified->stringClaim(QStringLiteral("sub"));
    if (principal.subject.isEmpty())
        return invalid(QStringLiteral("the token names no subject"));
    const QJsonValue role = verified->claims().value(QStringLiteral("role"));
    if (!role.isUndefined()) {
        const std::optional<Principal::Role> known = roleFromName(role.toString());
        if (!known)
            return invalid(QStringLiteral("role %1 is not one of admin, marketer, analyst")
                               .arg(printable(role.isString() ? role.toString() : QStringLiteral("(not a string)"))));
        principal.kind = Principal::Kind::User;
        principal.role = *known;
        return principal;
    }
    principal.kind = Principal::Kind::Service;
    principal.scopes = verified->scopes();
    return principal;
}

} // namespace vestnik
