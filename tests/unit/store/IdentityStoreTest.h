#pragma once

#include "TestDatabase.h"
#include "TestResults.h"
#include "security/Sealer.h"
#include "util/Clock.h"

#include <QObject>
#include <QTest>

#include <memory>
#include <optional>

/// The identity repositories of schema 7 (service clients, console users, refresh tokens, signing keys, the
/// audit log) against a fresh, migrated database per test, on SQLite or (VESTNIK_TEST_DIALECT=postgres) on the
/// real PostgreSQL.
class IdentityStoreTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // IdentityStoreTest.cpp
    void schemaSevenCreatesTheIdentityTables();
    void apiClientRoundTripAndDisable();
    void apiClientIdIsUnique();
    void consoleUserRoundTripAndChanges();
    void consoleUserRoleIsCheckedByTheSchema();
    void consoleUserFailedLoginsLockAtTheLimit();
    void refreshTokenRotatesOnce();
    void refreshTokenFamilyAndLoginRevocation();
    void refreshTokenRemoveExpired();
    void signingKeyRoundTripSealedAndRetired();
    void signingKeyDoesNotOpenInAnotherRow();

    // IdentityStoreTestAudit.cpp
    void auditAppendRoundTrips();
    void auditFiltersCombine_data();
    void auditFiltersCombine();
    void auditPagesNewestFirstWithoutGapsOrRepeats();
    void auditPagingIsStableWhileAppending();
    void auditRefusesBadPagesAndEntries_data();
    void auditRefusesBadPagesAndEntries();

private:
    const vestnik::Database &db() const { return m_test->database(); }
    const vestnik::Sealer &sealer() const { return *m_sealer; }
    QVariant scalar(const QString &sql, const QVariantList &values = {}) const;
    /// Appends the audit fixture used by the filter tests.
    void appendAuditFixture();

    std::unique_ptr<vestnik::test::TestDatabase> m_test;
    vestnik::ManualClock m_clock;
    std::optional<vestnik::Sealer> m_sealer;
};
