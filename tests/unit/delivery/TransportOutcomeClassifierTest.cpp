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

    // Every failure the transport reports is worth another try; only the reason differs.
    QTest::newRow("timeout") << TransportError::Timeout << QStringLiteral("network.timeout");
    QTest::newRow("connection lost") << TransportError::ConnectionLost << QStringLiteral("network.connection_lost");
    QTest::newRow("no connection (DNS, TCP, TLS)") << TransportError::Connect << QStringLiteral("network.connect");
    QTest::newRow("refused stream") << TransportError::Refused << QStringLiteral("network.refused_stream");
    QTest::newRow("GOAWAY, unprocessed") << TransportError::Unprocessed << QStringLiteral("network.unprocessed");
    QTest::newRow("protocol error") << TransportError::Protocol << QStringLiteral("network.protocol");
    QTest::newRow("none: a caller bug, still not a lost push")
        << TransportError::None << QStringLiteral("network.none");
}

void TransportOutcomeClassifierTest::classify()
{
    QFETCH(TransportError, error);
    QFETCH(QString, reason);

    const ProviderOutcome outcome =
        TransportOutcomeClassifier::classify(error, QStringLiteral("Remote host closed the connection"));
    QCOMPARE(outcome.outcomeClass, OutcomeClass::Retry);
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
