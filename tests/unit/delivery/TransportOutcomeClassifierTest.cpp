#include "delivery/TransportOutcomeClassifier.h"

#include "DeliveryTestSupport.h"

#include <QObject>

using namespace vestnik;

class TransportOutcomeClassifierTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classify_data();
    void classify();
};

void TransportOutcomeClassifierTest::classify_data()
{
    QTest::addColumn<TransportError>("error");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<OutcomeClass>("expected");

    // Every failure of the network is worth another try; only the reason differs. Missing credentials are not.
    const OutcomeClass retry = OutcomeClass::Retry;
    QTest::newRow("timeout") << TransportError::Timeout << QStringLiteral("network.timeout") << retry;
    QTest::newRow("connection lost") << TransportError::ConnectionLost << QStringLiteral("network.connection_lost")
                                     << retry;
    QTest::newRow("no connection (DNS, TCP, TLS)")
        << TransportError::Connect << QStringLiteral("network.connect") << retry;
    QTest::newRow("refused stream") << TransportError::Refused << QStringLiteral("network.refused_stream") << retry;
    QTest::newRow("GOAWAY, unprocessed") << TransportError::Unprocessed << QStringLiteral("network.unprocessed")
                                         << retry;
    QTest::newRow("protocol error") << TransportError::Protocol << QStringLiteral("network.protocol") << retry;
    QTest::newRow("no token could be made")
        << TransportError::Credentials << QStringLiteral("network.credentials") << OutcomeClass::CredentialsProblem;
    QTest::newRow("none: a caller bug, still not a lost push")
        << TransportError::None << QStringLiteral("network.none") << retry;
}

void TransportOutcomeClassifierTest::classify()
{
    QFETCH(TransportError, error);
    QFETCH(QString, reason);
    QFETCH(OutcomeClass, expected);

    const ProviderOutcome outcome =
        TransportOutcomeClassifier::classify(error, QStringLiteral("Remote host closed the connection"));
    QCOMPARE(outcome.outcomeClass, expected);
    QCOMPARE(outcome.reason, reason);
    QCOMPARE(outcome.httpStatus, 0);
    QVERIFY2(outcome.message.endsWith(QStringLiteral(": Remote host closed the connection")),
             qPrintable(outcome.message));
    QVERIFY(!outcome.retryAfter.has_value());
    QVERIFY(!outcome.minimumRetryDelay.has_value());

    const ProviderOutcome bare = TransportOutcomeClassifier::classify(error, QString());
    QVERIFY(!bare.message.isEmpty());
    QVERIFY(!bare.message.endsWith(QLatin1Char(' ')));
}

QTEST_GUILESS_MAIN(TransportOutcomeClassifierTest)
#include "TransportOutcomeClassifierTest.moc"
