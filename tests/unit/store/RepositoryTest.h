#pragma once

#include "TestDatabase.h"
#include "TestResults.h"
#include "model/Delivery.h"
#include "model/DeliveryStatus.h"
#include "security/Sealer.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QObject>
#include <QTest>

#include <memory>
#include <optional>

/// The repository suite: every repository of shared/store against a fresh database per test, on SQLite
/// or (VESTNIK_TEST_DIALECT=postgres) on the real PostgreSQL.
class RepositoryTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // RepositoryTestMigrator.cpp: tests named migrator* start from an empty, unmigrated database.
    void migratorBringsFreshDatabaseToLatest();
    void migratorSecondRunAppliesNothing();
    void migratorRefusesNewerSchema();
    void migratorDialectsHaveTheSameVersions();
    void migratorSplitsStatements_data();
    void migratorSplitsStatements();

    // RepositoryTestUsers.cpp
    void userRoundTripsUnicodeAttributes();
    void userUpsertReplacesButKeepsCreationTime();
    void userFindUnknownIsEmpty();
    void userRemoveTakesActivityAndDevicesAlong();
    void activityCountsAndMinMax_data();
    void activityCountsAndMinMax();
    void activityCreatesBareUserOnlyWhenMissing();
    void activityForUserListsOnlyThatUser();
    void activityRejectsNonPositiveCount();
    void userFindManyInChunks();
    void userForgetRemovesEverythingOfTheUser();

    // RepositoryTestApps.cpp
    void appUpsertRenamesAndKeepsCreationTime();
    void credentialIsStoredSealed();
    void credentialIsReplacedPerProvider();
    void credentialForUnknownAppIsNotFound();
    void credentialDoesNotOpenWithAnotherKeyOrInAnotherRow();

    // RepositoryTestDevices.cpp
    void deviceTokenIsStoredSealed();
    void deviceReRegistrationKeepsIdAndMovesUser();
    void deviceSameTokenInTwoAppsIsTwoDevices();
    void deviceRegistrationForUnknownAppIsNotFound();
    void deviceDeactivate();
    void deviceApnsInvalidationRule_data();
    void deviceApnsInvalidationRule();
    void deviceActiveForUsersInChunks();
    void deviceActiveWithUsersReadsBothInOneQueryPerChunk();
    void deviceUpdateChangesTokenKeepingId();

    // RepositoryTestTemplates.cpp
    void templateVersionsAreNumberedFromOne();
    void templateContentRoundTripsUnicode();
    void templateVersionsArePerTemplate();
    void templateConcurrentSavesGetDistinctNumbers();
    void templateUnknownIsEmpty();

    // RepositoryTestDeliveries.cpp
    void deliveryBatchInsertIsIdempotent();
    void deliveryLargeBatch();
    void deliveryDuplicateWithinBatchCountsOnce();
    void deliveryStatusSetsItsTimestamp_data();
    void deliveryStatusSetsItsTimestamp();
    void deliveryTimestampsFirstTimeWins();
    void deliveryStatusNeverMovesBack();
    void deliveryTrailInRecordedOrder();
    void deliveryForUserPagesNewestFirst();
    void deliveryUnknownNotificationIsNotFound();
    void deliveryRetrySchedulingAndDue();
    void deliveryCountsByStatusPerCampaign();

    // RepositoryTestSending.cpp: send jobs, claims at insert, sent reports in batches
    void deliveryJobAndDeadlineRoundTrip();
    void deliveryInsertAndClaimStoresJobsAndClaimsNewRows();
    void deliveryInsertAndClaimRepeatedJobClaimsOnlyQueued();
    void deliveryInsertAndClaimManyRowsAndJobs();
    void deliveryInsertAndClaimIsAllOrNothing();
    void deliveryInsertAndClaimIsOneRequestOnPostgres();
    void deliverySentBatchIsOneRequestOnPostgres();
    void keptStatementsFollowTheTablesGrowth();
    void deliverySentBatchRecordsAndReleasesClaims();
    void deliverySentBatchMatchesRecordSent_data();
    void deliverySentBatchMatchesRecordSent();
    void deliverySentBatchManyRows();
    void deliveryExpiredClaimIsHandedOutAgain();
    void deliveryExpiredClaimIsNotTakenByARepeatedJob();
    void deliveryClaimOrderMixesRetriesAndExpiredLeases();

    // RepositoryTestTrail.cpp: the trail read from delivery rows and from stored entries
    void trailOfTheUsualPathStoresNoEntries();
    void trailFromRowMatchesStoredTrail_data();
    void trailFromRowMatchesStoredTrail();
    void trailKeepsFirstSentDetailAfterALaterReport();
    void trailSentBatchWithTheSameRowTwice();
    void trailOfRowFromBeforeSchema6();

    // RepositoryTestStats.cpp: the per-minute delivery statistics, a delivery's rule, user attribute keys
    void statsCountEachDeliveryOnce();
    void statsCountFailuresByCause();
    void statsFollowTheMinuteOfEachChange();
    void statsFilterByTemplateAndRule();
    void statsBeforeACutOffAreForgotten();

    // RepositoryTestStatements.cpp: statements kept prepared on a connection across units of work
    void statementsStayPreparedAcrossUnitsOfWork();
    void nestedUnitsOfWorkDoNotShareAStatement();
    void finishedUnitOfWorkHoldsNoRead();
    void reopenedConnectionPreparesAgain();
    void lookUpsOfEveryLengthShareAFewStatements();
    void templateVersionLookUpsStayPrepared();
    void deliveryRuleIdRoundTrips();
    void userAttributeKeysComeFromTheRecentUsers();

private:
    const vestnik::Database &db() const { return m_test->database(); }
    vestnik::Dialect dialect() const { return db().dialect(); }
    const vestnik::Sealer &sealer() const { return *m_sealer; }
    /// Creates app "shop" (most device tests need one).
    void createApp(const QString &id = QStringLiteral("shop"));
    /// The first column of the first row of a raw query, for checks below the repositories.
    QVariant scalar(const QString &sql, const QVariantList &values = {}) const;
    /// Every column of the rows a raw query returns, as bytes.
    QByteArrayList rawColumns(const QString &sql, const QVariantList &values = {}) const;
    /// The delivery's current status; Dismissed (which no test here records) when there is no such delivery.
    vestnik::DeliveryStatus statusOf(const QString &notificationId) const;
    static vestnik::Delivery delivery(const QString &notificationId, const QString &campaignId = QString());

    std::unique_ptr<vestnik::test::TestDatabase> m_test;
    vestnik::ManualClock m_clock;
    std::optional<vestnik::Sealer> m_sealer;
};
