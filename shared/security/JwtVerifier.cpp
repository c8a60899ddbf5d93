#include "security/JwtVerifier.h"

#include "util/Clock.h"

namespace vestnik {

namespace {

Error refuse(JwtVerifier::Failure cause, JwtVerifier::Failure *failure, const QString &message)
{
    if (failure)
        *failure = cause;
    return makeError(ErrorCode::InvalidArgument, message);
}

} // namespace

QString JwtVerifier::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None: return QStringLiteral("none");
    case Failure::Malformed: return QStringLiteral("malformed");
    case Failure::AlgorithmNotAllowed: return QStringLiteral("algorithm_not_allowed");
    case Failure::UnknownKey: return QStringLiteral("unknown_key");
    case Failure::BadSignature: return QStringLiteral("bad_signature");
    case Failure::MissingClaim: return QStringLiteral("missing_claim");
    case Failure::Expired: return QStringLiteral("expired");
    case Failure::NotYetValid: return QStringLiteral("not_yet_valid");
    case Failure::TooLongLived: return QStringLiteral("too_long_lived");
    case Failure::WrongIssuer: return QStringLiteral("wrong_issuer");
    case Failure::WrongAudience: return QStringLiteral("wrong_audience");
    case Failure::MissingScope: return QStringLiteral("missing_scope");
    }
    return QStringLiteral("unknown");
}

JwtVerifier::JwtVerifier(const Clock &clock) : m_clock(clock) {}

Result<Jwt> JwtVerifier::verify(const QByteArray &compact, Failure *failure) const
{
    if (failure)
        *failure = Failure::None;
    Result<Jwt> parsed = Jwt::parse(compact);
    if (!parsed)
        return refuse(Failure::Malformed, failure, parsed.error().message);
    const Jwt &jwt = *parsed;

    const JwtKey *key = m_keys.find(jwt.keyId());
    if (!key)
        return refuse(Failure::UnknownKey, failure, QStringLiteral("no key with kid '%1'").arg(jwt.keyId()));
    if (jwt.algorithmName() != jwtAlgorithmName(key->algorithm()))
        return refuse(Failure::AlgorithmNotAllowed, failure,
                      QStringLiteral("algorithm '%1' is not allowed for key '%2' (pinned to %3)")
                          .arg(jwt.algorithmName(), key->keyId(), jwtAlgorithmName(key->algorithm())));
    if (!key->verify(jwt.signingInput(), jwt.signature()))
        return refuse(Failure::BadSignature, failure, QStringLiteral("the signature does not verify"));

    const qint64 now = m_clock.nowMs() / 1000;
    const qint64 leeway = m_rules.leeway.count();
    const std::optional<qint64> exp = jwt.integerClaim(QStringLiteral("exp"));
    const std::optional<qint64> iat = jwt.integerClaim(QStringLiteral("iat"));
    const std::optional<qint64> nbf = jwt.integerClaim(QStringLiteral("nbf"));
    if ((m_rules.requireExpiry && !exp) || (m_rules.requireIssuedAt && !iat))
        return refuse(Failure::MissingClaim, failure,
                      QStringLiteral("claim '%1' is missing or not a number")
                          .arg(!exp && m_rules.requireExpiry ? QStringLiteral("exp") : QStringLiteral("iat")));
    if (exp && *exp + leeway <= now)
        return refuse(Failure::Expired, failure, QStringLiteral("the token expired at %1").arg(*exp));
    if ((nbf && *nbf - leeway > now) || (iat && *iat - leeway > now))
        return refuse(Failure::NotYetValid, failure, QStringLiteral("the token is not valid yet"));
    if (m_rules.maxLifetime.count() > 0 && exp && iat && *exp - *iat > m_rules.maxLifetime.count())
        return refuse(Failure::TooLongLived, failure,
                      QStringLiteral("the token lives %1 s, at most %2 s are allowed")
                          .arg(*exp - *iat)
                          .arg(m_rules.maxLifetime.count()));
    if (!m_rules.issuer.isEmpty() && jwt.stringClaim(QStringLiteral("iss")) != m_rules.issuer)
        return refuse(
            Failure::WrongIssuer, failure,
            QStringLiteral("issuer '%1' is not '%2'").arg(jwt.stringClaim(QStringLiteral("iss")), m_rules.issuer));
    if (!m_rules.audiences.isEmpty()) {
        const QStringList audiences = jwt.audiences();
        const bool matches = std::any_of(audiences.begin(), audiences.end(),
                                         [this](const QString &aud) { return m_rules.audiences.contains(aud); });
        if (!matches)
            return refuse(Failure::WrongAudience, failure,
                          QStringLiteral("audience '%1' is not accepted").arg(audiences.join(QLatin1Char(' '))));
    }
    if (!m_rules.anyOfScopes.isEmpty()) {
        const QStringList scopes = jwt.scopes();
        const bool matches = std::any_of(scopes.begin(), scopes.end(),
                                         [this](const QString &scope) { return m_rules.anyOfScopes.contains(scope); });
        if (!matches)
            return refuse(
                Failure::MissingScope, failure,
                QStringLiteral("none of the scopes %1 was granted").arg(m_rules.anyOfScopes.join(QLatin1Char(' '))));
    }
    return parsed;
}

} // namespace vestnik
