#include "IdentityServiceTest.h"
#include "security/Jwt.h"

#include <QJsonArray>

using namespace vestnik;
using identitytest::claimsOf;

namespace {

const QStringList kOrdersScopes{QStringLiteral("events:write"), QStringLiteral("devices:read")};

} // namespace

void IdentityServiceTest::clientCredentialsIssueAScopedToken()
{
    Result<IssuedClient> issued = service().createClient(QStringLiteral("Orders service"), kOrdersScopes);
    VT_OK(issued);
    QCOMPARE(issued->clientSecret.size(), 43); // 32 bytes, base64url
    QVERIFY(!issued->client.id.isEmpty());
    QCOMPARE(issued->client.scopes, kOrdersScopes);

    IdentityService::Grant grant = service().clientCredentials(issued->client.id, issued->clientSecret, {});
    QVERIFY2(grant.hasValue(), grant ? "" : qPrintable(grant.error().description));
    QCOMPARE(grant->scopes, kOrdersScopes); // nothing requested: everything the client has
    QCOMPARE(grant->expiresIn, 900);
    QVERIFY(grant->refreshToken.isEmpty()); // RFC 6749 4.4.3: no refresh token for client credentials

    Result<Jwt> jwt = m_issuer->verify(grant->accessToken);
    VT_OK(jwt);
    QCOMPARE(jwt->stringClaim(QStringLiteral("sub")), issued->client.id);
    QCOMPARE(jwt->scopes(), kOrdersScopes);
    QVERIFY(!jwt->claims().contains(QStringLiteral("role")));

    const QJsonObject response = grant->toJson();
    QCOMPARE(response.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
    QCOMPARE(response.value(QStringLiteral("access_token")).toString().toLatin1(), grant->accessToken);
    QCOMPARE(response.value(QStringLiteral("expires_in")).toInteger(), 900);
    QCOMPARE(response.value(QStringLiteral("scope")).toString(), QStringLiteral("events:write devices:read"));
    QVERIFY(!response.contains(QStringLiteral("refresh_token")));
}

void IdentityServiceTest::clientCredentialsRequestASubsetOfScopes()
{
    Result<IssuedClient> issued = service().createClient(QStringLiteral("Orders service"), kOrdersScopes);
    VT_OK(issued);
    IdentityService::Grant grant = service().clientCredentials(
        issued->client.id, issued->clientSecret, {QStringLiteral("devices:read"), QStringLiteral("devices:read")});
    QVERIFY(grant.hasValue());
    QCOMPARE(grant->scopes, QStringList{QStringLiteral("devices:read")});
    QCOMPARE(claimsOf(grant->accessToken).value(QStringLiteral("scope")).toString(), QStringLiteral("devices:read"));
}

void IdentityServiceTest::clientCredentialsWrongSecretIsInvalidClient_data()
{
    QTest::addColumn<bool>("knownId");
    QTest::addColumn<QString>("secret"); // "*" stands for the client's real secret
    QTest::newRow("wrong secret") << true << QStringLiteral("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    QTest::newRow("secret with one character more") << true << QStringLiteral("*x");
    QTest::newRow("empty secret") << true << QString();
    QTest::newRow("unknown client, real secret") << false << QStringLiteral("*");
}

void IdentityServiceTest::clientCredentialsWrongSecretIsInvalidClient()
{
    QFETCH(bool, knownId);
    QFETCH(QString, secret);
    Result<IssuedClient> issued = service().createClient(QStringLiteral("Orders service"), kOrdersScopes);
    VT_OK(issued);
    secret.replace(QStringLiteral("*"), issued->clientSecret);
    const QString id = knownId ? issued->client.id : QStringLiteral("no-such-client");
    IdentityService::Grant grant = service().clientCredentials(id, secret, {}, QStringLiteral("198.51.100.7"));
    QVERIFY(!grant.hasValue());
    QCOMPARE(grant.error().code(), QStringLiteral("invalid_client"));
    QCOMPARE(grant.error().httpStatus(), 401);
    if (!secret.isEmpty()) {
        QCOMPARE(auditedActions(), QStringList{QStringLiteral("client.authentication_failed")});
        QCOMPARE(scalar(QStringLiteral("SELECT remote_address FROM audit_log")).toString(),
                 QStringLiteral("198.51.100.7"));
    }
}

void IdentityServiceTest::clientCredentialsDisabledClientIsUnauthorized()
{
    Result<IssuedClient> issued = service().createClient(QStringLiteral("Orders service"), kOrdersScopes);
    VT_OK(issued);
    VT_OK(service().disableClient(issued->client.id));
    IdentityService::Grant grant = service().clientCredentials(issued->client.id, issued->clientSecret, {});
    QVERIFY(!grant.hasValue());
    QCOMPARE(grant.error().code(), QStringLiteral("unauthorized_client"));
    QCOMPARE(grant.error().httpStatus(), 400);
    VT_FAILS_WITH(service().disableClient(QStringLiteral("no-such-client")), ErrorCode::NotFound);
}

void IdentityServiceTest::clientCredentialsScopeOutsideTheClientIsInvalidScope_data()
{
    QTest::addColumn<QStringList>("requested");
    QTest::newRow("a known scope the client lacks") << QStringList{QStringLiteral("devices:write")};
    QTest::newRow("one of two outside") << QStringList{QStringLiteral("events:write"), QStringLiteral("track:write")};
    QTest::newRow("unknown scope") << QStringList{QStringLiteral("admin")};
    QTest::newRow("scope with different case") << QStringList{QStringLiteral("Events:Write")};
}

void IdentityServiceTest::clientCredentialsScopeOutsideTheClientIsInvalidScope()
{
    QFETCH(QStringList, requested);
    Result<IssuedClient> issued = service().createClient(QStringLiteral("Orders service"), kOrdersScopes);
    VT_OK(issued);
    IdentityService::Grant grant = service().clientCredentials(issued->client.id, issued->clientSecret, requested);
    QVERIFY(!grant.hasValue());
    QCOMPARE(grant.error().code(), QStringLiteral("invalid_scope"));
    QCOMPARE(grant.error().httpStatus(), 400);
}

void IdentityServiceTest::createClientRefusesBadInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("scopes");
    QTest::addColumn<QString>("message");
    QTest::newRow("no name") << QStringLiteral("  ") << QStringList{QStringLiteral("events:write")}
                             << QStringLiteral("a client needs a name");
    QTest::newRow("name too long") << QString(201, QLatin1Char('n')) << QStringList{QStringLiteral("events:write")}
                                   << QStringLiteral("a client needs a name");
    QTest::newRow("no scope") << QStringLiteral("Orders") << QStringList{}
                              << QStringLiteral("a client needs at least one scope");
    QTest::newRow("unknown scope") << QStringLiteral("Orders")
                                   << QStringList{QStringLiteral("events:write"), QStringLiteral("everything")}
                                   << QStringLiteral("unknown scope 'everything'");
}

void IdentityServiceTest::createClientRefusesBadInput()
{
    QFETCH(QString, name);
    QFETCH(QStringList, scopes);
    QFETCH(QString, message);
    Result<IssuedClient> issued = service().createClient(name, scopes);
    VT_FAILS_WITH(issued, ErrorCode::InvalidArgument);
    QVERIFY2(issued.error().message.startsWith(message), qPrintable(issued.error().message));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM api_clients")).toInt(), 0);
}

void IdentityServiceTest::listClientsShowsNoSecrets()
{
    Result<IssuedClient> orders = service().createClient(QStringLiteral("Orders"), kOrdersScopes);
    m_clock.advance(std::chrono::seconds(5));
    Result<IssuedClient> tracker = service().createClient(QStringLiteral("Tracker"), {QStringLiteral("track:write")});
    VT_OK(orders);
    VT_OK(tracker);
    VT_OK(service().disableClient(tracker->client.id));
    Result<QList<ApiClientRecord>> clients = service().listClients();
    VT_OK(clients);
    QCOMPARE(clients->size(), 2);
    QCOMPARE(clients->at(0).name, QStringLiteral("Orders"));
    QCOMPARE(clients->at(0).scopes, kOrdersScopes);
    QCOMPARE(clients->at(0).createdAtMs, m_clock.nowMs() - 5000);
    QVERIFY(!clients->at(0).isDisabled());
    QCOMPARE(clients->at(1).name, QStringLiteral("Tracker"));
    QCOMPARE(clients->at(1).disabledAtMs, m_clock.nowMs());
    // Two clients never share an id or a secret.
    QVERIFY(orders->client.id != tracker->client.id);
    QVERIFY(orders->clientSecret != tracker->clientSecret);
}

void IdentityServiceTest::oauthErrorsAnswerAsRfc6749Says()
{
    const OAuthError error{OAuthError::Kind::InvalidScope, QStringLiteral("scope 'x' is not granted")};
    QCOMPARE(error.toJson(),
             (QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid_scope")},
                          {QStringLiteral("error_description"), QStringLiteral("scope 'x' is not granted")}}));
    QCOMPARE((OAuthError{OAuthError::Kind::InvalidGrant, QString()}.httpStatus()), 400);
    QCOMPARE((OAuthError{OAuthError::Kind::InvalidRequest, QString()}.code()), QStringLiteral("invalid_request"));
    QCOMPARE((OAuthError{OAuthError::Kind::ServerError, QString()}.httpStatus()), 500);
}
