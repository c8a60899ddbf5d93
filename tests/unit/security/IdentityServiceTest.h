#pragma once

#include "TestDatabase.h"
#include "TestResults.h"
#include "security/IdentityService.h"
#include "security/PasswordHasher.h"
#include "security/Sealer.h"
#include "security/TokenIssuer.h"
#include "util/Clock.h"

#include <QObject>
#include <QTest>

#include <memory>
#include <optional>

/// The identity logic over a real store: the client-credentials grant, console logins with lockout, refresh
/// token rotation, administration, and what ends up in the tables. A fresh database per test: SQLite, or
/// (VESTNIK_TEST_DIALECT=postgres) the real PostgreSQL.
class IdentityServiceTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // IdentityServiceTestClients.cpp
    void clientCredentialsIssueAScopedToken();
    void clientCredentialsRequestASubsetOfScopes();
    void clientCredentialsWrongSecretIsInvalidClient_data();
    void clientCredentialsWrongSecretIsInvalidClient();
    void clientCredentialsDisabledClientIsUnauthorized();
    void clientCredentialsScopeOutsideTheClientIsInvalidScope_data();
    void clientCredentialsScopeOutsideTheClientIsInvalidScope();
    void createClientRefusesBadInput_data();
    void createClientRefusesBadInput();
    void listClientsShowsNoSecrets();
    void oauthErrorsAnswerAsRfc6749Says();

    // IdentityServiceTestLogins.cpp
    void loginIssuesARoleTokenAndARefreshToken();
    void loginWithWrongPasswordIsRefused();
    void loginLocksAfterRepeatedFailuresAndUnlocksLater();
    void successfulLoginResetsTheFailureCount();
    void unknownLoginIsRefusedLikeAWrongPassword_data();
    void unknownLoginIsRefusedLikeAWrongPassword();
    void loginNamesAreCaseInsensitive();
    void loginUpgradesAnOutdatedHash();
    void refreshRotatesTheToken();
    void reusedRefreshTokenRevokesTheSession();
    void refreshTokenExpires();
    void logoutEndsTheSession();

    // IdentityServiceTestAccounts.cpp
    void createUserRefusesBadInput_data();
    void createUserRefusesBadInput();
    void setPasswordEndsSessions();
    void setRoleTakesEffectAtRefresh();
    void disabledUserCannotLoginOrRefresh();
    void lastAdminCannotBeDisabledOrDemoted();
    void bootstrapAdminOnlyOnAnEmptyStore();
    void listUsersShowsNoHashes();
    void nothingSecretIsStoredInTheClear();

private:
    const vestnik::Database &db() const { return m_test->database(); }
    vestnik::IdentityService &service() { return *m_service; }
    QVariant scalar(const QString &sql, const QVariantList &values = {}) const;
    /// Every byte the store holds for the identity tables: the SQLite file with its WAL, or every column of
    /// every row on PostgreSQL.
    QByteArray storedBytes() const;
    /// Creates "alice" (marketer) with kPassword.
    void createAlice();
    /// Logs alice in and returns the grant's refresh token.
    QString loginAlice();
    /// The actions in the audit log, oldest first.
    QStringList auditedActions() const;

    std::unique_ptr<vestnik::test::TestDatabase> m_test;
    vestnik::ManualClock m_clock;
    std::optional<vestnik::Sealer> m_sealer;
    std::unique_ptr<vestnik::PasswordHasher> m_hasher;
    std::unique_ptr<vestnik::TokenIssuer> m_issuer;
    std::unique_ptr<vestnik::IdentityService> m_service;
};

namespace identitytest {

inline const QString kPassword = QStringLiteral("correct horse battery staple");

/// A JWT's claims without verifying it (the tests verify separately).
QJsonObject claimsOf(const QByteArray &token);

} // namespace identitytest
