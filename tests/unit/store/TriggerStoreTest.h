#pragma once

#include "TestDatabase.h"
#include "TestResults.h"
#include "store/TriggerStateRepository.h"
#include "trigger/TriggerRule.h"
#include "util/Clock.h"

#include <QObject>
#include <QTest>

#include <memory>

/// The trigger stores (rules, and the trigger role's state) against a fresh, migrated database per test, on
/// SQLite or (VESTNIK_TEST_DIALECT=postgres) on the real PostgreSQL.
class TriggerStoreTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // TriggerStoreTestRules.cpp
    void ruleRoundTripsEveryField();
    void ruleWithoutOptionsRoundTrips();
    void ruleRefusedAtCreate_data();
    void ruleRefusedAtCreate();
    void ruleRefusedAtUpdateKeepsTheStoredRule_data();
    void ruleRefusedAtUpdateKeepsTheStoredRule();
    void ruleUpdateReplacesAndKeepsCreationTime();
    void ruleSetEnabledSwitchesOnlyThat();
    void ruleUnknownIdIsNotFound();
    void ruleRemoveTakesOnlyThatRule();
    void ruleRevisionChangesOnEveryChange();
    void ruleRevisionChangesWhenTheClockGoesBack();

    // TriggerStoreTestState.cpp
    void commitCreatesUsersAndSumsActivity();
    void commitAddsActivityToStoredRows();
    void commitMergesAttributesIntoStoredOnes();
    void commitCreatesUsersNamedOnlyByAttributes();
    void commitRecordsEventFieldsOnce();
    void commitKeepsTheFirstJobsOfAnEvent();
    void processedJobsInChunks();
    void firesSinceListsLaterFiringsOfTheUsers();
    void claimDueTakesOnlyDueSendsInOrder();
    void claimDueRespectsTheLease();
    void removeScheduledTakesOnlyThoseKeys();
    void forgetTakesOnlyOlderRows();
    void commitIsAllOrNothing_data();
    void commitIsAllOrNothing();
    void commitKeepsAwkwardTextsAsTheyAre();
    void commitIsOneRequestOnPostgres();

private:
    const vestnik::Database &db() const { return m_test->database(); }
    /// The first column of the first row of a raw query, for checks below the repositories.
    QVariant scalar(const QString &sql, const QVariantList &values = {}) const;
    /// A rule that can be saved: its template ("cart-reminder") and app ("shop") exist.
    static vestnik::TriggerRule rule(const QString &name = QStringLiteral("Дорогая корзина"));
    static vestnik::TriggerStateRepository::Scheduled scheduled(const QString &key, qint64 dueAtMs);

    std::unique_ptr<vestnik::test::TestDatabase> m_test;
    vestnik::ManualClock m_clock;
};
