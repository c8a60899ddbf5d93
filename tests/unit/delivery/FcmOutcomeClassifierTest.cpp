#include "delivery/FcmOutcomeClassifier.h"

#include "DeliveryTestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

using namespace vestnik;

namespace {

// An FCM error body as PROVIDERS.md 1.5 shows it: google.rpc.Status wrapped in "error".
QByteArray errorBody(int code, const QString &status, const QString &message, const QJsonArray &details = {})
{
    QJsonObject error{
        {QStringLiteral("code"), code}, {QStringLiteral("message"), message}, {QStringLiteral("status"), status}};
    if (!details.isEmpty())
        error.insert(QStringLiteral("details"), details);
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

QJsonObject fcmError(const QString &errorCode)
{
    return {{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.firebase.fcm.v1.FcmError")},
            {QStringLiteral("errorCode"), errorCode}};
}

QJsonObject badRequest(const QString &field, const QString &description)
{
    const QJsonObject violation{{QStringLiteral("field"), field}, {QStringLiteral("description"), description}};
    return {{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.BadRequest")},
            {QStringLiteral("fieldViolations"), QJsonArray{violation}}};
}

QJsonObject apnsError(int statusCode, const QString &reason)
{
    return {{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.firebase.fcm.v1.ApnsError")},
            {QStringLiteral("status_code"), statusCode},
            {QStringLiteral("reason"), reason}};
}

QJsonObject quotaFailure(const QString &subject)
{
    const QJsonObject violation{{QStringLiteral("subject"), subject},
                                {QStringLiteral("description"), QStringLiteral("rate exceeded")}};
    return {{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.QuotaFailure")},
            {QStringLiteral("violations"), QJsonArray{violation}}};
}

const QString kInvalidArgument = QStringLiteral("Request contains an invalid argument.");

} // namespace

class FcmOutcomeClassifierTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classify_data();
    void classify();
    void acceptedCarriesMessageId();
    void documentedUnregisteredExample();
    void retryAfterIsKept_data();
    void retryAfterIsKept();
};

void FcmOutcomeClassifierTest::classify_data()
{
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<OutcomeClass>("outcomeClass");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<int>("minimumDelaySeconds"); // -1: none
    QTest::addColumn<QString>("messageContains");

    using C = OutcomeClass;
    // Every row of PROVIDERS.md's FCM table (1.5), each with and without its FcmError detail where both
    // occur, plus the front end's answers that carry no FcmError.
    QTest::newRow("400 INVALID_ARGUMENT, too big (no details)")
        << 400 << errorBody(400, QStringLiteral("INVALID_ARGUMENT"), kInvalidArgument) << C::PermanentFailure
        << QStringLiteral("fcm.INVALID_ARGUMENT") << -1 << kInvalidArgument;
    QTest::newRow("400 INVALID_ARGUMENT, FcmError, bad data value")
        << 400
        << errorBody(400, QStringLiteral("INVALID_ARGUMENT"),
                     QStringLiteral("Invalid value at 'message.data[0].value' (TYPE_STRING), 12"),
                     {fcmError(QStringLiteral("INVALID_ARGUMENT")),
                      badRequest(QStringLiteral("message.data[0].value"), QStringLiteral("Invalid value"))})
        << C::PermanentFailure << QStringLiteral("fcm.INVALID_ARGUMENT") << -1
        << QStringLiteral("field message.data[0].value");
    QTest::newRow("400 INVALID_ARGUMENT, bad token")
        << 400
        << errorBody(400, QStringLiteral("INVALID_ARGUMENT"), kInvalidArgument,
                     {fcmError(QStringLiteral("INVALID_ARGUMENT")),
                      badRequest(QStringLiteral("message.token"), QStringLiteral("Invalid registration token"))})
        << C::InvalidToken << QStringLiteral("fcm.INVALID_ARGUMENT") << -1 << QStringLiteral("field message.token");
    QTest::newRow("400 INVALID_ARGUMENT, bad token, details in the other order")
        << 400
        << errorBody(400, QStringLiteral("INVALID_ARGUMENT"), kInvalidArgument,
                     {badRequest(QStringLiteral("message.token"), QStringLiteral("Invalid registration token")),
                      fcmError(QStringLiteral("INVALID_ARGUMENT"))})
        << C::InvalidToken << QStringLiteral("fcm.INVALID_ARGUMENT") << -1 << QStringLiteral("field message.token");
    QTest::newRow("400 INVALID_ARGUMENT, no target")
        << 400
        << errorBody(400, QStringLiteral("INVALID_ARGUMENT"), QStringLiteral("Recipient of the message is not set."))
        << C::PermanentFailure << QStringLiteral("fcm.INVALID_ARGUMENT") << -1
        << QStringLiteral("Recipient of the message is not set.");
    QTest::newRow("400 unknown JSON field")
        << 400
        << errorBody(
               400, QStringLiteral("INVALID_ARGUMENT"),
               QStringLiteral("Invalid JSON payload received. Unknown name \"x\" at 'message': Cannot find field."))
        << C::PermanentFailure << QStringLiteral("fcm.INVALID_ARGUMENT") << -1 << QStringLiteral("Unknown name");
    QTest::newRow("401 THIRD_PARTY_AUTH_ERROR")
        << 401
        << errorBody(401, QStringLiteral("UNAUTHENTICATED"), QStringLiteral("Auth error from APNS or Web Push Service"),
                     {fcmError(QStringLiteral("THIRD_PARTY_AUTH_ERROR")),
                      apnsError(403, QStringLiteral("InvalidProviderToken"))})
        << C::CredentialsProblem << QStringLiteral("fcm.THIRD_PARTY_AUTH_ERROR") << -1
        << QStringLiteral("APNs answered 403 InvalidProviderToken");
    QTest::newRow("401 APNS_AUTH_ERROR (the old name)")
        << 401
        << errorBody(401, QStringLiteral("UNAUTHENTICATED"), QStringLiteral("Auth error from APNS"),
                     {fcmError(QStringLiteral("APNS_AUTH_ERROR"))})
        << C::CredentialsProblem << QStringLiteral("fcm.THIRD_PARTY_AUTH_ERROR") << -1 << QStringLiteral("Auth error");
    QTest::newRow("401 UNAUTHENTICATED, expired OAuth token (no FcmError)")
        << 401
        << errorBody(401, QStringLiteral("UNAUTHENTICATED"),
                     QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 access token, "
                                    "login cookie or other valid authentication credential."))
        << C::CredentialsProblem << QStringLiteral("fcm.UNAUTHENTICATED") << -1 << QStringLiteral("OAuth 2");
    QTest::newRow("403 SENDER_ID_MISMATCH")
        << 403
        << errorBody(403, QStringLiteral("PERMISSION_DENIED"), QStringLiteral("SenderId mismatch"),
                     {fcmError(QStringLiteral("SENDER_ID_MISMATCH"))})
        << C::InvalidToken << QStringLiteral("fcm.SENDER_ID_MISMATCH") << -1 << QStringLiteral("SenderId mismatch");
    QTest::newRow("403 PERMISSION_DENIED (no FcmError)")
        << 403
        << errorBody(403, QStringLiteral("PERMISSION_DENIED"),
                     QStringLiteral("Permission 'cloudmessaging.messages.create' denied"))
        << C::CredentialsProblem << QStringLiteral("fcm.PERMISSION_DENIED") << -1 << QStringLiteral("denied");
    QTest::newRow("404 UNREGISTERED") << 404
                                      << errorBody(404, QStringLiteral("NOT_FOUND"),
                                                   QStringLiteral("Requested entity was not found."),
                                                   {fcmError(QStringLiteral("UNREGISTERED"))})
                                      << C::InvalidToken << QStringLiteral("fcm.UNREGISTERED") << -1
                                      << QStringLiteral("not found");
    QTest::newRow("404 NOT_FOUND without FcmError (unknown project)")
        << 404 << errorBody(404, QStringLiteral("NOT_FOUND"), QStringLiteral("Requested entity was not found."))
        << C::PermanentFailure << QStringLiteral("fcm.NOT_FOUND") << -1 << QStringLiteral("not found");
    QTest::newRow("429 QUOTA_EXCEEDED") << 429
                                        << errorBody(429, QStringLiteral("RESOURCE_EXHAUSTED"),
                                                     QStringLiteral("Quota exceeded."),
                                                     {quotaFailure(QStringLiteral("project")),
                                                      fcmError(QStringLiteral("QUOTA_EXCEEDED"))})
                                        << C::Retry << QStringLiteral("fcm.QUOTA_EXCEEDED") << 60
                                        << QStringLiteral("quota project");
    QTest::newRow("429 RESOURCE_EXHAUSTED (no FcmError)")
        << 429 << errorBody(429, QStringLiteral("RESOURCE_EXHAUSTED"), QStringLiteral("Quota exceeded.")) << C::Retry
        << QStringLiteral("fcm.RESOURCE_EXHAUSTED") << 60 << QStringLiteral("Quota exceeded.");
    QTest::newRow("500 INTERNAL") << 500
                                  << errorBody(500, QStringLiteral("INTERNAL"),
                                               QStringLiteral("Internal error encountered."),
                                               {fcmError(QStringLiteral("INTERNAL"))})
                                  << C::Retry << QStringLiteral("fcm.INTERNAL") << -1
                                  << QStringLiteral("Internal error encountered.");
    QTest::newRow("500 INTERNAL (no FcmError)")
        << 500 << errorBody(500, QStringLiteral("INTERNAL"), QStringLiteral("Internal error encountered.")) << C::Retry
        << QStringLiteral("fcm.INTERNAL") << -1 << QStringLiteral("Internal error encountered.");
    QTest::newRow("503 UNAVAILABLE") << 503
                                     << errorBody(503, QStringLiteral("UNAVAILABLE"),
                                                  QStringLiteral("The service is currently unavailable."),
                                                  {fcmError(QStringLiteral("UNAVAILABLE"))})
                                     << C::Retry << QStringLiteral("fcm.UNAVAILABLE") << -1
                                     << QStringLiteral("unavailable");
    QTest::newRow("UNSPECIFIED_ERROR with a 400: nothing to retry")
        << 400
        << errorBody(400, QStringLiteral("INVALID_ARGUMENT"), QStringLiteral("?"),
                     {fcmError(QStringLiteral("UNSPECIFIED_ERROR"))})
        << C::PermanentFailure << QStringLiteral("fcm.UNSPECIFIED_ERROR") << -1 << QStringLiteral("?");
    QTest::newRow("UNSPECIFIED_ERROR with a 503: the status decides")
        << 503
        << errorBody(503, QStringLiteral("UNAVAILABLE"), QStringLiteral("?"),
                     {fcmError(QStringLiteral("UNSPECIFIED_ERROR"))})
        << C::Retry << QStringLiteral("fcm.UNSPECIFIED_ERROR") << -1 << QStringLiteral("?");
    QTest::newRow("UNSPECIFIED_ERROR without a status: the HTTP status decides")
        << 500 << errorBody(500, QString(), QStringLiteral("?"), {fcmError(QStringLiteral("UNSPECIFIED_ERROR"))})
        << C::Retry << QStringLiteral("fcm.UNSPECIFIED_ERROR") << -1 << QStringLiteral("?");
    QTest::newRow("a code this build does not know, 503")
        << 503
        << errorBody(503, QStringLiteral("UNAVAILABLE"), QStringLiteral("new"), {fcmError(QStringLiteral("BRAND_NEW"))})
        << C::Retry << QStringLiteral("fcm.BRAND_NEW") << -1 << QStringLiteral("new");
    QTest::newRow("502 Google HTML page")
        << 502 << QByteArray("<!DOCTYPE html><html lang=en><title>Error 502 (Server Error)!!1</title></html>")
        << C::Retry << QStringLiteral("fcm.http_502") << -1 << QStringLiteral("HTTP 502");
    QTest::newRow("429 from a proxy, empty body")
        << 429 << QByteArray() << C::Retry << QStringLiteral("fcm.http_429") << 60 << QStringLiteral("HTTP 429");
    QTest::newRow("401 from a proxy, empty body") << 401 << QByteArray() << C::CredentialsProblem
                                                  << QStringLiteral("fcm.http_401") << -1 << QStringLiteral("HTTP 401");
    QTest::newRow("413 from a proxy, empty body") << 413 << QByteArray() << C::PermanentFailure
                                                  << QStringLiteral("fcm.http_413") << -1 << QStringLiteral("HTTP 413");
}

void FcmOutcomeClassifierTest::classify()
{
    QFETCH(int, httpStatus);
    QFETCH(QByteArray, body);
    QFETCH(OutcomeClass, outcomeClass);
    QFETCH(QString, reason);
    QFETCH(int, minimumDelaySeconds);
    QFETCH(QString, messageContains);

    const ProviderOutcome outcome = FcmOutcomeClassifier::classify(httpStatus, {}, body);
    QCOMPARE(outcome.outcomeClass, outcomeClass);
    QCOMPARE(outcome.reason, reason);
    QCOMPARE(outcome.httpStatus, httpStatus);
    QVERIFY2(outcome.message.contains(messageContains), qPrintable(outcome.message));
    if (minimumDelaySeconds < 0)
        QVERIFY(!outcome.minimumRetryDelay.has_value());
    else
        QCOMPARE(outcome.minimumRetryDelay, std::optional(std::chrono::seconds(minimumDelaySeconds)));
    QVERIFY(!outcome.invalidatedAtMs.has_value()); // FCM never says when a token died
    QVERIFY(outcome.providerMessageId.isEmpty());
}

void FcmOutcomeClassifierTest::acceptedCarriesMessageId()
{
    const ProviderOutcome outcome = FcmOutcomeClassifier::classify(
        200, {{QByteArray("content-type"), QByteArray("application/json; charset=UTF-8")}},
        QByteArray(R"({"name":"projects/shop-1/messages/0:1500415314455276%31bd1c9631bd1c96"})"));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::Accepted);
    QCOMPARE(outcome.reason, QStringLiteral("fcm.accepted"));
    QCOMPARE(outcome.providerMessageId, QStringLiteral("projects/shop-1/messages/0:1500415314455276%31bd1c9631bd1c96"));
    QVERIFY(outcome.isAccepted());
}

void FcmOutcomeClassifierTest::documentedUnregisteredExample()
{
    // Verbatim from PROVIDERS.md 1.5.
    const QByteArray body =
        R"({ "error": { "code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
  "details": [ { "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED" } ] } })";
    const ProviderOutcome outcome = FcmOutcomeClassifier::classify(404, {}, body);
    QCOMPARE(outcome.outcomeClass, OutcomeClass::InvalidToken);
    QCOMPARE(outcome.reason, QStringLiteral("fcm.UNREGISTERED"));
    QCOMPARE(outcome.message, QStringLiteral("Requested entity was not found."));
}

void FcmOutcomeClassifierTest::retryAfterIsKept_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("notBeforeMs"); // for a response received at 1,000,000 ms; -1: none kept

    QTest::newRow("seconds") << QByteArray("retry-after") << QByteArray("30") << qint64(1'030'000);
    QTest::newRow("HTTP/1.1 spelling") << QByteArray("Retry-After") << QByteArray("7") << qint64(1'007'000);
    QTest::newRow("HTTP date") << QByteArray("retry-after") << QByteArray("Thu, 01 Jan 1970 00:20:00 GMT")
                               << qint64(1'200'000);
    QTest::newRow("garbage is ignored") << QByteArray("retry-after") << QByteArray("soon") << qint64(-1);
    QTest::newRow("other headers are not it") << QByteArray("x-retry-after") << QByteArray("30") << qint64(-1);
}

void FcmOutcomeClassifierTest::retryAfterIsKept()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(qint64, notBeforeMs);
    const ProviderOutcome outcome = FcmOutcomeClassifier::classify(
        503, {{QByteArray("content-type"), QByteArray("application/json")}, {name, value}},
        errorBody(503, QStringLiteral("UNAVAILABLE"), QStringLiteral("The service is currently unavailable.")));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::Retry);
    if (notBeforeMs < 0) {
        QVERIFY(!outcome.retryAfter.has_value());
        return;
    }
    QVERIFY(outcome.retryAfter.has_value());
    QCOMPARE(outcome.retryAfter->notBeforeMs(1'000'000), notBeforeMs);
}

QTEST_GUILESS_MAIN(FcmOutcomeClassifierTest)
#include "FcmOutcomeClassifierTest.moc"
