// The shared JWT code (shared/security/Jwt*): signing and verifying ES256 / RS256 with pinned algorithms, PEM
// and JWK, JWK Sets and claim rules; checked against RFC 7515's example and against the openssl tool.
#include "security/Jwt.h"

#include "SimTestSupport.h"
#include "security/JwtKey.h"
#include "security/JwtKeySet.h"
#include "security/JwtVerifier.h"
#include "util/Clock.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vestnik;

namespace {

// RFC 7515 appendix A.3: the ES256 example, its key and its signed token.
const QJsonObject kRfcKey{{QStringLiteral("kty"), QStringLiteral("EC")},
                          {QStringLiteral("crv"), QStringLiteral("P-256")},
                          {QStringLiteral("x"), QStringLiteral("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")},
                          {QStringLiteral("y"), QStringLiteral("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")}};
const QByteArray kRfcToken =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

QByteArray rawToDer(const QByteArray &raw)
{
    const auto integer = [](QByteArray number) -> QByteArray {
        while (number.size() > 1 && number.at(0) == '\0' && !(uchar(number.at(1)) & 0x80))
            number.remove(0, 1);
        if (uchar(number.at(0)) & 0x80)
            number.prepend('\0');
        return QByteArray(1, '\x02') + char(number.size()) + number;
    };
    const QByteArray body = integer(raw.left(32)) + integer(raw.mid(32));
    return QByteArray(QByteArray(1, '\x30') + char(body.size()) + body);
}

} // namespace

class JwtTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void verifiesTheRfc7515Example();
    void signsAndVerifies_data();
    void signsAndVerifies();
    void keysArePinnedToTheirType();
    void pemRoundTrip();
    void jwkRoundTrip();
    void keySetFindsByKid();
    void verifierPinsTheAlgorithm();
    void verifierChecksClaims_data();
    void verifierChecksClaims();
    void interoperatesWithOpenssl();
    void parseRejectsMalformedTokens_data();
    void parseRejectsMalformedTokens();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<test::OpenSslTool> m_openssl;
};

void JwtTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_openssl = std::make_unique<test::OpenSslTool>(m_dir.path());
}

void JwtTest::verifiesTheRfc7515Example()
{
    Result<JwtKey> key = JwtKey::fromJwk(kRfcKey);
    QVERIFY2(key, test::errorText(key).constData());
    QCOMPARE(key->algorithm(), JwtAlgorithm::ES256);
    Result<Jwt> jwt = Jwt::parse(kRfcToken);
    QVERIFY(jwt);
    QCOMPARE(jwt->algorithmName(), QStringLiteral("ES256"));
    QCOMPARE(jwt->stringClaim(QStringLiteral("iss")), QStringLiteral("joe"));
    QCOMPARE(jwt->integerClaim(QStringLiteral("exp")), std::optional<qint64>(1300819380));
    QVERIFY(key->verify(jwt->signingInput(), jwt->signature()));
    QByteArray tampered = jwt->signature();
    tampered[5] = char(tampered[5] ^ 1);
    QVERIFY(!key->verify(jwt->signingInput(), tampered));

    ManualClock clock(1300819000LL * 1000);
    JwtVerifier verifier(clock);
    verifier.addKey(*key);
    QVERIFY(verifier.verify(kRfcToken));
    clock.setMs(1300819380LL * 1000 + 61'000); // past exp + leeway
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    QVERIFY(!verifier.verify(kRfcToken, &failure));
    QCOMPARE(failure, JwtVerifier::Failure::Expired);
}

void JwtTest::signsAndVerifies_data()
{
    QTest::addColumn<JwtAlgorithm>("algorithm");
    QTest::addColumn<int>("signatureSize");
    QTest::newRow("ES256") << JwtAlgorithm::ES256 << 64;
    QTest::newRow("RS256") << JwtAlgorithm::RS256 << 256;
}

void JwtTest::signsAndVerifies()
{
    QFETCH(JwtAlgorithm, algorithm);
    QFETCH(int, signatureSize);
    Result<JwtKey> key = JwtKey::generate(algorithm);
    QVERIFY(key);
    key->setKeyId(QStringLiteral("k1"));
    Result<QByteArray> token = Jwt::sign({{QStringLiteral("sub"), QStringLiteral("u1")}}, *key);
    QVERIFY(token);
    Result<Jwt> jwt = Jwt::parse(*token);
    QVERIFY(jwt);
    QCOMPARE(jwt->header().value(QStringLiteral("alg")).toString(), jwtAlgorithmName(algorithm));
    QCOMPARE(jwt->header().value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
    QCOMPARE(jwt->keyId(), QStringLiteral("k1"));
    QCOMPARE(jwt->signature().size(), signatureSize);
    QVERIFY(key->verify(jwt->signingInput(), jwt->signature()));
    QVERIFY(key->publicKey().verify(jwt->signingInput(), jwt->signature()));
    QVERIFY(!key->verify(jwt->signingInput() + "x", jwt->signature()));
    QVERIFY(!key->publicKey().sign("x")); // no private key, no signature
    // an extra header cannot change the algorithm
    Result<QByteArray> forced = Jwt::sign({}, *key, {{QStringLiteral("alg"), QStringLiteral("none")}});
    QCOMPARE(Jwt::parse(*forced)->algorithmName(), jwtAlgorithmName(algorithm));
}

void JwtTest::keysArePinnedToTheirType()
{
    Result<JwtKey> ec = JwtKey::generate(JwtAlgorithm::ES256);
    Result<JwtKey> rsa = JwtKey::generate(JwtAlgorithm::RS256);
    QVERIFY(!JwtKey::fromPem(ec->privateKeyPem(), JwtAlgorithm::RS256));
    QVERIFY(!JwtKey::fromPem(rsa->privateKeyPem(), JwtAlgorithm::ES256));
    QByteArray weak;
    QCOMPARE(test::run(QStringLiteral("openssl"),
                       {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("RSA"),
                        QStringLiteral("-pkeyopt"), QStringLiteral("rsa_keygen_bits:1024")},
                       &weak),
             0);
    Result<JwtKey> tooShort = JwtKey::fromPem(weak, JwtAlgorithm::RS256);
    QVERIFY(!tooShort);
    QVERIFY(tooShort.error().message.contains(QStringLiteral("2048")));
    QByteArray p384;
    QCOMPARE(test::run(QStringLiteral("openssl"),
                       {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
                        QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-384")},
                       &p384),
             0);
    QVERIFY(!JwtKey::fromPem(p384, JwtAlgorithm::ES256));
    QVERIFY(
        !JwtKey::fromPem("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", JwtAlgorithm::ES256));
}

void JwtTest::pemRoundTrip()
{
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    Result<JwtKey> privateAgain = JwtKey::fromPem(key->privateKeyPem(), JwtAlgorithm::ES256);
    Result<JwtKey> publicOnly = JwtKey::fromPem(key->publicKeyPem(), JwtAlgorithm::ES256);
    QVERIFY(privateAgain && privateAgain->hasPrivateKey());
    QVERIFY(publicOnly && !publicOnly->hasPrivateKey());
    QVERIFY(publicOnly->privateKeyPem().isEmpty());
    const QByteArray signature = *privateAgain->sign("input");
    QVERIFY(publicOnly->verify("input", signature));

    // a .p8 as Apple hands it out (PKCS#8 from openssl) and a certificate's public key
    const QString p8 = m_openssl->generateEcKey(QStringLiteral("AuthKey_ABC123DEFG.p8"));
    Result<JwtKey> appleKey = JwtKey::fromPemFile(p8, JwtAlgorithm::ES256);
    QVERIFY2(appleKey, test::errorText(appleKey).constData());
    const QString certificate =
        m_openssl->issueCertificate(QStringLiteral("self"), p8, QStringLiteral("/CN=x"), QString(), QString(),
                                    {QStringLiteral("basicConstraints=CA:FALSE")});
    Result<JwtKey> fromCertificate = JwtKey::fromPemFile(certificate, JwtAlgorithm::ES256);
    QVERIFY(fromCertificate && !fromCertificate->hasPrivateKey());
    QVERIFY(fromCertificate->verify("m", *appleKey->sign("m")));
    QVERIFY(!JwtKey::fromPemFile(m_dir.filePath(QStringLiteral("missing.p8")), JwtAlgorithm::ES256));
}

void JwtTest::jwkRoundTrip()
{
    for (const JwtAlgorithm algorithm : {JwtAlgorithm::ES256, JwtAlgorithm::RS256}) {
        Result<JwtKey> key = JwtKey::generate(algorithm);
        key->setKeyId(QStringLiteral("kid-7"));
        const QJsonObject jwk = key->toJwk();
        QCOMPARE(jwk.value(QStringLiteral("alg")).toString(), jwtAlgorithmName(algorithm));
        QCOMPARE(jwk.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
        QCOMPARE(jwk.value(QStringLiteral("kid")).toString(), QStringLiteral("kid-7"));
        QVERIFY(!jwk.contains(QStringLiteral("d")));
        Result<JwtKey> back = JwtKey::fromJwk(jwk);
        QVERIFY2(back, test::errorText(back).constData());
        QCOMPARE(back->keyId(), QStringLiteral("kid-7"));
        QVERIFY(back->verify("m", *key->sign("m")));
        QCOMPARE(back->toJwk(), jwk);
    }
    QCOMPARE(JwtKey::fromJwk(kRfcKey)->toJwk().value(QStringLiteral("x")), kRfcKey.value(QStringLiteral("x")));
    QJsonObject mismatched = kRfcKey;
    mismatched.insert(QStringLiteral("alg"), QStringLiteral("RS256"));
    QVERIFY(!JwtKey::fromJwk(mismatched));
    QJsonObject hmac{{QStringLiteral("kty"), QStringLiteral("oct")}, {QStringLiteral("k"), QStringLiteral("c2VjcmV0")}};
    QVERIFY(!JwtKey::fromJwk(hmac));
}

void JwtTest::keySetFindsByKid()
{
    Result<JwtKey> a = JwtKey::generate(JwtAlgorithm::ES256);
    Result<JwtKey> b = JwtKey::generate(JwtAlgorithm::RS256);
    a->setKeyId(QStringLiteral("a"));
    b->setKeyId(QStringLiteral("b"));
    JwtKeySet set;
    set.add(*a);
    set.add(*b);
    QVERIFY(!set.find(QStringLiteral("a"))->hasPrivateKey()); // only public parts are kept
    const QByteArray json = QJsonDocument(set.toJson()).toJson();
    QVERIFY(!json.contains("\"d\""));
    Result<JwtKeySet> parsed = JwtKeySet::fromJson(json);
    QVERIFY(parsed);
    QCOMPARE(parsed->keys().size(), 2);
    QCOMPARE(parsed->find(QStringLiteral("b"))->algorithm(), JwtAlgorithm::RS256);
    QVERIFY(!parsed->find(QStringLiteral("c")));
    QVERIFY(!parsed->find(QString())); // two keys: a token without kid matches none
    QVERIFY(!JwtKeySet::fromJson(R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})"));
    QVERIFY(!JwtKeySet::fromJson("[]"));
}

void JwtTest::verifierPinsTheAlgorithm()
{
    ManualClock clock;
    Result<JwtKey> rsa = JwtKey::generate(JwtAlgorithm::RS256);
    rsa->setKeyId(QStringLiteral("r"));
    JwtVerifier verifier(clock);
    verifier.addKey(*rsa);
    const QJsonObject claims{{QStringLiteral("exp"), double(clock.nowMs() / 1000 + 60)}};
    QVERIFY(verifier.verify(*Jwt::sign(claims, *rsa)));

    // alg "none" with an empty signature, and HS256 keyed with the public key: both refused before any check
    const QByteArray body = test::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    JwtVerifier::Failure failure = JwtVerifier::Failure::None;
    const QByteArray none = test::base64Url(R"({"alg":"none","kid":"r"})") + '.' + body + '.';
    QVERIFY(!verifier.verify(none, &failure));
    QCOMPARE(failure, JwtVerifier::Failure::AlgorithmNotAllowed);
    const QByteArray hs256 =
        test::base64Url(R"({"alg":"HS256","kid":"r"})") + '.' + body + '.' + test::base64Url(QByteArray(32, 'x'));
    QVERIFY(!verifier.verify(hs256, &failure));
    QCOMPARE(failure, JwtVerifier::Failure::AlgorithmNotAllowed);
    // an ES256 token claiming the RSA key's kid
    Result<JwtKey> ec = JwtKey::generate(JwtAlgorithm::ES256);
    ec->setKeyId(QStringLiteral("r"));
    QVERIFY(!verifier.verify(*Jwt::sign(claims, *ec), &failure));
    QCOMPARE(failure, JwtVerifier::Failure::AlgorithmNotAllowed);
    ec->setKeyId(QStringLiteral("unknown"));
    QVERIFY(!verifier.verify(*Jwt::sign(claims, *ec), &failure));
    QCOMPARE(failure, JwtVerifier::Failure::UnknownKey);
}

void JwtTest::verifierChecksClaims_data()
{
    QTest::addColumn<QJsonObject>("claims");
    QTest::addColumn<int>("failure");
    const double now = 1'767'225'600; // ManualClock's default
    const QJsonObject good{{QStringLiteral("iss"), QStringLiteral("https://auth.example")},
                           {QStringLiteral("aud"), QStringLiteral("vestnik")},
                           {QStringLiteral("scope"), QStringLiteral("events:write devices:read")},
                           {QStringLiteral("iat"), now},
                           {QStringLiteral("exp"), now + 300}};
    const auto with = [good](const QString &key, const QJsonValue &value) {
        QJsonObject claims = good;
        if (value.isUndefined())
            claims.remove(key);
        else
            claims.insert(key, value);
        return claims;
    };
    QTest::newRow("good") << good << int(JwtVerifier::Failure::None);
    QTest::newRow("audience list") << with(QStringLiteral("aud"),
                                           QJsonArray{QStringLiteral("x"), QStringLiteral("vestnik")})
                                   << int(JwtVerifier::Failure::None);
    QTest::newRow("expired") << with(QStringLiteral("exp"), now - 61) << int(JwtVerifier::Failure::Expired);
    QTest::newRow("expired within leeway") << with(QStringLiteral("exp"), now - 30) << int(JwtVerifier::Failure::None);
    QTest::newRow("no exp") << with(QStringLiteral("exp"), QJsonValue::Undefined)
                            << int(JwtVerifier::Failure::MissingClaim);
    QTest::newRow("no iat") << with(QStringLiteral("iat"), QJsonValue::Undefined)
                            << int(JwtVerifier::Failure::MissingClaim);
    QTest::newRow("not before") << with(QStringLiteral("nbf"), now + 120) << int(JwtVerifier::Failure::NotYetValid);
    QTest::newRow("too long") << with(QStringLiteral("exp"), now + 7200) << int(JwtVerifier::Failure::TooLongLived);
    QTest::newRow("issuer") << with(QStringLiteral("iss"), QStringLiteral("https://evil.example"))
                            << int(JwtVerifier::Failure::WrongIssuer);
    QTest::newRow("audience") << with(QStringLiteral("aud"), QStringLiteral("other"))
                              << int(JwtVerifier::Failure::WrongAudience);
    QTest::newRow("scope") << with(QStringLiteral("scope"), QStringLiteral("track:write"))
                           << int(JwtVerifier::Failure::MissingScope);
}

void JwtTest::verifierChecksClaims()
{
    QFETCH(QJsonObject, claims);
    QFETCH(int, failure);
    ManualClock clock;
    Result<JwtKey> key = JwtKey::generate(JwtAlgorithm::ES256);
    JwtVerifier verifier(clock);
    verifier.addKey(*key);
    JwtVerifier::Rules rules;
    rules.issuer = QStringLiteral("https://auth.example");
    rules.audiences = {QStringLiteral("vestnik")};
    rules.anyOfScopes = {QStringLiteral("devices:read")};
    rules.requireIssuedAt = true;
    rules.maxLifetime = std::chrono::hours(1);
    verifier.setRules(rules);
    JwtVerifier::Failure got = JwtVerifier::Failure::Malformed;
    const Result<Jwt> result = verifier.verify(*Jwt::sign(claims, *key), &got);
    QCOMPARE(int(got), failure);
    QCOMPARE(result.hasValue(), failure == int(JwtVerifier::Failure::None));
    if (!result)
        QVERIFY(!result.error().message.isEmpty());
}

void JwtTest::interoperatesWithOpenssl()
{
    // openssl signs, we verify
    const QString ecPath = m_openssl->generateEcKey(QStringLiteral("ec.pem"));
    const QString rsaPath = m_openssl->generateRsaKey(QStringLiteral("rsa.pem"));
    for (const auto &[path, alg] : {std::pair{ecPath, JwtAlgorithm::ES256}, std::pair{rsaPath, JwtAlgorithm::RS256}}) {
        const QByteArray token = m_openssl->signJwt(path, {{QStringLiteral("alg"), jwtAlgorithmName(alg)}},
                                                    {{QStringLiteral("sub"), QStringLiteral("x")}});
        Result<JwtKey> key = JwtKey::fromPemFile(path, alg);
        QVERIFY(key);
        Result<Jwt> jwt = Jwt::parse(token);
        QVERIFY(jwt);
        QVERIFY2(key->publicKey().verify(jwt->signingInput(), jwt->signature()), qPrintable(jwtAlgorithmName(alg)));

        // we sign, openssl verifies
        const QByteArray input = "header.claims";
        QByteArray signature = *key->sign(input);
        if (alg == JwtAlgorithm::ES256)
            signature = rawToDer(signature);
        QFile pub(m_dir.filePath(QStringLiteral("pub.pem")));
        QVERIFY(pub.open(QIODevice::WriteOnly));
        pub.write(key->publicKeyPem());
        pub.close();
        QFile sig(m_dir.filePath(QStringLiteral("sig.bin")));
        QVERIFY(sig.open(QIODevice::WriteOnly));
        sig.write(signature);
        sig.close();
        QByteArray out;
        QCOMPARE(test::run(QStringLiteral("openssl"),
                           {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-verify"),
                            pub.fileName(), QStringLiteral("-signature"), sig.fileName()},
                           &out, nullptr, input),
                 0);
        QVERIFY(out.contains("Verified OK"));
    }
}

void JwtTest::parseRejectsMalformedTokens_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("two parts") << QByteArray("eyJhbGciOiJFUzI1NiJ9.eyJ9");
    QTest::newRow("four parts") << QByteArray("a.b.c.d");
    QTest::newRow("header not JSON") << QByteArray("bm90IGpzb24.e30.c2ln");
    QTest::newRow("header not base64url") << QByteArray("e30+.e30.c2ln");
    QTest::newRow("claims an array") << QByteArray("e30.W10.c2ln");
}

void JwtTest::parseRejectsMalformedTokens()
{
    QFETCH(QByteArray, token);
    QVERIFY(!Jwt::parse(token));
}

QTEST_GUILESS_MAIN(JwtTest)
#include "JwtTest.moc"
