#include "delivery/ApnsOutcomeClassifier.h"

#include "DeliveryTestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

using namespace vestnik;

namespace {

const QByteArray kApnsId("8f4b1a3e-9c2d-4e5f-a6b7-c8d9e0f1a2b3");

QByteArray reasonBody(const QString &reason)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("reason"), reason}}).toJson(QJsonDocument::Compact);
}

HttpHeaders errorHeaders()
{
    return {{QByteArray("apns-id"), kApnsId}, {QByteArray("content-type"), QByteArray("application/json")}};
}

} // namespace

class ApnsOutcomeClassifierTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyReason_data();
    void everyReason();
    void acceptedCarriesApnsId();
    void unregisteredCarriesTimestamp();
    void expiredTokenWithoutTimestamp();
    void serverErrorsWaitFifteenMinutesButShutdownDoesNot();
    void tooManyRequestsKeepsRetryAfter();
    void unknownOrMissingReasonFallsBackToStatus_data();
    void unknownOrMissingReasonFallsBackToStatus();
};

void ApnsOutcomeClassifierTest::everyReason_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<OutcomeClass>("outcomeClass");

    using C = OutcomeClass;
    struct Row {
        int status;
        const char *reason;
        OutcomeClass outcomeClass;
    };
    // PROVIDERS.md 3.4, the table row by row, then the broadcast/channel reasons below it.
    const Row rows[] = {
        {400, "BadCollapseId", C::PermanentFailure},
        {400, "BadDeviceToken", C::InvalidToken},
        {400, "BadExpirationDate", C::PermanentFailure},
        {400, "BadMessageId", C::PermanentFailure},
        {400, "BadPriority", C::PermanentFailure},
        {400, "BadTopic", C::PermanentFailure},
        {400, "DeviceTokenNotForTopic", C::InvalidToken},
        {400, "DuplicateHeaders", C::PermanentFailure},
        {400, "IdleTimeout", C::Retry},
        {400, "InvalidPushType", C::PermanentFailure},
        {400, "MissingDeviceToken", C::PermanentFailure},
        {400, "MissingTopic", C::PermanentFailure},
        {400, "PayloadEmpty", C::PermanentFailure},
        {400, "TopicDisallowed", C::PermanentFailure},
        {403, "BadCertificate", C::CredentialsProblem},
        {403, "BadCertificateEnvironment", C::CredentialsProblem},
        {403, "ExpiredProviderToken", C::CredentialsProblem},
        {403, "Forbidden", C::PermanentFailure},
        {403, "InvalidProviderToken", C::CredentialsProblem},
        {403, "MissingProviderToken", C::CredentialsProblem},
        {403, "UnrelatedKeyIdInToken", C::CredentialsProblem},
        {403, "BadEnvironmentKeyIdInToken", C::CredentialsProblem},
        {404, "BadPath", C::PermanentFailure},
        {405, "MethodNotAllowed", C::PermanentFailure},
        {410, "ExpiredToken", C::InvalidToken},
        {410, "Unregistered", C::InvalidToken},
        {413, "PayloadTooLarge", C::PermanentFailure},
        {429, "TooManyProviderTokenUpdates", C::Retry},
        {429, "TooManyRequests", C::Retry},
        {500, "InternalServerError", C::Retry},
        {503, "ServiceUnavailable", C::Retry},
        {503, "Shutdown", C::Retry},
        {400, "FeatureNotEnabled", C::PermanentFailure},
        {400, "MissingChannelId", C::PermanentFailure},
        {400, "BadChannelId", C::PermanentFailure},
        {400, "ChannelNotRegistered", C::PermanentFailure},
        {400, "BadRequestParams", C::PermanentFailure},
        {400, "BadRequestPayload", C::PermanentFailure},
        {400, "MissingPushType", C::PermanentFailure},
        {400, "CannotCreateChannelConfig", C::PermanentFailure},
        {403, "TopicMismatch", C::PermanentFailure},
    };
    for (const Row &row : rows) {
        QTest::addRow("%d %s", row.status, row.reason)
            << row.status << QString::fromLatin1(row.reason) << row.outcomeClass;
    }
}

void ApnsOutcomeClassifierTest::everyReason()
{
    QFETCH(int, httpStatus);
    QFETCH(QString, reason);
    QFETCH(OutcomeClass, outcomeClass);

    const ProviderOutcome outcome = ApnsOutcomeClassifier::classify(httpStatus, errorHeaders(), reasonBody(reason));
    QCOMPARE(outcome.outcomeClass, outcomeClass);
    QCOMPARE(outcome.reason, QStringLiteral("apns.") + reason);
    QCOMPARE(outcome.httpStatus, httpStatus);
    QCOMPARE(outcome.providerMessageId, QString::fromLatin1(kApnsId));
    // The message names the status and the reason and says what it means.
    QVERIFY2(outcome.message.startsWith(QStringLiteral("APNs %1 %2: ").arg(httpStatus).arg(reason)),
             qPrintable(outcome.message));
    QVERIFY(outcome.message.size() > QStringLiteral("APNs 400 : ").size() + reason.size());
}

void ApnsOutcomeClassifierTest::acceptedCarriesApnsId()
{
    const ProviderOutcome outcome = ApnsOutcomeClassifier::classify(
        200, {{QByteArray("apns-id"), kApnsId}, {QByteArray("apns-unique-id"), QByteArray("a1b2")}}, QByteArray());
    QCOMPARE(outcome.outcomeClass, OutcomeClass::Accepted);
    QCOMPARE(outcome.reason, QStringLiteral("apns.accepted"));
    QCOMPARE(outcome.providerMessageId, QString::fromLatin1(kApnsId));
}

void ApnsOutcomeClassifierTest::unregisteredCarriesTimestamp()
{
    const ProviderOutcome outcome = ApnsOutcomeClassifier::classify(
        410, errorHeaders(), QByteArray(R"({"reason":"Unregistered","timestamp":1767225600123})"));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::InvalidToken);
    QCOMPARE(outcome.reason, QStringLiteral("apns.Unregistered"));
    QCOMPARE(outcome.invalidatedAtMs, std::optional<qint64>(1'767'225'600'123));
}

void ApnsOutcomeClassifierTest::expiredTokenWithoutTimestamp()
{
    const ProviderOutcome outcome =
        ApnsOutcomeClassifier::classify(410, errorHeaders(), QByteArray(R"({"reason":"ExpiredToken"})"));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::InvalidToken);
    QVERIFY(!outcome.invalidatedAtMs.has_value()); // the recorder then uses the time the request went out
}

void ApnsOutcomeClassifierTest::serverErrorsWaitFifteenMinutesButShutdownDoesNot()
{
    for (const auto &[status, reason] : {std::pair(500, "InternalServerError"), std::pair(503, "ServiceUnavailable")}) {
        const ProviderOutcome outcome =
            ApnsOutcomeClassifier::classify(status, errorHeaders(), reasonBody(QString::fromLatin1(reason)));
        QCOMPARE(outcome.minimumRetryDelay, std::optional(std::chrono::seconds(15 * 60)));
    }
    const ProviderOutcome noReason = ApnsOutcomeClassifier::classify(502, {}, QByteArray("Bad Gateway"));
    QCOMPARE(noReason.outcomeClass, OutcomeClass::Retry);
    QCOMPARE(noReason.minimumRetryDelay, std::optional(std::chrono::seconds(15 * 60)));
    const ProviderOutcome shutdown =
        ApnsOutcomeClassifier::classify(503, errorHeaders(), reasonBody(QStringLiteral("Shutdown")));
    QVERIFY(!shutdown.minimumRetryDelay.has_value());
    const ProviderOutcome tooMany =
        ApnsOutcomeClassifier::classify(429, errorHeaders(), reasonBody(QStringLiteral("TooManyRequests")));
    QVERIFY(!tooMany.minimumRetryDelay.has_value());
}

void ApnsOutcomeClassifierTest::tooManyRequestsKeepsRetryAfter()
{
    HttpHeaders headers = errorHeaders();
    headers.emplace_back(QByteArray("retry-after"), QByteArray("42"));
    const ProviderOutcome outcome =
        ApnsOutcomeClassifier::classify(429, headers, reasonBody(QStringLiteral("TooManyRequests")));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::Retry);
    QVERIFY(outcome.retryAfter.has_value());
    QCOMPARE(outcome.retryAfter->notBeforeMs(5'000), qint64(47'000));
}

void ApnsOutcomeClassifierTest::unknownOrMissingReasonFallsBackToStatus_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<OutcomeClass>("outcomeClass");
    QTest::addColumn<QString>("reason");

    using C = OutcomeClass;
    QTest::newRow("400 new reason") << 400 << reasonBody(QStringLiteral("BrandNew")) << C::PermanentFailure
                                    << QStringLiteral("apns.BrandNew");
    QTest::newRow("403 new reason") << 403 << reasonBody(QStringLiteral("BrandNew")) << C::CredentialsProblem
                                    << QStringLiteral("apns.BrandNew");
    QTest::newRow("410 no body") << 410 << QByteArray() << C::InvalidToken << QStringLiteral("apns.http_410");
    QTest::newRow("429 no body") << 429 << QByteArray() << C::Retry << QStringLiteral("apns.http_429");
    QTest::newRow("500 not JSON") << 500 << QByteArray("oops") << C::Retry << QStringLiteral("apns.http_500");
    QTest::newRow("404 no body") << 404 << QByteArray() << C::PermanentFailure << QStringLiteral("apns.http_404");
}

void ApnsOutcomeClassifierTest::unknownOrMissingReasonFallsBackToStatus()
{
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, body);
    QFETCH(OutcomeClass, outcomeClass);
    QFETCH(QString, reason);
    const ProviderOutcome outcome = ApnsOutcomeClassifier::classify(httpStatus, errorHeaders(), body);
    QCOMPARE(outcome.outcomeClass, outcomeClass);
    QCOMPARE(outcome.reason, reason);
    QVERIFY2(outcome.message.contains(QString::number(httpStatus)), qPrintable(outcome.message));
}

QTEST_GUILESS_MAIN(ApnsOutcomeClassifierTest)
#include "ApnsOutcomeClassifierTest.moc"
