#include "security/TrackingToken.h"

#include "TestResults.h"
#include "security/Sealer.h"

#include <QRegularExpression>
#include <QTest>
#include <QtEndian>

using namespace vestnik;

class TrackingTokenTest final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issuedTokenVerifies();
    void tokenIsCompactAndUrlSafe();
    void boundToNotificationAndDevice();
    void expiresAtItsExpiry();
    void everyAlteredCharacterIsRefused();
    void alteredFieldsAreBadSignatures_data();
    void alteredFieldsAreBadSignatures();
    void forgedWithoutTheKey();
    void otherKeys();
    void rotatedKeysStillVerify();
    void derivedFromTheSealingKeys();
    void malformedTokens_data();
    void malformedTokens();
    void badIssueArguments();
    void badKeys();

private:
    static TrackingToken tokens(const QByteArray &key, const QString &id = QStringLiteral("k1"));
};

namespace {

const QString kNotification = QStringLiteral("n0123456789abcdef0123456789abcdef");
constexpr qint64 kDevice = 42;
const QDateTime kNow = QDateTime::fromSecsSinceEpoch(1'767'225'600, Qt::UTC); // 2026-01-01T00:00:00Z
const QDateTime kExpiry = kNow.addDays(7);

QByteArray decode(const QString &token)
{
    return QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding);
}

QString encode(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

TrackingTokenFailure failureOf(const Result<void, TrackingTokenError> &verified)
{
    return verified.hasValue() ? TrackingTokenFailure(-1) : verified.error().failure;
}

} // namespace

TrackingToken TrackingTokenTest::tokens(const QByteArray &key, const QString &id)
{
    Result<TrackingToken> made = TrackingToken::fromKeys({TrackingToken::Key{id, key}});
    if (!made)
        qFatal("%s", qPrintable(made.error().message));
    return *made;
}

void TrackingTokenTest::issuedTokenVerifies()
{
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    Result<QString> token = signer.issue(kNotification, kDevice, kExpiry);
    VT_OK(token);
    QVERIFY(signer.verify(*token, kNotification, kDevice, kNow).hasValue());
    // another instance with the same key (another worker) verifies it too
    QVERIFY(tokens(QByteArray(32, 'a')).verify(*token, kNotification, kDevice, kNow).hasValue());
    // the HMAC covers the token: issuing twice gives the same token (no randomness to leak or to vary)
    QCOMPARE(*signer.issue(kNotification, kDevice, kExpiry), *token);
}

void TrackingTokenTest::tokenIsCompactAndUrlSafe()
{
    const QString token = *tokens(QByteArray(32, 'a')).issue(kNotification, kDevice, kExpiry);
    static const QRegularExpression urlSafe(QStringLiteral("^[A-Za-z0-9_-]+$"));
    QVERIFY2(urlSafe.match(token).hasMatch(), qPrintable(token));
    QVERIFY2(token.size() <= 130, qPrintable(QString::number(token.size()))); // it rides in every push payload
}

void TrackingTokenTest::boundToNotificationAndDevice()
{
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    const QString token = *signer.issue(kNotification, kDevice, kExpiry);
    const QString otherNotification = QStringLiteral("n0123456789abcdef0123456789abcdee");
    Result<void, TrackingTokenError> wrongNotification = signer.verify(token, otherNotification, kDevice, kNow);
    QCOMPARE(failureOf(wrongNotification), TrackingTokenFailure::WrongNotification);
    QCOMPARE(failureOf(signer.verify(token, kNotification, kDevice + 1, kNow)), TrackingTokenFailure::WrongDevice);
    // a token of another notification and device, both genuine: swapped between the two, each is refused
    const QString other = *signer.issue(otherNotification, 7, kExpiry);
    QCOMPARE(failureOf(signer.verify(other, kNotification, kDevice, kNow)), TrackingTokenFailure::WrongNotification);
    QCOMPARE(failureOf(signer.verify(other, otherNotification, kDevice, kNow)), TrackingTokenFailure::WrongDevice);
    QVERIFY(signer.verify(other, otherNotification, 7, kNow).hasValue());
    // messages say what is wrong without quoting the token
    QVERIFY(!wrongNotification.error().message.contains(token));
    QCOMPARE(trackingTokenFailureName(TrackingTokenFailure::WrongNotification), QStringLiteral("wrong_notification"));
}

void TrackingTokenTest::expiresAtItsExpiry()
{
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    const QString token = *signer.issue(kNotification, kDevice, kExpiry);
    QVERIFY(signer.verify(token, kNotification, kDevice, kExpiry.addMSecs(-1)).hasValue());
    QCOMPARE(failureOf(signer.verify(token, kNotification, kDevice, kExpiry)), TrackingTokenFailure::Expired);
    QCOMPARE(failureOf(signer.verify(token, kNotification, kDevice, kExpiry.addYears(1))),
             TrackingTokenFailure::Expired);
    QCOMPARE(failureOf(signer.verify(token, kNotification, kDevice, QDateTime())), TrackingTokenFailure::Expired);
    // expiry is checked after the binding: a stale token of another device says so
    QCOMPARE(failureOf(signer.verify(token, kNotification, 1, kExpiry)), TrackingTokenFailure::WrongDevice);
}

void TrackingTokenTest::everyAlteredCharacterIsRefused()
{
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    const QString token = *signer.issue(kNotification, kDevice, kExpiry);
    const QString alphabet = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    for (qsizetype i = 0; i < token.size(); ++i) {
        QString altered = token;
        altered[i] = alphabet.at((alphabet.indexOf(token.at(i)) + 1) % alphabet.size());
        QVERIFY2(!signer.verify(altered, kNotification, kDevice, kNow).hasValue(),
                 qPrintable(QStringLiteral("a change at character %1 was accepted").arg(i)));
    }
}

void TrackingTokenTest::alteredFieldsAreBadSignatures_data()
{
    // Byte offsets in the decoded token of key id "k1": version 0, key id length 1, key id 2-3, device id 4-11,
    // expiry 12-19, notification id length 20, notification id 21-53, MAC 54-85.
    QTest::addColumn<int>("offset");
    QTest::addColumn<QString>("what");
    QTest::newRow("device id") << 11 << QStringLiteral("device");
    QTest::newRow("expiry") << 19 << QStringLiteral("expiry");
    QTest::newRow("notification id") << 53 << QStringLiteral("notification");
    QTest::newRow("MAC") << 85 << QStringLiteral("mac");
}

void TrackingTokenTest::alteredFieldsAreBadSignatures()
{
    QFETCH(int, offset);
    QFETCH(QString, what);
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    QByteArray bytes = decode(*signer.issue(kNotification, kDevice, kExpiry));
    QCOMPARE(bytes.size(), 86);
    QString notification = kNotification;
    qint64 device = kDevice;
    // the attacker changes a field to what the request will claim, e.g. another device or a later expiry
    if (what == QStringLiteral("device")) {
        bytes[offset] = char(bytes.at(offset) + 1);
        device = qFromBigEndian<qint64>(bytes.constData() + 4);
    } else if (what == QStringLiteral("notification")) {
        bytes[offset] = 'e';
        notification = QString::fromLatin1(bytes.mid(21, 33));
    } else {
        bytes[offset] = char(bytes.at(offset) ^ 0x01);
    }
    QCOMPARE(failureOf(signer.verify(encode(bytes), notification, device, kNow)), TrackingTokenFailure::BadSignature);
}

void TrackingTokenTest::forgedWithoutTheKey()
{
    // Built by the rules of the format, signed with a key of the attacker's under the real key id.
    const QString forged = *tokens(QByteArray(32, 'x')).issue(kNotification, kDevice, kExpiry);
    QCOMPARE(failureOf(tokens(QByteArray(32, 'a')).verify(forged, kNotification, kDevice, kNow)),
             TrackingTokenFailure::BadSignature);
    // the MAC of an all-zero key or an empty MAC does not pass either
    QByteArray bytes = decode(forged);
    bytes.replace(bytes.size() - 32, 32, QByteArray(32, '\0'));
    QCOMPARE(failureOf(tokens(QByteArray(32, 'a')).verify(encode(bytes), kNotification, kDevice, kNow)),
             TrackingTokenFailure::BadSignature);
}

void TrackingTokenTest::otherKeys()
{
    const QString token = *tokens(QByteArray(32, 'a'), QStringLiteral("old")).issue(kNotification, kDevice, kExpiry);
    Result<void, TrackingTokenError> unknown =
        tokens(QByteArray(32, 'b'), QStringLiteral("new")).verify(token, kNotification, kDevice, kNow);
    QCOMPARE(failureOf(unknown), TrackingTokenFailure::UnknownKey);
    QVERIFY2(unknown.error().message.contains(QStringLiteral("old")), qPrintable(unknown.error().message));
}

void TrackingTokenTest::rotatedKeysStillVerify()
{
    const QString oldToken = *tokens(QByteArray(32, 'a'), QStringLiteral("old")).issue(kNotification, kDevice, kExpiry);
    Result<TrackingToken> rotated =
        TrackingToken::fromKeys({TrackingToken::Key{QStringLiteral("new"), QByteArray(32, 'b')},
                                 TrackingToken::Key{QStringLiteral("old"), QByteArray(32, 'a')}});
    VT_OK(rotated);
    QCOMPARE(rotated->keyId(), QStringLiteral("new"));
    QVERIFY(rotated->verify(oldToken, kNotification, kDevice, kNow).hasValue());
    const QString newToken = *rotated->issue(kNotification, kDevice, kExpiry);
    QCOMPARE(
        failureOf(tokens(QByteArray(32, 'a'), QStringLiteral("old")).verify(newToken, kNotification, kDevice, kNow)),
        TrackingTokenFailure::UnknownKey);
}

void TrackingTokenTest::derivedFromTheSealingKeys()
{
    Result<Sealer> oldSealer = Sealer::fromKey(QByteArray(32, 'a'));
    VT_OK(oldSealer);
    Result<TrackingToken> oldTokens = TrackingToken::fromSealer(*oldSealer);
    VT_OK(oldTokens);
    const QString token = *oldTokens->issue(kNotification, kDevice, kExpiry);
    // the token names a key of its own, not the sealing key's id
    QVERIFY(oldTokens->keyId() != oldSealer->keyId());
    QVERIFY(!decode(token).contains(oldSealer->keyId().toLatin1()));

    // a second worker with the same sealing key verifies it
    QVERIFY(TrackingToken::fromSealer(*Sealer::fromKey(QByteArray(32, 'a')))
                ->verify(token, kNotification, kDevice, kNow)
                .hasValue());
    // after the sealing key is rotated (the old one retired), old tokens still verify and new ones use the new key
    Result<Sealer> rotated = Sealer::fromKey(QByteArray(32, 'b'));
    VT_OK(rotated->addRetiredKey(QByteArray(32, 'a')));
    Result<TrackingToken> rotatedTokens = TrackingToken::fromSealer(*rotated);
    VT_OK(rotatedTokens);
    QVERIFY(rotatedTokens->verify(token, kNotification, kDevice, kNow).hasValue());
    QVERIFY(rotatedTokens->keyId() != oldTokens->keyId());
    // a worker with another sealing key does not know the key
    QCOMPARE(failureOf(TrackingToken::fromSealer(*Sealer::fromKey(QByteArray(32, 'c')))
                           ->verify(token, kNotification, kDevice, kNow)),
             TrackingTokenFailure::UnknownKey);
}

void TrackingTokenTest::malformedTokens_data()
{
    const QString good = *tokens(QByteArray(32, 'a')).issue(kNotification, kDevice, kExpiry);
    const QByteArray bytes = decode(good);
    QTest::addColumn<QString>("token");
    QTest::newRow("empty") << QString();
    QTest::newRow("not base64url") << QStringLiteral("abc$def");
    QTest::newRow("standard base64") << good.left(10) + QLatin1Char('+') + good.mid(11);
    QTest::newRow("padded") << good + QStringLiteral("==");
    QTest::newRow("whitespace") << good + QLatin1Char(' ');
    QTest::newRow("too short") << encode(bytes.left(40));
    QTest::newRow("one byte missing") << encode(bytes.left(bytes.size() - 1));
    QTest::newRow("trailing byte") << encode(bytes + 'x');
    QTest::newRow("too long") << QString(600, QLatin1Char('A'));
    QTest::newRow("version 2") << encode(QByteArray(1, '\x02') + bytes.mid(1));
    QTest::newRow("version 0") << encode(QByteArray(1, '\0') + bytes.mid(1));
    QByteArray noKeyId = bytes;
    noKeyId[1] = '\0';
    QTest::newRow("empty key id") << encode(noKeyId);
    QByteArray longNotification = bytes;
    longNotification[20] = char(200);
    QTest::newRow("notification id past the end") << encode(longNotification);
    // 86 bytes encode to 115 characters whose last one carries 2 unused bits: another spelling of the same bytes
    QString nonCanonical = good;
    const QString alphabet = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    nonCanonical.back() = alphabet.at(alphabet.indexOf(good.back()) ^ 1);
    QVERIFY(nonCanonical != good);
    QTest::newRow("non-canonical spelling") << nonCanonical;
}

void TrackingTokenTest::malformedTokens()
{
    QFETCH(QString, token);
    Result<void, TrackingTokenError> verified = tokens(QByteArray(32, 'a')).verify(token, kNotification, kDevice, kNow);
    QCOMPARE(failureOf(verified), TrackingTokenFailure::Malformed);
    QVERIFY(verified.error().message.startsWith(QStringLiteral("malformed tracking token")));
}

void TrackingTokenTest::badIssueArguments()
{
    const TrackingToken signer = tokens(QByteArray(32, 'a'));
    VT_FAILS_WITH(signer.issue(QString(), kDevice, kExpiry), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(signer.issue(QString(256, QLatin1Char('n')), kDevice, kExpiry), ErrorCode::InvalidArgument);
    VT_OK(signer.issue(QString(255, QLatin1Char('n')), kDevice, kExpiry));
    VT_FAILS_WITH(signer.issue(kNotification, kDevice, QDateTime()), ErrorCode::InvalidArgument);
}

void TrackingTokenTest::badKeys()
{
    VT_FAILS_WITH(TrackingToken::fromKeys({}), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(TrackingToken::fromKeys({{QStringLiteral("k"), QByteArray(31, 'a')}}), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(TrackingToken::fromKeys({{QString(), QByteArray(32, 'a')}}), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(TrackingToken::fromKeys({{QString(33, QLatin1Char('k')), QByteArray(32, 'a')}}),
                  ErrorCode::InvalidArgument);
    VT_FAILS_WITH(TrackingToken::fromKeys({{QStringLiteral("a b"), QByteArray(32, 'a')}}), ErrorCode::InvalidArgument);
    VT_FAILS_WITH(TrackingToken::fromKeys(
                      {{QStringLiteral("k"), QByteArray(32, 'a')}, {QStringLiteral("k"), QByteArray(32, 'b')}}),
                  ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TrackingTokenTest)
#include "TrackingTokenTest.moc"
