#include "util/LogHandler.h"

#include "util/Clock.h"
#include "util/Logging.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace vestnik;

namespace {

// Realistic shapes of the credentials that must never reach a log line.
const QString kApnsToken = QStringLiteral("7a3f1c9e0b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f2a");
const QString kFcmToken = QStringLiteral(
    "fGx1Yz2aQk6:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx-Jo7Cq4pbY2yW0OS35IlDsXjS5AJ0QTBWLf1Cm4hMJH9hYmDzs1s_x"
    "Ej2Kl9wQ7cRrV3mN8");
const QString kJwt =
    QStringLiteral("eyJhbGciOiJFUzI1NiIsImtpZCI6IkFCQzEyMyJ9.eyJpc3MiOiJERUYxMjMiLCJpYXQiOjE3MDAwMDAwMDB9.MEUCIQDx7fQ");

} // namespace

class LogHandlerTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redacts_data();
    void redacts();
    void writesOneJsonObjectPerLine();
    void textFormat();
    void registeredSecretsAreHidden();
    void ordinaryTextIsKept();
};

void LogHandlerTest::redacts_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("message");

    QTest::newRow("apns token") << kApnsToken << QStringLiteral("sending to device %1 now").arg(kApnsToken);
    QTest::newRow("apns token upper") << kApnsToken.toUpper() << QStringLiteral("token=%1").arg(kApnsToken.toUpper());
    QTest::newRow("fcm token") << kFcmToken << QStringLiteral("{\"token\":\"%1\"}").arg(kFcmToken);
    QTest::newRow("jwt") << kJwt << QStringLiteral("authorization: bearer %1").arg(kJwt);
    QTest::newRow("bearer") << QStringLiteral("ya29.c.b0AXv0zTOpaqueAccessToken")
                            << QStringLiteral("Authorization: Bearer ya29.c.b0AXv0zTOpaqueAccessToken");
}

void LogHandlerTest::redacts()
{
    QFETCH(QString, secret);
    QFETCH(QString, message);

    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const ManualClock clock;
    {
        LogHandler handler(LogHandler::Format::Json, &buffer, clock);
        handler.install();
        qCInfo(lcDelivery).noquote() << message;
        qCWarning(lcProvider) << message; // quoted, as QDebug writes it by default
    }
    const QByteArray out = buffer.data();
    QVERIFY2(!out.isEmpty(), "nothing was written");
    QVERIFY2(!out.contains(secret.toUtf8()), out.constData());
    // not even a large piece of it
    QVERIFY2(!out.contains(secret.left(24).toUtf8()), out.constData());
    QVERIFY(out.contains(Redactor::placeholder().toUtf8()));
}

void LogHandlerTest::writesOneJsonObjectPerLine()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const ManualClock clock(1'767'225'600'123);
    {
        LogHandler handler(LogHandler::Format::Json, &buffer, clock);
        handler.install();
        qCInfo(lcStore).noquote() << "first \"quoted\" line\nwith a newline";
        qCWarning(lcBus).noquote() << "второе сообщение";
    }
    const QList<QByteArray> lines = buffer.data().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QJsonParseError error;
    const QJsonObject first = QJsonDocument::fromJson(lines.at(0), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(first.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
    QCOMPARE(first.value(QStringLiteral("category")).toString(), QStringLiteral("vestnik.store"));
    QCOMPARE(first.value(QStringLiteral("msg")).toString(), QStringLiteral("first \"quoted\" line\nwith a newline"));
    QCOMPARE(first.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-01-01T00:00:00.123Z"));
    const QJsonObject second = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(second.value(QStringLiteral("level")).toString(), QStringLiteral("warning"));
    QCOMPARE(second.value(QStringLiteral("msg")).toString(), QStringLiteral("второе сообщение"));
}

void LogHandlerTest::textFormat()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const ManualClock clock;
    {
        LogHandler handler(LogHandler::Format::Text, &buffer, clock);
        handler.install();
        qCInfo(lcWorker).noquote() << "started with" << kApnsToken;
    }
    const QString line = QString::fromUtf8(buffer.data()).trimmed();
    QCOMPARE(line, QStringLiteral("2026-01-01T00:00:00.000Z info vestnik.worker: started with [redacted]"));
}

void LogHandlerTest::registeredSecretsAreHidden()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    const ManualClock clock;
    {
        LogHandler handler(LogHandler::Format::Json, &buffer, clock);
        handler.redactor().addSecret(QStringLiteral("hunter2-db-pass"));
        handler.install();
        qCWarning(lcStore) << "cannot log in with password hunter2-db-pass";
    }
    QVERIFY(!buffer.data().contains("hunter2"));
    QVERIFY(buffer.data().contains("[redacted]"));
}

void LogHandlerTest::ordinaryTextIsKept()
{
    const Redactor redactor;
    const QString text = QStringLiteral("delivery ord-2024-11-27:user-42:device-7 sent in 12 ms, "
                                        "notification 3f2a9c1e, user Иван");
    QCOMPARE(redactor.redact(text), text);
}

QTEST_GUILESS_MAIN(LogHandlerTest)
#include "LogHandlerTest.moc"
